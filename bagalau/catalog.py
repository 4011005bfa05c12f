"""The methodology editions shipped with Bagalau, found by id or by path."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .compiled import CompiledMethodology, DefinitionError
from .validation import check_file

METHODOLOGY_DIR = Path(__file__).parent / "methodologies"


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


@lru_cache(maxsize=32)
def _load(path: str, mtime: float) -> CompiledMethodology:
    compiled, problems = check_file(path)
    if problems:
        raise DefinitionError([(p.path, p.message) for p in problems])
    return compiled


def load(id_or_path: str) -> CompiledMethodology:
    """A checked, compiled methodology; raises KeyError or DefinitionError."""
    path = resolve_path(id_or_path)
    return _load(str(path), path.stat().st_mtime)
