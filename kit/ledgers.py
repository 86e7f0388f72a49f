"""Appraisal ledgers: member points (积分制), inspection rankings (and, to come, cadre
quarterly performance and star ratings).

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
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import KitError, read_yaml_mapping
from .fmt import fmt_percent

__all__ = ["LedgerError", "load_ledger_method", "read_records", "MemberPoints", "member_points",
           "Rankings", "inspection_rankings", "CadreQuarterly", "cadre_quarterly", "Stars",
           "star_ratings", "run_ledgers", "ledger_tables", "write_ledger_outputs"]


class LedgerError(KitError):
    """A ledger method or records file is invalid."""


# ------------------------------------------------------------------------------ method
def load_ledger_method(path: str | Path) -> dict:
    """Read the ledger sections of ``method.yml``; errors name the file and the key."""
    path = Path(path)
    d = read_yaml_mapping(path, LedgerError, "找不到办法文件 method.yml (file not found)")
    mp = d.get("member_points")
    if mp is not None:
        for key in ("monthly_cap", "annual_cap", "unqualified_below", "items"):
            if key not in mp:
                raise LedgerError(f"键「member_points.{key}」：缺少必填项 (missing required key)", path=path)
        indices = mp.get("indices") or {}
        for idx, kind in indices.items():
            if kind not in ("capped", "uncapped"):
                raise LedgerError(f"键「member_points.indices.{idx}」：应为 capped 或 uncapped", path=path)
        for item, idx in (mp.get("items") or {}).items():
            if indices and idx not in indices:
                raise LedgerError(f"键「member_points.items.{item}」：指数「{idx}」不在 indices 中 "
                                  "(unknown index)", path=path)
    ins = d.get("inspection")
    if ins is not None and not all(isinstance(ins.get(k, 1), int) for k in ("bottom", "consecutive")):
        raise LedgerError("键「inspection」：bottom 和 consecutive 应为整数 (expected integers)", path=path)
    return d


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


def _num(v) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        return float(str(v).strip())
    except ValueError:
        return None


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
    cap, annual_cap = float(rules["monthly_cap"]), float(rules["annual_cap"])
    line = float(rules["unqualified_below"])
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
            reason = ("member", r.member, "党员不在名册中 (unknown member)")
        elif d is None:
            reason = ("date", r.date, "日期无法识别 (not a date)")
        elif start and not (start <= d <= end):
            reason = ("date", r.date, f"日期不在考核期{start}至{end}内 (outside the period)")
        elif p is None:
            reason = ("points", r.points, "积分不是数字 (not a number)")
        elif r.item not in items and r.item not in spend:
            reason = ("item", r.item, "积分项目不在办法中 (item not in the method)")
        if reason:
            problems.append({"row": r.row, "column": reason[0], "value": reason[1], "reason": reason[2]})
            continue
        kind = "spend" if r.item in spend else indices.get(items[r.item], "capped")
        good.append({"member": str(r.member).strip(), "year": d.year, "month": d.month,
                     "index": "积分超市" if kind == "spend" else items[r.item], "kind": kind,
                     "points": p})
    g = pd.DataFrame(good, columns=["member", "year", "month", "index", "kind", "points"])
    capped = g[g["kind"] == "capped"]
    monthly = capped.groupby(["member", "year", "month"], as_index=False)["points"].sum() \
        .rename(columns={"points": "raw"})
    monthly["counted"] = monthly["raw"].clip(upper=cap)
    monthly["capped"] = monthly["raw"] > cap
    monthly["note"] = [f"{y}年{m}月得{_n(raw)}分，超过每月{_n(cap)}分上限，超出的{_n(raw - cap)}分不计入"
                       if c else "" for y, m, raw, c in zip(monthly["year"], monthly["month"],
                                                            monthly["raw"], monthly["capped"])]
    years = sorted(g["year"].unique()) if len(g) else []
    if start and end:
        years = list(range(start.year, end.year + 1))
    grid = pd.MultiIndex.from_product([sorted(members), years], names=["member", "year"])
    annual = monthly.groupby(["member", "year"])["counted"].sum().reindex(grid, fill_value=0.0) \
        .clip(upper=annual_cap).rename("score").reset_index()
    for idx, kind in indices.items():
        if kind == "uncapped":
            s = g[(g["kind"] == "uncapped") & (g["index"] == idx)].groupby(["member", "year"])["points"].sum()
            annual[f"index_{idx}"] = s.reindex(pd.MultiIndex.from_frame(annual[["member", "year"]]),
                                               fill_value=0.0).to_numpy()
    annual["unqualified"] = annual["score"] < line
    annual = annual.sort_values(["member", "year"]).reset_index(drop=True)
    streaks, flags = [], []
    for member, part in annual.groupby("member", sort=False):
        run: list[int] = []
        for y, s, u in zip(part["year"], part["score"], part["unqualified"]):
            run = run + [y] if u and (not run or run[-1] == y - 1) else ([y] if u else [])
            streaks.append(len(run))
            if not u:
                flags.append("")
            elif len(run) >= streak_len:
                flags.append(f"{y}年{_n(s)}分，低于{_n(line)}分；{_yr(run[:-1])}同样不合格：连续{len(run)}年不合格")
            else:
                flags.append(f"{y}年{_n(s)}分，低于{_n(line)}分，不合格")
    annual["unqualified_streak"] = streaks
    annual["flag"] = flags
    annual["consecutive_flag"] = annual["unqualified_streak"] >= streak_len
    # 党员示范岗: the top share of each year's scores
    top = []
    share = float(rules.get("top_share", 0.10))
    for y, part in annual.groupby("year"):
        k = max(1, math.ceil(share * len(part)))
        ranked = part.assign(rank=part["score"].rank(method="min", ascending=False).astype(int))
        cut = ranked.sort_values("score", ascending=False)["score"].iloc[k - 1]
        top.append(ranked[ranked["score"] >= cut].sort_values(["rank", "member"]))
    exemplary = pd.concat(top)[["year", "member", "score", "rank"]].reset_index(drop=True) \
        if top else pd.DataFrame(columns=["year", "member", "score", "rank"])
    earned = annual.groupby("member")["score"].sum()
    for c in [c for c in annual if c.startswith("index_")]:
        earned = earned + annual.groupby("member")[c].sum()
    spent = g[g["kind"] == "spend"].groupby("member")["points"].apply(lambda s: s.abs().sum())
    balance = pd.DataFrame({"earned": earned, "spent": spent.reindex(earned.index, fill_value=0.0)})
    balance["balance"] = balance["earned"] - balance["spent"]
    balance["note"] = ["兑换超过所得积分" if b < 0 else "" for b in balance["balance"]]
    balance = balance.reset_index()
    res = MemberPoints(monthly=monthly, annual=annual, balance=balance,
                       problems=pd.DataFrame(problems, columns=["row", "column", "value", "reason"]),
                       exemplary=exemplary)
    res.sentences = _points_sentences(res, rules, len(records), source)
    return res


def _n(x: float) -> str:
    from .fmt import fmt_number

    return fmt_number(x, 0) if float(x).is_integer() else fmt_number(x, 1)


def _points_sentences(res: MemberPoints, rules: dict, n_records: int, source) -> list[str]:
    a = res.annual
    out = [f"共读取积分记录{n_records}条，其中{len(res.problems)}条有问题未计入（见问题清单，均列出所在行）。"
           if len(res.problems) else f"共读取积分记录{n_records}条，全部计入。"]
    for y, part in a.groupby("year"):
        un = part[part["unqualified"]]
        out.append(f"{y}年：{len(part)}名党员平均积分{_n(part['score'].mean())}分，"
                   f"{len(un)}名低于{_n(float(rules['unqualified_below']))}分为不合格"
                   + (f"（{'、'.join(un['member'])}）" if len(un) else "") + "。")
    for m, f in zip(a.loc[a["consecutive_flag"], "member"], a.loc[a["consecutive_flag"], "flag"]):
        out.append(f"{m}：{f}。")
    capped = res.monthly["capped"].sum()
    if capped:
        out.append(f"有{int(capped)}个“党员—月份”超过每月{_n(float(rules['monthly_cap']))}分上限，"
                   "超出部分不计入，已在月度明细中标注。")
    return out


# ------------------------------------------------------------------------------ inspections
@dataclass
class Rankings:
    ranks: pd.DataFrame          # branch, round, score, rank, tied, bottom
    flagged: pd.DataFrame        # branch, rounds, note
    sentences: list[str] = field(default_factory=list)


def inspection_rankings(scores: pd.DataFrame, bottom: int = 3, consecutive: int = 2) -> Rankings:
    """Ranks per inspection round (highest score first; ties share the rank, competition
    ranking, and are stated) and the branches in the bottom ``bottom`` places in
    ``consecutive`` consecutive rounds. ``scores``: ``branch``, ``round``, ``score``."""
    t = scores.copy()
    t["rank"] = t.groupby("round")["score"].rank(method="min", ascending=False).astype(int)
    t["n"] = t.groupby("round")["score"].transform("size")
    t["tied"] = t.duplicated(["round", "rank"], keep=False)
    t["bottom"] = t["rank"] > t["n"] - bottom
    t = t.sort_values(["round", "rank"], kind="stable").reset_index(drop=True)  # ties: table order
    rounds = sorted(t["round"].unique())
    flagged = []
    for b, part in t.groupby("branch", sort=True):
        hit = part.set_index("round")["bottom"].reindex(rounds, fill_value=False)
        rk = part.set_index("round")["rank"]
        run: list = []
        for r in rounds:
            run = run + [r] if hit[r] else []
            if len(run) >= consecutive:
                flagged.append({"branch": b, "rounds": list(run), "note":
                                f"第{'、'.join(str(x) for x in run)}轮均排名倒数前{bottom}"
                                f"（第{'、'.join(str(int(rk[x])) for x in run)}名）：连续{len(run)}轮靠后"})
        # keep the longest run per branch only
    fl = pd.DataFrame(flagged, columns=["branch", "rounds", "note"])
    if len(fl):
        fl = fl.loc[fl.groupby("branch")["rounds"].apply(lambda s: s.map(len).idxmax())].reset_index(drop=True)
    res = Rankings(ranks=t.drop(columns="n"), flagged=fl)
    out = []
    for r, part in t.groupby("round"):
        ties = part[part["tied"]]
        if len(ties):
            groups = ties.groupby("rank")["branch"].apply(lambda s: "、".join(s))
            out.append(f"第{r}轮：" + "；".join(f"{names}并列第{k}名" for k, names in groups.items()) + "。")
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


def _quarter(v) -> tuple[int, int] | None:
    import re

    m = re.search(r"(\d{4})\D*?([1-4])\D*$", str(v).strip().upper().replace("Q", " "))
    return (int(m.group(1)), int(m.group(2))) if m else None


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
    grades = sorted(rules["grades"], key=lambda g: -float(g["min"]))
    annual, full = float(rules["annual_pay"]), float(rules.get("full_points", 100))
    bs, ps = float(rules.get("basic_share", 0.7)), float(rules.get("performance_share", 0.3))
    premium = dict(rules.get("premium_posts") or {})
    streak = int(rules.get("streak", 3))
    top, bottom = grades[0]["name"], grades[-1]["name"]
    good, problems = [], []
    for r in scores.itertuples(index=False):
        q, p = _quarter(r.quarter), _num(r.points)
        if q is None:
            problems.append({"row": r.row, "column": "quarter", "value": r.quarter,
                             "reason": "季度无法识别，应写作 2022Q1 或 2022年第1季度"})
            continue
        if p is None or p < 0:
            problems.append({"row": r.row, "column": "points", "value": r.points,
                             "reason": "得分不是非负数 (not a number)"})
            continue
        grade = next(g["name"] for g in grades if p >= float(g["min"]) or g is grades[-1])
        pay = annual * (1 + float(premium.get(str(r.post).strip(), 0.0)))
        good.append({"cadre": str(r.cadre).strip(), "post": str(r.post).strip(), "year": q[0],
                     "quarter": q[1], "points": p, "grade": grade,
                     "basic_monthly": pay * bs / 12, "basic_quarter": pay * bs / 4,
                     "performance": pay * ps / 4 * min(p / full, 1.0)})
    t = pd.DataFrame(good)
    if len(t):
        t["pay_quarter"] = t["basic_quarter"] + t["performance"]
        t = t.sort_values(["cadre", "year", "quarter"]).reset_index(drop=True)
    flags = []
    for cadre, part in (t.groupby("cadre", sort=False) if len(t) else []):
        run: list = []
        keyed = list(zip(part["year"], part["quarter"], part["grade"]))
        for i, (y, q, g) in enumerate(keyed + [(None, None, None)]):
            prev = keyed[i - 1] if i else None
            consecutive = prev is not None and g == prev[2] and y is not None and \
                (y * 4 + q) - (prev[0] * 4 + prev[1]) == 1
            if consecutive:
                run.append((y, q))
            else:
                if len(run) >= streak and run and prev[2] in (top, bottom):
                    action = "建议表彰" if prev[2] == top else "建议调整"
                    span = f"{run[0][0]}年第{run[0][1]}季度至{run[-1][0]}年第{run[-1][1]}季度"
                    flags.append({"cadre": cadre, "grade": prev[2], "quarters": len(run), "action": action,
                                  "note": f"{span}连续{len(run)}个季度{prev[2]}：{action}"})
                run = [(y, q)] if y is not None else []
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
    """One criterion over a branch's indicators: is / min / max / grew (from -> to)."""
    if "grew" in c:
        a, b = _num(row.get(c["grew"][0])), _num(row.get(c["grew"][1]))
        if a is None or b is None:
            return False, f"「{c['grew'][0]}」或「{c['grew'][1]}」缺失"
        return (b > a), f"「{c['grew'][1]}」{_n(b)}{'高于' if b > a else '未高于'}「{c['grew'][0]}」{_n(a)}"
    name = c["indicator"]
    v = row.get(name)
    if "is" in c:
        ok = str(v).strip() == str(c["is"])
        return ok, f"「{name}」为{v}" + ("" if ok else f"，应为{c['is']}")
    x = _num(v)
    if x is None:
        return False, f"「{name}」缺失或不是数字"
    if "min" in c:
        ok = x >= float(c["min"])
        return ok, f"「{name}」为{_n(x)}，{'达到' if ok else '低于'}{_n(float(c['min']))}"
    ok = x <= float(c["max"])
    return ok, f"「{name}」为{_n(x)}，{'不高于' if ok else '高于'}{_n(float(c['max']))}"


