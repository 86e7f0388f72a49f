"""Saving Office files: deterministic bytes, written under a temporary name and renamed, so
that a reader never sees half a file and an interrupted run leaves the old file intact."""

from __future__ import annotations

from pathlib import Path

from ..ooxml import FIXED_TIME, normalise_zip

__all__ = ["save_docx", "save_xlsx"]

AUTHOR = "dangjian-eval-kit"


def _atomic(path: Path, write) -> Path:
    """Through :mod:`kit.atomic`, the one writer of outputs (temporary name, rename, journal)."""
    from ..atomic import atomic_path

    with atomic_path(path) as tmp:
        write(tmp)
        normalise_zip(tmp)
    return Path(path)


def save_docx(doc, path: str | Path, title: str) -> Path:
    """A python-docx document with fixed core properties (author, title, times, revision)."""
    cp = doc.core_properties
    cp.author = cp.last_modified_by = AUTHOR
    cp.title = title
    cp.language = "zh-CN"
    cp.created = cp.modified = FIXED_TIME
    cp.revision = 1
    return _atomic(Path(path), lambda p: doc.save(p))


def save_xlsx(wb, path: str | Path, title: str = "") -> Path:
    """An openpyxl workbook with fixed properties."""
    wb.properties.creator = wb.properties.lastModifiedBy = AUTHOR
    wb.properties.title = title or None
    wb.properties.language = "zh-CN"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    return _atomic(Path(path), lambda p: wb.save(p))
