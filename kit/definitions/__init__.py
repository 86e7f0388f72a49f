"""Definitions: the configuration files, typed and validated completely on load.

Data flows one way: files → definitions → responses → results → renderings → commands. This
layer reads ``project.yml``, ``questionnaire.yml`` and ``method.yml`` (UTF-8 or GB18030, duplicate
keys refused, aliases limited), checks every key and value against its model, and gives one
:class:`~kit.errors.KitError` in Chinese naming the file and key path for everything it refuses.
"""

from __future__ import annotations

from .base import Spec, config_error, key_path, suggest, validate
from .figures import FIGURES, TARGETS, Figure, find_figure
from .method import MethodSpec
from .project import ProjectSpec
from .questionnaire import QuestionnaireSpec
from .yamlfile import read_yaml

__all__ = ["read_yaml", "validate", "config_error", "key_path", "suggest", "Spec", "ProjectSpec",
           "QuestionnaireSpec", "MethodSpec", "FIGURES", "TARGETS", "Figure", "find_figure",
           "load_spec"]


def load_spec(path, model, error, missing: str = "文件不存在", context=None):
    """Read ``path`` (YAML) and validate it against ``model``; errors are ``error``."""
    return validate(model, read_yaml(path, error, missing), path, error, context=context)
