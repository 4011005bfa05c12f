"""Synthetic demo cohorts. Every figure here is made up.

One module per edition (``it_2012.py`` …) declares ``METHODOLOGY`` and
``bodies(rng, load)``; this package finds them. The figures are random from
a fixed seed, so the demo is the same on every machine.
"""

from __future__ import annotations

import random

from bagalau.engine.compiled import CompiledMethodology

SYNTHETIC_NOTE = "SYNTHETIC DEMO DATA — made-up figures, not real reports of any body"


def _generators() -> dict:
    """Every module of this package that declares METHODOLOGY and bodies()."""
    import importlib
    import pkgutil
    found = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        if hasattr(module, "METHODOLOGY") and hasattr(module, "bodies"):
            found[module.METHODOLOGY] = module
    return found


def demo_methodologies() -> list[str]:
    from bagalau.engine import catalog
    generators = _generators()
    return [edition for edition in catalog.definition_paths() if edition in generators]


def default_period(methodology) -> int:
    """A reporting year the edition was in force for."""
    from bagalau.engine.editions import edition_dates
    return edition_dates(methodology).starts.year


def cohort_document(compiled: CompiledMethodology, period: int, seed: int = 2012) -> dict:
    """A demo input document (the same shape `bagalau score` reads)."""
    from bagalau.engine import catalog
    module = _generators()[compiled.source.id]
    rng = random.Random(seed)
    bodies = module.bodies(rng, lambda profile: catalog.load(compiled.source.id, profile))
    return {"methodology": compiled.source.id, "period": period, "synthetic": SYNTHETIC_NOTE, "bodies": bodies}
