"""Every question tabulated at scale: 100,000 responses x 50 questions (issue 18: all tables
and charts in under 60 s).

Writes (once, cached in bench/out/) a 问卷星-style 按序号 CSV of 50 questions: township (6),
village (40), gender, age, identity, a numeric fill-in (household size), an 8-option
multi-select (5% skipped by logic, -3), a ranking (three of six, -2 not ranked), a yes/no
question and its follow-up scale (skipped, -3, for those who said 否), a 12-row matrix scale,
an open question (30% answered, about 16,000 distinct answers) and 38 single-choice items.
The codebook is built in code. The load is timed on its own (loading is bench_load.py's
subject); then, side by side in one run: the per-question tables and the sample profile, five
cross-tabs, the open-answer analysis, 逐题统计.xlsx, and every chart saved as PNG (dpi 150, in
the default process pool); the charts are drawn a second time in one process, for the ratio.

    python bench/bench_questions.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
N_SINGLE = 38
PHRASES = ["希望尽快修路", "路灯坏了要修", "多组织技能培训", "增加就业机会", "帮助销售农产品", "垃圾清运要及时",
           "河道需要清理", "村务公开要更及时", "账目要公开", "党员要带头", "老人需要照顾", "办个老年食堂",
           "孩子上学路远", "医疗服务要加强", "文化活动太少", "广场舞场地不够", "自来水水压低", "网络信号差",
           "希望多开会听取意见", "干部作风要改进"]


def codebook():
    from kit.questionnaire import Option, Question, Questionnaire, Row

    def opts(labels, scores=False):
        return [Option(code=i + 1, label=lb, score=float(i + 1) if scores else None) for i, lb in enumerate(labels)]

    sat = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
    qs = [
        Question(id="township", number=1, title="您所在的乡镇", type="single", role="group",
                 options=opts([f"第{i}镇" for i in range(1, 7)])),
        Question(id="village", number=2, title="您所在的村", type="single", role="group",
                 options=opts([f"第{i}村" for i in range(1, 41)])),
        Question(id="gender", number=3, title="您的性别", type="single", role="profile", options=opts(["男", "女"])),
        Question(id="age", number=4, title="您的年龄", type="single", role="profile",
                 options=opts(["18~29岁", "30~44岁", "45~59岁", "60~69岁", "70岁及以上"])),
        Question(id="identity", number=5, title="您的身份", type="single", role="profile",
                 options=opts(["普通群众", "党员", "村干部", "其他"])),
        Question(id="household", number=6, title="您家常住人口有几人", type="text"),
        Question(id="services", number=7, title="您希望提供哪些服务", type="multi", headers=["第7题"],
                 options=opts([f"服务{i}" for i in range(1, 9)])),
        Question(id="priorities", number=8, title="请对村级事务排序", type="ranking", headers=["第8题"],
                 options=opts([f"事务{i}" for i in range(1, 7)])),
        Question(id="volunteer", number=9, title="您是否参加过志愿服务", type="yesno", options=opts(["是", "否"])),
        Question(id="volunteer_sat", number=10, title="您对志愿服务的满意程度", type="scale", satisfied=[4, 5],
                 options=opts(sat, scores=True)),
        Question(id="items", number=11, title="您对以下工作的满意程度", type="matrix", satisfied=[4, 5],
                 options=opts(sat, scores=True), rows=[Row(id=f"item_{k}", label=f"第{k}项工作") for k in range(1, 13)]),
        Question(id="suggestion", number=12, title="您还有什么意见或建议", type="text"),
    ]
    qs += [Question(id=f"q{n}", number=n, title=f"单选题{n}", type="single",
                    options=opts(["选项A", "选项B", "选项C", "选项D", "选项E"])) for n in range(13, 13 + N_SINGLE)]
    return Questionnaire(title="bench", questions=qs, platform="wjx", groups=["township", "village"])


def write_file(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(18)
    cols: dict[str, object] = {
        "序号": np.arange(1, rows + 1),
        "提交答卷时间": pd.Series(pd.Timestamp("2024-05-01 08:00") + pd.to_timedelta(
            np.sort(rng.uniform(0, 20 * 86400, rows)), unit="s")).dt.strftime("%Y/%m/%d %H:%M:%S"),
        "所用时间": pd.Series(rng.integers(60, 900, rows)).astype(str) + "秒",
        "来源": "手机提交", "来源详情": "微信",
        "1、您所在的乡镇": rng.integers(1, 7, rows), "2、您所在的村": rng.integers(1, 41, rows),
        "3、您的性别": rng.integers(1, 3, rows), "4、您的年龄": rng.integers(1, 6, rows),
        "5、您的身份": rng.choice(4, rows, p=[0.6, 0.25, 0.1, 0.05]) + 1,
        "6、您家常住人口有几人": pd.Series(rng.integers(1, 9, rows)).astype(str),
    }
    multi = (rng.uniform(size=(rows, 8)) < 0.35).astype(int)
    multi[multi.sum(axis=1) == 0, 0] = 1
    skip = rng.uniform(size=rows) < 0.05
    multi[skip] = -3
    for j in range(8):
        cols[f"第7题(服务{j + 1})"] = multi[:, j]
    rank = np.full((rows, 6), -2)
    order = np.argsort(rng.uniform(size=(rows, 6)), axis=1)[:, :3]
    for p in range(3):
        rank[np.arange(rows), order[:, p]] = p + 1
    for j in range(6):
        cols[f"第8题(事务{j + 1})"] = rank[:, j]
    vol = rng.integers(1, 3, rows)
    cols["9、您是否参加过志愿服务"] = vol
    cols["10、您对志愿服务的满意程度"] = np.where(vol == 2, -3, rng.integers(1, 6, rows))
    for k in range(12):
        name = "11、您对以下工作的满意程度 (矩阵量表题 *必答)—第1项工作" if k == 0 else f"第{k + 1}项工作"
        cols[name] = rng.choice(5, rows, p=[0.03, 0.07, 0.2, 0.4, 0.3]) + 1
    answered = rng.uniform(size=rows) < 0.3
    text = np.array(PHRASES)[rng.integers(0, len(PHRASES), rows)]
    extra = np.array(PHRASES)[rng.integers(0, len(PHRASES), rows)]
    group = rng.integers(1, 41, rows)
    sugg = pd.Series(text).str.cat(pd.Series(extra), sep="，") + "（" + pd.Series(group).astype(str) + "组）"
    cols["12、您还有什么意见或建议"] = sugg.where(answered, "(空)")
    for n in range(13, 13 + N_SINGLE):
        cols[f"{n}、单选题{n}"] = rng.integers(1, 6, rows)
    pd.DataFrame(cols).to_csv(path, index=False, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    os.environ.setdefault("KIT_SALT", "bench")
    import matplotlib

    matplotlib.use("Agg")
    OUT.mkdir(exist_ok=True)
    path = OUT / f"wjx_questions_{args.rows}x50.csv"
    if not path.exists():
        t0 = time.perf_counter()
        write_file(path, args.rows)
        print(f"wrote {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    import kit
    from kit import plots
    from kit.crosstab import crosstabs
    from kit.descriptives import tabulate_questions
    from kit.opentext import analyse_open_answers
    from kit.question_tables import save_charts, write_questions_workbook

    t0 = time.perf_counter()
    r = kit.load_export(path, questionnaire=codebook())
    load = time.perf_counter() - t0
    print(f"load: {load:.1f} s  ({r.n_total} responses, {len(r.questionnaire.questions)} questions, "
          f"{r.data.shape[1]} columns)")
    plots.set_theme()
    pairs = [("township", "volunteer_sat"), ("identity", "services"), ("age", "household"), ("gender", "item_3"),
             ("village", "q13")]
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        tab = tabulate_questions(r)
        times["per-question tables + profile"] = time.perf_counter() - t
        t = time.perf_counter()
        cts = crosstabs(r, pairs)
        times["5 cross-tabs"] = time.perf_counter() - t
        t = time.perf_counter()
        texts = analyse_open_answers(tab)
        times["open answers (jieba)"] = time.perf_counter() - t
        t = time.perf_counter()
        write_questions_workbook(tab, Path(tmp) / "逐题统计.xlsx", cts, texts)
        times["逐题统计.xlsx"] = time.perf_counter() - t
        t = time.perf_counter()
        files, skipped = save_charts(tab, Path(tmp) / "figures", cts, texts)
        times[f"{len(files)} charts (PNG, dpi 150, default workers)"] = time.perf_counter() - t
        t = time.perf_counter()
        save_charts(tab, Path(tmp) / "figures1", cts, texts, workers=1)
        one = time.perf_counter() - t
    total = sum(times.values())
    for k, v in times.items():
        print(f"  {k:48s} {v:6.1f} s")
    print(f"  (the same charts in one process: {one:.1f} s; pool / one process = "
          f"{list(times.values())[-1] / one:.2f})")
    print(f"tables and charts: {total:.1f} s (target < 60 s; ratio {total / 60:.2f} of the target); "
          f"with the load: {total + load:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
