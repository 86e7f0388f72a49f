"""One error hierarchy for everything the kit refuses.

Every message names the file, and where it applies the row and column, and says what was
expected, so that an evaluator can fix the input without reading a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "KitError",
    "ExportFormatError",
    "EncodingError",
    "QuestionnaireError",
    "ProjectError",
    "FontError",
    "NotebookError",
    "kit_error_names",
    "chinese_only",
    "where_prefix",
]

# an English gloss for developers after a Chinese message: " (personal columns hashed)"; a
# single word in brackets is kept (it is usually a value to type: 题型为单选题 (single))
_GLOSS = re.compile(r"\s*\((?:[A-Za-z][A-Za-z0-9,;/'_.-]*)(?: [A-Za-z0-9,;:/'_.%=<>+-]+)+\)(:?)\s*")


def chinese_only(text: str) -> str:
    """A message as an evaluator reads it: without an English gloss.

    >>> chinese_only("个人信息列已加盐哈希（原值不保留）(personal columns hashed): 来自IP→ip_hash")
    '个人信息列已加盐哈希（原值不保留）：来自IP→ip_hash'
    >>> chinese_only("第74列没有题号，按无题号题目读取 (unnumbered column read as a question)")
    '第74列没有题号，按无题号题目读取'
    >>> chinese_only("未能检查“答题用时过短” (no durations: the speeder check was not made)")
    '未能检查“答题用时过短”'
    >>> chinese_only("扣分须写明原因 (every lost point needs a reason)；见第3行")
    '扣分须写明原因；见第3行'
    >>> chinese_only("题型为单选题 (single)，或写 (role: overall)")
    '题型为单选题 (single)，或写 (role: overall)'
    """
    return _GLOSS.sub(lambda m: "：" if m.group(1) else "", text).strip()


class KitError(Exception):
    """Base class. ``str(err)`` is a complete, user-facing sentence."""

    def __init__(self, message: str, *, path: str | Path | None = None,
                 row: int | None = None, column: str | None = None):
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.message = message = chinese_only(message)
        super().__init__(where_prefix(self.path, row, column) + message)


def where_prefix(path: str | Path | None = None, row: int | None = None, column: str | None = None) -> str:
    """「文件 x.xlsx，第3行，列「Q1」：」 before a message, or "" when nothing is known.

    The file is shown inside the kit's folder relative to it and under the home folder as ~/…: a
    home folder is often named after its user, and messages are copied into e-mails and logs.
    """
    where = []
    if path:
        from kit.paths import display_path

        where.append(f"文件 {display_path(path)}")
    if row is not None:
        where.append(f"第{row}行")
    if column is not None:
        where.append(f"列「{column}」")
    return "，".join(where) + "：" if where else ""


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


class NotebookError(KitError):
    """A KitError raised inside a notebook run by ``kit report``: its message as raised."""

    def __init__(self, message: str, *, notebook: str | None = None):
        self.notebook = notebook
        super().__init__(message + (f"\n（出错的笔记本：notebooks/{notebook}.ipynb）" if notebook else ""))


def kit_error_names() -> set[str]:
    """Class names of every KitError subclass in the kit (imports the kit's modules, so that
    subclasses defined in analysis modules are known)."""
    import importlib
    import pkgutil

    import kit

    for mod in pkgutil.walk_packages(kit.__path__, "kit."):
        if not mod.name.endswith(("conftest", "__main__")):
            importlib.import_module(mod.name)
    names, todo = set(), [KitError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def read_yaml_mapping(path: str | Path, error: type[KitError] = KitError,
                      missing: str = "文件不存在") -> dict:
    """A YAML file that must hold a mapping (see :func:`kit.definitions.read_yaml`: UTF-8 or
    GB18030, duplicate keys refused, aliases limited); any problem raises ``error`` naming the
    file. Configuration files are better read through their models (:mod:`kit.definitions`)."""
    from .definitions.base import type_name
    from .definitions.yamlfile import not_a_mapping_hint, read_yaml

    d = read_yaml(path, error, missing)
    if d is None:
        d = {}
    if not isinstance(d, dict):
        raise error(f"应为“键: 值”的映射，实为{type_name(d)}{not_a_mapping_hint(Path(path))}", path=path)
    return d
