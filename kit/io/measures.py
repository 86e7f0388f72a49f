"""Measurement and date questions (KoboToolbox integer/decimal/date fields, numbers typed
into a generic table): values as numbers or dates, never as option codes, so that a decimal
is not "outside the options"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import missing as M
from ..privacy import blank_personal_numbers
from .convert import code_kinds, text_kinds
from .model import Part
from .times import parse_times

__all__ = ["number_values", "date_values"]


def number_values(part: Part, missing_codes) -> tuple[pd.Series, np.ndarray]:
    """Float64 values and missing kinds; a cell that is not a number is invalid.

    >>> v, k = number_values(Part(header="h", pos=0, text=pd.Series(["1.5", "(跳过)", "x"])), {})
    >>> v.tolist(), [M.KINDS[i] if i >= 0 else None for i in k]
    ([1.5, <NA>, <NA>], [None, 'skipped', 'invalid'])
    """
    src = part.codes if part.codes is not None else part.text
    num, kinds, other = code_kinds(src, missing_codes)
    if other is not None:
        bad = other.notna().to_numpy()
        kinds[bad] = M.KINDS.index(M.INVALID)
    vals = blank_personal_numbers(pd.Series(num, index=src.index))
    kinds[np.isnan(vals.to_numpy(dtype="float64", na_value=np.nan)) & ~np.isnan(num)] = \
        M.KINDS.index(M.BLANK)
    return vals.astype("Float64"), kinds


def date_values(part: Part, missing_codes) -> tuple[pd.Series, np.ndarray]:
    """Dates (or date-times) as written, local clock; an unreadable cell is invalid."""
    src = part.text if part.text is not None else part.codes
    if pd.api.types.is_datetime64_any_dtype(src):
        kinds = np.where(src.isna().to_numpy(), M.KINDS.index(M.BLANK), M.NONE).astype(np.int8)
        return src, kinds
    clean, kinds = text_kinds(src, mask=False)
    times, local, _ = parse_times(clean)
    vals = local if local is not None else times
    bad = vals.isna().to_numpy() & (kinds == M.NONE)
    kinds[bad] = M.KINDS.index(M.INVALID)
    return vals, kinds
