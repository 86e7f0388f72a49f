"""Answer scales that evaluators' questionnaires use, recognised from their option labels.

A drafted codebook lists a known scale in full even when some answers never occurred (nobody
chose 非常不满意; a 0–10 item with one answer): the options a questionnaire *had* are known from
the labels that *were* chosen. Scores run 1..k from the negative end (0..10 for points);
``satisfied`` is proposed only where the labels say 满意 (the top two levels), awareness only
where they say 知道/了解/知晓/听说过.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..questionnaire import _norm_label

__all__ = ["ScaleMatch", "match_scale", "points_range", "YES_NO", "AWARENESS_PAIRS",
           "SCALE_WORDS", "is_identity_title", "FAMILY_ZH"]

# Each level: the label written when the level is missing (first), then its synonyms.
_SAT3 = [("不满意",), ("基本满意",), ("满意",)]  # 满意/基本满意/不满意, common in 群众满意度 surveys
_SAT5 = [("非常不满意", "很不满意", "十分不满意", "极不满意"),
         ("不满意", "比较不满意", "较不满意", "不太满意"),
         ("一般", "基本满意", "说不清"),
         ("满意", "比较满意", "较满意"),
         ("非常满意", "很满意", "十分满意")]
_SAT7 = [("非常不满意", "很不满意", "十分不满意", "极不满意"), ("不满意",),
         ("比较不满意", "较不满意", "不太满意"), ("一般", "说不清"),
         ("比较满意", "较满意", "基本满意"), ("满意",), ("非常满意", "很满意", "十分满意")]
_AGREE5 = [("非常不同意", "完全不同意", "很不同意"), ("不同意", "比较不同意", "不太同意"),
           ("一般", "不确定", "中立", "说不清"), ("同意", "比较同意"), ("非常同意", "完全同意", "很同意")]
_AGREE7 = [("非常不同意", "完全不同意", "很不同意"), ("不同意",), ("比较不同意", "不太同意"),
           ("一般", "不确定", "中立", "说不清"), ("比较同意",), ("同意",), ("非常同意", "完全同意", "很同意")]
_FIT5 = [("完全不符合", "非常不符合"), ("比较不符合", "不太符合", "不符合"),
         ("一般", "不确定", "说不清"), ("比较符合", "符合"), ("完全符合", "非常符合")]
_FIT7 = [("完全不符合", "非常不符合"), ("不符合",), ("比较不符合", "不太符合"), ("一般", "不确定"),
         ("比较符合",), ("符合",), ("完全符合", "非常符合")]
_IMP5 = [("非常不重要", "很不重要"), ("不重要", "不太重要", "比较不重要"), ("一般",),
         ("重要", "比较重要"), ("非常重要", "很重要")]
_IMP7 = [("非常不重要", "很不重要"), ("不重要",), ("比较不重要", "不太重要"), ("一般",),
         ("比较重要",), ("重要",), ("非常重要", "很重要")]

_FAMILIES = [("satisfaction", _SAT3), ("satisfaction", _SAT5), ("satisfaction", _SAT7), ("agreement", _AGREE5),
             ("agreement", _AGREE7), ("fit", _FIT5), ("fit", _FIT7), ("importance", _IMP5),
             ("importance", _IMP7)]
FAMILY_ZH = {"satisfaction": "满意度", "agreement": "同意程度", "fit": "符合程度",
             "importance": "重要程度", "points": "打分"}
SCALE_WORDS = {_norm_label(w) for _, levels in _FAMILIES for lv in levels for w in lv}

YES_NO = [("是", "否"), ("知道", "不知道"), ("了解", "不了解"), ("有", "没有"), ("有", "无"),
          ("听说过", "没听说过"), ("知晓", "不知晓"), ("yes", "no"), ("Yes", "No")]
AWARENESS_PAIRS = {("知道", "不知道"), ("了解", "不了解"), ("听说过", "没听说过"), ("知晓", "不知晓")}

_POINTS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*分?\s*$")
_TITLE_RANGE = re.compile(r"(\d+)\s*(?:分)?\s*[-~～—–到至]\s*(\d+)\s*分")
_TITLE_POINT = re.compile(r"(\d+)\s*分")
_IDENTITY = re.compile(r"党员|团员|政治面貌|性别|年龄|民族|学历|文化程度|职业|身份|户籍|婚姻|收入|"
                       r"是否为|是否是|您是不是|您属于")


def is_identity_title(title: str) -> bool:
    """A question about who the respondent is (「您是否为党员」): never an awareness rate."""
    return bool(_IDENTITY.search(title or ""))


@dataclass
class ScaleMatch:
    """A recognised scale: its family, its levels (ascending) and the level of each label."""
    family: str                     # satisfaction | agreement | fit | importance | points
    levels: list[float]             # score of each level, ascending
    canonical: list[str]            # label of each level when the questionnaire's is unknown
    level_of: dict[str, float]      # observed label -> score
    completed: list[float]          # levels no answer showed (added to the draft)

    @property
    def points(self) -> int:
        return len(self.levels)

    @property
    def name(self) -> str:
        if self.family == "points":
            return f"{int(self.levels[0])}–{int(self.levels[-1])}分打分"
        return f"{self.points}级{FAMILY_ZH[self.family]}量表"


_BINARY = {"满意": "satisfaction", "同意": "agreement", "符合": "fit", "重要": "importance"}


def _word_scale(labels: list[str]) -> ScaleMatch | None:
    norm = [_norm_label(lb) for lb in labels]
    pair = sorted(set(norm), key=len)
    if len(pair) == 2 and pair[0] in _BINARY and pair[1] == "不" + pair[0]:
        # 满意/不满意 only: a two-option question, not a five-point scale with gaps
        level_of = {lb: (2.0 if n == pair[0] else 1.0) for lb, n in zip(labels, norm)}
        return ScaleMatch(_BINARY[pair[0]], [1.0, 2.0], [pair[1], pair[0]], level_of, [])
    for family, levels in _FAMILIES:
        if levels is _SAT3 and "基本满意" not in norm:
            continue
        level_of: dict[str, float] = {}
        used: set[int] = set()
        for lb, n in zip(labels, norm):
            lv = next((i for i, words in enumerate(levels) if n in words), None)
            if lv is None or lv in used:
                break
            used.add(lv)
            level_of[lb] = float(lv + 1)
        else:
            # one level's word alone (一般) says nothing about the family
            if len(used) < 2 and not any(n != "一般" for n in norm):
                return None
            k = len(levels)
            return ScaleMatch(family, [float(i + 1) for i in range(k)], [lv[0] for lv in levels],
                              level_of, [float(i + 1) for i in range(k) if i not in used])
    return None


def points_range(values: list[float], title: str = "") -> tuple[int, int] | None:
    """The range of a points item from its title (「以0-10分为标准」, 「1分表示…5分表示…」),
    else from the answers: from 0 if 0 occurs (else 1) to 5, 7 or 10.

    >>> points_range([3.0], "您的满意度如何?(以0-10分为标准,0分为最低,10分为最高)")
    (0, 10)
    >>> points_range([2.0, 4.0, 5.0], "重要性如何?(1分表示非常不重要,5分表示非常重要)")
    (1, 5)
    >>> points_range([8.0], "推荐给亲友的可能性")
    (0, 10)
    """
    if not values or any(v != int(v) for v in values):
        return None
    lo_v, hi_v = int(min(values)), int(max(values))
    m = _TITLE_RANGE.search(title or "")
    if m and int(m.group(1)) <= lo_v and hi_v <= int(m.group(2)) <= 10:
        return int(m.group(1)), int(m.group(2))
    said = sorted({int(x) for x in _TITLE_POINT.findall(title or "")})
    if len(said) >= 2 and said[0] <= lo_v and hi_v <= said[-1] <= 10:
        return said[0], said[-1]
    if lo_v < 0 or hi_v > 10:
        return None
    if "推荐" in (title or ""):
        return 0, 10  # likelihood to recommend: the 0-10 NPS item
    lo = 0 if lo_v == 0 else 1
    hi = 5 if hi_v <= 5 else 7 if hi_v <= 7 else 10
    return lo, hi


def match_scale(labels: list[str], title: str = "") -> ScaleMatch | None:
    """The scale the labels belong to, with the levels no answer showed.

    >>> m = match_scale(["满意", "一般", "非常满意"])
    >>> m.name, m.completed, m.level_of["满意"]
    ('5级满意度量表', [1.0, 2.0], 4.0)
    >>> match_scale(["比较满意", "满意"]).points
    7
    >>> match_scale(["3分"], "整体满意度(以0-10分为标准)").levels[:3]
    [0.0, 1.0, 2.0]
    >>> match_scale(["党员", "群众"]) is None
    True
    """
    labels = [lb for lb in labels if str(lb).strip()]
    if not labels:
        return None
    pts = [_POINTS.match(str(lb)) for lb in labels]
    if all(pts):
        values = [float(p.group(1)) for p in pts]
        rng = points_range(values, title)
        if rng is None:
            return None
        lo, hi = rng
        levels = [float(v) for v in range(lo, hi + 1)]
        unit = "分" if any("分" in str(lb) for lb in labels) else ""
        return ScaleMatch("points", levels, [f"{v}{unit}" for v in range(lo, hi + 1)],
                          dict(zip(labels, values)), [v for v in levels if v not in values])
    return _word_scale(labels)
