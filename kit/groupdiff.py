"""Which groups differ enough to report: the 分组比较 of a survey report.

A report names a difference between groups only when it is both real and large enough to
matter: its Holm-adjusted p-value is below 0.05 **and** the satisfied (or aware) shares differ
by at least 5 percentage points. Everything else is said in one sentence.

Families of tests: for each grouping question and each item, either every pair of groups (up
to :data:`MAX_PAIRWISE` groups) or, with more groups (80 villages), each group against all the
other groups together; p-values are Holm-adjusted within the family. Each 2x2 comparison is
Pearson's chi-square, or Fisher's exact test when a cell is expected below 5
(:func:`kit.stats.two_by_two_test`). Shares and differences are exact fractions of the counts.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from .fmt import fmt_number, fmt_percent
from .stats import adjust_p, two_by_two_test

__all__ = ["group_differences", "difference_sentences", "MIN_POINTS", "ALPHA", "MAX_PAIRWISE"]

MIN_POINTS = Fraction(5, 100)   # at least 5 percentage points
ALPHA = 0.05
MAX_PAIRWISE = 10               # more groups: each group against the rest


def _tests(rows: list[dict]) -> list[dict]:
    """Holm-adjust a family of comparisons in place and mark the notable ones."""
    if not rows:
        return rows
    for r, p in zip(rows, adjust_p([r["p_value"] for r in rows])):
        r["p_holm"] = float(p)
        r["notable"] = bool(r["p_holm"] < ALPHA and abs(r["difference"]) >= MIN_POINTS)
    return rows


def _compare(a: tuple[str, int, int], b: tuple[str, int, int], base: dict) -> dict:
    (ga, ka, na), (gb, kb, nb) = a, b
    t = two_by_two_test([[ka, na - ka], [kb, nb - kb]])
    sa, sb = Fraction(ka, na), Fraction(kb, nb)
    return {**base, "group_a": ga, "group_b": gb, "n_a": na, "k_a": ka, "n_b": nb, "k_b": kb,
            "share_a": sa, "share_b": sb, "difference": sa - sb, "test": t.method,
            "p_value": float(t.p_value)}


def group_differences(by_group: pd.DataFrame, max_pairwise: int = MAX_PAIRWISE) -> pd.DataFrame:
    """Comparisons of the satisfied (or aware) share between groups, from the counts in
    ``by_group`` (``SatisfactionResults.by_group``: group_by, group_title, group, column, item,
    n_valid, n_satisfied).

    Returns one row per comparison: group_by, group_title, column, item, ``mode`` (``pair``
    or ``rest``: a group against all others together), group_a, group_b (「其他各村」 for
    rest), n_a, k_a, n_b, k_b, share_a, share_b, difference (share_a - share_b, exact
    Fractions), test, p_value, p_holm (Holm within the grouping question and item) and
    ``notable`` (p_holm < 0.05 and at least 5 percentage points apart).

    Examples
    --------
    >>> bg = pd.DataFrame({"group_by": ["g"] * 3, "group_title": ["身份"] * 3, "group": ["甲", "乙", "丙"],
    ...                    "column": ["q"] * 3, "item": ["总体满意度"] * 3, "n_valid": [100, 100, 100],
    ...                    "n_satisfied": [90, 70, 88]})
    >>> d = group_differences(bg)
    >>> d[d["notable"]][["group_a", "group_b"]].values.tolist()
    [['甲', '乙'], ['乙', '丙']]
    """
    cols = ["group_by", "group_title", "column", "item", "mode", "group_a", "group_b", "n_a", "k_a",
            "n_b", "k_b", "share_a", "share_b", "difference", "test", "p_value", "p_holm", "notable"]
    if by_group is None or by_group.empty:
        return pd.DataFrame(columns=cols)
    out: list[dict] = []
    for (g, col), part in by_group.groupby(["group_by", "column"], sort=False):
        part = part[part["n_valid"] > 0]
        groups = [(str(r.group), int(r.n_satisfied), int(r.n_valid)) for r in part.itertuples(index=False)]
        if len(groups) < 2:
            continue
        base = {"group_by": g, "group_title": part["group_title"].iloc[0], "column": col,
                "item": part["item"].iloc[0]}
        family = []
        if len(groups) <= max_pairwise:
            for i, a in enumerate(groups):
                for b in groups[i + 1:]:
                    family.append({**_compare(a, b, base), "mode": "pair"})
        else:
            K, N = sum(k for _, k, _ in groups), sum(n for _, _, n in groups)
            short = _plain_title(base["group_title"])
            rest = f"其他各{short}" if len(short) <= 3 else "其他各组"
            for name, k, n in groups:
                if n == N:
                    continue
                family.append({**_compare((name, k, n), (rest, K - k, N - n), base), "mode": "rest"})
        out += _tests(family)
    return pd.DataFrame(out, columns=cols)


def _share(x: Fraction) -> str:
    return fmt_percent(x)


def _p(p: float) -> str:
    return "P<0.001" if p < 0.001 else f"P={fmt_number(p, 3)}"


def difference_sentences(diffs: pd.DataFrame, noun: str = "满意率") -> list[str]:
    """One sentence per grouping question with notable differences (the larger share first),
    and one sentence for everything else.

    >>> bg = pd.DataFrame({"group_by": ["g"] * 2 + ["h"] * 2, "group_title": ["您的身份"] * 2 + ["您所在的乡镇"] * 2,
    ...                    "group": ["党员", "群众", "甲镇", "乙镇"], "column": ["q"] * 4, "item": ["总体满意度"] * 4,
    ...                    "n_valid": [200, 200, 100, 100], "n_satisfied": [190, 150, 90, 88]})
    >>> for s in difference_sentences(group_differences(bg)): print(s)
    按身份比较：“总体满意度”的满意率，党员（95.0%）比群众（75.0%）高20.0个百分点（Holm校正后P<0.001）。
    其余1项比较（按乡镇）的差异不足5个百分点，或经多重比较（Holm）校正后没有统计学意义，不作为差异报告。
    """
    out = []
    if diffs is None or diffs.empty:
        return out
    rule = f"差异不足{fmt_percent(MIN_POINTS, 0)[:-1]}个百分点，或经多重比较（Holm）校正后没有统计学意义"
    quiet = []
    for g, part in diffs.groupby("group_by", sort=False):
        title = _plain_title(part["group_title"].iloc[0])
        hits = part[part["notable"]]
        by_item: dict[str, list[str]] = {}  # an item named once, its comparisons after it
        for r in hits.itertuples(index=False):
            a, b, sa, sb = r.group_a, r.group_b, r.share_a, r.share_b
            if sa < sb and r.mode == "pair":
                a, b, sa, sb = b, a, sb, sa
            word = "高" if sa > sb else "低"
            by_item.setdefault(r.item, []).append(
                f"{a}（{_share(sa)}）比{b}（{_share(sb)}）{word}{fmt_percent(abs(sa - sb))[:-1]}个百分点"
                f"（Holm校正后{_p(r.p_holm)}）")
        clauses = [f"“{_plain_title(item)}”的{noun}，" + "，".join(said) for item, said in by_item.items()]
        if clauses:
            out.append(f"按{title}比较：" + "；".join(clauses) + "。")
        if len(part) > len(hits):
            quiet.append((title, len(part) - len(hits), bool(clauses)))
    if quiet:
        if not out:
            names = "、".join(t for t, _, _ in quiet)
            out.append(f"按{names}比较，各组的{noun}{rule}，可以认为各组之间没有明显差异。")
        else:
            n = sum(k for _, k, _ in quiet)
            out.append(f"其余{n}项比较（按{'、'.join(t for t, _, _ in quiet)}）的{rule}，不作为差异报告。")
    return out


def _plain_title(title: str) -> str:
    """A grouping question's title as a noun: 「您所在的乡镇」 -> 乡镇, 「您的身份」 -> 身份."""
    from .questionnaire import short_title

    return short_title(title)
