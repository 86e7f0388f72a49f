"""Loader speed and memory against plain fastexcel, side by side in one run.

Writes (once, cached in bench/out/) two 100,000-response x 50-column 问卷星-style .xlsx files:

* 按序号 (codes): six metadata columns (序号, 提交答卷时间, 所用时间 '136秒', 来源, 来源详情,
  来自IP 'ip(省-市)'), a 1-5 single, a 0-10 item, a 12-row matrix block, an 8-option
  multi-select (0/1, -3 skipped), and single-choice items up to 50 columns;
* 按文本 (text): the same survey as labels, as 问卷星 writes them: identity labels, the 0-10
  item as '7分', the matrix as 非常不满意…非常满意, the multi-select as one '┋'-joined column
  with (跳过), a 〖〗 fill-in on 其他, then five-point 满意 items up to 50 columns.

Each measurement runs in a fresh subprocess (so peak RSS is that of the load alone); the
reference (a bare fastexcel read of the same file) and the kit alternate, and medians are
reported with their ratios. ``--against DIR`` adds a third, alternating contestant: the kit
of another checkout (e.g. ``git worktree add /tmp/old-main <commit>``), imported from DIR
with the same interpreter, and reports this checkout's kit against it too.
Targets: kit time <= 1.3 x fastexcel on both files (issue 2 codes, issue 13 text),
kit peak RSS <= 2 x fastexcel.

Wide exports (``--wide``): 按序号 files of 5,000 and 10,000 columns x 200 responses
(single-choice items, 12-row matrices, 8-option multi-selects); the kit's time per column
must not grow with the number of columns (ratio of the two per-column times ~ 1).

    python bench/bench_load.py [--rows 100000] [--repeat 3] [--only codes|text] [--wide]
                               [--against DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def _save(path: Path, head: list[str], rows) -> None:
    """Write a header and rows to a one-sheet .xlsx (write-only: constant memory)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(head)
    for row in rows:
        ws.append(row)
    wb.save(path)


def _meta(i: int, dur: int) -> list:
    return [i + 1, f"2024/5/{1 + i % 28} {8 + i % 12}:{i % 60:02d}:{i % 60:02d}", f"{dur}秒", "手机提交",
            "微信", f"{36 + i % 180}.{i % 250}.{i % 199}.{i % 97}(安徽-合肥)"]


def write_file(path: Path, rows: int) -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的身份",
            "2、总体满意度(0-10分)", "3、以下各项工作的满意程度 (矩阵单选题 *必答)—第1项"]
    head += [f"第{k}项" for k in range(2, 13)]
    head += [f"第4题(选项{k})" for k in range(1, 9)]
    n_rest = 50 - len(head)
    head += [f"{5 + k}、单选题{5 + k}" for k in range(n_rest)]
    ident = rng.integers(1, 5, rows)
    overall = rng.integers(1, 12, rows)
    matrix = rng.integers(1, 6, (rows, 12))
    multi = rng.integers(0, 2, (rows, 8))
    skipped = rng.uniform(size=rows) < 0.05
    multi[skipped] = -3
    rest = rng.integers(1, 6, (rows, n_rest))
    dur = rng.integers(20, 900, rows)
    _save(path, head, ([*_meta(i, dur[i]), int(ident[i]), int(overall[i]), *matrix[i].tolist(),
                        *multi[i].tolist(), *rest[i].tolist()] for i in range(rows)))


SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
IDENT = ["党员", "村民代表", "普通村民", "其他"]
MULTI = ["便民服务", "环境整治", "产业发展", "矛盾调解", "文化活动", "养老服务", "道路建设", "其他"]


