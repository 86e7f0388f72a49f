"""Generate the synthetic sample data of this project (fixed seed; rerun gives the same files).

SYNTHETIC DATA. Nothing here describes real people. The survey reproduces the form and the
published figures of a county's telephone spot check of its 党建引领扶贫工程 (see
../../README.md and DATA_LOG.md): 420 answered calls across 80 villages in six townships;
8 excluded on purpose (5 speeders, 3 repeat calls to the same phone), leaving 412 valid, of
which 405 are 满意 or 非常满意 (98.3%); respondents who did not know the programme skip the
follow-up question (问卷星 writes (跳过) / -3).

Writes the 问卷星 按文本 and 按序号 .xlsx downloads into raw/, the codebook questionnaire.yml and
households.csv (registered households per village, for the weighted estimates).
Run:  python surveys/poverty-alleviation/generate.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SEED = 20191130
N_CALLS, N_SPEEDERS, N_DUP_PHONES = 420, 5, 3
N_VALID_UNSATISFIED = 7      # 412 valid - 405 satisfied
N_VALID_UNAWARE = 6          # did not know the programme: Q6 skipped
TITLE = "党建引领扶贫工程电话回访问卷"
VID = "56781234"

TOWNSHIPS = ["城关镇", "河口镇", "桃园乡", "石门镇", "青山乡", "白沙镇"]
_A, _B = "东西南北上下新老大小", "桥岗湾塘庄坪岭冲"
VILLAGES = [a + b + "村" for a in _A for b in _B]          # 80 villages
VILLAGE_TOWN = [i * len(TOWNSHIPS) // len(VILLAGES) for i in range(len(VILLAGES))]
IDENTITY = ["普通群众", "党员", "脱贫户", "村干部"]
SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
AWARE = ["知道", "不知道"]
UNDERSTAND = ["了解", "不了解"]
MATRIX_ROWS = ["驻村工作队工作作风", "村集体经济项目成效", "扶贫资金使用公开", "村党组织服务群众"]
SUGGESTIONS = ["希望继续派驻工作队", "集体经济项目要长期坚持", "道路维修还需加快", "希望多组织技能培训",
               "帮扶干部很负责", "建议村务公开更及时"]

Q = {  # number: (header text, type)
    1: "您所在的乡镇", 2: "您所在的行政村", 3: "您的身份", 4: "联系电话",
    5: "您是否知道本村实施了党建引领扶贫工程？", 6: "您是否了解驻村工作队（第一书记）的帮扶政策？",
    7: "您对本村党建引领扶贫工作的总体满意程度", 8: "您对以下各项工作的满意程度",
    9: "您对党建引领扶贫工作还有什么意见或建议？",
}


def _valid_id_card(rng) -> str:
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = "341522" + "19" + f"{rng.integers(50, 99)}" + f"{rng.integers(1, 13):02d}" + \
        f"{rng.integers(1, 29):02d}" + f"{rng.integers(0, 1000):03d}"
    return body + "10X98765432"[sum(int(d) * k for d, k in zip(body, w)) % 11]


def make_rows(seed: int = SEED) -> tuple[list[dict], dict]:
    rng = np.random.default_rng(seed)
    villages = np.concatenate([np.repeat(np.arange(80), 5), rng.choice(80, N_CALLS - 400)])
    rng.shuffle(villages)
    # planted problems, in the later part of the fieldwork
    bad = rng.choice(np.arange(60, N_CALLS), N_SPEEDERS + N_DUP_PHONES, replace=False)
    speeders, dups = sorted(bad[:N_SPEEDERS]), sorted(bad[N_SPEEDERS:])
    valid = [i for i in range(N_CALLS) if i not in set(bad)]
    unsat = set(rng.choice(valid, N_VALID_UNSATISFIED, replace=False).tolist())
    unaware = set(rng.choice([i for i in valid if i not in unsat], N_VALID_UNAWARE,
                             replace=False).tolist())
    phones = rng.choice(np.arange(10**8, 10**9), N_CALLS, replace=False)
    prefixes = rng.choice(["139", "138", "150", "151", "187", "136", "159"], N_CALLS)
    phone = [f"{p}{n:08d}"[:11] for p, n in zip(prefixes, phones)]
    for k, i in enumerate(dups):  # a repeat call to a household already interviewed
        phone[i] = phone[int(rng.integers(0, i))]
    start = dt.datetime(2019, 11, 1, 8, 30)
    gaps = np.sort(rng.uniform(0, 19 * 24 * 3600, N_CALLS))
    shared_ip = rng.choice(valid, 2, replace=False)
    rows, seen = [], set()
    for i in range(N_CALLS):
        v = int(villages[i])
        if i in unsat:
            overall = 3 if len([u for u in unsat if u <= i]) <= 5 else 2
        elif i in bad:
            overall = int(rng.choice([3, 4, 5]))
        else:
            overall = int(rng.choice([4, 5], p=[0.3, 0.7]))
        while True:
            matrix = [int(np.clip(overall + rng.choice([-1, 0, 0, 0, 1]), 1, 5)) for _ in MATRIX_ROWS]
            ident = int(rng.choice(4, p=[0.6, 0.2, 0.15, 0.05]))
            key = (v, ident, overall, tuple(matrix))
            if key not in seen:
                seen.add(key)
                break
        aware = 2 if i in unaware else 1
        understand = None if aware == 2 else int(rng.choice([1, 2], p=[0.95, 0.05]))
        sugg = None
        u = rng.uniform()
        if u < 0.12:
            sugg = str(rng.choice(SUGGESTIONS))
        if i in (37, 211):
            sugg = f"有问题请回电{phone[i]}"
        if i == 305:
            sugg = f"本人身份证{_valid_id_card(rng)}，希望核实帮扶台账"
        dur = int(rng.integers(18, 41)) if i in speeders else int(rng.integers(100, 421))
        ip = f"{rng.integers(36, 223)}.{rng.integers(0, 256)}.{rng.integers(0, 256)}.{rng.integers(1, 255)}"
        rows.append(dict(seq=i + 1, submitted=start + dt.timedelta(seconds=float(gaps[i])),
                         duration=dur, ip=ip, town=VILLAGE_TOWN[v] + 1, village=v + 1,
                         identity=ident + 1, phone=phone[i], aware=aware, understand=understand,
                         overall=overall, matrix=matrix, suggestion=sugg))
    rows[int(shared_ip[1])]["ip"] = rows[int(shared_ip[0])]["ip"]
    planted = {"speeders": [int(i) + 1 for i in speeders], "duplicate_phones": [int(i) + 1 for i in dups]}
    return rows, planted


def _header() -> list[str]:
    h = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    h += [f"{n}、{Q[n]}" for n in range(1, 8)]
    h += [f"8、{Q[8]}—{MATRIX_ROWS[0]}"] + MATRIX_ROWS[1:]
    h += [f"9、{Q[9]}"]
    return h


def _cells(r: dict, text: bool) -> list:
    def pick(labels, code):
        if code is None:
            return "(跳过)" if text else -3
        return labels[code - 1] if text else code

    out = [r["seq"], r["submitted"].strftime("%Y/%m/%d %H:%M:%S"), f"{r['duration']}秒",
           "手机提交", "直接访问", f"{r['ip']}(安徽-六安)",
           pick(TOWNSHIPS, r["town"]), pick(VILLAGES, r["village"]), pick(IDENTITY, r["identity"]),
           r["phone"], pick(AWARE, r["aware"]), pick(UNDERSTAND, r["understand"]),
           pick(SAT, r["overall"])]
    out += [pick(SAT, m) for m in r["matrix"]]
    out += [r["suggestion"] if r["suggestion"] else "(空)"]
    return out


def _write(path: Path, rows: list[dict], text: bool) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(_header())
    for r in rows:
        ws.append(_cells(r, text))
    fixed = dt.datetime(2019, 11, 21, 9, 0, 0)
    wb.properties.creator = "问卷星 (synthetic sample)"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.save(path)


def questionnaire() -> dict:
    sat_opts = [{"code": i + 1, "label": lb, "score": i + 1} for i, lb in enumerate(SAT)]
    return {
        "title": TITLE,
        "platform": "wjx",
        "groups": ["township", "village", "identity"],
        "quality": {"exclude": ["duplicate_id", "duplicate_phone", "speeder"],
                    "speeder_threshold_s": None, "straight_lining_min_items": 5},
        "questions": [
            {"id": "township", "number": 1, "title": Q[1], "type": "single", "role": "group",
             "options": [{"code": i + 1, "label": t} for i, t in enumerate(TOWNSHIPS)]},
            {"id": "village", "number": 2, "title": Q[2], "type": "single", "role": "group",
             "options": [{"code": i + 1, "label": v} for i, v in enumerate(VILLAGES)]},
            {"id": "identity", "number": 3, "title": Q[3], "type": "single", "role": "group",
             "options": [{"code": i + 1, "label": t} for i, t in enumerate(IDENTITY)]},
            {"id": "phone", "number": 4, "title": Q[4], "type": "text", "personal": "phone"},
            {"id": "aware_programme", "number": 5, "title": Q[5], "type": "yesno",
             "satisfied": [1], "required": True,
             "options": [{"code": 1, "label": "知道"}, {"code": 2, "label": "不知道"}]},
            {"id": "aware_policy", "number": 6, "title": Q[6], "type": "yesno", "satisfied": [1],
             "options": [{"code": 1, "label": "了解"}, {"code": 2, "label": "不了解"}]},
            {"id": "overall", "number": 7, "title": Q[7], "type": "scale", "role": "overall",
             "satisfied": [4, 5], "required": True, "options": sat_opts},
            {"id": "items", "number": 8, "title": Q[8], "type": "matrix", "satisfied": [4, 5],
             "options": sat_opts,
             "rows": [{"id": f"item_{k + 1}", "label": lb, "dimension": "工作成效"}
                      for k, lb in enumerate(MATRIX_ROWS)]},
            {"id": "suggestion", "number": 9, "title": Q[9], "type": "text"},
        ],
    }


def households(seed: int = SEED + 1) -> list[tuple[str, str, int]]:
    """Registered households per village (户籍户数), for post-stratification weights.

    A separate random stream, so adding this table left the exports unchanged. Village sizes
    vary four-fold (120 to 480 households), as in a hill county.
    """
    rng = np.random.default_rng(seed)
    sizes = rng.integers(120, 481, len(VILLAGES))
    return [(TOWNSHIPS[VILLAGE_TOWN[i]], v, int(sizes[i])) for i, v in enumerate(VILLAGES)]


def main(out: Path = HERE) -> dict:
    rows, planted = make_rows()
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    n = len(rows)
    _write(raw / f"{VID}_按文本_{TITLE}_{n}_{n}.xlsx", rows, text=True)
    _write(raw / f"{VID}_按序号_{TITLE}_{n}_{n}.xlsx", rows, text=False)
    with open(out / "households.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("乡镇,村,户数\n" + "".join(f"{t},{v},{n}\n" for t, v, n in households()))
    (out / "questionnaire.yml").write_text(
        "# 由 generate.py 生成（合成数据的问卷定义）。可用 `kit init-questionnaire` 从导出文件起草。\n"
        + yaml.safe_dump(questionnaire(), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8")
    return planted


if __name__ == "__main__":
    print(main())
