"""Generate the synthetic village panel and staged-target table (fixed seed).

SYNTHETIC DATA. Nothing here describes real places. 40 programme villages (项目村) and 40
comparison villages (对照村) observed each year 2013-2016, echoing the programme documents in
../../../shared/domain.md: per-capita net income rising from about 4,000 yuan to about 10,000
in programme villages (comparison villages rise too, more slowly), poor households falling
(the model village 东坪村: 138 -> 28), collective income and safe-water coverage rising. The
programme villages start a little poorer (they were chosen for need), which the baseline
balance table shows. Also a staged-target table for five counties (end of 2019: at least one
town per county meets the standard; 2020: half the towns; 2021: all), two counties behind.

Writes panel.csv and staged_targets.csv. Run:  python surveys/village-panel/generate.py
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20170301
YEARS = [2013, 2014, 2015, 2016]
MODEL = "东坪村"
COUNTIES = ["甲县", "乙县", "丙县", "丁县", "戊县"]


def villages() -> list[tuple[str, str]]:
    names = [f"{a}{b}村" for a in "东西南北中上下前" for b in "坪山河湖田桥岗塘庄岭"]   # 80
    names.remove(MODEL)
    return [(MODEL, "项目村")] + [(v, "项目村") for v in names[:39]] + [(v, "对照村") for v in names[39:79]]


def panel_rows(rng) -> list[dict]:
    rows = []
    for v, group in villages():
        prog = group == "项目村"
        inc0 = rng.normal(3900 if prog else 4300, 350)
        poor0 = int(rng.integers(60, 150))
        coll0 = max(0.5, rng.normal(2.0, 0.8))
        water0 = min(0.95, max(0.4, rng.normal(0.62 if prog else 0.66, 0.08)))
        u = rng.normal(0, 300)
        for k, year in enumerate(YEARS):
            growth = (2030 if prog else 900) * k
            inc = inc0 + growth + u * k / 3 + rng.normal(0, 250)
            poor = poor0 * (1 - (0.26 if prog else 0.12) * k) + rng.normal(0, 4)
            coll = coll0 + (1.6 if prog else 0.5) * k + rng.normal(0, 0.4)
            water = water0 + (0.09 if prog else 0.04) * k + rng.normal(0, 0.02)
            if v == MODEL:
                inc = [3900, 6000, 8000, 10000][k]
                poor = [138, 95, 60, 28][k]
                coll = [1.2, 8, 20, 200][k]
            rows.append({"村": v, "组别": group, "年份": year, "人均纯收入": round(inc),
                         "贫困户数": max(0, round(poor)), "村集体经济收入": round(coll, 1),
                         "安全饮水覆盖率": round(min(water, 1.0), 3)})
    return rows


def target_rows(rng) -> list[dict]:
    rows = []
    for i, c in enumerate(COUNTIES):
        towns = int(rng.integers(8, 16))
        for year, target in ((2019, 1), (2020, math.ceil(towns / 2)), (2021, towns)):
            behind = (c == "丁县" and year >= 2020) or (c == "戊县" and year == 2021)
            actual = target - int(rng.integers(1, 3)) if behind else min(towns, target + int(rng.integers(0, 2)))
            rows.append({"县": c, "年份": year, "乡镇总数": towns, "目标达标乡镇数": target,
                         "实际达标乡镇数": actual})
    return rows


def _csv(path: Path, rows: list[dict]) -> Path:
    keys = list(rows[0])
    path.write_text(",".join(keys) + "\n" + "".join(",".join(str(r[k]) for k in keys) + "\n"
                                                   for r in rows), encoding="utf-8")
    return path


def main(out: Path = HERE) -> list[Path]:
    rng = np.random.default_rng(SEED)
    return [_csv(out / "panel.csv", panel_rows(rng)), _csv(out / "staged_targets.csv", target_rows(rng))]


if __name__ == "__main__":
    print(main())