def write_text_file(path: Path, rows: int) -> None:
    """The 按文本 twin: 50 columns of labels (the multi-select is one '┋'-joined column)."""
    import numpy as np

    rng = np.random.default_rng(2)
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的身份",
            "2、总体满意度(0-10分)", "3、以下各项工作的满意程度—第1项"]
    head += [f"3、第{k}项" for k in range(2, 13)]
    head += ["4、您希望加强哪些工作？"]
    n_rest = 50 - len(head)
    head += [f"{5 + k}、您对第{5 + k}项工作是否满意" for k in range(n_rest)]
    ident = rng.integers(0, 4, rows)
    overall = rng.integers(0, 11, rows)
    matrix = rng.integers(0, 5, (rows, 12))
    rest = rng.integers(0, 5, (rows, n_rest))
    dur = rng.integers(20, 900, rows)
    picks = rng.uniform(size=(rows, 8)) < 0.3
    skipped = rng.uniform(size=rows) < 0.05

    def multi(i: int) -> str:
        if skipped[i]:
            return "(跳过)"
        chosen = [MULTI[j] + ("〖自来水改造〗" if j == 7 and i % 3 == 0 else "")
                  for j in np.flatnonzero(picks[i])] or [MULTI[0]]
        return "┋".join(chosen)

    _save(path, head, ([*_meta(i, dur[i]), IDENT[ident[i]], f"{overall[i]}分",
                        *[SAT[k] for k in matrix[i]], multi(i), *[SAT[k] for k in rest[i]]]
                       for i in range(rows)))


def write_wide_file(path: Path, rows: int, cols: int) -> None:
    """A wide 按序号 download: questions until ``cols`` columns."""
    import numpy as np

    rng = np.random.default_rng(3)
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    kinds: list[str] = []
    q = 1
    while len(head) < cols:
        if q % 10 == 0:
            head += [f"{q}、(选项{k + 1})" for k in range(8)]
            kinds += ["option"] * 8
        elif q % 10 == 5:
            head += [f"{q}、第{q}题各方面的满意程度—第1项"] + [f"{q}、第{k}项" for k in range(2, 13)]
            kinds += ["row"] * 12
        else:
            head.append(f"{q}、第{q}题")
            kinds.append("single")
        q += 1
    head, kinds = head[:cols], kinds[:cols - 6]
    is_option = np.array([k == "option" for k in kinds])
    _save(path, head, ([*_meta(i, 100 + i), *np.where(is_option, rng.integers(0, 2, len(kinds)),
                                                     rng.integers(1, 6, len(kinds))).tolist()]
                       for i in range(rows)))


CHILD = r"""
import json, resource, sys, time
which, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
c0 = time.process_time()
if which == "fastexcel":
    import fastexcel
    df = fastexcel.read_excel(path).load_sheet(0).to_pandas()
    shape = df.shape
else:
    import os
    os.environ.setdefault("KIT_SALT", "bench-salt-not-secret")  # >= 16 characters
    import kit
    r = kit.load_export(path)
    shape = r.data.shape
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "cpu_seconds": time.process_time() - c0, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "shape": list(shape)}))
"""


