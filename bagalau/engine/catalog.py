"""The methodology editions shipped with Bagalau, found by id or by path."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from bagalau.engine.compiled import CompiledMethodology, DefinitionError
from bagalau.engine.definition import Methodology, read_yaml
from bagalau.engine.editions import EditionInForce, in_force
from bagalau.engine.validation import check_file

METHODOLOGY_DIR = Path(__file__).parent.parent / "methodologies"


def definition_paths() -> dict[str, Path]:
    """Edition id -> definition file, for every file in the methodologies folder."""
    return {path.stem: path for path in sorted(METHODOLOGY_DIR.glob("*.yaml"))}


def resolve_path(id_or_path: str) -> Path:
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    paths = definition_paths()
    if id_or_path not in paths:
        raise KeyError(f"unknown methodology '{id_or_path}'; known: {', '.join(paths) or 'none'}")
    return paths[id_or_path]


@lru_cache(maxsize=64)
def _load(path: str, stamp: tuple, profile: str | None) -> CompiledMethodology:
    compiled, problems = check_file(path)
    if problems:
        raise DefinitionError([(p.path, p.message) for p in problems])
    if profile is not None or compiled.source.profiles:
        compiled = CompiledMethodology(compiled.source, profile)
        if compiled.problems:
            raise DefinitionError(compiled.problems)
    return compiled


def _stamp() -> tuple:
    """Modification times of every shipped file: an overlay depends on its bases."""
    return tuple(p.stat().st_mtime_ns for p in definition_paths().values())


def load(id_or_path: str, profile: str | None = None) -> CompiledMethodology:
    """A checked, compiled edition (overlays resolved), for one profile;
    raises KeyError or DefinitionError."""
    path = resolve_path(id_or_path)
    return _load(str(path), (path.stat().st_mtime_ns, _stamp()), profile)


def methodology(id_or_path: str) -> Methodology:
    """The resolved definition, before profiles are applied."""
    return load(id_or_path).source


@lru_cache(maxsize=64)
def _note(path: str, stamp: int) -> str | None:
    note = read_yaml(Path(path)).get("note")
    return note if isinstance(note, str) and note.strip() else None


def edition_note(id_or_path: str) -> str | None:
    """The ``note`` an amending act's file gives about itself (what the
    amendment changed and what it leaves out), or None. It is the edition's
    own: it is not inherited by later amendments and not part of the
    resolved definition (nor of its content hash)."""
    path = resolve_path(id_or_path)
    return _note(str(path), path.stat().st_mtime_ns)


def _declared_family(path: Path) -> str | None:
    """The family a file declares, read without validating it (a broken
    edition of one family must not hide the others)."""
    try:
        return str(read_yaml(path).get("family"))
    except Exception:  # noqa: BLE001 - an unreadable file belongs to no family
        return None


def family_editions(family: str) -> list[Methodology]:
    return [methodology(edition_id) for edition_id, path in definition_paths().items()
            if _declared_family(path) == family]


def families() -> list[str]:
    return sorted({f for f in (_declared_family(p) for p in definition_paths().values()) if f})


def edition_in_force(family: str, on: date) -> tuple[Methodology, EditionInForce] | None:
    editions = family_editions(family)
    if not editions:
        raise KeyError(f"unknown family '{family}'; known: {', '.join(families())}")
    return in_force(editions, on)
