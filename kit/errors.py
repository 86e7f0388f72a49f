"""One error hierarchy for everything the kit refuses.

Every message names the file, and where it applies the row and column, and says what was
expected, so that an evaluator can fix the input without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "KitError",
    "ExportFormatError",
    "EncodingError",
    "QuestionnaireError",
    "ProjectError",
    "FontError",
]


class KitError(Exception):
    """Base class. ``str(err)`` is a complete, user-facing sentence."""

    def __init__(self, message: str, *, path: str | Path | None = None,
                 row: int | None = None, column: str | None = None):
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        where = []
        if self.path:
            where.append(f"文件 {self.path}")
        if row is not None:
            where.append(f"第{row}行")
        if column is not None:
            where.append(f"列「{column}」")
        self.message = message
        super().__init__(("，".join(where) + "：" if where else "") + message)


class ExportFormatError(KitError):
    """The file is not a survey export the kit can read, or is damaged."""


class EncodingError(ExportFormatError):
    """A CSV whose text encoding cannot be determined."""


class QuestionnaireError(KitError):
    """The codebook (questionnaire.yml) is invalid or does not match the export."""


class ProjectError(KitError):
    """A survey project folder or its project.yml is invalid."""


class FontError(KitError):
    """No CJK font is available for charts."""