def measure(which: str, path: Path, kit_dir: Path | None = None) -> dict:
    """One load in a fresh process; ``kit_dir``: import ``kit`` from that checkout instead."""
    env = None
    if kit_dir is not None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(kit_dir)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    out = subprocess.run([sys.executable, "-c", CHILD, "kit" if which == "other" else which,
                          str(path)], capture_output=True, text=True, check=True, env=env,
                         cwd=kit_dir)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_rss() -> float:
    """RSS of a child that only imports the libraries (reported, not subtracted)."""
    code = ("import resource, fastexcel, pandas; print(resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss / 1024)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout)


def bench_file(kind: str, rows: int, repeat: int, against: Path | None = None) -> dict:
    """Write (once) and measure one file; returns the medians and ratios."""
    path = OUT / (f"wjx_codes_{rows}x50.xlsx" if kind == "codes" else f"wjx_按文本_{rows}x50.xlsx")
    if not path.exists():
        t0 = time.perf_counter()
        (write_file if kind == "codes" else write_text_file)(path, rows)
        print(f"wrote {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    runs = {"fastexcel": [], "kit": []} | ({"other": []} if against else {})
    for _ in range(repeat):
        for which in runs:
            runs[which].append(measure(which, path, against if which == "other" else None))
    med = {w: {"seconds": statistics.median(r["seconds"] for r in rs),
               "cpu_seconds": statistics.median(r["cpu_seconds"] for r in rs),
               "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
               "shape": rs[0]["shape"]} for w, rs in runs.items()}
    print(f"file: {path.name} ({kind}), {repeat} alternating runs each, medians")
    for w, m in med.items():
        print(f"  {w:10s} {m['seconds']:7.2f} s ({m['cpu_seconds']:6.2f} s CPU)   peak RSS "
              f"{m['peak_rss_mb']:7.0f} MB   shape {m['shape']}")
    t = med["kit"]["seconds"] / med["fastexcel"]["seconds"]
    c = med["kit"]["cpu_seconds"] / med["fastexcel"]["cpu_seconds"]
    m = med["kit"]["peak_rss_mb"] / med["fastexcel"]["peak_rss_mb"]
    print(f"  ratio kit / fastexcel: time {t:.2f}x, CPU {c:.2f}x (target <= 1.3x), "
          f"peak RSS {m:.2f}x (target <= 2x)")
    out = {"time_ratio": t, "cpu_ratio": c, "rss_ratio": m}
    if against:
        o = med["other"]
        print(f"  other = kit of {against}")
        print(f"  ratio other / fastexcel: time {o['seconds'] / med['fastexcel']['seconds']:.2f}x, "
              f"CPU {o['cpu_seconds'] / med['fastexcel']['cpu_seconds']:.2f}x")
        print(f"  ratio kit / other: time {med['kit']['seconds'] / o['seconds']:.2f}x, "
              f"CPU {med['kit']['cpu_seconds'] / o['cpu_seconds']:.2f}x, "
              f"peak RSS {med['kit']['peak_rss_mb'] / o['peak_rss_mb']:.2f}x")
    return out


def bench_wide(repeat: int, rows: int = 200, sizes=(5_000, 10_000)) -> None:
    """Seconds per column at two widths, side by side: linear when the ratio stays near 1."""
    per_col = {}
    for cols in sizes:
        path = OUT / f"wjx_wide_{cols}cols_x{rows}.xlsx"
        if not path.exists():
            t0 = time.perf_counter()
            write_wide_file(path, rows, cols)
            print(f"wrote {path.name} in {time.perf_counter() - t0:.0f} s")
        runs = {"fastexcel": [], "kit": []}
        for _ in range(repeat):
            for which in ("fastexcel", "kit"):
                runs[which].append(measure(which, path))
        fx = statistics.median(r["cpu_seconds"] for r in runs["fastexcel"])
        kt = statistics.median(r["cpu_seconds"] for r in runs["kit"])
        per_col[cols] = (kt - fx) / cols
        print(f"  {cols:6d} columns: fastexcel {fx:6.2f} s CPU, kit {kt:6.2f} s CPU "
              f"({kt / fx:.2f}x), kit beyond the read {1000 * per_col[cols]:.2f} ms per column")
    a, b = sizes
    print(f"  per-column cost at {b} / at {a} columns: {per_col[b] / per_col[a]:.2f} (linear: ~1)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=["codes", "text"])
    ap.add_argument("--wide", action="store_true", help="only the wide-export check")
    ap.add_argument("--against", type=Path, metavar="DIR",
                    help="also measure the kit of another checkout (imported from DIR)")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.wide:
        bench_wide(args.repeat)
        return
    for kind in ("codes", "text"):
        if args.only in (None, kind):
            bench_file(kind, args.rows, args.repeat, args.against and args.against.resolve())
    print(f"import-only RSS (pandas + fastexcel): {baseline_rss():.0f} MB")


if __name__ == "__main__":
    main()
