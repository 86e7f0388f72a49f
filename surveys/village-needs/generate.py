"""Generate the synthetic sample data of this project (fixed seed; rerun gives the same files).

SYNTHETIC DATA. Nothing here describes real people. A township's survey of what villagers
need from their village party organisation (村级党组织服务需求调查), made to show every
question type the kit tabulates: profile questions (乡镇, 村, 性别, 年龄, 身份 with 其他（请注明）),
a numeric fill-in (household size), a multi-select with 其他（请注明）, a ranking (three of six),
a yes/no question whose follow-up scale is skipped by logic for those who answered 否
(问卷星 (跳过) / -3), a 4-row matrix scale, and an open question for suggestions.

360 responses were received; 4 speeders (under a third of the median time) are excluded,
leaving 356 valid. Some 其他 texts name an existing option (they are recoded and listed), one
household size is not a number, and two suggestions contain a phone number (masked at load).

Writes the 问卷星 按文本 and 按序号 .xlsx downloads into raw/ and the codebook questionnaire.yml.
Run:  python surveys/village-needs/generate.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = 20240610
N, N_SPEEDERS = 360, 4
TITLE = "村级党组织服务需求调查"
VID = "27183141"

TOWNS = ["城关镇", "河口镇", "桃园乡", "石门镇"]
VILLAGES = [f"{t[:2]}{s}村" for t in TOWNS for s in ("东", "西", "南")]
GENDER = ["男", "女"]
AGE = ["18~29岁", "30~44岁", "45~59岁", "60岁及以上"]
IDENTITY = ["普通群众", "党员", "村干部", "其他【请注明】"]
IDENTITY_OTHER = ["党员", "退休教师", "外出务工人员", "村民小组长", "不是党员，是入党积极分子", "个体户"]
SERVICES = ["政策宣传解读", "技能培训", "就业信息", "法律咨询", "医疗健康服务", "养老托幼", "文体活动",
            "其他【请注明】"]
SERVICES_OTHER = ["技能培训", "修路", "环境卫生整治", "希望多开展技能培训", "农产品销售"]
PRIORITIES = ["道路硬化", "饮水安全", "环境整治", "产业发展", "文化活动", "养老服务"]
YESNO = ["是", "否"]
SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
EVAL = ["很差", "较差", "一般", "较好", "很好"]
EVAL_ROWS = ["三会一课落实", "党务村务公开", "为民办实事", "党员先锋作用"]
SUGGESTIONS = {
    "道路交通": ["希望尽快把进组道路硬化", "村里的路灯坏了好久没人修", "修路的事情请抓紧"],
    "产业就业": ["多引进一些产业项目，让年轻人在家门口就业", "希望组织种养殖技术培训", "帮助销售农产品"],
    "环境卫生": ["垃圾清运不及时，环境卫生要加强", "河道需要清理"],
    "党务公开": ["村务公开要更及时，账目要公开", "党员活动可以多通知群众参加"],
    "养老服务": ["老人多，希望办个老年食堂", "留守老人需要有人照顾"],
}
NONE_TEXTS = ["无", "没有", "暂无", "没有意见"]

Q = {1: "您所在的乡镇", 2: "您所在的村", 3: "您的性别", 4: "您的年龄", 5: "您的身份",
     6: "您家常住人口有几人？", 7: "您最希望村党组织提供哪些服务？", 8: "请按紧迫程度对以下村级事务排序（选三项）",
     9: "您是否参加过村党组织开展的志愿服务活动？", 10: "您对参加过的志愿服务活动满意吗？",
     11: "您对本村党组织以下工作的评价", 12: "您对村党组织的工作还有什么意见或建议？"}


def make_rows(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2024, 6, 3, 8, 0)
    gaps = np.sort(rng.uniform(0, 8 * 24 * 3600, N))
    speeders = set(rng.choice(np.arange(40, N), N_SPEEDERS, replace=False).tolist())
    phones_at = set(rng.choice(N, 2, replace=False).tolist())
    rows = []
    for i in range(N):
        v = int(rng.integers(0, len(VILLAGES)))
        ident = int(rng.choice(4, p=[0.62, 0.22, 0.1, 0.06]))
        age = int(rng.choice(4, p=[0.12, 0.28, 0.34, 0.26]))
        size = int(rng.choice(np.arange(1, 9), p=[0.08, 0.2, 0.22, 0.22, 0.14, 0.08, 0.04, 0.02]))
        size_text = str(size) if rng.uniform() < 0.8 else f"{size}人"
        if i == 77:
            size_text = "不清楚"
        k = int(rng.choice([1, 2, 3, 4], p=[0.2, 0.4, 0.3, 0.1]))
        p = np.array([0.3, 0.7 if age < 2 else 0.35, 0.4 if age < 2 else 0.15, 0.15, 0.45 if age >= 2 else 0.2,
                      0.5 if age == 3 else 0.2, 0.2, 0.04])
        services = sorted(rng.choice(len(SERVICES), k, replace=False, p=p / p.sum()).tolist())
        w = np.array([0.3, 0.25, 0.2, 0.15, 0.04, 0.06]) if v % 3 else np.array([0.15, 0.35, 0.15, 0.2, 0.05, 0.1])
        prio = rng.choice(len(PRIORITIES), 3, replace=False, p=w).tolist()
        vol = 0 if rng.uniform() < (0.7 if ident in (1, 2) else 0.35) else 1
        vsat = int(rng.choice(5, p=[0.02, 0.05, 0.15, 0.43, 0.35])) if vol == 0 else None
        base = rng.normal(3.9 if ident in (1, 2) else 3.6, 0.6)
        ev = [int(np.clip(round(base + rng.normal(0, 0.6)), 1, 5)) - 1 for _ in EVAL_ROWS]
        u = rng.uniform()
        if u < 0.42:
            cat = list(SUGGESTIONS)[int(rng.integers(0, len(SUGGESTIONS)))]
            sugg = str(rng.choice(SUGGESTIONS[cat]))
        elif u < 0.55:
            sugg = str(rng.choice(NONE_TEXTS))
        else:
            sugg = None
        if i in phones_at:
            sugg = f"路灯问题请联系我1{rng.integers(3, 9)}{rng.integers(0, 10**9):09d}"
        rows.append(dict(
            seq=i + 1, submitted=start + dt.timedelta(seconds=float(gaps[i])),
            duration=int(rng.integers(25, 55)) if i in speeders else int(rng.integers(150, 600)),
            ip=f"{rng.integers(36, 223)}.{rng.integers(0, 256)}.{rng.integers(0, 256)}.{rng.integers(1, 255)}",
            town=v // 3, village=v, gender=int(rng.integers(0, 2)), age=age, identity=ident,
            identity_other=str(rng.choice(IDENTITY_OTHER)) if ident == 3 else None,
            size=size_text, services=services,
            services_other=str(rng.choice(SERVICES_OTHER)) if 7 in services else None,
            priorities=prio, volunteer=vol, volunteer_sat=vsat, evaluation=ev, suggestion=sugg))
    return rows


def _header(text: bool) -> list[str]:
    h = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    h += [f"{n}、{Q[n]}" for n in range(1, 6)]
    h += ["6、您家常住人口有几人？ (填空题 *必答)"]
    if text:
        h += ["7、您最希望村党组织提供哪些服务？ (多选题 *必答)", "8、请按紧迫程度对以下村级事务排序（选三项） (排序题 *必答)"]
    else:
        h += [f"第7题({o})" for o in SERVICES] + [f"第8题({o})" for o in PRIORITIES]
    h += [f"9、{Q[9]}", f"10、{Q[10]}"]
    h += [f"11、{Q[11]} (矩阵量表题 *必答)—{EVAL_ROWS[0]}"] + EVAL_ROWS[1:]
    h += [f"12、{Q[12]} (填空题)"]
    return h


def _cells(r: dict, text: bool) -> list:
    def pick(labels, code, other=None):
        if code is None:
            return "(跳过)" if text else -3
        if not text:
            return code + 1
        return labels[code] + (f"〖{other}〗" if other else "")

    out = [r["seq"], r["submitted"].strftime("%Y/%m/%d %H:%M:%S"), f"{r['duration']}秒", "手机提交", "微信",
           f"{r['ip']}(安徽-六安)", pick(TOWNS, r["town"]), pick(VILLAGES, r["village"]),
           pick(GENDER, r["gender"]), pick(AGE, r["age"]), pick(IDENTITY, r["identity"], r["identity_other"]),
           r["size"]]
    if text:
        out.append("┋".join(SERVICES[j] + (f"〖{r['services_other']}〗" if j == 7 else "") for j in r["services"]))
        out.append("→".join(PRIORITIES[j] for j in r["priorities"]))
    else:
        out += [1 if j in r["services"] else 0 for j in range(len(SERVICES))]
        out += [r["priorities"].index(j) + 1 if j in r["priorities"] else -2 for j in range(len(PRIORITIES))]
    out += [pick(YESNO, r["volunteer"]), pick(SAT, r["volunteer_sat"])]
    out += [pick(EVAL, e) for e in r["evaluation"]]
    out += [r["suggestion"] if r["suggestion"] else "(空)"]
    return out


def _write(path: Path, rows: list[dict], text: bool) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(_header(text))
    for r in rows:
        ws.append(_cells(r, text))
    fixed = dt.datetime(2024, 6, 11, 9, 0, 0)
    wb.properties.creator = "问卷星 (synthetic sample)"
    wb.properties.created = wb.properties.modified = fixed
    wb.save(path)


def questionnaire() -> dict:
    def opts(labels, scores=False):
        return [{"code": i + 1, "label": lb, **({"score": i + 1} if scores else {})} for i, lb in enumerate(labels)]

    return {
        "title": TITLE, "platform": "wjx", "groups": ["township", "village"],
        "quality": {"exclude": ["duplicate_id", "duplicate_phone", "speeder"], "speeder_threshold_s": None,
                    "straight_lining_min_items": 5},
        "questions": [
            {"id": "township", "number": 1, "title": Q[1], "type": "single", "role": "group", "options": opts(TOWNS)},
            {"id": "village", "number": 2, "title": Q[2], "type": "single", "role": "group", "options": opts(VILLAGES)},
            {"id": "gender", "number": 3, "title": Q[3], "type": "single", "role": "profile", "options": opts(GENDER)},
            {"id": "age", "number": 4, "title": Q[4], "type": "single", "role": "profile", "options": opts(AGE)},
            {"id": "identity", "number": 5, "title": Q[5], "type": "single", "role": "profile",
             "options": opts(IDENTITY)},
            {"id": "household", "number": 6, "title": Q[6], "type": "text"},
            {"id": "services", "number": 7, "title": Q[7], "type": "multi", "options": opts(SERVICES)},
            {"id": "priorities", "number": 8, "title": Q[8], "type": "ranking", "options": opts(PRIORITIES)},
            {"id": "volunteer", "number": 9, "title": Q[9], "type": "yesno", "options": opts(YESNO)},
            {"id": "volunteer_sat", "number": 10, "title": Q[10], "type": "scale", "satisfied": [4, 5],
             "options": opts(SAT, scores=True)},
            {"id": "evaluation", "number": 11, "title": Q[11], "type": "matrix", "options": opts(EVAL, scores=True),
             "rows": [{"id": f"eval_{k + 1}", "label": lb} for k, lb in enumerate(EVAL_ROWS)]},
            {"id": "suggestion", "number": 12, "title": Q[12], "type": "text"},
        ],
    }


def main(out: Path = HERE) -> dict:
    rows = make_rows()
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    _write(raw / f"{VID}_按文本_{TITLE}_{N}_{N}.xlsx", rows, text=True)
    _write(raw / f"{VID}_按序号_{TITLE}_{N}_{N}.xlsx", rows, text=False)
    (out / "questionnaire.yml").write_text(
        "# 由 generate.py 生成（合成数据的问卷定义）。可用 `kit init-questionnaire` 从导出文件起草。\n"
        + yaml.safe_dump(questionnaire(), allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return {"n": N, "speeders": N_SPEEDERS}


if __name__ == "__main__":
    print(main())
