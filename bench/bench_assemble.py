"""The work after the sheet is read (``kit.io.assemble``), by stage, side by side with another
checkout's kit in one run.

The file is parsed once (``parse_export``) and the parsed export cached in ``bench/out/``; each
measurement is a fresh subprocess that unpickles it and times ``assemble`` (metadata, inferred
codebook, columns, quality flags) and its stages, with the hashing key derived anew each time as
in a new process. This checkout's kit and the one given by ``--against DIR`` (e.g.
``git worktree add /tmp/old-main main``) alternate; medians are reported with their ratio.
Run it on a quiet machine: the stages are a fraction of a second each.

    python bench/bench_assemble.py [FILE] [--against DIR] [--repeat 5]

FILE defaults to the 100,000 x 50 按文本 file ``bench/bench_load.py`` writes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STAGES = ("assemble", "_frame", "_meta_columns", "parse_times", "hash_series", "infer_questionnaire",
          "build_columns", "assess_quality")

CHILD = r"""
import functools, json, os, pickle, sys, time
os.environ.setdefault("KIT_SALT", "bench-salt-not-secret")
import kit.io as I
import kit.privacy.keys as K
from kit.privacy.names import _jieba
_jieba()  # loaded while the sheet is read in a real load
acc = {}
def wrap(name):
    f = getattr(I, name, None)
    if f is None:
        return
    @functools.wraps(f)
    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            acc[name] = acc.get(name, 0.0) + time.perf_counter() - t
    setattr(I, name, timed)
for name in json.loads(sys.argv[2]):
    wrap(name)
parsed = pickle.loads(open(sys.argv[1], "rb").read())
K._derive.cache_clear()
I.assemble(parsed, None)
print(json.dumps(acc))
"""


def _cached_parse(path: Path, kit_dir: Path) -> Path:
    out = HERE / "out" / f"{path.stem}.parsed.pkl"
    out.parent.mkdir(exist_ok=True)
    if not out.exists() or out.stat().st_mtime < path.stat().st_mtime:
        code = ("import pickle, sys; import kit.io as I; "
                "pickle.dump(I.parse_export(sys.argv[1]), open(sys.argv[2], 'wb'))")
        subprocess.run([sys.executable, "-c", code, str(path), str(out)], check=True,
                       env={**os.environ, "PYTHONPATH": str(kit_dir)}, cwd=kit_dir)
    return out


def _once(parsed: Path, kit_dir: Path) -> dict:
    run = subprocess.run([sys.executable, "-c", CHILD, str(parsed), json.dumps(STAGES)],
                         capture_output=True, text=True, check=True, cwd=kit_dir,
                         env={**os.environ, "PYTHONPATH": str(kit_dir)})
    return json.loads(run.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(HERE / "out" / "wjx_按文本_100000x50.xlsx"))
    ap.add_argument("--against", help="another checkout whose kit runs alternately")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    path = Path(a.file)
    if not path.exists():
        sys.exit(f"{path} 不存在：先运行 python bench/bench_load.py 生成基准文件")
    parsed = _cached_parse(path, ROOT)
    kits = {"this": ROOT} | ({"against": Path(a.against).resolve()} if a.against else {})
    runs: dict[str, list[dict]] = {k: [] for k in kits}
    for _ in range(a.repeat):
        for name, kit_dir in kits.items():
            runs[name].append(_once(parsed, kit_dir))
    med = {k: {s: statistics.median(r.get(s, 0.0) for r in rs) for s in STAGES} for k, rs in runs.items()}
    print(f"{path.name}: median of {a.repeat} runs (s)")
    print(f"{'stage':22s}" + "".join(f"{k:>10s}" for k in kits) + ("     ratio" if a.against else ""))
    for s in STAGES:
        row = f"{s:22s}" + "".join(f"{med[k][s]:10.3f}" for k in kits)
        if a.against and med["against"][s]:
            row += f"{med['this'][s] / med['against'][s]:10.2f}"
        print(row)


if __name__ == "__main__":
    main()
