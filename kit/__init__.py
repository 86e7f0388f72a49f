"""党建引领项目评估工具包 (dangjian-eval-kit): load, check, compute, report — reproducibly."""

from __future__ import annotations

from .errors import (EncodingError, ExportFormatError, FontError, KitError, ProjectError,
                     QuestionnaireError)
from .io import load_export
from .questionnaire import Questionnaire, load_questionnaire
from .responses import Responses

__version__ = "0.1.0"

__all__ = [
    "load_export", "load_project", "analyse_satisfaction", "load_questionnaire", "Questionnaire", "Responses",
    "KitError", "ExportFormatError", "EncodingError", "QuestionnaireError", "ProjectError",
    "FontError", "__version__",
]


def __getattr__(name: str):
    # the analyses are imported when first used: loading an export does not need them
    if name == "analyse_satisfaction":
        from .satisfaction import analyse_satisfaction

        return analyse_satisfaction
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_project(folder):
    """Read and validate a survey project folder (see :mod:`kit.project`)."""
    from .project import load_project as _lp

    return _lp(folder)
