"""One run into an output folder: locked, marked incomplete until it ends, nothing stale left.

A ``kit report`` run

1. takes the folder's lock (``.kit.lock``; a second run into the same folder stops at once with a
   clear message instead of racing the first one at the file writer);
2. marks the folder incomplete -- the file 「未完成.txt」 and ``manifest.json`` with
   ``"status": "incomplete"`` -- before it touches anything else;
3. removes what the previous run wrote (listed in its manifest or journal) and any temporary file
   a killed run left, so no report from an earlier run sits beside the new one;
4. writes every output atomically (:mod:`kit.atomic`), each recorded in the run's journal;
5. at the end writes ``manifest.json`` last, listing every output with its sha256, and only then
   removes 「未完成.txt」.

A run that fails or is interrupted (Ctrl-C, ``kill``, a closed terminal) keeps the marker and an
incomplete manifest; a run killed outright (``kill -9``, power cut) keeps the marker written in
step 2. Either way the folder says it is incomplete, and every file in it is whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import threading
import time
from pathlib import Path

from .atomic import JOURNAL_ENV, is_temporary, write_json, write_text
from .errors import KitError

__all__ = ["OutputRun", "MARKER", "MANIFEST", "LOCK", "JOURNAL", "folder_status", "file_sha256",
           "RunInterrupted"]

MARKER = "未完成.txt"
MANIFEST = "manifest.json"
LOCK = ".kit.lock"
JOURNAL = ".kit-journal"
_SERVICE = {MARKER, MANIFEST, LOCK, JOURNAL}
_KIT_SUFFIXES = {".ipynb", ".xlsx", ".docx", ".json", ".png", ".svg", ".pdf", ".csv"}


class RunInterrupted(KitError):
    """The run was stopped by a signal (SIGTERM, SIGHUP)."""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def folder_status(out_dir: str | Path) -> str:
    """``complete``, ``incomplete`` or ``empty`` (no run has finished writing here)."""
    out = Path(out_dir)
    if (out / MARKER).exists():
        return "incomplete"
    try:
        m = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "empty"
    return "complete" if m.get("status", "complete") == "complete" else "incomplete"


class OutputRun:
    """``with OutputRun(out_dir, manifest) as run: ...`` -- see the module docstring.

    ``manifest`` holds what the run is about (project, inputs, ...); the run adds ``status``,
    ``outputs`` (relative path -> sha256) and ``units`` (batch units whose files are all in
    place)."""

    def __init__(self, out_dir: str | Path, manifest: dict, command: str = "kit report"):
        self.out = Path(out_dir)
        self.manifest = dict(manifest)
        self.command = command
        self.units: dict[str, list[str]] = {}
        self._lock = None
        self._env = None
        self._signals: dict = {}

    # ------------------------------------------------------------------------- entering
    def __enter__(self) -> "OutputRun":
        from filelock import FileLock, Timeout

        if self.out.exists() and not self.out.is_dir():
            raise KitError("输出位置是一个文件，不是文件夹 (--out must be a folder)", path=self.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.out / LOCK), timeout=0)
        try:
            self._lock.acquire()
        except Timeout:
            raise KitError("另一个 kit report 正在向这个文件夹写入结果；两次运行不能同时写同一个文件夹。"
                           "请等它结束后再运行，或用 --out 指定另一个文件夹", path=self.out) from None
        try:
            # marker first: from here on the folder says it is incomplete, whenever we stop
            stale = self._previous_outputs()
            write_text(self.out / MARKER, self._marker_text())
            for p in sorted(stale, key=lambda p: len(p.parts), reverse=True):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
            self._remove_empty_folders()
            # the old manifest goes only once the files it lists are gone
            write_json(self.out / MANIFEST, {**self.manifest, "status": "incomplete",
                                             "status_zh": "未完成", "outputs": {}})
            (self.out / JOURNAL).write_bytes(b"")
            self._env = os.environ.get(JOURNAL_ENV)
            os.environ[JOURNAL_ENV] = str((self.out / JOURNAL).resolve())
            self._trap_signals()
        except BaseException:
            self._lock.release()
            raise
        return self

    def _previous_outputs(self) -> set[Path]:
        """Files an earlier run wrote here: its manifest's outputs, its journal (a run that was
        killed), the temporary files it left; for a manifest from an older kit that lists no
        outputs, every file of a kind the kit writes."""
        out, found = self.out, set()
        legacy = False
        try:
            m = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            if isinstance(m.get("outputs"), dict):
                found |= {out / k for k in m["outputs"]}
            else:
                legacy = True
        except FileNotFoundError:
            legacy = (out / MARKER).exists() and not (out / JOURNAL).exists()
        except (OSError, ValueError):
            legacy = True  # a damaged manifest: its run's files cannot be told apart
        with contextlib.suppress(OSError):
            for line in (out / JOURNAL).read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError):
                    found.add(Path(json.loads(line)))
        for p in out.rglob("*"):
            if p.is_file() and (is_temporary(p) or (legacy and p.name not in _SERVICE
                                                    and p.suffix.lower() in _KIT_SUFFIXES)):
                found.add(p)
        root = out.resolve()
        return {p for p in found if _inside(p, root) and not _service(p, root)}

    def _marker_text(self) -> str:
        return (f"本文件夹中的结果不完整。\n\n{self.command} 于 {time.strftime('%Y-%m-%d %H:%M:%S')} "
                "开始向这里写入结果，但没有正常结束（出错、被中断或正在运行）。这里的文件不能作为当前"
                f"结果使用：请排除问题后重新运行 {self.command}；运行正常结束时本文件会被删除。\n\n"
                "The results in this folder are incomplete: the last run did not finish.\n")

    def _remove_empty_folders(self) -> None:
        for d in sorted((p for p in self.out.rglob("*") if p.is_dir()),
                        key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                d.rmdir()  # only if empty

    def _trap_signals(self) -> None:
        """SIGTERM and SIGHUP end the run like Ctrl-C does: the folder is left marked."""
        if threading.current_thread() is not threading.main_thread():
            return

        def stop(signum, frame):
            raise RunInterrupted(f"运行被终止（信号 {signal.Signals(signum).name}）；结果不完整", path=self.out)

        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                with contextlib.suppress(ValueError, OSError):
                    self._signals[sig] = signal.signal(sig, stop)

    # -------------------------------------------------------------------------- leaving
    def written(self) -> dict[str, str]:
        """Relative path -> sha256 of each file this run renamed into place (journal order)."""
        root, out = self.out.resolve(), {}
        with contextlib.suppress(OSError):
            for line in (self.out / JOURNAL).read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError):
                    p = Path(json.loads(line))
                    if p.is_file() and _inside(p, root) and not _service(p, root):
                        out[p.resolve().relative_to(root).as_posix()] = None
        return {k: file_sha256(root / k) for k in sorted(out)}

    def __exit__(self, exc_type, exc, tb) -> None:
        for sig, old in self._signals.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(sig, old)
        if self._env is None:
            os.environ.pop(JOURNAL_ENV, None)
        else:
            os.environ[JOURNAL_ENV] = self._env
        try:
            outputs = self.written()
            units = {u: sorted(f for f in files if f"units/{u}/{f}" in outputs)
                     for u, files in self.units.items()}
            body = {**self.manifest, "outputs": outputs}
            if self.units:
                body["units"] = {u: fs for u, fs in units.items()
                                 if len(fs) == len(self.units[u])}
            if exc_type is None:
                write_json(self.out / MANIFEST, {**body, "status": "complete", "status_zh": "完整"})
                (self.out / MARKER).unlink()
                (self.out / JOURNAL).unlink()
            else:
                write_json(self.out / MANIFEST, {**body, "status": "incomplete", "status_zh": "未完成"})
        finally:
            self._lock.release()


def _service(p: Path, root: Path) -> bool:
    """The run's own files (lock, marker, manifest, journal) at the top of the folder."""
    return p.name in _SERVICE and p.resolve().parent == root


def _inside(p: Path, root: Path) -> bool:
    try:
        p.resolve().relative_to(root)
        return True
    except ValueError:
        return False
