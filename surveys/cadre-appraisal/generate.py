"""Generate the synthetic mass appraisal of village cadres (群众测评村干部; fixed seed).

SYNTHETIC DATA. Nothing here describes real people. A village's party members and villager
representatives (180 entitled to take part) score its 8 cadres on 德、能、勤、绩、廉 by
"驾照式" deductions from 100 points: each aspect is worth 20 points and a rating of 好 / 较好 /
一般 / 差 / 很差 deducts 0 / 4 / 8 / 14 / 20 of them. 112 took part (more than half). Cadres
are identified by post and number (村干部01…08), never by name. 村干部06 is rated poorly by most
respondents and ends below the 60-point line; two answer sheets are planted speeders.

Writes the 问卷星 按序号 .xlsx download into raw/ and questionnaire.yml.
Run:  python surveys/cadre-appraisal/generate.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = 20231215
N_ELIGIBLE, N_TOOK_PART, N_SPEEDERS = 180, 114, 2
TITLE = "2023年度群众测评村干部"
VID = "27182818"
CADRES = ["党组织书记", "村委会主任", "党组织副书记", "妇联主席", "治保主任", "文书", "监委会主任",
          "后备干部"]
ASPECTS = ["德（思想品德）", "能（工作能力）", "勤（工作态度）", "绩（工作实绩）", "廉（廉洁自律）"]
RATINGS = [("好", 0), ("较好", -4), ("一般", -8), ("差", -14), ("很差", -20)]
POOR = 5  # 村干部06: rated poorly
IDENTITY = ["党员", "村民代表"]


def make_rows(seed: int = SEED) -> tuple[list[dict], list[int]]:
    rng = np.random.default_rng(seed)
    speeders = sorted(rng.choice(np.arange(20, N_TOOK_PART), N_SPEEDERS, replace=False).tolist())
    start = dt.datetime(2023, 12, 18, 9, 0)
    gaps = np.sort(rng.uniform(0, 3 * 24 * 3600, N_TOOK_PART))
    rows = []
    for i in range(N_TOOK_PART):
        ratings = []
        for c in range(len(CADRES)):
            p = [0.08, 0.17, 0.35, 0.28, 0.12] if c == POOR else [0.62, 0.27, 0.08, 0.02, 0.01]
            ratings.append([int(rng.choice(5, p=p)) + 1 for _ in ASPECTS])
        rows.append({"seq": i + 1, "submitted": start + dt.timedelta(seconds=float(gaps[i])),
                     "duration": int(rng.integers(25, 60)) if i in speeders else int(rng.integers(150, 600)),
                     "identity": int(rng.choice(2, p=[0.6, 0.4])) + 1, "ratings": ratings})
    return rows, [s + 1 for s in speeders]


def _write(path: Path, rows: list[dict]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的身份"]
    for c in range(len(CADRES)):
        head += [f"{c + 2}、村干部{c + 1:02d}（{CADRES[c]}）—{ASPECTS[0]}"] + ASPECTS[1:]
    ws.append(head)
    for r in rows:
        ws.append([r["seq"], r["submitted"].strftime("%Y/%m/%d %H:%M:%S"), f"{r['duration']}秒",
                   "微信", "直接访问", "NULL", r["identity"]] + [v for block in r["ratings"] for v in block])
    fixed = dt.datetime(2023, 12, 22, 9, 0, 0)
    wb.properties.creator = "问卷星 (synthetic sample)"
    wb.properties.created = wb.properties.modified = fixed
    wb.save(path)


def questionnaire() -> dict:
    opts = [{"code": i + 1, "label": lb, "score": s} for i, (lb, s) in enumerate(RATINGS)]
    return {
        "title": TITLE, "platform": "wjx", "groups": ["identity"],
        "quality": {"exclude": ["duplicate_id", "speeder"], "speeder_threshold_s": 60},
        "questions": [
            {"id": "identity", "number": 1, "title": "您的身份", "type": "single", "role": "group",
             "options": [{"code": i + 1, "label": v} for i, v in enumerate(IDENTITY)]},
        ] + [
            {"id": f"cadre_{c + 1:02d}", "number": c + 2,
             "title": f"村干部{c + 1:02d}（{CADRES[c]}）", "type": "matrix", "options": opts,
             "rows": [{"id": f"c{c + 1:02d}_{k + 1}", "label": a} for k, a in enumerate(ASPECTS)]}
            for c in range(len(CADRES))
        ],
    }


def main(out: Path = HERE) -> list[int]:
    rows, speeders = make_rows()
    (out / "raw").mkdir(parents=True, exist_ok=True)
    _write(out / "raw" / f"{VID}_按序号_{TITLE}_{len(rows)}_{len(rows)}.xlsx", rows)
    (out / "questionnaire.yml").write_text(
        "# 由 generate.py 生成（合成数据的问卷定义）：每位村干部一道矩阵题，选项的分值为扣分。\n"
        + yaml.safe_dump(questionnaire(), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8")
    return speeders


if __name__ == "__main__":
    print(main())
