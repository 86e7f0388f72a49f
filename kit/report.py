"""``kit report``: run a project's notebooks with papermill into ``reports/<project>/``."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from .paths import ROOT, resolve
from .project import load_project

__all__ = ["run_report", "file_sha256", "raise_notebook_error"]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def raise_notebook_error(exc, notebook: str):
    """A KitError raised inside a notebook reaches the user as that KitError (papermill wraps it
    in PapermillExecutionError, keeping only its class name and message); anything else is
    re-raised unchanged, for the command line to report as a bug."""
    from .errors import NotebookError, kit_error_names

    if exc.ename in kit_error_names():
        raise NotebookError(exc.evalue, notebook=notebook) from None
    raise exc


def run_report(project: str | Path, out: str | Path | None = None, progress: bool = True) -> Path:
    """Execute the project's notebooks (parameters: project folder, output folder), then
    the batch of units when the project has ``batch:``; write ``manifest.json``."""
    import papermill as pm

    from . import __version__

    proj = load_project(project)
    out_dir = resolve(out) if out else ROOT / "reports" / proj.name
    out_dir.mkdir(parents=True, exist_ok=True)
    # the kernel must be this interpreter, whatever PATH says
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    proj.check_data()  # every column and label the configuration names, before any notebook
    for name in proj.notebooks:
        src = ROOT / "notebooks" / f"{name}.ipynb"
        try:
            pm.execute_notebook(str(src), str(out_dir / f"{name}.ipynb"),
                                parameters={"project": str(proj.root), "out_dir": str(out_dir)},
                                progress_bar=progress, cwd=str(ROOT), kernel_name="python3")
        except pm.PapermillExecutionError as exc:
            raise_notebook_error(exc, name)
    if proj.batch:  # many units: the kit's functions directly, no notebook per unit
        from .batch import run_batch

        run_batch(proj, out_dir, progress=progress)
    manifest = {
        "project": proj.name, "title": proj.title, "kit_version": __version__,
        "synthetic": proj.synthetic,
        "inputs": {str(p.relative_to(proj.root)): file_sha256(p) for p in proj.input_files()},
        "notebooks": proj.notebooks,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                           encoding="utf-8")
    return out_dir
