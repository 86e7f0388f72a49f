"""Loader speed and memory against plain fastexcel, side by side in one run.

Writes (once, cached in bench/out/) a 100,000-response x 50-column 问卷星-style 按序号 .xlsx:
six metadata columns (序号, 提交答卷时间, 所用时间 '136秒', 来源, 来源详情, 来自IP 'ip(省-市)'),
a 1-5 single, a 0-10 item, a 12-row matrix block, an 8-option multi-select (0/1, -3 skipped),
and single-choice items up to 50 columns.

Each measurement runs in a fresh subprocess (so peak RSS is that of the load alone); the
reference and the kit alternate, and medians are reported with their ratios.
Target (issue 2): kit time <= 1.3 x fastexcel, kit peak RSS <= 2 x fastexcel.

    python bench/bench_load.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def write_file(path: Path, rows: int) -> None:
    import numpy as np
    from openpyxl import Workbook

    rng = np.random.default_rng(1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的身份",
            "2、总体满意度(0-10分)", "3、以下各项工作的满意程度 (矩阵单选题 *必答)—第1项"]
    head += [f"第{k}项" for k in range(2, 13)]
    head += [f"第4题(选项{k})" for k in range(1, 9)]
    n_rest = 50 - len(head)
    head += [f"{5 + k}、单选题{5 + k}" for k in range(n_rest)]
    ws.append(head)
    ident = rng.integers(1, 5, rows)
    overall = rng.integers(1, 12, rows)
    matrix = rng.integers(1, 6, (rows, 12))
    multi = rng.integers(0, 2, (rows, 8))
    skipped = rng.uniform(size=rows) < 0.05
    multi[skipped] = -3
    rest = rng.integers(1, 6, (rows, n_rest))
    dur = rng.integers(20, 900, rows)
    for i in range(rows):
        ws.append([i + 1, f"2024/5/{1 + i % 28} {8 + i % 12}:{i % 60:02d}:{i % 60:02d}",
                   f"{dur[i]}秒", "手机提交", "微信", f"{36 + i % 180}.{i % 250}.{i % 199}.{i % 97}(安徽-合肥)",
                   int(ident[i]), int(overall[i]), *matrix[i].tolist(), *multi[i].tolist(),
                   *rest[i].tolist()])
    wb.save(path)


CHILD = r"""
import json, resource, sys, time
which, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if which == "fastexcel":
    import fastexcel
    df = fastexcel.read_excel(path).load_sheet(0).to_pandas()
    shape = df.shape
else:
    import os
    os.environ.setdefault("KIT_SALT", "bench")
    import kit
    r = kit.load_export(path)
    shape = r.data.shape
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "shape": list(shape)}))
"""


def measure(which: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, which, str(path)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_rss() -> float:
    """RSS of a child that only imports the libraries (reported, not subtracted)."""
    code = ("import resource, fastexcel, pandas; print(resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss / 1024)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"wjx_codes_{args.rows}x50.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        write_file(path, args.rows)
        print(f"wrote {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    runs = {"fastexcel": [], "kit": []}
    for _ in range(args.repeat):
        for which in ("fastexcel", "kit"):
            runs[which].append(measure(which, path))
    med = {w: {"seconds": statistics.median(r["seconds"] for r in rs),
               "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
               "shape": rs[0]["shape"]} for w, rs in runs.items()}
    print(f"file: {path.name}, {args.repeat} alternating runs each, medians")
    for w, m in med.items():
        print(f"  {w:10s} {m['seconds']:7.2f} s   peak RSS {m['peak_rss_mb']:7.0f} MB   shape {m['shape']}")
    print(f"  import-only RSS (pandas + fastexcel): {baseline_rss():.0f} MB")
    t = med["kit"]["seconds"] / med["fastexcel"]["seconds"]
    m = med["kit"]["peak_rss_mb"] / med["fastexcel"]["peak_rss_mb"]
    print(f"ratio kit / fastexcel: time {t:.2f}x (target <= 1.3x), peak RSS {m:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
