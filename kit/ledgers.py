"""Appraisal ledgers: member points (积分制), inspection rankings, cadre quarterly
performance and star ratings.

Township and village party secretaries keep these in Excel today. Here every rule lives in
the project's ``method.yml`` (never in code), every flag explains itself in Chinese, and a
bad record is reported with its row instead of disappearing::

    member_points:
      period: [2021-01-01, 2023-12-31]
      monthly_cap: 10          # capped indices: points above it in a month are not counted
      annual_cap: 120
      unqualified_below: 60    # 年度积分低于此分为不合格
      consecutive_years: 3     # 连续几年不合格需要提示
      top_share: 0.10          # 年度积分前10%为党员示范岗
      indices:                 # index: capped (counts toward the annual score) or not
        激励: capped
        学习: uncapped
        服务: uncapped
      items:                   # each scoring item and its index
        参加三会一课: 激励
        志愿服务: 服务
        学习强国: 学习
      spend_items: [积分超市兑换]   # redemptions: subtracted from the balance
    inspection:
      bottom: 3                # 倒数前三
      consecutive: 2           # 连续两轮

Numbers are read once through :func:`kit.values.parse_quantity` and summed exactly (Decimal),
so 12 monthly scores that add up to 60 by hand are 60, not 59.99999999999999. Yes/no cells read
the one vocabulary of :func:`kit.values.parse_yes_no` (√ and 是 alike); rounds and quarters
are ordered by meaning (:func:`kit.values.sort_periods`: 第一轮…第六轮, 一季度…, 2023年上半年…).
A figure beside a verdict is shown with as many decimals as the verdict needs (59.96分，低于60分).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

from .errors import KitError
from .fmt import (fmt_for_verdict, fmt_points, fmt_points_for_verdict, fmt_threshold,
                  quantize_half_up, to_decimal)
from .values import (ValueParseError, parse_quantity, parse_quarter, parse_yes_no, period_kind,
                     same_unit, sort_periods, to_fraction)

__all__ = ["LedgerError", "load_ledger_method", "check_ledger_data", "read_records", "MemberPoints", "member_points",
           "Rankings", "inspection_rankings", "CadreQuarterly", "cadre_quarterly", "Stars",
           "star_ratings", "run_ledgers", "ledger_tables", "write_ledger_outputs"]


class LedgerError(KitError):
    """A ledger method or records file is invalid."""


# ------------------------------------------------------------------------------ method
def load_ledger_method(path: str | Path) -> dict:
    """Read the ledger sections of ``method.yml`` (every rule key typed and checked, so a
    renamed or misspelled key is an error naming the file and the key, never a KeyError later),
    as ``{ledger: rules}`` with defaults filled in."""
    from .definitions import load_spec
    from .definitions.method import MethodSpec

    path = Path(path)
    spec = load_spec(path, MethodSpec, LedgerError, "找不到办法文件 method.yml (file not found)")
    rules = {name: getattr(spec, name).to_plain() for name in spec.ledgers}
    ms = rules.get("stars", {}).get("member_stars")
    if ms is not None:
        ms.setdefault("max_stars", len(ms["basic"]))
        ms.setdefault("high", ms["max_stars"])
    return rules


def check_ledger_data(proj) -> None:
    """Every column and name that ``ledgers:`` (project.yml) and the ledger rules (method.yml)
    refer to is present in the ledger files; an error names the key and the file."""
    from .definitions.base import suggest
    from .definitions.method import MethodSpec
    from .definitions import load_spec
    from .io.table import read_frame

    spec = proj.spec.ledgers
    if spec is None:
        return
    py = proj.root / "project.yml"
    rules = load_spec(proj.method, MethodSpec, LedgerError)

    def frame_of(path):
        return read_frame(path)

    def need(frame, path, column, key, file=py):
        have = [str(c) for c in frame.columns]
        if column not in have:
            raise LedgerError(f"键「{key}」：列「{column}」不在 {Path(path).name} 中。{suggest(column, have)}"
                              f"该文件的列：{'、'.join(have)}", path=file)

    for name in ("member_points", "cadre_quarterly", "inspection"):
        s = getattr(spec, name)
        if s is None:
            continue
        f = frame_of(s.file)
        for fld, column in s.columns.to_plain().items():
            need(f, s.file, column, f"ledgers.{name}.columns.{fld}")
        if name == "member_points":
            need(frame_of(s.roster), s.roster, s.columns.member, "ledgers.member_points.columns.member")
        if name == "cadre_quarterly":
            posts = sorted({str(v).strip() for v in f[s.columns.post].dropna()})
            for post in rules.cadre_quarterly.premium_posts:
                if post not in posts:
                    raise LedgerError(f"键「cadre_quarterly.premium_posts.{post}」：岗位「{post}」不在 "
                                      f"{s.file.name} 的「{s.columns.post}」列中（有：{'、'.join(posts)}）。"
                                      f"{suggest(post, posts)}", path=proj.method)
    s = spec.stars
    if s is not None and rules.stars is not None:
        b = frame_of(s.branches)
        need(b, s.branches, s.branch_column, "ledgers.stars.branch_column")
        for key, column in rules.stars.columns():
            need(b, s.branches, column, f"stars.{key}", file=proj.method)
        ms = rules.stars.member_stars
        if s.members is not None and ms is not None:
            m = frame_of(s.members)
            for column in ["党员", "支部"]:
                need(m, s.members, column, "ledgers.stars.members")
            for i, column in enumerate(ms.basic):
                need(m, s.members, column, f"stars.member_stars.basic[{i}]", file=proj.method)
            if ms.extra:
                need(m, s.members, ms.extra, "stars.member_stars.extra", file=proj.method)


# ------------------------------------------------------------------------------ records
def read_records(path: str | Path, columns: dict[str, str], sheet: int | str = 0) -> pd.DataFrame:
    """A ledger's records (CSV or a workbook sheet), with ``row`` (the row number as the file
    shows it) and the columns renamed to the keys of ``columns`` ({field: header}). Missing
    columns are an error naming the file; values are checked by the ledger functions."""
    from .io.table import read_table

    raw = read_table(path, sheet=sheet)
    header = [str(h).strip() for h in raw.header[-1]]
    missing = [h for h in columns.values() if h not in header]
    if missing:
        raise LedgerError(f"缺少列「{'」「'.join(missing)}」(missing columns; found: "
                          f"{'、'.join(header)})", path=path)
    out = pd.DataFrame({k: raw.body[header.index(h)] for k, h in columns.items()})
    out.insert(0, "row", raw.row_numbers)
    return out.reset_index(drop=True)


def _date(v) -> dt.date | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return pd.Timestamp(str(v).strip().replace("/", "-").replace(".", "-")).date()
    except (ValueError, TypeError):
        return None


def _num(v) -> Decimal | None:
    """A number as typed (``8``, ``7.5``, ``60%``, ``１２``), exactly; None for a blank or text
    that is not a number."""
    try:
        q = parse_quantity(v)
    except ValueParseError:
        return None
    if q is None or q.relation is not None:
        return None
    return _dec(q.value)


def _dec(x) -> Decimal:
    """An exact value as a Decimal (typed decimals are exact; a ratio to 28 places)."""
    return x if isinstance(x, Decimal) else to_decimal(to_fraction(x))


def _yr(years: list[int]) -> str:
    return "、".join(f"{y}" for y in years) + "年"


# ------------------------------------------------------------------------------ member points
@dataclass
class MemberPoints:
    monthly: pd.DataFrame        # member, year, month, raw, counted, capped (flag), note
    annual: pd.DataFrame         # member, year, score, indices..., unqualified, streak, flag text
    balance: pd.DataFrame        # member, earned, spent, balance, note
    problems: pd.DataFrame       # row, column, value, reason: records left out, with why
    exemplary: pd.DataFrame      # year, member, score, rank: 党员示范岗
    sentences: list[str] = field(default_factory=list)


def member_points(records: pd.DataFrame, roster: list[str], rules: dict,
                  source: str | Path | None = None) -> MemberPoints:
    """The 党员积分制 ledger from dated records (``member``, ``date``, ``item``, ``points``).

    Monthly: the points of capped indices are summed per member and month and counted up to
    ``monthly_cap``; a month above it is flagged with what was not counted (not rejected).
    Annual: the counted points per year (at most ``annual_cap``) are the year's score; under
    ``unqualified_below`` is 不合格, and ``consecutive_years`` unqualified years in a row are
    flagged. Uncapped indices (e.g. 学习, 服务) are totalled per year beside the score. The top
    ``top_share`` of each year's scores are 党员示范岗 (ties at the boundary all included). The
    积分超市 balance is everything earned (counted score plus uncapped indices) minus
    redemptions (``spend_items``). Bad records (unknown member, date outside the period,
    points not a number, an item not in the method) are listed in ``problems`` with their row.
    """
    cap, annual_cap = _dec(rules["monthly_cap"]), _dec(rules["annual_cap"])
    line = _dec(rules["unqualified_below"])
    streak_len = int(rules.get("consecutive_years", 3))
    items: dict = dict(rules.get("items") or {})
    indices: dict = dict(rules.get("indices") or {idx: "capped" for idx in set(items.values())})
    spend = set(rules.get("spend_items") or [])
    period = rules.get("period")
    start, end = (_date(period[0]), _date(period[1])) if period else (None, None)
    members = set(roster)
    good, problems = [], []
    for r in records.itertuples(index=False):
        d, p = _date(r.date), _num(r.points)
        reason = None
        if str(r.member).strip() not in members:
            reason = ("member", r.member, "党员不在名册中")
        elif d is None:
            reason = ("date", r.date, "日期无法识别")
        elif start and not (start <= d <= end):
            reason = ("date", r.date, f"日期不在考核期{start}至{end}内")
        elif p is None:
            reason = ("points", r.points, "积分不是数字")
        elif r.item not in items and r.item not in spend:
            reason = ("item", r.item, "积分项目不在办法中")
        if reason:
            problems.append({"row": r.row, "column": reason[0], "value": reason[1], "reason": reason[2]})
            continue
        kind = "spend" if r.item in spend else indices.get(items[r.item], "capped")
        good.append({"member": str(r.member).strip(), "year": d.year, "month": d.month,
                     "index": "积分超市" if kind == "spend" else items[r.item], "kind": kind,
                     "points": p})
    # sums in exact decimals (plain Python: pandas would sum object columns as floats)
    raw: dict = defaultdict(Decimal)
    uncapped: dict = defaultdict(Decimal)
    spent: dict = defaultdict(Decimal)
    for g in good:
        if g["kind"] == "capped":
            raw[(g["member"], g["year"], g["month"])] += g["points"]
        elif g["kind"] == "uncapped":
            uncapped[(g["member"], g["year"], g["index"])] += g["points"]
        else:
            spent[g["member"]] += abs(g["points"])
    mrows = []
    for (m, y, mo), v in sorted(raw.items()):
        counted = min(v, cap)
        mrows.append({"member": m, "year": y, "month": mo, "raw": v, "counted": counted,
                      "capped": v > cap,
                      "note": f"{y}年{mo}月得{_n(v)}分，超过每月{_n(cap)}分上限，超出的{_n(v - cap)}分不计入"
                      if v > cap else ""})
    monthly = pd.DataFrame(mrows, columns=["member", "year", "month", "raw", "counted", "capped", "note"])
    years = sorted({g["year"] for g in good})
    if start and end:
        years = list(range(start.year, end.year + 1))
    counted_year: dict = defaultdict(Decimal)
    for row in mrows:
        counted_year[(row["member"], row["year"])] += row["counted"]
    arows = []
    for m in sorted(members):
        for y in years:
            row = {"member": m, "year": y, "score": min(counted_year[(m, y)], annual_cap)}
            for idx, kind in indices.items():
                if kind == "uncapped":
                    row[f"index_{idx}"] = uncapped[(m, y, idx)]
            row["unqualified"] = row["score"] < line
            arows.append(row)
    annual = pd.DataFrame(arows, columns=["member", "year", "score",
                                          *[f"index_{i}" for i, k in indices.items() if k == "uncapped"],
                                          "unqualified"])
    streaks, flags = [], []
    for member, part in annual.groupby("member", sort=False):
        run: list[int] = []
        for y, s, u in zip(part["year"], part["score"], part["unqualified"]):
            run = run + [y] if u and (not run or run[-1] == y - 1) else ([y] if u else [])
            streaks.append(len(run))
            shown = f"{y}年{fmt_points_for_verdict(s, line)}分，低于{_n(line)}分"
            if not u:
                flags.append("")
            elif len(run) >= streak_len:
                flags.append(f"{shown}；{_yr(run[:-1])}同样不合格：连续{len(run)}年不合格")
            else:
                flags.append(f"{shown}，不合格")
    annual["unqualified_streak"] = streaks
    annual["flag"] = flags
    annual["consecutive_flag"] = annual["unqualified_streak"] >= streak_len
    # 党员示范岗: the top share of each year's scores; ties at the boundary all included
    top = []
    share = to_fraction(rules.get("top_share", 0.10))
    for y, part in annual.groupby("year"):
        k = max(1, math.ceil(share * len(part)))
        scores = sorted(part["score"], reverse=True)
        cut = scores[k - 1]
        rank = {v: 1 + sum(x > v for x in scores) for v in set(scores)}
        sel = part[part["score"] >= cut].assign(rank=lambda f: [rank[v] for v in f["score"]])
        top.append(sel.sort_values(["rank", "member"]))
    exemplary = pd.concat(top)[["year", "member", "score", "rank"]].reset_index(drop=True) \
        if top else pd.DataFrame(columns=["year", "member", "score", "rank"])
    earned = {m: sum((r["score"] + sum((v for k, v in r.items() if k.startswith("index_")), Decimal(0))
                      for r in arows if r["member"] == m), Decimal(0)) for m in sorted(members)}
    balance = pd.DataFrame({"member": list(earned), "earned": list(earned.values()),
                            "spent": [spent[m] for m in earned]})
    balance["balance"] = [e - sp for e, sp in zip(balance["earned"], balance["spent"])]
    balance["note"] = ["兑换超过所得积分" if b < 0 else "" for b in balance["balance"]]
    res = MemberPoints(monthly=monthly, annual=annual, balance=balance,
                       problems=pd.DataFrame(problems, columns=["row", "column", "value", "reason"]),
                       exemplary=exemplary)
    res.sentences = _points_sentences(res, rules, len(records), source)
    return res


def _n(x) -> str:
    """Points in a sentence: as every table shows them (two places at most, half up)."""
    return fmt_points(x)


def _points_sentences(res: MemberPoints, rules: dict, n_records: int, source) -> list[str]:
    a = res.annual
    out = [f"共读取积分记录{n_records}条，其中{len(res.problems)}条有问题未计入（见问题清单，均列出所在行）。"
           if len(res.problems) else f"共读取积分记录{n_records}条，全部计入。"]
    for y, part in a.groupby("year"):
        un = part[part["unqualified"]]
        mean = sum(part["score"], Decimal(0)) / len(part)
        out.append(f"{y}年：{len(part)}名党员平均积分{_n(mean)}分，"
                   f"{len(un)}名低于{_n(_dec(rules['unqualified_below']))}分为不合格"
                   + (f"（{'、'.join(un['member'])}）" if len(un) else "") + "。")
    for m, f in zip(a.loc[a["consecutive_flag"], "member"], a.loc[a["consecutive_flag"], "flag"]):
        out.append(f"{m}：{f}。")
    b = res.balance
    if len(b):
        earned, spent = sum(b["earned"], Decimal(0)), sum(b["spent"], Decimal(0))
        scores = sum(a["score"], Decimal(0))
        extra = [(c.removeprefix("index_"), sum(a[c], Decimal(0))) for c in a.columns if c.startswith("index_")]
        parts = f"{_n(scores)}分年度积分" + "".join(f"与{_n(v)}分{n}指数" for n, v in extra)
        out.append(f"积分超市：{len(b)}名党员累计获得{_n(earned)}分（{parts}之和），"
                   f"已兑换{_n(spent)}分，余额{_n(earned - spent)}分。")
    capped = res.monthly["capped"].sum()
    if capped:
        out.append(f"有{int(capped)}个“党员—月份”超过每月{_n(_dec(rules['monthly_cap']))}分上限，"
                   "超出部分不计入，已在月度明细中标注。")
    return out


# ------------------------------------------------------------------------------ inspections
@dataclass
class Rankings:
    ranks: pd.DataFrame          # branch, round, score, rank, bottom_rank, tied, bottom
    flagged: pd.DataFrame        # branch, rounds, note
    sentences: list[str] = field(default_factory=list)


def round_label(r) -> str:
    """How a round is named in a sentence: 第3轮 for a number, the label itself when it already
    names the period (第五轮, 2023年上半年, 一季度), 2023年 for a year."""
    kind = period_kind(r)
    if kind == "number":
        return f"第{r}轮"
    if kind == "year" and str(r).strip().isdigit():
        return f"{r}年"
    return str(r)


def _rounds_text(rounds: list) -> str:
    """第1、2、3轮 for numbered rounds; 第五轮、第六轮 / 2023年下半年、2024年上半年 otherwise."""
    if all(period_kind(r) == "number" for r in rounds):
        return f"第{'、'.join(str(r) for r in rounds)}轮"
    return "、".join(round_label(r) for r in rounds)


def inspection_rankings(scores: pd.DataFrame, bottom: int = 3, consecutive: int = 2,
                        source: str | Path | None = None, round_column: str = "轮次") -> Rankings:
    """Ranks per inspection round and the branches in the bottom ``bottom`` places in
    ``consecutive`` consecutive rounds. ``scores``: ``branch``, ``round``, ``score``.

    Rounds are ordered by meaning (第一轮…第六轮, 一季度…, 2023年上半年…, dates, numbers); labels
    whose order cannot be determined are an error naming them. ``rank`` is the competition
    rank from the top (1, 2, 2, 4). Ties at the bottom follow one rule: tied branches share the
    place, counted from the bottom (``bottom_rank``: one plus the number of branches with a lower
    score), so all of them are in the bottom ``bottom`` when that place is, and the note and
    the sentences say they are tied. Scores are compared exactly.
    """
    t = scores.copy()
    try:
        order = sort_periods(t["round"].tolist())
    except ValueParseError as exc:
        raise LedgerError(exc.message, path=source, column=round_column) from None
    pos = {r: k for k, r in enumerate(order)}
    exact = [to_fraction(x) for x in t["score"]]
    by_round: dict = defaultdict(list)
    for r, x in zip(t["round"], exact):
        by_round[r].append(x)
    t["rank"] = [1 + sum(o > x for o in by_round[r]) for r, x in zip(t["round"], exact)]
    t["bottom_rank"] = [1 + sum(o < x for o in by_round[r]) for r, x in zip(t["round"], exact)]
    t["tied"] = [by_round[r].count(x) > 1 for r, x in zip(t["round"], exact)]
    t["bottom"] = t["bottom_rank"] <= bottom
    t["_pos"] = t["round"].map(pos)
    t = t.sort_values(["_pos", "rank"], kind="stable").drop(columns="_pos").reset_index(drop=True)
    same: dict = {}
    for r, part in t.groupby("round", sort=False):
        for k, names in part.groupby("bottom_rank", sort=False)["branch"]:
            same[(r, k)] = list(names)
    flagged = []
    for b, part in t.groupby("branch", sort=True):
        hit = part.set_index("round")["bottom"].reindex(order, fill_value=False)
        br = part.set_index("round")["bottom_rank"]
        run: list = []
        best: list = []
        for r in order:
            run = run + [r] if hit[r] else []
            if len(run) >= consecutive and len(run) > len(best):
                best = list(run)
        if best:
            places = []
            for r in best:
                others = [x for x in same[(r, int(br[r]))] if x != b]
                places.append(f"{round_label(r)}" + (f"与{'、'.join(others)}并列" if others else "")
                              + f"倒数第{int(br[r])}名")
            flagged.append({"branch": b, "rounds": best, "note":
                            f"{_rounds_text(best)}均排名倒数前{bottom}（{'；'.join(places)}）："
                            f"连续{len(best)}轮靠后"})
    fl = pd.DataFrame(flagged, columns=["branch", "rounds", "note"])
    res = Rankings(ranks=t, flagged=fl)
    out = []
    for r, part in t.groupby("round", sort=False):
        label = round_label(r)
        ties = part[part["tied"]]
        if len(ties):
            groups = ties.groupby("rank", sort=True)["branch"].apply(lambda s: "、".join(s))
            out.append(f"{label}：" + "；".join(f"{names}并列第{k}名" for k, names in groups.items()) + "。")
        flagged_here = part[part["bottom"]]
        if len(flagged_here) > bottom:   # a tie at the boundary: say who shares the place
            k = int(flagged_here["bottom_rank"].max())
            names = flagged_here[flagged_here["bottom_rank"] == k]["branch"].tolist()
            out.append(f"{label}：{'、'.join(names)}同分，并列倒数第{k}名，按并列名次均计入倒数前{bottom}名"
                       f"（本轮共{len(flagged_here)}个支部计入）。")
    out += [f"{row.branch}：{row.note}。" for row in fl.itertuples(index=False)]
    res.sentences = out
    return res


# ------------------------------------------------------------------------------ cadre quarterly
@dataclass
class CadreQuarterly:
    quarters: pd.DataFrame       # cadre, post, year, quarter, points, grade, pay columns
    flags: pd.DataFrame          # cadre, quarters, grade, action, note
    problems: pd.DataFrame
    sentences: list[str] = field(default_factory=list)


def _quarter_text(year: int | None, q: int) -> str:
    return f"{year}年第{q}季度" if year is not None else f"第{q}季度"


def cadre_quarterly(scores: pd.DataFrame, rules: dict) -> CadreQuarterly:
    """Quarterly performance of village cadres from ``cadre``, ``post``, ``quarter`` (e.g.
    ``2022Q1`` or ``2022年第1季度``) and ``points``.

    Grade: the first of ``grades`` (highest first) whose ``min`` the points reach. Pay: the
    post's annual remuneration (``annual_pay``, raised by ``premium_posts``, e.g. 书记 +10%)
    splits into a basic part (``basic_share``, 70%, paid monthly) and a performance part
    (``performance_share``, 30%, paid quarterly in proportion to points / ``full_points``,
    at most in full). Flags: ``streak`` or more quarters in a row at the top grade (commend) or
    the bottom grade (replace), each with the quarters named.
    """
    grades = sorted(rules["grades"], key=lambda g: -_dec(g["min"]))
    annual, full = _dec(rules["annual_pay"]), _dec(rules.get("full_points", 100))
    bs, ps = _dec(rules.get("basic_share", 0.7)), _dec(rules.get("performance_share", 0.3))
    premium = dict(rules.get("premium_posts") or {})
    streak = int(rules.get("streak", 3))
    top, bottom = grades[0]["name"], grades[-1]["name"]
    good, problems = [], []
    parsed = [parse_quarter(v) for v in scores["quarter"]]
    with_year = any(q is not None and q[0] is not None for q in parsed)
    for r, q in zip(scores.itertuples(index=False), parsed):
        p = _num(r.points)
        if q is None:
            problems.append({"row": r.row, "column": "quarter", "value": r.quarter,
                             "reason": "季度无法识别，应写作 2022Q1、2022年第1季度 或 2022年一季度"})
            continue
        if with_year and q[0] is None:
            problems.append({"row": r.row, "column": "quarter", "value": r.quarter,
                             "reason": "季度缺少年份（其他记录写了年份），无法排定先后，应写作 2022年第1季度"})
            continue
        if p is None or p < 0:
            problems.append({"row": r.row, "column": "points", "value": r.points,
                             "reason": "得分不是非负数"})
            continue
        grade = next(g["name"] for g in grades if p >= _dec(g["min"]) or g is grades[-1])
        pay = annual * (1 + _dec(premium.get(str(r.post).strip(), 0)))
        # money rounded half up to 分 once; the quarter's basic pay is three monthly payments
        monthly = quantize_half_up(to_fraction(pay * bs) / 12, 2)
        share = min(to_fraction(p) / to_fraction(full), Fraction(1))
        perf = quantize_half_up(to_fraction(pay * ps) / 4 * share, 2)
        good.append({"cadre": str(r.cadre).strip(), "post": str(r.post).strip(), "year": q[0],
                     "quarter": q[1], "points": p, "grade": grade,
                     "basic_monthly": monthly, "basic_quarter": 3 * monthly, "performance": perf})
    t = pd.DataFrame(good)
    if len(t):
        t["pay_quarter"] = [b + p for b, p in zip(t["basic_quarter"], t["performance"])]
        t["_year"] = t["year"].fillna(0)
        t = t.sort_values(["cadre", "_year", "quarter"]).drop(columns="_year").reset_index(drop=True)
    flags = []
    for cadre, part in (t.groupby("cadre", sort=False) if len(t) else []):
        run: list = []
        keyed = list(zip(part["year"], part["quarter"], part["grade"]))
        for i, (y, q, g) in enumerate(keyed + [(None, None, None)]):
            prev = keyed[i - 1] if i else None
            consecutive = prev is not None and g == prev[2] and q is not None and \
                ((y or 0) * 4 + q) - ((prev[0] or 0) * 4 + prev[1]) == 1
            if consecutive:
                run.append((y, q))
            else:
                if len(run) >= streak and run and prev[2] in (top, bottom):
                    action = "建议表彰" if prev[2] == top else "建议调整"
                    span = f"{_quarter_text(*run[0])}至{_quarter_text(*run[-1])}"
                    flags.append({"cadre": cadre, "grade": prev[2], "quarters": len(run), "action": action,
                                  "note": f"{span}连续{len(run)}个季度{prev[2]}：{action}"})
                run = [(y, q)] if q is not None else []
    res = CadreQuarterly(quarters=t, flags=pd.DataFrame(flags, columns=["cadre", "grade", "quarters",
                                                                         "action", "note"]),
                         problems=pd.DataFrame(problems, columns=["row", "column", "value", "reason"]))
    out = []
    if len(t):
        counts = t["grade"].value_counts()
        out.append(f"共{t['cadre'].nunique()}名村干部、{len(t)}个“人—季度”考核记录：" + "、".join(
            f"{g['name']}{int(counts.get(g['name'], 0))}个" for g in grades) + "。")
    out += [f"{f['cadre']}：{f['note']}。" for f in flags]
    if problems:
        out.append(f"另有{len(problems)}条记录有问题未计入（见问题清单）。")
    res.sentences = out
    return res


# ------------------------------------------------------------------------------ star ratings
@dataclass
class Stars:
    branches: pd.DataFrame       # branch, one column per star (bool), n_stars, note
    members: pd.DataFrame        # member, branch, n_stars
    member_share: pd.DataFrame   # branch, n_members, n_high, share, target, below_target
    problems: pd.DataFrame
    sentences: list[str] = field(default_factory=list)


def _cond(row, c: dict) -> tuple[bool, str]:
    """One criterion over a branch's indicators: is / min / max / grew (from -> to). Numbers
    are compared exactly (60% and 0.6 alike); a figure beside a verdict shows the decimals
    the verdict needs (「人居环境评分」为84.96，低于85)."""
    if "grew" in c:
        a, b = _qty(row.get(c["grew"][0])), _qty(row.get(c["grew"][1]))
        if a is None or b is None:
            return False, f"「{c['grew'][0]}」或「{c['grew'][1]}」缺失或不是数字"
        av, bv = _same(a, b)
        ok = bv > av
        return ok, (f"「{c['grew'][1]}」{fmt_points_for_verdict(bv, av)}{'高于' if ok else '未高于'}"
                    f"「{c['grew'][0]}」{fmt_points(av)}")
    name = c["indicator"]
    v = row.get(name)
    if "is" in c:
        try:
            want = parse_yes_no(c["is"])
        except ValueParseError:
            want = None
        if want is not None:        # a yes/no criterion: √, 是, 达标 ... alike
            try:
                got = parse_yes_no(v)
            except ValueParseError:
                return False, f"「{name}」为{v}，应为 是 或 否"
            ok = got is want
            if got is None:
                return ok, f"「{name}」未填写"
            return ok, f"「{name}」" + ("符合" if ok else f"不符合（台账记为“{v}”）")
        ok = str(v).strip() == str(c["is"])
        return ok, f"「{name}」为{v}" + ("" if ok else f"，要求为{c['is']}")
    x = _qty(v)
    if x is None:
        return False, f"「{name}」缺失或不是数字"
    key = "min" if "min" in c else "max"
    limit = parse_quantity(c[key])
    xv, lv = _same(x, limit)
    percent = "%" in (x.unit, limit.unit)
    shown = fmt_for_verdict(xv, lv, 0, percent=True) if percent else fmt_points_for_verdict(xv, lv)
    lim = fmt_threshold(lv, percent=percent)
    if key == "min":
        ok = xv >= lv
        return ok, f"「{name}」为{shown}，{'达到' if ok else '低于'}{lim}"
    ok = xv <= lv
    return ok, f"「{name}」为{shown}，{'不高于' if ok else '高于'}{lim}"


def _qty(v):
    try:
        q = parse_quantity(v)
    except ValueParseError:
        return None
    return q if q is not None and q.relation is None else None


def _same(a, b) -> tuple[Fraction, Fraction]:
    try:
        return same_unit(a, b)
    except ValueParseError as exc:
        raise LedgerError(exc.message) from None


def star_ratings(branches: pd.DataFrame, members: pd.DataFrame | None, rules: dict,
                 source: str | Path | None = None) -> Stars:
    """Branch stars and member stars, as the method defines them.

    ``branches``: a ``branch`` column and the indicator columns the criteria name. Each star is
    awarded when all its criteria hold (``is``, ``min``, ``max``, or ``grew: [from, to]``);
    prerequisites are checked first (yes/no in the one vocabulary: 是, √, 达标 ...), and a branch
    that fails one, or leaves it blank, gets no star at all; a prerequisite that is neither yes
    nor no is an error naming the branch. ``members``: ``member``, ``branch`` and the ``basic``
    aspect columns (yes/no, a star each; blank is no, other text is a problem row) plus the
    ``extra`` column (extra stars for outstanding service), at most ``max_stars``; per branch,
    the share of members at ``high`` stars or more against ``target_share``.
    """
    stars = rules.get("branch_stars") or {}
    pre = list(rules.get("prerequisites") or [])
    rows = []
    for r in branches.to_dict("records"):
        out = {"branch": r["branch"]}
        notes = []
        failed, blank = [], []
        for p in pre:
            try:
                ok = parse_yes_no(r.get(p))
            except ValueParseError:
                raise LedgerError(f"支部「{r['branch']}」的前置条件「{p}」填写为「{r.get(p)}」，应为 是 或 否"
                                  "（也可写 √/×）", path=source, column=p) from None
            if ok is not True:
                failed.append(p)
                if ok is None:
                    blank.append(p)
        for name, spec in stars.items():
            if failed:
                out[name] = False
                continue
            checks = [_cond(r, c) for c in spec.get("all", [])]
            out[name] = all(ok for ok, _ in checks)
            if not out[name]:
                notes.append(f"未获{name}：" + "；".join(t for ok, t in checks if not ok))
        if failed:
            notes = [f"前置条件「{'」「'.join(failed)}」未满足" + (f"（「{'」「'.join(blank)}」未填写）" if blank else "")
                     + "，不评星"]
        out["n_stars"] = sum(bool(out[s]) for s in stars)
        out["note"] = "。".join(notes)
        rows.append(out)
    bt = pd.DataFrame(rows)
    ms = rules.get("member_stars") or {}
    mt = share = pd.DataFrame()
    problems = []
    if members is not None and ms:
        basic, extra = list(ms["basic"]), ms.get("extra")
        cap, high = int(ms.get("max_stars", len(basic))), int(ms.get("high", len(basic)))
        recs = []
        for r in members.to_dict("records"):
            n = 0
            for b in basic:
                try:
                    n += parse_yes_no(r.get(b)) is True
                except ValueParseError:
                    problems.append({"row": r.get("row"), "column": b, "value": r.get(b),
                                     "reason": "应为 是/否（也可写 √/×），未计星"})
            e = _num(r.get(extra)) if extra else Decimal(0)
            if extra and _qty(r.get(extra)) is None and str(r.get(extra) or "").strip() not in ("", "nan"):
                problems.append({"row": r.get("row"), "column": extra, "value": r.get(extra),
                                 "reason": "加星数不是数字"})
                e = Decimal(0)
            recs.append({"member": r["member"], "branch": r["branch"],
                         "n_stars": int(min(n + (e or 0), cap))})
        mt = pd.DataFrame(recs)
        target = to_fraction(ms.get("target_share", 0.10))
        share = mt.groupby("branch", sort=False).agg(n_members=("member", "size"),
                                                      n_high=("n_stars", lambda s: int((s >= high).sum())))
        share["share"] = [Fraction(int(h), int(n)) for h, n in zip(share["n_high"], share["n_members"])]
        share["target"] = target
        share["below_target"] = [x < target for x in share["share"]]
        share = share.reset_index()
    res = Stars(branches=bt, members=mt, member_share=share,
                problems=pd.DataFrame(problems, columns=["row", "column", "value", "reason"]))
    out = []
    for name in stars:
        got = bt.loc[bt[name], "branch"].tolist() if len(bt) else []
        out.append(f"{name}：{len(got)}个支部达标" + (f"（{'、'.join(got)}）" if got else "") + "。")
    if len(share):
        below = share[share["below_target"]]
        out.append(f"{int(ms.get('high'))}星及以上党员占比目标为{fmt_threshold(target, percent=True)}，"
                   + ("未达到的支部：" + "、".join(f"{b}（{fmt_for_verdict(s, target, 1, percent=True)}）"
                                              for b, s in zip(below["branch"], below["share"])) + "。"
                      if len(below) else "各支部均已达到。"))
    res.sentences = out
    return res


# ------------------------------------------------------------------------------ a project
DEFAULT_COLUMNS = {
    "member_points": {"member": "党员", "date": "日期", "item": "项目", "points": "积分"},
    "cadre_quarterly": {"cadre": "村干部", "post": "岗位", "quarter": "季度", "points": "得分"},
    "inspection": {"branch": "支部", "round": "轮次", "score": "得分"},
}


def _name_columns(problems: pd.DataFrame, cols: dict[str, str]) -> None:
    """Bad records name the column as the ledger file heads it (``member`` -> 党员, or the
    header project.yml maps it to)."""
    if len(problems):
        problems["column"] = problems["column"].map(lambda c: cols.get(c, c))


def run_ledgers(proj) -> dict:
    """Every ledger that ``ledgers:`` in project.yml names, by the rules of its method.yml::

        ledgers:
          member_points: {file: member_points.csv, roster: members.csv}
          cadre_quarterly: {file: cadre_quarterly.csv}
          stars: {branches: branches.csv, members: member_stars.csv}
          inspection: {file: inspections.csv}
    """
    from .errors import ProjectError
    from .io.table import read_frame

    spec = proj.ledgers
    if not spec or proj.method is None:
        raise ProjectError("project.yml 需要 ledgers: 和 method: (ledgers need both)",
                           path=proj.root / "project.yml")
    rules = load_ledger_method(proj.method)
    check_ledger_data(proj)
    out: dict = {}
    for name in spec:
        if name not in rules and name != "stars" or (name == "stars" and "stars" not in rules):
            raise LedgerError(f"键「{name}」：method.yml 中没有这一台账的办法",
                              path=proj.method)
    root = proj.root
    if "member_points" in spec:
        s = spec["member_points"]
        cols = {**DEFAULT_COLUMNS["member_points"], **(s.get("columns") or {})}
        recs = read_records(root / s["file"], cols)
        roster = read_frame(root / s["roster"])
        who = cols["member"]
        if who not in roster:
            raise LedgerError(f"名册缺少列「{who}」", path=root / s["roster"])
        out["member_points"] = member_points(recs, [str(v).strip() for v in roster[who]],
                                             rules["member_points"], source=root / s["file"])
        _name_columns(out["member_points"].problems, cols)
    if "cadre_quarterly" in spec:
        s = spec["cadre_quarterly"]
        cols = {**DEFAULT_COLUMNS["cadre_quarterly"], **(s.get("columns") or {})}
        out["cadre_quarterly"] = cadre_quarterly(read_records(root / s["file"], cols),
                                                 rules["cadre_quarterly"])
        _name_columns(out["cadre_quarterly"].problems, cols)
    if "stars" in spec:
        s = spec["stars"]
        b = read_frame(root / s["branches"]).rename(columns={s.get("branch_column", "支部"): "branch"})
        m = None
        if s.get("members"):
            ms = rules["stars"].get("member_stars") or {}
            fields = {"member": "党员", "branch": "支部", **{k: k for k in ms.get("basic", [])}}
            if ms.get("extra"):
                fields[ms["extra"]] = ms["extra"]
            m = read_records(root / s["members"], fields)
        out["stars"] = star_ratings(b, m, rules["stars"], source=root / s["branches"])
    if "inspection" in spec:
        s = spec["inspection"]
        cols = {**DEFAULT_COLUMNS["inspection"], **(s.get("columns") or {})}
        recs = read_records(root / s["file"], cols)
        values = []
        for r in recs.itertuples(index=False):
            q = _qty(r.score)
            if q is None or q.unit not in ("", "分"):
                raise LedgerError(f"得分「{r.score}」不是数字", path=root / s["file"],
                                  row=int(r.row), column=cols["score"])
            values.append(q.value)
        recs["score"] = values
        rounds = pd.to_numeric(recs["round"], errors="coerce")
        if rounds.notna().all() and (rounds == rounds.round()).all():
            recs["round"] = rounds.astype(int)
        ins = rules["inspection"]
        out["inspection"] = inspection_rankings(recs, bottom=int(ins.get("bottom", 3)),
                                                consecutive=int(ins.get("consecutive", 2)),
                                                source=root / s["file"], round_column=cols["round"])
    return out


# ------------------------------------------------------------------------------ outputs
def _f(x) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt_points(x)


PROBLEM_COLUMNS = {"member": "党员", "date": "日期", "item": "项目", "cadre": "村干部", "post": "岗位",
                   "quarter": "季度", "branch": "支部", "round": "轮次", "score": "得分"}


def _zh_reason(text):
    """A problem's reason for a table: the Chinese part only (the code keeps its English gloss
    in brackets for the log: 「积分不是数字 (not a number)」 -> 「积分不是数字」)."""
    return re.sub(r"\s*\([A-Za-z][^()]*\)\s*$", "", text) if isinstance(text, str) else text


def points_shop_table(r: MemberPoints) -> pd.DataFrame:
    """积分超市 with its sums in view: each year's 年度积分 (the counted score, within the
    monthly and annual caps) and each uncapped index (学习, 服务: all years), then 累计获得 =
    their sum, 已兑换, 余额 = 累计获得 − 已兑换; a note under the table says so. The figures
    shown add up exactly (points have at most two decimals; sums in Decimal)."""
    a = r.annual
    b = r.balance.set_index("member")
    years = sorted(a["year"].unique())
    idx = [c for c in a.columns if c.startswith("index_")]
    by = a.set_index(["member", "year"])
    t = pd.DataFrame({"党员": list(b.index)})
    for y in years:
        t[f"{y}年度积分"] = [_f(by.loc[(m, y), "score"]) for m in b.index]
    for c in idx:
        name = c.removeprefix("index_")
        t[f"{name}指数（各年合计）"] = [_f(sum(a.loc[a["member"] == m, c], Decimal(0))) for m in b.index]
    t["累计获得"] = [_f(v) for v in b["earned"]]
    t["已兑换"] = [_f(v) for v in b["spent"]]
    t["余额"] = [_f(v) for v in b["balance"]]
    t["说明"] = list(b["note"])
    t.attrs["note"] = points_shop_note([str(y) for y in years], [c.removeprefix("index_") for c in idx])
    return t


def points_shop_note(years: list[str], uncapped: list[str]) -> str:
    """How 积分超市's 累计获得 is computed from the yearly scores.

    >>> points_shop_note(["2021", "2022"], ["学习"])
    '注：累计获得＝2021、2022年度积分（每月、每年上限以内计入的积分）＋学习指数（不设上限，各年合计）；余额＝累计获得－已兑换。'
    """
    head = "、".join(years) + "年度积分（每月、每年上限以内计入的积分）" if years else "年度积分"
    extra = "".join(f"＋{n}指数" for n in uncapped)
    return (f"注：累计获得＝{head}{extra}" + ("（不设上限，各年合计）" if uncapped else "")
            + "；余额＝累计获得－已兑换。")


def ledger_tables(results: dict) -> dict[str, dict[str, pd.DataFrame]]:
    """Display tables (Chinese headers, numbers rounded half up) of each ledger, by workbook."""
    out: dict[str, dict[str, pd.DataFrame]] = {}

    def problems(p, ledger: str) -> pd.DataFrame:
        """Bad records: the file row, the column as the file names it (a field code that
        run_ledgers did not already name is given its default Chinese header)."""
        names = {**PROBLEM_COLUMNS, **DEFAULT_COLUMNS.get(ledger, {})}
        t = pd.DataFrame({"所在行": p["row"], "列": p["column"].map(lambda c: names.get(c, c)),
                          "内容": p["value"], "问题": p["reason"].map(_zh_reason)})
        t.attrs["empty"] = "没有需要核对的记录。"
        return t
    if "member_points" in results:
        r = results["member_points"]
        a = r.annual
        annual = pd.DataFrame({"党员": a["member"], "年度": a["year"], "年度积分": a["score"].map(_f)})
        for c in [c for c in a if c.startswith("index_")]:
            annual[c.removeprefix("index_") + "指数"] = a[c].map(_f)
        annual["是否合格"] = a["unqualified"].map({True: "不合格", False: "合格"})
        annual["说明"] = a["flag"]
        m = r.monthly
        out["积分台账"] = {
            "年度积分": annual,
            "超上限月份": pd.DataFrame({"党员": m["member"], "年": m["year"], "月": m["month"],
                                    "当月得分": m["raw"].map(_f), "计入": m["counted"].map(_f),
                                    "说明": m["note"]})[m["capped"].to_numpy()],
            "党员示范岗": pd.DataFrame({"年度": r.exemplary["year"], "党员": r.exemplary["member"],
                                   "年度积分": r.exemplary["score"].map(_f), "名次": r.exemplary["rank"]}),
            "积分超市": points_shop_table(r),
            "问题记录": problems(r.problems, "member_points")}
    if "cadre_quarterly" in results:
        r = results["cadre_quarterly"]
        q = r.quarters
        out["村干部绩效"] = {
            "季度考核": pd.DataFrame({"村干部": q["cadre"], "岗位": q["post"],
                                  "季度": [_quarter_text(y, k) for y, k in zip(q["year"], q["quarter"])],
                                  "得分": q["points"].map(_f), "等次": q["grade"],
                                  "基本报酬（月）": q["basic_monthly"].map(_f),
                                  "绩效报酬（季）": q["performance"].map(_f),
                                  "本季度合计": q["pay_quarter"].map(_f)}),
            "连续等次提示": pd.DataFrame({"村干部": r.flags["cadre"], "等次": r.flags["grade"],
                                    "连续季度": r.flags["quarters"], "建议": r.flags["action"],
                                    "说明": r.flags["note"]}),
            "问题记录": problems(r.problems, "cadre_quarterly")}
    if "stars" in results:
        r = results["stars"]
        b = r.branches.copy()
        stars = [c for c in b.columns if c not in ("branch", "n_stars", "note")]
        t = pd.DataFrame({"支部": b["branch"], **{s: b[s].map({True: "★", False: ""}) for s in stars},
                          "星数": b["n_stars"], "说明": b["note"]})
        out["星级评定"] = {"支部星级": t}
        if len(r.member_share):
            s = r.member_share
            out["星级评定"]["党员星级"] = pd.DataFrame({"支部": s["branch"], "党员数": s["n_members"],
                                                   "高星级党员": s["n_high"],
                                                   "占比": [fmt_for_verdict(v, t, 1, percent=True)
                                                          for v, t in zip(s["share"], s["target"])],
                                                   "目标": s["target"].map(lambda v: fmt_threshold(v, percent=True)),
                                                   "未达目标": s["below_target"].map({True: "是", False: ""})})
            out["星级评定"]["问题记录"] = problems(r.problems, "stars")
    if "inspection" in results:
        r = results["inspection"]
        k = r.ranks
        out["巡查排名"] = {
            "各轮排名": pd.DataFrame({"轮次": k["round"].map(round_label), "支部": k["branch"],
                                  "得分": k["score"].map(_f),
                                  "名次": [f"{x}（并列）" if t else str(x) for x, t in zip(k["rank"], k["tied"])],
                                  "倒数名次": [f"{x}（并列）" if t else str(x)
                                           for x, t in zip(k["bottom_rank"], k["tied"])],
                                  "倒数": k["bottom"].map({True: "是", False: ""})}),
            "连续靠后": pd.DataFrame({"支部": r.flagged["branch"], "说明": r.flagged["note"]})}
    return out


LEDGER_NAMES = {"member_points": "积分台账", "cadre_quarterly": "村干部绩效", "stars": "星级评定",
                "inspection": "巡查排名"}
# the table of each ledger the report shows, and what it says when that table is empty
MAIN_TABLES = {"积分台账": ("党员示范岗", "本期没有评出党员示范岗。"),
               "村干部绩效": ("连续等次提示", "没有村干部连续多个季度被评为同一提示等次。"),
               "星级评定": ("支部星级", "没有支部参加星级评定。"),
               "巡查排名": ("连续靠后", "没有支部连续排名靠后。")}


def ledger_document(results: dict, title: str = "", date=None):
    """考核台账报告 as a :class:`kit.render.Document`: a section per ledger with its findings
    and its main table (captioned, referred to in the text), signed by ``title`` (the
    organisation) with ``date`` (a placeholder when not given)."""
    from .render import Document, Table

    books = ledger_tables(results)
    doc = Document(f"{title}考核台账情况" if title else "考核台账情况")
    for key, r in results.items():
        book = LEDGER_NAMES[key]
        doc.heading(book)
        sentences = list(r.sentences)
        sheet, empty = MAIN_TABLES[book]
        t = books[book][sheet]
        table = Table.from_frame(t, caption=f"{book}：{sheet}", key=book, empty=f"{empty}")
        if len(t):
            sentences.append(f"{sheet}见{doc.ref(book)}；各表明细见“{book}.xlsx”。")
        doc.paragraphs(sentences)
        doc.table(table)
    doc.signature(title or "【请填写：单位名称】", date or "【请填写：成文日期】")
    return doc


def write_ledger_outputs(results: dict, out_dir: str | Path, title: str = "", date=None) -> dict[str, Path]:
    """One Excel workbook per ledger and 考核台账报告.docx (:func:`ledger_document`), both through
    the rendering layer (:mod:`kit.render`)."""
    from .render import render_docx
    from .tables import write_tables

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    books = ledger_tables(results)
    paths = {name: write_tables(sheets, out / f"{name}.xlsx", name) for name, sheets in books.items()}
    paths["report"] = render_docx(ledger_document(results, title, date), out / "考核台账报告.docx")
    return paths
