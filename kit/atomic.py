"""Outputs appear whole or not at all.

Every file the kit writes (workbooks, Word documents, JSON, charts, executed notebooks) is
written under a temporary name beside its final one (``.<name>.<pid>-<random>.kit-tmp<suffix>``,
hidden) and renamed into place only once complete. A rename within a folder is atomic: a reader,
or a run killed at any moment, sees the old file, the new file or no file -- never half a file.

Inside a ``kit report`` run the runner sets ``$KIT_RUN_JOURNAL``; each file renamed into place
is then also recorded there (one line, appended), including files written by notebook kernels.
The run's manifest is built from that journal: a file counts as written by the run only once it
is renamed into place and recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_path", "write_text", "write_bytes", "write_json", "save_figure",
           "TMP_MARK", "JOURNAL_ENV", "is_temporary"]

TMP_MARK = ".kit-tmp"
JOURNAL_ENV = "KIT_RUN_JOURNAL"


def is_temporary(path: str | Path) -> bool:
    """Whether ``path`` is one of the kit's temporary names (left over by a killed run)."""
    return TMP_MARK in Path(path).name


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}{TMP_MARK}{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without error, the file
    written there replaces ``path`` in one step (and is recorded in the run's journal).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("whole")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('whole', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to {tmp}")
        with open(tmp, "rb+") as fh:  # on disk before it gets its final name
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    record(path)


def record(path: str | Path) -> None:
    """Note in the run's journal (if a run is on) that ``path`` is in place."""
    journal = os.environ.get(JOURNAL_ENV)
    if not journal:
        return
    line = (json.dumps(str(Path(path).resolve()), ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)  # one short append: whole lines even from several processes
    finally:
        os.close(fd)


def write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes(path, text.encode(encoding))


def write_json(path: str | Path, obj, **kwargs) -> Path:
    """JSON, UTF-8 (Chinese kept readable), indented, ending with a newline."""
    kwargs = {"ensure_ascii": False, "indent": 2, **kwargs}
    return write_text(path, json.dumps(obj, **kwargs) + "\n")


def save_figure(fig, path: str | Path, dpi: int = 150, **kwargs) -> Path:
    """``fig.savefig`` to ``path``, atomically (format from the suffix, tight bounding box)."""
    kwargs.setdefault("bbox_inches", "tight")
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".") or "png", **kwargs)
    return path
