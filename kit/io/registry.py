"""The platform registry: one reader module per platform, one registration each.

A platform is a name, a Chinese label, a ``detect`` function that recognises the platform
from the first rows of a file, and a ``parse`` function that turns the file's table into a
:class:`~kit.io.model.ParsedExport`. Everything after that (codebook matching, missing kinds,
hashing, quality checks) is shared. This is how papermill registers its engines::

    from kit.io.registry import register_platform

    register_platform("myplatform", label="某平台", detect=detect, parse=parse)

Readers shipped with the kit live in :mod:`kit.io.platforms`; another package can add one
through the entry-point group ``dangjian_kit.platforms`` (each entry point is imported, and
registers itself when imported).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from ..errors import ExportFormatError
from .model import ParsedExport
from .table import RawTable

__all__ = ["Platform", "register_platform", "get_platform", "platform_names",
           "detect_platform", "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "dangjian_kit.platforms"


@dataclass(frozen=True)
class Platform:
    """A registered reader.

    ``detect(rows)`` receives the first rows of the file (header row first, as lists of
    strings) and says whether they are this platform's; ``None`` means the platform is never
    recognised automatically (``platform=`` names it). ``parse(table)`` receives the file read
    with ``header_rows`` header rows and returns a :class:`ParsedExport`. Platforms are tried
    in ``order`` (lower first), so a more specific layout goes before a looser one.
    """

    name: str
    label: str
    parse: Callable[[RawTable], ParsedExport]
    detect: Callable[[list[list[str]]], bool] | None = None
    header_rows: int = 1
    order: int = 100
    signature: str = ""           # what its header looks like, for the "not recognised" message


_REGISTRY: dict[str, Platform] = {}
_loaded = False
_LOADING = threading.RLock()
_LOADING_NOW: list = []  # non-empty while this lock's holder imports the readers


def register_platform(name: str, *, label: str, parse: Callable[[RawTable], ParsedExport],
                      detect: Callable[[list[list[str]]], bool] | None = None,
                      header_rows: int = 1, order: int = 100, signature: str = "") -> Platform:
    """Register (or replace) a platform reader under ``name`` and return it."""
    if not name or not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"platform name must be lower-case snake_case, got {name!r}")
    p = Platform(name=name, label=label, parse=parse, detect=detect, header_rows=header_rows,
                 order=order, signature=signature)
    _REGISTRY[name] = p
    return p


def _load() -> None:
    """Import the bundled readers once, then any installed through entry points. Two threads
    loading at once (a 按文本 file and its 按序号 twin) both wait until every reader is
    registered; an add-on that asks for a platform while loading is answered from what is
    registered so far (the lock is re-entrant)."""
    global _loaded
    if _loaded:
        return
    with _LOADING:
        if _loaded or _LOADING_NOW:
            return
        _LOADING_NOW.append(True)
        try:
            from . import platforms  # noqa: F401  (each module registers itself)

            from importlib.metadata import entry_points

            for ep in entry_points(group=ENTRY_POINT_GROUP):
                try:
                    ep.load()
                except Exception as exc:  # a broken add-on must not stop the bundled readers
                    import warnings

                    warnings.warn(f"问卷平台扩展「{ep.name}」无法加载，已跳过 (platform add-on "
                                  f"{ep.value!r} failed to load: {type(exc).__name__}: {exc})",
                                  stacklevel=2)
            _loaded = True
        finally:
            _LOADING_NOW.clear()


def _all() -> list[Platform]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda p: (p.order, p.name))


def platform_names() -> tuple[str, ...]:
    """Names of the registered platforms, in detection order."""
    return tuple(p.name for p in _all())


def get_platform(name: str) -> Platform:
    """The platform registered under ``name``; a clear error naming the known ones if none."""
    _load()
    if name not in _REGISTRY:
        raise ExportFormatError(
            f"未知的问卷平台「{name}」，可用的有：{'、'.join(platform_names())} "
            f"(unknown platform {name!r})")
    return _REGISTRY[name]


def detect_platform(rows: list[list[str]]) -> str | None:
    """The first registered platform whose ``detect`` recognises these rows, else None."""
    for p in _all():
        if p.detect is not None and p.detect(rows):
            return p.name
    return None


def signatures() -> str:
    """What each recognisable platform's header looks like (for error messages)."""
    return "；".join(f"{p.label}（{p.signature}）" for p in _all() if p.detect and p.signature)
