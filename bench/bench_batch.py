"""Batch self-assessment at scale: 100 villages, one sheet each (issue 4: under 30 s).

Times the bundled sample ``surveys/village-batch`` end to end through ``kit.batch.run_batch``
(read and score 100 sheets, write 100 x 自评表.xlsx + 自评报告.docx + summary.json and
排名.xlsx), and the scoring alone beside it, in one run.

    python bench/bench_batch.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time


def main() -> None:
    import kit
    from kit.batch import assess_batch, run_batch

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    proj = kit.load_project("surveys/village-batch")
    score, full = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        assess_batch(proj.root / proj.batch["workbook"], proj.method)
        score.append(time.perf_counter() - t)
        with tempfile.TemporaryDirectory() as out:
            t = time.perf_counter()
            run_batch(proj, out, progress=False)
            full.append(time.perf_counter() - t)
    print(f"read and score 100 sheets: median {statistics.median(score):.2f} s")
    print(f"the whole batch (scores + 300 files + league table): median {statistics.median(full):.2f} s "
          f"(runs: {', '.join(f'{x:.1f}' for x in full)})")
    print("target (issue 4): 100 villages in under 30 s")


if __name__ == "__main__":
    main()
