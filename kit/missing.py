"""Kinds of missing answers, kept distinct because they mean different things.

``skipped``      skipped by the questionnaire's logic (问卷星 ``(跳过)`` / ``-3``): not asked.
``empty``        shown but left empty (问卷星 ``(空)``).
``not_ranked``   a ranking option the respondent did not rank (``-2``).
``blank``        a blank cell or ``NULL`` (blanked by the platform, or no answer recorded).
``invalid``      a value outside the question's options (the cell is set missing and the
                 response is flagged in ``Responses.quality``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KINDS", "SKIPPED", "EMPTY", "NOT_RANKED", "BLANK", "INVALID", "kinds_series"]

SKIPPED, EMPTY, NOT_RANKED, BLANK, INVALID = "skipped", "empty", "not_ranked", "blank", "invalid"
KINDS = (SKIPPED, EMPTY, NOT_RANKED, BLANK, INVALID)
_DTYPE = pd.CategoricalDtype(list(KINDS))
NONE = -1  # code for "not missing"


def kinds_series(codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Categorical Series from int8 codes into KINDS (-1 = not missing)."""
    return pd.Series(pd.Categorical.from_codes(codes, dtype=_DTYPE), index=index)


def code_of(kind: str) -> int:
    return KINDS.index(kind)