def star_ratings(branches: pd.DataFrame, members: pd.DataFrame | None, rules: dict) -> Stars:
    """Branch stars and member stars, as the method defines them.

    ``branches``: a ``branch`` column and the indicator columns the criteria name. Each star is
    awarded when all its criteria hold (``is``, ``min``, ``max``, or ``grew: [from, to]``);
    prerequisites are checked first, and a branch that fails one gets no star at all.
    ``members``: ``member``, ``branch`` and the ``basic`` aspect columns (是/否, a star each)
    plus the ``extra`` column (extra stars for outstanding service), at most ``max_stars``;
    per branch, the share of members at ``high`` stars or more against ``target_share``.
    """
    stars = rules.get("branch_stars") or {}
    pre = list(rules.get("prerequisites") or [])
    rows = []
    for r in branches.to_dict("records"):
        out = {"branch": r["branch"]}
        notes = []
        failed = [p for p in pre if str(r.get(p, "")).strip() not in ("是", "1", "True", "true")]
        for name, spec in stars.items():
            if failed:
                out[name] = False
                continue
            checks = [_cond(r, c) for c in spec.get("all", [])]
            out[name] = all(ok for ok, _ in checks)
            if not out[name]:
                notes.append(f"未获{name}：" + "；".join(t for ok, t in checks if not ok))
        if failed:
            notes = [f"前置条件「{'」「'.join(failed)}」未满足，不评星"]
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
            n = sum(str(r.get(b, "")).strip() in ("是", "1", "√") for b in basic)
            e = _num(r.get(extra)) if extra else 0.0
            if extra and r.get(extra) not in (None, "") and e is None:
                problems.append({"row": r.get("row"), "column": extra, "value": r.get(extra),
                                 "reason": "加星数不是数字 (not a number)"})
                e = 0.0
            recs.append({"member": r["member"], "branch": r["branch"],
                         "n_stars": int(min(n + (e or 0), cap))})
        mt = pd.DataFrame(recs)
        target = float(ms.get("target_share", 0.10))
        share = mt.groupby("branch", sort=False).agg(n_members=("member", "size"),
                                                      n_high=("n_stars", lambda s: int((s >= high).sum())))
        share["share"] = share["n_high"] / share["n_members"]
        share["target"] = target
        share["below_target"] = share["share"] < target
        share = share.reset_index()
    res = Stars(branches=bt, members=mt, member_share=share,
                problems=pd.DataFrame(problems, columns=["row", "column", "value", "reason"]))
    out = []
    for name in stars:
        got = bt.loc[bt[name], "branch"].tolist() if len(bt) else []
        out.append(f"{name}：{len(got)}个支部达标" + (f"（{'、'.join(got)}）" if got else "") + "。")
    if len(share):
        below = share[share["below_target"]]
        out.append(f"{int(ms.get('high'))}星及以上党员占比目标为{_n(target * 100)}%，"
                   + ("未达到的支部：" + "、".join(f"{b}（{fmt_percent(s, 1)}）" for b, s in
                                              zip(below["branch"], below["share"])) + "。"
                      if len(below) else "各支部均已达到。"))
    res.sentences = out
    return res


