"""Generate the synthetic democratic appraisal of party members (民主评议党员; fixed seed).

SYNTHETIC DATA. Nothing here describes real people. A joint party organisation of 45 members
appraises every member (党员01…党员45, numbers instead of names) as 优秀 / 合格 / 基本合格 /
不合格. 43 members took part; one answer sheet is a planted speeder, leaving 42 valid. Most
members are rated 合格 or 优秀; 党员17 gets mostly 基本合格 and 党员33 mostly 不合格, so both
are listed for one-to-one help (一对一帮扶).

Writes the 问卷星 按序号 .xlsx download into raw/ and questionnaire.yml.
Run:  python surveys/member-appraisal/generate.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = 20240628
N_MEMBERS, N_RATERS, SPEEDER = 45, 43, 29   # SPEEDER: 序号 of the planted speeder
TITLE = "2024年上半年民主评议党员"
VID = "16180339"
BANDS = ["优秀", "合格", "基本合格", "不合格"]
PROFILE = {17: [0.02, 0.28, 0.55, 0.15], 33: [0.0, 0.12, 0.30, 0.58]}
USUAL = [0.38, 0.57, 0.04, 0.01]


def make_rows(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2024, 6, 28, 14, 30)
    rows = []
    for i in range(N_RATERS):
        votes = [int(rng.choice(4, p=PROFILE.get(m + 1, USUAL))) + 1 for m in range(N_MEMBERS)]
        rows.append({"seq": i + 1, "submitted": start + dt.timedelta(seconds=40 * i + int(rng.integers(0, 30))),
                     "duration": 20 if i + 1 == SPEEDER else int(rng.integers(180, 600)),
                     "votes": votes})
    return rows


def _write(path: Path, rows: list[dict]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    members = [f"党员{m + 1:02d}" for m in range(N_MEMBERS)]
    ws.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
               f"1、请对以下党员作出评议—{members[0]}"] + members[1:])
    for r in rows:
        ws.append([r["seq"], r["submitted"].strftime("%Y/%m/%d %H:%M:%S"), f"{r['duration']}秒",
                   "微信", "直接访问", "NULL"] + r["votes"])
    fixed = dt.datetime(2024, 6, 30, 9, 0, 0)
    wb.properties.creator = "问卷星 (synthetic sample)"
    wb.properties.created = wb.properties.modified = fixed
    wb.save(path)


def questionnaire() -> dict:
    return {
        "title": TITLE, "platform": "wjx",
        "quality": {"exclude": ["duplicate_id", "speeder"], "speeder_threshold_s": 60,
                    "straight_lining_min_items": 5},
        "questions": [
            {"id": "pingyi", "number": 1, "title": "请对以下党员作出评议", "type": "matrix",
             "options": [{"code": i + 1, "label": b} for i, b in enumerate(BANDS)],
             "rows": [{"id": f"m{m + 1:02d}", "label": f"党员{m + 1:02d}"} for m in range(N_MEMBERS)]},
        ],
    }


def main(out: Path = HERE) -> int:
    rows = make_rows()
    (out / "raw").mkdir(parents=True, exist_ok=True)
    _write(out / "raw" / f"{VID}_按序号_{TITLE}_{len(rows)}_{len(rows)}.xlsx", rows)
    (out / "questionnaire.yml").write_text(
        "# 由 generate.py 生成（合成数据的问卷定义）：一道矩阵题，每行一名党员。\n"
        + yaml.safe_dump(questionnaire(), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8")
    return SPEEDER


if __name__ == "__main__":
    print(main())
