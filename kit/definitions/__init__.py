"""Definitions: the configuration files, typed and validated completely on load.

Data flows one way: files → definitions → responses → results → renderings → commands. This
layer reads ``project.yml``, ``questionnaire.yml`` and ``method.yml`` (UTF-8 or GB18030, duplicate
keys refused, aliases limited), checks every key and value against its model, and gives one
:class:`~kit.errors.KitError` in Chinese naming the file and key path for everything it refuses.
"""

from __future__ import annotations

import importlib

# The models are built when first asked for (``from kit.definitions import ProjectSpec``):
# building them takes pydantic a quarter of a second, which loading an export with an
# inferred codebook never needs. A name's module is imported whole on first use.
_WHERE = {"Spec": "base", "config_error": "base", "key_path": "base", "suggest": "base",
          "validate": "base", "FIGURES": "figures", "TARGETS": "figures", "Figure": "figures",
          "find_figure": "figures", "MethodSpec": "method", "ProjectSpec": "project",
          "QuestionnaireSpec": "questionnaire", "read_yaml": "yamlfile"}

__all__ = ["read_yaml", "validate", "config_error", "key_path", "suggest", "Spec", "ProjectSpec",
           "QuestionnaireSpec", "MethodSpec", "FIGURES", "TARGETS", "Figure", "find_figure",
           "load_spec"]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_WHERE))


def load_spec(path, model, error, missing: str = "文件不存在", context=None):
    """Read ``path`` (YAML) and validate it against ``model``; errors are ``error``."""
    from .base import validate
    from .yamlfile import read_yaml

    return validate(model, read_yaml(path, error, missing), path, error, context=context)
