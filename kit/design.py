"""Weighted, design-based estimates: post-stratification weights, clustered standard errors,
design effects.

An evaluator's phone survey reaches a few households per village; villages differ in size, so
an unweighted share over-represents small villages. :func:`poststratify` gives each answer the
weight ``N_h / n_h`` (households in its cell over valid answers from that cell), so the
weighted answers add up to the known household counts. :func:`design_estimates` then computes
weighted means and shares with Taylor-linearised standard errors that treat the villages as
clusters (primary sampling units), optionally within strata (townships), and the design effect.

The variance estimation is done by the `svy <https://pypi.org/project/svy/>`_ package (MIT,
Rust core; the maintained successor of *samplics*), checked in ``tests/test_design.py``
against Stata's published ``svy: mean`` output for NHANES II and a cluster-sampling example
from Lohr's textbook. Two conventions, stated in every table:

* the variance treats the weights as fixed and the clusters as drawn with replacement (as
  Stata's ``svy`` and R's ``survey`` do without an ``fpc``);
* the design effect is ``deff = var_design / var_SRS-with-replacement`` (Kish's deft²), which
  stays meaningful however the weights were scaled.

A stratum with a single PSU (a township where one village was sampled) has no within-stratum
variance. By default it is handled as R's ``options(survey.lonely.psu = "adjust")`` and
Stata's ``singleunit(centered)`` do: its PSU is centred at the grand mean (svy's
``Singleton("center")``). ``weights: lonely_psu:`` in project.yml chooses another rule
(:data:`LONELY_PSU`); the table note says which rule was applied to which strata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from .errors import KitError, ProjectError

__all__ = ["SurveyDesign", "poststratify", "load_population", "design_estimates",
           "design_mean", "LONELY_PSU", "lonely_psu_note", "singleton_strata"]

#: ``weights: lonely_psu:`` -> (svy's singleton method, how the table note says it). None: stop.
LONELY_PSU = {
    "adjust": ("center", '以总体均值为中心计算其方差（R survey包 lonely.psu = "adjust"，'
                         "Stata singleunit(centered)）"),
    "average": ("scale", '不计入方差，其余各层的方差按比例放大（R survey包 lonely.psu = "average"，'
                         "Stata singleunit(scaled)）"),
    "remove": ("skip", '不计入方差（R survey包 lonely.psu = "remove"）'),
    "certainty": ("skip", '视为必然入样的单元，不计入方差（R survey包 lonely.psu = "certainty"，'
                          "Stata singleunit(certainty)）"),
    "fail": (None, "停止计算并报错"),
}


@dataclass
class SurveyDesign:
    """How a survey's answers are weighted and clustered.

    ``weights`` is indexed like the responses; ``cluster`` and ``strata`` name columns of the
    responses' data (e.g. the village and township questions). ``description`` is the Chinese
    sentence that the report uses to state the method.
    """

    weights: pd.Series
    cluster: str | None = None
    strata: str | None = None
    description: str = ""
    notes: list[str] = field(default_factory=list)
    lonely_psu: str = "adjust"   # see LONELY_PSU
    units: str = ""              # one plain sentence: are the units strata or sampled clusters?


def load_population(path: str | Path, cell_column: str, count_column: str) -> pd.Series:
    """Read known population counts (e.g. households per village) from a CSV or Excel sheet.

    Returns a Series mapping the cell's label (as written in the file) to its count. Errors
    name the file, the row and the column.
    """
    from .io.table import read_table

    raw = read_table(path)
    header = [str(h).strip() for h in raw.header[-1]]
    for col in (cell_column, count_column):
        if col not in header:
            raise ProjectError(f"缺少列「{col}」(missing column; found {header})", path=path)
    labels = raw.body[header.index(cell_column)]
    counts = raw.body[header.index(count_column)]
    out = {}
    for i, (label, count) in enumerate(zip(labels, counts)):
        row = raw.file_row(i)
        if label is None or (isinstance(label, float) and np.isnan(label)) or not str(label).strip():
            raise ProjectError("单元名称为空", path=path, row=row,
                               column=cell_column)
        try:
            value = float(str(count).replace(",", "").strip())
        except ValueError:
            value = float("nan")
        if not np.isfinite(value) or value <= 0:
            raise ProjectError(f"「{count}」不是正数", path=path,
                               row=row, column=count_column)
        key = str(label).strip()
        if key in out:
            raise ProjectError(f"单元「{key}」重复出现", path=path, row=row,
                               column=cell_column)
        out[key] = value
    return pd.Series(out, name=count_column, dtype="float64")


def poststratify(cells: pd.Series, population: Mapping[str, float] | pd.Series,
                 source: str | Path | None = None) -> tuple[pd.Series, list[str]]:
    """Post-stratification weights ``N_h / n_h`` for each answer's cell.

    Parameters
    ----------
    cells : Series
        Each valid answer's cell label (e.g. village name); missing labels get no weight.
    population : mapping or Series
        Known count of each cell (e.g. households per village).
    source : path, optional
        The population file, named in errors.

    Returns
    -------
    (weights, notes)
        Weights indexed like ``cells`` (NaN where the cell is missing) and Chinese notes on
        answers without a cell and on population cells without any answer.

    Examples
    --------
    >>> w, notes = poststratify(pd.Series(["甲村", "甲村", "乙村"]), {"甲村": 100, "乙村": 300})
    >>> w.tolist()
    [50.0, 50.0, 300.0]
    """
    pop = pd.Series(population, dtype="float64")
    labels = cells.astype("string")
    unknown = sorted(set(labels.dropna()) - set(pop.index))
    if unknown:
        raise ProjectError(f"答卷中的单元「{'、'.join(unknown[:5])}」在总体户数表中没有记录", path=source)
    n_h = labels.value_counts()
    w = labels.map(pop).astype("float64") / labels.map(n_h).astype("float64")
    notes = []
    n_missing = int(labels.isna().sum())
    if n_missing:
        notes.append(f"{n_missing}份有效答卷未填写加权单元，不参与加权估计。")
    empty = [c for c in pop.index if c not in n_h.index]
    if empty:
        share = pop[empty].sum() / pop.sum()
        notes.append(f"总体中有{len(empty)}个单元（{'、'.join(empty[:5])}{'等' if len(empty) > 5 else ''}）"
                     f"没有有效答卷，其{share:.1%}的户数在加权估计中没有代表。")
    return w.rename("weight"), notes


def _sample(frame: pd.DataFrame, weight: str, cluster: str | None, strata: str | None,
            lonely_psu: str = "adjust"):
    import polars as pl
    import svy

    method = LONELY_PSU[lonely_psu][0] if strata else None  # svy: a rule needs strata
    return svy.Sample(pl.from_pandas(frame), svy.Design(
        stratum=strata, psu=cluster, wgt=weight,
        singleton=svy.Singleton(method) if method else None))


def singleton_strata(frame: pd.DataFrame, cluster: str | None, strata: str | None) -> list[str]:
    """The strata holding a single PSU (a single answer when there are no clusters)."""
    if not strata:
        return []
    psu = frame[cluster] if cluster else pd.Series(np.arange(len(frame)), index=frame.index)
    n = psu.groupby(frame[strata].astype("string").fillna("（缺失）")).nunique()
    return [str(k) for k in n.index[n == 1]]


def lonely_psu_note(lonely_psu: str = "adjust", singletons=(), unit: str = "一个抽样单元") -> str:
    """The table note on strata with a single PSU: the rule, and where it was applied.

    >>> lonely_psu_note("adjust", ["城关镇"], "一个村")
    '只有一个村的层（城关镇）以总体均值为中心计算其方差（R survey包 lonely.psu = "adjust"，Stata singleunit(centered)）。'
    """
    rule = LONELY_PSU[lonely_psu][1]
    if singletons:
        names = "、".join(list(singletons)[:5]) + ("等" if len(singletons) > 5 else "")
        return f"只有{unit}的层（{names}）{rule}。"
    return f"如有只有{unit}的层，{rule}；本次没有这样的层。"


def design_mean(y, weights, cluster=None, strata=None, share: bool = False,
                conf_level: float = 0.95, lonely_psu: str = "adjust"):
    """A weighted mean (or share of a 0/1 variable) with its design-based standard error.

    Returns :class:`kit.stats.Result` with ``estimate``, ``se``, ``ci_low``/``ci_high``
    (t interval on the design degrees of freedom for means; logit interval for shares, as
    R's ``svyciprop``), ``n``, ``df`` and ``deff`` (deft², against SRS with replacement).

    Examples
    --------
    >>> r = design_mean([1, 0, 1, 1], weights=[1, 1, 2, 2], cluster=["a", "a", "b", "b"], share=True)
    >>> round(r.estimate, 4)
    0.8333
    """
    from .stats import Result

    frame = pd.DataFrame({"y": np.asarray(y, dtype="float64"),
                          "w": np.asarray(weights, dtype="float64")})
    if cluster is not None:
        frame["c"] = np.asarray(cluster)
    if strata is not None:
        frame["s"] = np.asarray(strata)
    frame = frame[frame["w"].notna()]
    row = design_estimates(frame, ["y"], weight="w", cluster="c" if cluster is not None else None,
                           strata="s" if strata is not None else None, shares=["y"] if share else [],
                           conf_level=conf_level, lonely_psu=lonely_psu).iloc[0]
    num = {k: (None if pd.isna(row[k]) else float(row[k]))
           for k in ("estimate", "ci_low", "ci_high", "se", "df", "deff")}
    return Result(**num, n=int(row["n"]),
                  method="design_share_logit" if share else "design_mean_t")


def design_estimates(frame: pd.DataFrame, columns: list[str], weight: str,
                     cluster: str | None = None, strata: str | None = None,
                     shares: list[str] = (), conf_level: float = 0.95,
                     lonely_psu: str = "adjust") -> pd.DataFrame:
    """Weighted means (and shares, for the 0/1 columns listed in ``shares``) of ``columns``.

    Missing values leave the estimate but not the design (domain estimation, as Stata's
    ``subpop`` and R's ``na.rm`` do). Strata with a single PSU are handled by ``lonely_psu``
    (:data:`LONELY_PSU`; ``"fail"`` raises a :class:`KitError` naming them). Returns one row
    per column: ``column``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``deff``, ``df``,
    ``n``, ``n_clusters`` (PSUs), ``n_strata``; ``attrs["singletons"]`` lists the strata with
    a single PSU.
    """
    if lonely_psu not in LONELY_PSU:
        raise KitError(f"lonely_psu「{lonely_psu}」不是可用的选项 (expected one of "
                       f"{', '.join(LONELY_PSU)})")
    if not len(columns):
        return pd.DataFrame(columns=["column", "estimate", "se", "ci_low", "ci_high", "deff", "df",
                                     "n", "n_clusters", "n_strata"])
    keep = [weight] + [c for c in (cluster, strata) if c] + list(dict.fromkeys(columns))
    data = frame[keep].copy()
    if data[weight].isna().any() or (data[weight] <= 0).any():
        raise KitError("权重须为正数且不能缺失")
    names = {c: f"y{i}" for i, c in enumerate(dict.fromkeys(columns))}
    data = data.rename(columns=names)
    for c in names.values():
        data[c] = data[c].astype("float64")
    for c in (cluster, strata):
        if c:
            data[c] = data[c].astype("string").fillna("（缺失）")
    singles = singleton_strata(data, cluster, strata)
    if singles and LONELY_PSU[lonely_psu][0] is None:
        raise KitError(f"加权估计：层「{'、'.join(singles[:5])}」中只有一个{'群' if cluster else '有效答卷'}，"
                       "按 weights.lonely_psu: fail 的设定停止。可改为 adjust（默认，同 R 的 "
                       "survey.lonely.psu = \"adjust\"）、average、remove 或 certainty；也可以在 weights: "
                       "中删去 strata:（不分层），或把该层与相邻的层合并")
    s = _sample(data, weight, cluster, strata, lonely_psu)
    alpha = 1 - conf_level
    n_clusters = int(data[cluster].nunique()) if cluster else len(data)
    n_strata = int(data[strata].nunique()) if strata else 1
    rows = []
    means = [c for c in columns if c not in shares]
    if means:
        est = s.estimation.mean([names[c] for c in means], drop_nulls=True, deff="wr", alpha=alpha)
        for c, e in zip(means, est):
            d = e.to_polars().row(0, named=True)
            rows.append(_row(c, d, n_clusters, n_strata))
    for c in shares:
        if data[names[c]].dropna().nunique() < 2:  # all 0 or all 1: no variance to estimate
            x = data[names[c]].dropna()
            rows.append({"column": c, "estimate": float(x.iloc[0]) if len(x) else np.nan, "se": 0.0,
                         "ci_low": np.nan, "ci_high": np.nan, "deff": np.nan, "df": np.nan,
                         "n": len(x), "n_clusters": n_clusters, "n_strata": n_strata})
            continue
        e = s.estimation.prop(names[c], drop_nulls=True, deff="wr", alpha=alpha)
        t = e.to_polars()
        d = t.filter(t[names[c]] == 1).row(0, named=True)
        rows.append(_row(c, d, n_clusters, n_strata))
    order = {c: i for i, c in enumerate(columns)}
    out = pd.DataFrame(rows)
    out = out.sort_values("column", key=lambda s: s.map(order)).reset_index(drop=True)
    out.attrs["singletons"] = singles
    return out


def _row(column, d: dict, n_clusters: int, n_strata: int) -> dict:
    return {"column": column, "estimate": d["est"], "se": d["se"], "ci_low": d["lci"],
            "ci_high": d["uci"], "deff": d.get("deff", np.nan), "df": d["df"], "n": d["n"],
            "n_clusters": n_clusters, "n_strata": n_strata}
