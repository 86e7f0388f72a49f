"""Deterministic Office files: the same content gives the same bytes.

openpyxl and python-docx stamp the current time into ``docProps/core.xml`` and into every
zip entry; :func:`normalise_zip` rewrites the container with a fixed time so that a rerun on
the same inputs reproduces the file exactly (and its sha256 in the report manifest).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

__all__ = ["FIXED_TIME", "normalise_zip"]

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


def normalise_zip(path: Path) -> None:
    """Rewrite an OOXML zip with fixed entry timestamps, in a fixed order, so that the same
    content gives the same bytes (openpyxl and python-docx stamp the current time)."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = _fix_core(data)
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    tmp.replace(path)


def _fix_core(data: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)",
                  rb"\g<1>" + stamp + rb"\g<2>", data)
