"""Where things are. Relative paths resolve from the repository root, never the working directory."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ROOT", "resolve"]


def _find_root() -> Path:
    here = Path(__file__).resolve().parent
    for cand in (here.parent, *here.parents):
        if (cand / "pyproject.toml").exists() and (cand / "kit").is_dir():
            return cand
    return Path.cwd()


ROOT = _find_root()


def resolve(path: str | Path) -> Path:
    """An absolute path as given; a relative one from the repository root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (ROOT / p)
