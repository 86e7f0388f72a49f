"""``kit report``: run a project's notebooks with papermill into ``reports/<project>/``.

The run is atomic as a whole (:mod:`kit.runfolder`): the folder is locked, marked 「未完成」 until
the end, cleared of what the previous run wrote, every file lands under its final name only when
complete (:mod:`kit.atomic`), and ``manifest.json`` is written last.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from .paths import ROOT, display_path, resolve
from .project import load_project
from .runfolder import OutputRun, file_sha256

__all__ = ["run_report", "file_sha256", "raise_notebook_error", "input_names", "scrub_paths",
           "KERNEL_ARGS"]

# The notebook kernel's own log (ipykernel warns that its local TCP sockets are not encrypted,
# and logs the interrupt it gets at shutdown) is not for evaluators: errors in a notebook reach
# us as cell errors, a dead kernel as an exception.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def progress_bar(progress: bool):
    """Papermill's progress bar in Chinese, on standard output and only on a terminal (in a log
    its redraws are noise; the step lines say enough there), erased when the notebook is done."""
    if not progress or not sys.stdout.isatty():
        return False
    return {"desc": "  正在运行", "unit": "格", "file": sys.stdout, "leave": False,
            "bar_format": "{desc}：{percentage:3.0f}%|{bar}| 第{n_fmt}/{total_fmt}个单元格，已用{elapsed}"}


@contextmanager
def kernel_stderr_aside():
    """The notebook kernel's standard error (its shutdown interrupt, library notices) goes to a
    temporary file instead of the user's terminal; errors in a notebook still reach us as cell
    errors. The kernel inherits file descriptor 2, so that is what is redirected."""
    import tempfile

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real standard error (some embedded consoles)
        yield
        return
    with tempfile.TemporaryFile() as aside:
        os.dup2(aside.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def raise_notebook_error(exc, notebook: str):
    """A KitError raised inside a notebook reaches the user as that KitError (papermill wraps it
    in PapermillExecutionError, keeping only its class name and message); anything else is
    re-raised unchanged, for the command line to report as a bug."""
    from .errors import NotebookError, kit_error_names

    if exc.ename in kit_error_names():
        raise NotebookError(exc.evalue, notebook=notebook) from None
    raise exc


def input_names(proj) -> dict[str, Path]:
    """The project's input files keyed by their path in the project folder, with personal
    parts of file names masked (a file named after a household or a phone is not copied into
    the manifest or a summary)."""
    from .privacy import mask_path

    out: dict[str, Path] = {}
    for p in proj.input_files():
        try:
            rel = p.relative_to(proj.root).as_posix()
        except ValueError:
            rel = p.name
        key, k = mask_path(rel), 2
        while key in out and out[key] != p:
            key, k = f"{mask_path(rel)} ({k})", k + 1
        out[key] = p
    return out


def scrub_paths(obj, replacements: list[tuple[str, str]]):
    """``obj`` (a notebook as JSON) with each absolute path replaced: the repository root by a
    relative path, the home folder (often named after the user) by ``~``."""
    if isinstance(obj, str):
        for old, new in replacements:
            obj = obj.replace(old, new)
        return obj
    if isinstance(obj, list):
        return [scrub_paths(x, replacements) for x in obj]
    if isinstance(obj, dict):
        return {k: scrub_paths(v, replacements) for k, v in obj.items()}
    return obj


def _replacements(*pairs: tuple[Path, str]) -> list[tuple[str, str]]:
    """Longest paths first, each with and without a trailing separator."""
    out = []
    for p, new in pairs:
        for s in {str(p), str(p.resolve())}:
            out += [(s + os.sep, (new + "/") if new else ""), (s, new or ".")]
    return sorted(set(out), key=lambda x: -len(x[0]))


def _param_path(p: Path) -> str:
    """A notebook parameter: relative to the repository root when inside it (the executed
    notebook then shows no one's folder names); otherwise absolute, scrubbed after the run."""
    try:
        return p.resolve().relative_to(ROOT.resolve()).as_posix() or "."
    except ValueError:
        return str(p)


def _execute(name: str, out_dir: Path, params: dict, progress: bool) -> Path:
    """One notebook, executed under a temporary name, its paths scrubbed, then renamed."""
    import json

    import papermill as pm

    from .atomic import atomic_path

    src = ROOT / "notebooks" / f"{name}.ipynb"
    final = out_dir / f"{name}.ipynb"
    with atomic_path(final) as tmp:
        try:
            with kernel_stderr_aside():
                pm.execute_notebook(str(src), str(tmp), parameters=params,
                                    progress_bar=progress_bar(progress), cwd=str(ROOT),
                                    kernel_name="python3", extra_arguments=KERNEL_ARGS)
        except pm.PapermillExecutionError as exc:
            raise_notebook_error(exc, name)
        nb = json.loads(tmp.read_text(encoding="utf-8"))
        reps = [(str(tmp), display_path(final)), (tmp.name, final.name)]
        reps += _replacements((out_dir, display_path(out_dir)), (ROOT, ""),
                              (Path.home(), "~"))
        tmp.write_text(json.dumps(scrub_paths(nb, reps), ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
    return final


def run_report(project: str | Path, out: str | Path | None = None, progress: bool = True) -> Path:
    """Execute the project's notebooks (parameters: project folder and output folder, shown
    relative to the repository), then the batch of units when the project has ``batch:``, then
    the survey report when the project surveyed anything (:mod:`kit.survey_report`);
    ``manifest.json`` last."""
    from . import __version__

    proj = load_project(project)  # validated (and its pepper found) before the folder is touched
    out_dir = resolve(out) if out else ROOT / "reports" / proj.name
    proj.check_data()  # every column and label the configuration names, before any notebook
    # the kernel must be this interpreter, whatever PATH says
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    from .runsummary import notebook_title, pending_notebooks

    pending = pending_notebooks(proj)  # e.g. 03 while its indicator workbook is still blank
    names = [n for n in proj.notebooks if n not in pending]
    manifest = {
        "project": proj.name, "title": proj.title, "kit_version": __version__,
        "synthetic": proj.synthetic,
        "inputs": {k: file_sha256(p) for k, p in input_names(proj).items()},
        "notebooks": names,
        "hashing": ({"key": "pepper", "pepper_id": proj.pepper} if getattr(proj, "pepper", None)
                    else {"key": "machine_salt"}),
    }
    with OutputRun(out_dir, manifest, command=f"kit report {display_path(proj.root)}") as run:
        params = {"project": _param_path(proj.root), "out_dir": _param_path(out_dir)}
        steps = len(names) + bool(proj.batch)
        if progress:
            print(f"生成报告：{proj.title}（{display_path(proj.root)} → {display_path(out_dir)}/，"
                  f"共{steps}步，每步约半分钟到几分钟）", flush=True)
        for k, name in enumerate(names, start=1):
            if progress:
                print(f"（{k}/{steps}）{notebook_title(name)}：notebooks/{name}.ipynb", flush=True)
            _execute(name, out_dir, params, progress)
        if proj.batch:  # many units: the kit's functions directly, no notebook per unit
            from .batch import UNIT_FILES, run_batch

            if progress:
                print(f"（{steps}/{steps}）逐单位写出报告和排名表", flush=True)

            # its bar only on a terminal: redrawn in a log it is noise
            result = run_batch(proj, out_dir, progress=progress and sys.stderr.isatty())
            run.units = {Path(f).name: list(UNIT_FILES) for f in result.folders.values()}
        # the survey report (满意度调查报告, 测评情况通报, 前后对比分析 or 调查报告) and its charts
        from .survey_report import write_survey_report

        write_survey_report(proj, out_dir)
    return out_dir