# ------------------------------------------------------------------------------ a project
DEFAULT_COLUMNS = {
    "member_points": {"member": "党员", "date": "日期", "item": "项目", "points": "积分"},
    "cadre_quarterly": {"cadre": "村干部", "post": "岗位", "quarter": "季度", "points": "得分"},
    "inspection": {"branch": "支部", "round": "轮次", "score": "得分"},
}


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
    out: dict = {}
    for name in spec:
        if name not in rules and name != "stars" or (name == "stars" and "stars" not in rules):
            raise LedgerError(f"键「{name}」：method.yml 中没有这一台账的办法 (no rules for this ledger)",
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
    if "cadre_quarterly" in spec:
        s = spec["cadre_quarterly"]
        cols = {**DEFAULT_COLUMNS["cadre_quarterly"], **(s.get("columns") or {})}
        out["cadre_quarterly"] = cadre_quarterly(read_records(root / s["file"], cols),
                                                 rules["cadre_quarterly"])
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
        out["stars"] = star_ratings(b, m, rules["stars"])
    if "inspection" in spec:
        s = spec["inspection"]
        cols = {**DEFAULT_COLUMNS["inspection"], **(s.get("columns") or {})}
        recs = read_records(root / s["file"], cols)
        bad = recs[pd.to_numeric(recs["score"], errors="coerce").isna()]
        if len(bad):
            r = bad.iloc[0]
            raise LedgerError(f"得分「{r.score}」不是数字 (not a number)", path=root / s["file"],
                              row=int(r.row), column=cols["score"])
        recs["score"] = pd.to_numeric(recs["score"])
        rounds = pd.to_numeric(recs["round"], errors="coerce")
        if rounds.notna().all() and (rounds == rounds.round()).all():
            recs["round"] = rounds.astype(int)
        ins = rules["inspection"]
        out["inspection"] = inspection_rankings(recs, bottom=int(ins.get("bottom", 3)),
                                                consecutive=int(ins.get("consecutive", 2)))
    return out


# ------------------------------------------------------------------------------ outputs
def _f(x) -> str:
    from .fmt import fmt_points

    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt_points(float(x))


def ledger_tables(results: dict) -> dict[str, dict[str, pd.DataFrame]]:
    """Display tables (Chinese headers, numbers rounded half up) of each ledger, by workbook."""
    out: dict[str, dict[str, pd.DataFrame]] = {}
    problems = lambda p: pd.DataFrame({"所在行": p["row"], "列": p["column"], "内容": p["value"],  # noqa: E731
                                       "问题": p["reason"]})
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
            "积分超市": pd.DataFrame({"党员": r.balance["member"], "累计获得": r.balance["earned"].map(_f),
                                  "已兑换": r.balance["spent"].map(_f), "余额": r.balance["balance"].map(_f),
                                  "说明": r.balance["note"]}),
            "问题记录": problems(r.problems)}
    if "cadre_quarterly" in results:
        r = results["cadre_quarterly"]
        q = r.quarters
        out["村干部绩效"] = {
            "季度考核": pd.DataFrame({"村干部": q["cadre"], "岗位": q["post"],
                                  "季度": [f"{y}年第{k}季度" for y, k in zip(q["year"], q["quarter"])],
                                  "得分": q["points"].map(_f), "等次": q["grade"],
                                  "基本报酬（月）": q["basic_monthly"].map(_f),
                                  "绩效报酬（季）": q["performance"].map(_f),
                                  "本季度合计": q["pay_quarter"].map(_f)}),
            "连续等次提示": pd.DataFrame({"村干部": r.flags["cadre"], "等次": r.flags["grade"],
                                    "连续季度": r.flags["quarters"], "建议": r.flags["action"],
                                    "说明": r.flags["note"]}),
            "问题记录": problems(r.problems)}
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
                                                   "占比": s["share"].map(lambda v: fmt_percent(v, 1)),
                                                   "目标": s["target"].map(lambda v: fmt_percent(v, 0)),
                                                   "未达目标": s["below_target"].map({True: "是", False: ""})})
            out["星级评定"]["问题记录"] = problems(r.problems)
    if "inspection" in results:
        r = results["inspection"]
        k = r.ranks
        out["巡查排名"] = {
            "各轮排名": pd.DataFrame({"轮次": k["round"], "支部": k["branch"], "得分": k["score"].map(_f),
                                  "名次": [f"{x}（并列）" if t else str(x) for x, t in zip(k["rank"], k["tied"])],
                                  "倒数": k["bottom"].map({True: "是", False: ""})}),
            "连续靠后": pd.DataFrame({"支部": r.flagged["branch"], "说明": r.flagged["note"]})}
    return out


