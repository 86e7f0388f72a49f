"""Where things are. Relative paths resolve from the repository root, never the working directory."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ROOT", "resolve", "display_path"]


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


def display_path(path: str | Path) -> str:
    """How the kit shows a path: relative to the repository root when inside it, ``~/...``
    under the home folder (whose name is often the user's), else as it is.

    >>> display_path(ROOT / "surveys" / "poverty-alleviation")
    'surveys/poverty-alleviation'
    >>> display_path(Path.home() / "评估" / "x")
    '~/评估/x'
    """
    p = Path(path).expanduser()
    p = p if p.is_absolute() else ROOT / p
    for base, prefix in ((ROOT, ""), (Path.home(), "~/")):
        try:
            rel = p.relative_to(base)
        except ValueError:
            continue
        return (prefix + rel.as_posix()) if rel.parts else (prefix.rstrip("/") or ".")
    return p.as_posix()
