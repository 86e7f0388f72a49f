"""Fieldwork checks per enumerator (KoboToolbox / ODK face-to-face surveys).

``username``, ``deviceid`` and the like are loaded as hashes (``enumerator_hash``,
``device_hash``): they say who interviewed on which phone, so they are checked per enumerator,
never used to drop responses as duplicates. These tables show how many interviews each
enumerator did, on how many days, the most in one day, and how many were too fast.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import KitError
from .responses import Responses

__all__ = ["staff_column", "interviews_per_day", "enumerator_checks"]

_STAFF = re.compile(r"^(enumerator|device|supervisor)(_\d+)?_hash$")


def staff_column(r: Responses, by: str | None = None) -> str:
    """The column naming the enumerator: ``by`` if given, else the first enumerator hash,
    else the first device hash."""
    if by is not None:
        if by not in r.data:
            raise KitError(f"数据中没有列「{by}」；可用的调查员/设备列："
                           + "、".join(c for c in r.data if _STAFF.match(c)))
        return by
    cols = [c for c in r.data if _STAFF.match(c)]
    for prefix in ("enumerator", "device", "supervisor"):
        hit = [c for c in cols if c.startswith(prefix)]
        if hit:
            return hit[0]
    raise KitError("这份数据没有调查员或设备列（username、deviceid 等），无法按调查员核查", path=r.info.files[0] if r.info.files else None)


def _day(r: Responses) -> pd.Series:
    """The interview day as the enumerator's phone showed it."""
    for c in ("started_at_local", "started_at", "submitted_at_local", "submitted_at"):
        if c in r.data and r.data[c].notna().any():
            t = r.data[c]
            if isinstance(t.dtype, pd.DatetimeTZDtype):
                t = t.dt.tz_localize(None)
            return t.dt.normalize()
    raise KitError("这份数据没有访问时间（start/end），无法统计每日访问量")


def interviews_per_day(r: Responses, by: str | None = None) -> pd.DataFrame:
    """Interviews per enumerator (rows) and day (columns), all responses counted."""
    col = staff_column(r, by)
    day = _day(r)
    t = pd.crosstab(r.data[col].fillna("（未记录）"), day.dt.strftime("%Y-%m-%d").fillna("（无时间）"))
    t.index.name, t.columns.name = "enumerator", "day"
    return t


def enumerator_checks(r: Responses, by: str | None = None) -> pd.DataFrame:
    """One row per enumerator (hashed): ``n_interviews``, ``n_days``, ``max_per_day``,
    ``busiest_day``, ``median_duration_s``, ``n_speeders`` (duration below the threshold the
    quality check used), ``speeder_share`` (of interviews with a duration) and ``n_excluded``.

    Speeding is judged with the same threshold as :func:`kit.quality.assess_quality`
    (``r.info.quality_settings['speeder_threshold_s']``).
    """
    col = staff_column(r, by)
    who = r.data[col].fillna("（未记录）")
    day = _day(r)
    dur = (r.data["duration_s"].astype("float64") if "duration_s" in r.data
           else pd.Series(np.nan, index=r.data.index))
    thr = r.info.quality_settings.get("speeder_threshold_s")
    fast = (dur < thr) if thr is not None else pd.Series(False, index=r.data.index)
    excluded = r.excluded
    rows = []
    for name, idx in who.groupby(who, sort=False).groups.items():
        days = day[idx].dt.strftime("%Y-%m-%d")
        per_day = days.value_counts()
        timed = int(dur[idx].notna().sum())
        n_fast = int(fast[idx].fillna(False).sum())
        rows.append({
            "enumerator": name, "n_interviews": len(idx), "n_days": int(days.nunique()),
            "max_per_day": int(per_day.max()) if len(per_day) else 0,
            "busiest_day": per_day.sort_index().idxmax() if len(per_day) else None,
            "median_duration_s": float(dur[idx].median()) if timed else np.nan,
            "n_speeders": n_fast, "speeder_share": n_fast / timed if timed else np.nan,
            "n_excluded": int(excluded[idx].sum()),
        })
    out = pd.DataFrame(rows)
    return out.sort_values(["n_interviews", "enumerator"], ascending=[False, True],
                           ignore_index=True)