def write_ledger_outputs(results: dict, out_dir: str | Path, title: str = "") -> dict[str, Path]:
    """One Excel workbook per ledger (three-line style) and 考核台账报告.docx with a section
    per ledger: its findings and its main table."""
    from .tables import write_workbook
    from .word import body_paragraph, new_document, save_document, three_line_table

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    books = ledger_tables(results)
    paths = {name: write_workbook(sheets, out / f"{name}.xlsx") for name, sheets in books.items()}
    doc = new_document()
    doc.add_paragraph(f"{title}考核台账情况" if title else "考核台账情况", style="Title")
    names = {"member_points": "积分台账", "cadre_quarterly": "村干部绩效", "stars": "星级评定",
             "inspection": "巡查排名"}
    main = {"积分台账": "党员示范岗", "村干部绩效": "连续等次提示", "星级评定": "支部星级", "巡查排名": "连续靠后"}
    numerals = "一二三四五六"
    for i, (key, r) in enumerate(results.items()):
        book = names[key]
        doc.add_heading(f"{numerals[i]}、{book}", level=1)
        for s in r.sentences:
            body_paragraph(doc, s)
        t = books[book][main[book]]
        if len(t):
            three_line_table(doc, list(t.columns), [[str(v) for v in row] for row in t.itertuples(index=False)])
    paths["report"] = save_document(doc, out / "考核台账报告.docx", f"{title}考核台账情况")
    return paths
