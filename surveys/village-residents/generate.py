"""Generate the synthetic two-wave residents' satisfaction survey (fixed seed).

SYNTHETIC DATA. A county surveys village residents on village governance under 党建引领 twice:
a baseline (2019) and a follow-up (2021). Each wave has 600 answered questionnaires from 20
villages. 360 follow-up respondents (60%) were also interviewed at baseline (same 受访者编号,
hashed at load); 240 are new. The questionnaire has an overall satisfaction item and a 20-item
matrix in five dimensions; follow-up scores are about 0.3 points higher. Each wave has 3
speeders planted (listed in DATA_LOG.md).

Writes 问卷星 按序号 .xlsx downloads into raw/ and questionnaire.yml.
Run:  python surveys/village-residents/generate.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = 20210615
N, N_PANEL, N_SPEEDERS = 600, 360, 3
VILLAGES = [f"{a}{b}村" for a in "东西南北中" for b in "山河湖田"]          # 20 villages
IDENTITY = ["普通村民", "党员", "村民代表"]
SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
DIMENSIONS = {
    "党组织建设": ["支部班子团结", "党员带头作用", "三会一课落实", "联系服务群众"],
    "村务公开": ["财务公开及时", "公开内容真实", "重大事项民主决策", "意见反馈渠道"],
    "公共服务": ["便民服务站", "医疗卫生", "养老服务", "文化活动"],
    "产业发展": ["集体经济增收", "产业项目带动", "就业技能培训", "农产品销售"],
    "人居环境": ["垃圾清运", "道路硬化", "厕所改造", "村容村貌"],
}
ITEMS = [(dim, label) for dim, labels in DIMENSIONS.items() for label in labels]
TITLE = "村民对党建引领村级治理满意度调查"


def _respondent_ids(rng, n: int) -> list[str]:
    return [f"R{v:06d}" for v in rng.choice(np.arange(100000, 999999), n, replace=False)]


def make_waves(seed: int = SEED) -> dict:
    rng = np.random.default_rng(seed)
    people = _respondent_ids(rng, N + (N - N_PANEL))
    baseline_ids = people[:N]
    panel = list(rng.choice(baseline_ids, N_PANEL, replace=False))
    followup_ids = panel + people[N:]
    rng.shuffle(followup_ids)
    person_village = {p: int(rng.integers(0, len(VILLAGES))) for p in people}
    person_identity = {p: int(rng.choice(3, p=[0.7, 0.2, 0.1])) for p in people}
    person_level = {p: float(rng.normal(0, 0.5)) for p in people}  # stable personal tendency
    waves = {}
    for wave, ids, shift, start in (("w2019", baseline_ids, 0.0, dt.datetime(2019, 6, 1, 8)),
                                    ("w2021", followup_ids, 0.3, dt.datetime(2021, 6, 1, 8))):
        speeders = set(rng.choice(N, N_SPEEDERS, replace=False).tolist())
        rows = []
        gaps = np.sort(rng.uniform(0, 20 * 24 * 3600, N))
        for i, pid in enumerate(ids):
            base = 3.7 + shift + person_level[pid] + rng.normal(0, 0.3)
            dim_eff = {d: rng.normal(0, 0.25) for d in DIMENSIONS}
            items = [int(np.clip(np.rint(base + dim_eff[d] + rng.normal(0, 0.6)), 1, 5))
                     for d, _ in ITEMS]
            overall = int(np.clip(np.rint(np.mean(items) + rng.normal(0, 0.4)), 1, 5))
            rows.append(dict(seq=i + 1, submitted=start + dt.timedelta(seconds=float(gaps[i])),
                             duration=int(rng.integers(15, 40)) if i in speeders else int(rng.integers(240, 900)),
                             rid=pid, village=person_village[pid] + 1,
                             identity=person_identity[pid] + 1, overall=overall, items=items))
        waves[wave] = {"rows": rows, "speeders": sorted(i + 1 for i in speeders)}
    return waves


def _write(path: Path, rows: list[dict]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
            "1、受访者编号", "2、您所在的村", "3、您的身份", "4、您对本村党建引领村级治理工作的总体满意程度",
            f"5、您对以下各项工作的满意程度—{ITEMS[0][1]}"] + [lb for _, lb in ITEMS[1:]]
    ws.append(head)
    for r in rows:
        ws.append([r["seq"], r["submitted"].strftime("%Y/%m/%d %H:%M:%S"), f"{r['duration']}秒",
                   "手机提交", "直接访问", "NULL", r["rid"], r["village"], r["identity"],
                   r["overall"], *r["items"]])
    fixed = dt.datetime(2021, 7, 1, 9, 0, 0)
    wb.properties.creator = "问卷星 (synthetic sample)"
    wb.properties.created = wb.properties.modified = fixed
    wb.save(path)


def questionnaire() -> dict:
    sat = [{"code": i + 1, "label": lb, "score": i + 1} for i, lb in enumerate(SAT)]
    return {
        "title": TITLE, "platform": "wjx", "groups": ["village", "identity"],
        "quality": {"exclude": ["duplicate_id", "duplicate_phone", "speeder"],
                    "speeder_threshold_s": 60, "straight_lining_min_items": 5},
        "questions": [
            {"id": "respondent", "number": 1, "title": "受访者编号", "type": "text",
             "personal": "respondent_id"},
            {"id": "village", "number": 2, "title": "您所在的村", "type": "single", "role": "group",
             "options": [{"code": i + 1, "label": v} for i, v in enumerate(VILLAGES)]},
            {"id": "identity", "number": 3, "title": "您的身份", "type": "single", "role": "group",
             "options": [{"code": i + 1, "label": v} for i, v in enumerate(IDENTITY)]},
            {"id": "overall", "number": 4, "title": "您对本村党建引领村级治理工作的总体满意程度",
             "type": "scale", "role": "overall", "satisfied": [4, 5], "options": sat},
            {"id": "items", "number": 5, "title": "您对以下各项工作的满意程度", "type": "matrix",
             "satisfied": [4, 5], "options": sat,
             "rows": [{"id": f"item_{k + 1:02d}", "label": lb, "dimension": d}
                      for k, (d, lb) in enumerate(ITEMS)]},
        ],
    }


def main(out: Path = HERE) -> dict:
    waves = make_waves()
    (out / "raw").mkdir(parents=True, exist_ok=True)
    for wave, w in waves.items():
        _write(out / "raw" / f"{'31415926' if wave == 'w2019' else '31415927'}_按序号_{TITLE}_{N}_{N}.xlsx",
               w["rows"])
    (out / "questionnaire.yml").write_text(
        "# 由 generate.py 生成（合成数据的问卷定义）；两轮调查使用同一份问卷。\n"
        + yaml.safe_dump(questionnaire(), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8")
    return {wave: w["speeders"] for wave, w in waves.items()}


if __name__ == "__main__":
    print(main())
