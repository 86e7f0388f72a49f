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


def read_yaml_mapping(path: str | Path, error: type[KitError] = KitError,
                      missing: str = "文件不存在 (file not found)") -> dict:
    """A YAML file that must hold a mapping; a missing file, a syntax error (with its line) or
    another shape raises ``error`` naming the file."""
    import yaml

    path = Path(path)
    if not path.exists():
        raise error(missing, path=path)
    try:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"YAML 语法错误 ({getattr(exc, 'problem', exc)})", path=path,
                    row=mark.line + 1 if mark else None) from None
    if d is None:
        d = {}
    if not isinstance(d, dict):
        raise error("应为 YAML 映射 (expected a mapping)", path=path)
    return d
