"""Read a raw sheet (xlsx, xls, ods, csv) into header rows and a typed body.

Readers know formats, not analyses. The format is chosen by the file's bytes, not its name
(a workbook saved as ``.csv`` or a CSV named ``.xlsx`` is read for what it is, with a note).
Workbooks are read with fastexcel (Rust, calamine) from their bytes; an ``.xlsx`` is scanned
cheaply first (the sheet's size), so that a stray cell at ``XFD1048576`` is refused with a
message instead of a 512 GiB allocation; formulas saved without a value, error values and
merged cells are looked for while calamine reads the sheet in a thread. CSV text is
decoded as utf-8-sig, utf-8 or GB18030 (Excel on Chinese Windows saves GBK, a subset of
GB18030) and split on ``,``, ``;`` or tab; an unbalanced ``"`` is found by line, not allowed
to swallow the rest of the file. Files are opened read-only and never written.

Every row read is accounted for: blank rows are dropped with a note naming them; a row whose
number of fields differs from the header, or a last row cut short, is kept and listed in
``RawTable.row_flags`` (file row -> reason) for the quality table. Control characters pasted
from Word (``\\x0b`` line breaks, ``\\x07`` cell marks) are cleaned from every cell, with a note.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..background import in_thread
from ..errors import EncodingError, ExportFormatError

try:  # ISA-L's inflate (python-isal): the same bytes as zlib's in about half the time
    from isal import isal_zlib as _zlib
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the same, only slower
    _zlib = zlib

__all__ = ["RawTable", "read_table", "read_frame", "require_numeric", "sheet_names",
           "drop_summary_rows", "fill_merged_cells", "decode_bytes", "EXCEL_SUFFIXES",
           "CSV_SUFFIXES", "MAX_CELLS", "SPARSE_CELLS", "SUMMARY_LABELS", "answers_look_like_text"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
# A sheet larger than this many cells (rows x columns of its used range) is refused before
# reading: calamine allocates the whole range (32 bytes a cell), so 2**24 cells is 512 MiB.
# A large real export (20,000 responses x 400 columns) is 8 million cells.
MAX_CELLS = 1 << 24
# A range above this many cells that is less than 1% filled is a stray far cell, refused too.
SPARSE_CELLS = 1 << 20
# The first cell of a row under the data that makes it a summary, not a response.
SUMMARY_LABELS = {"合计", "总计", "小计", "总和", "汇总", "平均", "平均值", "平均分", "均值",
                  "总平均", "合计：", "总计：", "平均：", "total", "sum", "average", "mean"}
# C0 controls except tab, newline and carriage return; DEL; BOM and zero-width characters.
# Word's manual line break (\x0b) and page break (\x0c) become a line break; the rest go.
_CTRL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200d\u2060]")
_CTRL_AS_NEWLINE = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


@dataclass
class RawTable:
    """A sheet as read: ``header`` rows of strings and a ``body`` frame with columns 0..n-1.

    ``first_data_row`` is the 1-based row number, in the file, of the first row after the
    header; ``row_numbers`` gives the file row of every ``body`` row (blank rows are dropped,
    so body row i is not always ``first_data_row + i``), so that messages point at the row an
    evaluator sees in Excel. ``row_flags`` maps the file row of a damaged row (too few or too
    many fields, cut short at the end of the file) to ``(reason, detail)``; such rows are kept
    in ``body`` and the quality check excludes them with that reason.
    """

    path: Path
    header: list[list[str]]
    body: pd.DataFrame
    first_data_row: int
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    row_numbers: np.ndarray | None = None
    row_flags: dict[int, tuple[str, str]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # body (r0, c0, r1, c1)

    def __post_init__(self):
        if self.row_numbers is None:
            self.row_numbers = np.arange(len(self.body)) + self.first_data_row

    @property
    def columns(self) -> list[str]:
        """The last header row (the column titles)."""
        return self.header[-1] if self.header else []

    def file_row(self, body_index: int) -> int:
        return int(self.row_numbers[int(body_index)])

    def keep_rows(self, keep: np.ndarray) -> None:
        """Keep only the body rows where ``keep`` is True (row numbers follow)."""
        self.body = self.body.loc[keep].reset_index(drop=True)
        self.row_numbers = np.asarray(self.row_numbers)[keep]


def _shown(items: list, k: int = 10) -> str:
    return "、".join(str(x) for x in items[:k]) + ("…" if len(items) > k else "")


def _col_letter(j: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 16383 -> XFD."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(letters: str) -> int:
    """Excel letters to a 0-based column index: A -> 0, XFD -> 16383."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# --------------------------------------------------------------------------- format sniffing
def _sniff_kind(path: Path, raw: bytes) -> str:
    """``xlsx``, ``ods``, ``xls`` or ``csv`` from the bytes; refuses what is none of these."""
    head = raw[:8]
    if head.startswith(_ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise ExportFormatError(
                "无法读取该工作簿：文件已损坏或被截断（压缩包不完整）；请重新下载或在 Excel 中"
                "另存后再导入", path=path) from None
        if any(n.endswith("workbook.xml") or n.endswith("workbook.bin") for n in names):
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        what = "Word 文档" if "word/document.xml" in names else "ZIP 压缩包"
        raise ExportFormatError(f"这是{what}，不是 Excel 工作簿或 CSV 问卷导出",
                                path=path)
    if head.startswith(_CFB_MAGIC):
        return "xls"
    start = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<") and (b"<html" in start or b"<table" in start or b"<!doctype" in start):
        raise ExportFormatError(
            "这是网页（HTML）格式的表格，只是扩展名像 Excel：请用 Excel 打开后另存为 .xlsx 再导入", path=path)
    return "csv"


def _kind_note(path: Path, kind: str) -> list[str]:
    suffix = path.suffix.lower()
    fits = {"xlsx": {".xlsx", ".xlsm", ".xlsb"}, "xls": {".xls"}, "ods": {".ods"},
            "csv": CSV_SUFFIXES}[kind]
    if suffix in fits or (not suffix and kind == "csv"):
        return []
    what = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 工作簿（.xls）",
            "ods": "OpenDocument 表格（.ods）", "csv": "CSV 文本"}[kind]
    return [f"文件扩展名为「{suffix or '无'}」，但内容是{what}，已按内容读取 "
            f"(read as {kind} by its content, not its extension)"]


def read_table(path: str | Path, header_rows: int = 1, sheet: int | str = 0,
               header_row: int | None = None, export: bool = False,
               while_reading=None) -> RawTable:
    """Read a sheet of ``path`` (the first by default; by index or name) with ``header_rows``
    rows of column titles.

    ``header_row`` is the file row (1-based, as Excel numbers it) of the first header row
    when rows above it are a title; by default the first row that holds anything.
    ``export``: the sheet is a response export, so a merged cell's value fills the cells it
    covers and a 合计/总计/平均 row under the data is dropped, both with a note (an indicator
    table's merged or 合计 cells mean something else and are left as they are).
    ``while_reading``: a function called (with no arguments) once fastexcel has begun parsing
    a workbook in its thread (it releases the GIL): what it does, or starts, runs alongside.
    """
    path = Path(path)
    if not path.exists():
        raise ExportFormatError("文件不存在", path=path)
    if path.is_dir():
        raise ExportFormatError("这是一个文件夹，不是问卷导出文件", path=path)
    raw = path.read_bytes()  # read-only, never rewritten
    if not raw:
        raise ExportFormatError("文件为空", path=path)
    kind = _sniff_kind(path, raw)
    if kind == "csv":
        table = _read_csv(path, raw, header_rows, header_row)
    else:
        table = _read_excel(path, raw, kind, header_rows, sheet, header_row, while_reading)
    table.notes[:0] = _kind_note(path, kind)
    _clean_controls(table)
    if export:
        fill_merged_cells(table)
        drop_summary_rows(table)
    return table


def sheet_names(path: str | Path) -> list[str]:
    """The sheet names of a workbook, read the way :func:`read_table` reads it."""
    path = Path(path)
    if not path.is_file():
        raise ExportFormatError("文件不存在", path=path)
    raw = path.read_bytes()
    kind = _sniff_kind(path, raw)
    if kind == "csv":
        return [path.stem]
    return list(_open_workbook(path, raw).sheet_names)


def answers_look_like_text(path: str | Path, rows: int = 3) -> bool:
    """Whether the first ``rows`` responses under the header hold more text cells than
    numbers (answers as labels, 按文本, rather than codes), from a look at the first 256 KB of
    the sheet or CSV; False when that cannot be told cheaply (.xls, .ods, a damaged file).
    Used only to decide work that may run while a large file is read."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(1 << 18)
        if head.startswith(_ZIP_MAGIC):
            with zipfile.ZipFile(path) as zf:
                name = _sheet_xml_name(zf, 0)
                if name is None:
                    return False
                with zf.open(name) as part:
                    xml = part.read(1 << 18)
            starts = [m.start() for m in re.finditer(rb"<row\b", xml)][1: rows + 2]
            if len(starts) < 2:
                return False
            cells = re.findall(rb"<c\b([^>]*?)(/?)>", xml[starts[0]: starts[-1]])
            filled = [a for a, empty in cells if not empty]
            text = sum(1 for a in filled if re.search(rb'\bt="(?:s|str|inlineStr)"', a))
            return text > len(filled) - text
        if head.startswith(_CFB_MAGIC) or b"\x00" in head[:4096]:
            return False
        lines = head.decode("utf-8" if _is_utf8(head) else "gb18030", "replace").splitlines()
        fields = [c.strip() for rec in csv.reader(lines[1: rows + 1], delimiter=_sniff_delimiter(
            lines[0] if lines else "")) for c in rec if c.strip()]
        text = sum(1 for c in fields if not _NUMBER.fullmatch(c))
        return text > len(fields) - text
    except (OSError, zipfile.BadZipFile, KeyError, EOFError, RuntimeError, ValueError, zlib.error,
            csv.Error):
        return False


def _is_utf8(head: bytes) -> bool:
    try:
        head[:-4].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# ------------------------------------------------------------------------------------ Excel
# fastexcel logs "Could not determine dtype for column N, falling back to string" for an
# all-blank or mixed column (e.g. 来自IP = NULL). That is expected here: every column is
# typed again below. The zero-based column number only confuses evaluators, so it stays quiet.
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)
_DAMAGED = ("无法读取该工作簿：文件可能已损坏、被截断，或并非 Excel 文件；请重新下载或在 Excel 中"
            "打开后另存再导入")


def _is_rust_panic(exc: BaseException) -> bool:
    """pyo3 turns a panic inside calamine into ``pyo3_runtime.PanicException``, which derives
    from BaseException (``except Exception`` misses it) and cannot be imported by name."""
    return type(exc).__name__ == "PanicException" and type(exc).__module__ == "pyo3_runtime"


def _fastexcel_call(path: Path, fn):
    """Run a fastexcel call; its own errors and a calamine panic on a damaged file become
    one ExportFormatError. Anything else is a bug and propagates."""
    import fastexcel

    try:
        return fn()
    except fastexcel.FastExcelError as exc:
        first = str(exc).splitlines()[0][:200]
        raise ExportFormatError(f"{_DAMAGED} ({type(exc).__name__}: {first})", path=path) from None
    except BaseException as exc:
        if not _is_rust_panic(exc):
            raise
        raise ExportFormatError(f"{_DAMAGED}（读取程序在解析时中止：{str(exc)[:120]}）", path=path) from None


def _open_workbook(path: Path, raw: bytes):
    import fastexcel

    if raw.startswith(_CFB_MAGIC) and _ENCRYPTION_MARK in raw[: 1 << 16]:
        raise ExportFormatError(
            "工作簿设有打开密码（已加密），无法读取；请在 Excel 中取消密码后另存再导入", path=path)
    return _fastexcel_call(path, lambda: fastexcel.read_excel(raw))


@dataclass
class _SheetScan:
    """What a cheap pass over an .xlsx sheet's XML finds before calamine reads it."""
    first_row: int = 1          # 1-based sheet row of calamine's first range row
    first_col: int = 0          # 0-based sheet column of its first range column
    formulas: dict = field(default_factory=dict)   # (row1, col0) -> formula text, no value saved
    errors: dict = field(default_factory=dict)     # (row1, col0) -> Excel error value (#DIV/0!)
    merged: list = field(default_factory=list)     # (row1, col0, row1, col0) inclusive
    part: str | None = None     # the sheet's part in the archive, once its bounds were read


_XVALCELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(?<!/)>')
_XREF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_XROW = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,7})"')
_XFORMULA = re.compile(rb'<f\b[^>]*?(?:/>|>(.*?)</f>)', re.S)
_XVALUE = re.compile(rb'<v>\s*[^<\s]', re.S)
_XLASTREF = re.compile(rb'r="([A-Z]{1,3})[0-9]')
_XROWEND = re.compile(rb"w>")
_XMERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


def _sheet_xml_name(zf: zipfile.ZipFile, sheet: int | str) -> str | None:
    """The part name of a sheet of an .xlsx (by index or name), or None when not found."""
    try:
        wb = zf.read(next(n for n in zf.namelist() if n.endswith("workbook.xml"))).decode("utf-8", "replace")
        rels = zf.read(next(n for n in zf.namelist() if n.endswith("workbook.xml.rels"))).decode(
            "utf-8", "replace")
    except (StopIteration, KeyError, zipfile.BadZipFile, OSError):
        return None
    attrs = lambda tag: dict(re.findall(r'([\w:]+)="([^"]*)"', tag))  # noqa: E731
    sheets = [attrs(t) for t in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", wb)]
    targets = {a.get("Id"): a.get("Target", "") for a in
               (attrs(t) for t in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels))}
    if isinstance(sheet, str):
        chosen = next((s for s in sheets if html.unescape(s.get("name", "")) == sheet), None)
    else:
        chosen = sheets[sheet] if 0 <= sheet < len(sheets) else None
    if chosen is None:
        return None
    rid = next((v for k, v in chosen.items() if k.endswith(":id")), None)
    target = targets.get(rid)
    if not target:
        return None
    name = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return name if name in zf.namelist() else None


_CHUNK = 1 << 23  # the sheet XML is read in pieces of about 8 MB, each ending after a row


def _inflated(zf: zipfile.ZipFile, raw: bytes, name: str):
    """The bytes of a part in blocks of about ``_CHUNK``. A deflated part is inflated straight
    from the archive's bytes: zipfile would also compute its CRC-32, a second pass over every
    byte that calamine makes again when it reads the part. Anything else goes through zipfile."""
    info = zf.getinfo(name)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        with zf.open(name) as f:
            while block := f.read(_CHUNK):
                yield block
        return
    at = info.header_offset
    magic, *_, name_len, extra_len = struct.unpack(  # the local header, then name and extra
        zipfile.structFileHeader, raw[at: at + zipfile.sizeFileHeader])
    if magic != zipfile.stringFileHeader:
        raise zipfile.BadZipFile(f"bad local header for {name}")
    start = at + zipfile.sizeFileHeader + name_len + extra_len
    stream = memoryview(raw)[start: start + info.compress_size]
    inflate = _zlib.decompressobj(-zlib.MAX_WBITS)
    step = 1 << 20
    for at in range(0, len(stream), step):
        pending = stream[at: at + step]
        while pending:
            block = inflate.decompress(pending, _CHUNK)
            pending = inflate.unconsumed_tail
            if block:
                yield block
    if tail := inflate.flush():
        yield tail


def _sheet_chunks(zf: zipfile.ZipFile, name: str, raw: bytes):
    """The sheet XML in pieces that end after a ``</row>`` (the last piece holds the rest),
    so that a cell never straddles two pieces and the XML is never held whole in memory."""
    parts: list = []
    size = 0
    for block in _inflated(zf, raw, name):
        size += len(block)
        # the piece ends after the last row end of this block (copied once, by the join)
        cut = block.rfind(b"</row>") if size >= _CHUNK else -1
        if cut < 0:
            parts.append(block)
            continue
        yield b"".join([*parts, memoryview(block)[: cut + 6]])
        parts = [block[cut + 6:]]
        size = len(parts[0])
    if carry := b"".join(parts):
        cut = carry.rfind(b"</row>")  # the rows, then what follows them (merged ranges)
        if 0 <= cut < len(carry) - 6:
            yield carry[: cut + 6]
            yield carry[cut + 6:]
        else:
            yield carry


_SCAN_ERRORS = (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, NotImplementedError,
                zlib.error, _zlib.error)


def _scan_xlsx(path: Path, raw: bytes, sheet: int | str, sheet_label: str) -> _SheetScan:
    """Both passes over the sheet XML: :func:`_scan_bounds`, then :func:`_scan_contents`."""
    scan = _scan_bounds(path, raw, sheet, sheet_label)
    _scan_contents(raw, scan)
    return scan


def _scan_bounds(path: Path, raw: bytes, sheet: int | str, sheet_label: str) -> _SheetScan:
    """The pass over the sheet XML that must come before calamine reads it: the used range of
    cells that hold something (refused when absurd, before calamine allocates it) and where
    that range starts. What is found inside the cells (:func:`_scan_contents`) can be looked
    for while calamine reads.

    The size check does no per-cell work for an ordinary sheet: the range is bounded by the
    last row and the last cell of each row; only a range that may be too large, or that is
    almost empty, is measured cell by cell (a second pass)."""
    scan = _SheetScan()
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        name = _sheet_xml_name(zf, sheet)
        if name is None:
            return scan
        found, has_a, min_col = False, False, 1 << 30
        last_row, cmax, n_rows = 0, 0, 0
        for data in _sheet_chunks(zf, name, raw):
            if not found and (first := _XVALCELL.search(data)):
                found, scan.first_row = True, int(first.group(2))
            if not has_a:
                if re.search(rb'<c\b[^>]*?\br="A[0-9]', data):
                    has_a = True
                else:
                    min_col = min([min_col] + [_col_index(m.group(1).decode())
                                               for m in _XVALCELL.finditer(data)])
            last_row = max(last_row, _last_row(data))
            c, k = _last_col(data)
            cmax, n_rows = max(cmax, c), n_rows + k
        if not found:
            return _SheetScan()
        scan.first_col = 0 if has_a else min(min_col, 1 << 14)
        rows = max(last_row, scan.first_row) - scan.first_row + 1
        cols = max(cmax, scan.first_col) - scan.first_col + 1
        # a row with cells has at least one: count the cells (a second pass) only when the
        # rows alone do not show that the range is filled
        if rows * cols > SPARSE_CELLS and (rows * cols > MAX_CELLS or (
                n_rows < rows * cols // 100 and
                sum(d.count(b"<c ") for d in _sheet_chunks(zf, name, raw)) < rows * cols // 100)):
            _refuse_size(path, _sheet_chunks(zf, name, raw), sheet_label)
    except _SCAN_ERRORS:
        return _SheetScan()  # a damaged or encrypted part: fastexcel reports it with its own message
    scan.part = name
    return scan


def _scan_contents(raw: bytes, scan: _SheetScan) -> None:
    """The pass over the sheet XML that looks inside the cells, into ``scan``: formulas saved
    without a computed value, error values, merged ranges. Nothing here bounds what calamine
    allocates, so :func:`_read_excel` runs it while calamine reads (which releases the GIL)."""
    if scan.part is None:
        return
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        for data in _sheet_chunks(zf, scan.part, raw):
            _scan_cells(data, scan)
            # merged ranges are listed after the cells: in the last piece, not one ending in a row
            tail = -1 if data.endswith(b"</row>") else data.rfind(b"</sheetData>")
            for m in (_XMERGE.finditer(data, tail) if tail >= 0 else ()):
                scan.merged.append((int(m.group(2)), _col_index(m.group(1).decode()),
                                    int(m.group(4)), _col_index(m.group(3).decode())))
    except _SCAN_ERRORS:  # the bounds were read: what was found so far stands
        return


def _scan_cells(data: bytes, scan: _SheetScan) -> None:
    """Formulas saved without a value, and error values (#DIV/0!), in one piece of the XML.
    Inside the cells of a sheet the letter f is written only by a formula (or typed in inline
    text), so a search for that one byte (memchr) clears most pieces at once."""
    if b"f" in data and b"<f" in data:
        for m in re.finditer(rb"<f[\s>/]", data):
            start = data.rfind(b"<c ", 0, m.start())
            end = data.find(b"</c>", m.start())
            cell = data[start:end]
            if start < 0 or end < 0 or _XVALUE.search(cell) or b"<is>" in cell:
                continue
            ref = _XREF.search(cell[: cell.find(b">") + 1])
            f = _XFORMULA.search(cell)
            if ref and f:
                text = html.unescape((f.group(1) or b"").decode("utf-8", "replace"))
                scan.formulas[(int(ref.group(2)), _col_index(ref.group(1).decode()))] = text
    if b't="e"' in data:  # error values (#DIV/0!, #REF!): calamine reads them as blank
        for m in re.finditer(rb't="e"', data):
            start = data.rfind(b"<c ", 0, m.start())
            end = data.find(b"</c>", m.start())
            ref = _XREF.search(data, start, m.start()) if start >= 0 else None
            value = re.search(rb"<v>([^<]*)</v>", data[m.end(): end]) if end >= 0 else None
            if ref and value:
                scan.errors[(int(ref.group(2)), _col_index(ref.group(1).decode()))] = \
                    html.unescape(value.group(1).decode("utf-8", "replace")).strip() or "#ERROR"


def _last_row(data: bytes) -> int:
    """The number of the last row element of a piece (rows are written in ascending order)."""
    at = data.rfind(b"<row ")
    m = _XROW.match(data, at) if at >= 0 else None
    return int(m.group(1)) if m else 0


def _last_col(data: bytes) -> tuple[int, int]:
    """The widest column among the last cells of the rows of a piece (cells are written in
    column order), found by byte searches rather than per-cell parsing; and how many rows
    hold a cell."""
    widest, n = b"", 0
    for m in _XROWEND.finditer(data):  # "w>": a one-letter search is quicker than "</row>"
        end = m.start() - 4
        if data.startswith(b"</ro", end):
            ref = _XLASTREF.match(data, data.rfind(b' r="', 0, end) + 1)
            if ref:
                letters = ref.group(1)
                n += 1
                if len(letters) > len(widest) or (len(letters) == len(widest) and letters > widest):
                    widest = letters
    return (_col_index(widest.decode()) if widest else 0), n


def _refuse_size(path: Path, chunks, sheet_label: str) -> None:
    """Measure the used range exactly (only for a sheet that may be absurd) and refuse it
    when it is too large to read or almost empty (a stray cell far from the data).

    The message names the stray cell: of the cells in the last column and those in the last
    row, the side with fewer cells is the one a stray cell made (a lone cell at XFD2999
    beside 3,001 filled rows is in a column of its own, not in the last row of data)."""
    rmin = cmin = 1 << 30
    rmax = cmax = -1
    n = 0
    in_rmax = in_cmax = 0
    at_rmax = at_cmax = (0, 0)
    for data in chunks:
        for m in _XVALCELL.finditer(data):
            r, c = int(m.group(2)), _col_index(m.group(1).decode())
            n += 1
            rmin, cmin = min(rmin, r), min(cmin, c)
            if r > rmax:
                rmax, in_rmax, at_rmax = r, 0, (r, c)
            in_rmax += r == rmax
            if c > cmax:
                cmax, in_cmax, at_cmax = c, 0, (r, c)
            in_cmax += c == cmax
    rows, cols = rmax - rmin + 1, cmax - cmin + 1
    size = rows * cols
    if size <= SPARSE_CELLS or (size <= MAX_CELLS and n >= size // 100):
        return
    far_r, far_c = at_cmax if in_cmax <= in_rmax else at_rmax
    far = f"{_col_letter(far_c)}{far_r}"
    gib = size * 32 / (1 << 30)
    need = f"读取需要约{gib:,.0f} GiB内存" if gib >= 1 else f"读取需要约{size * 32 >> 20:,} MiB内存"
    raise ExportFormatError(
        f"工作表{sheet_label}的数据区域为 {_col_letter(cmin)}{rmin}:{_col_letter(cmax)}{rmax}"
        f"（{rows:,}行 × {cols:,}列），{need}，其中只有{n:,}个单元格有内容，远超问卷导出的大小；"
        f"离数据最远的有内容单元格是 {far}，多半是误在该处输入或粘贴了内容。请在 Excel 中删除多余的行和列"
        f"（或清除 {far}）后另存，再导入",
        path=path, row=far_r, column=_col_letter(far_c))


def _read_excel(path: Path, raw: bytes, kind: str, header_rows: int, sheet: int | str = 0,
                header_row: int | None = None, while_reading=None) -> RawTable:
    reader = _open_workbook(path, raw)
    if not reader.sheet_names:
        raise ExportFormatError("工作簿中没有工作表", path=path)
    if isinstance(sheet, str) and sheet not in reader.sheet_names:
        raise ExportFormatError(f"工作簿中没有工作表「{sheet}」(no such sheet; have: "
                                f"{'、'.join(reader.sheet_names)})", path=path)
    if isinstance(sheet, int) and not 0 <= sheet < len(reader.sheet_names):
        raise ExportFormatError(f"工作簿中没有第{sheet + 1}个工作表", path=path)
    label = f"「{sheet if isinstance(sheet, str) else reader.sheet_names[sheet]}」"
    scan = _scan_bounds(path, raw, sheet, label) if kind == "xlsx" else _SheetScan()
    skip_rows = max(0, header_row - scan.first_row) if header_row else 0
    notes: list[str] = []
    if header_rows == 1:
        load = lambda: _load_typed(path, reader, sheet, skip_rows)  # noqa: E731
    else:
        load = lambda: _fastexcel_call(path, lambda: reader.load_sheet(  # noqa: E731
            sheet, header_row=None, dtypes="string", schema_sample_rows=None).to_pandas())
    # calamine parses the sheet in a thread (fastexcel releases the GIL while it does) while
    # this one looks inside the cells and starts what the caller wants started
    loaded = in_thread(load, name="kit-read-sheet")
    if while_reading is not None:
        while_reading()
    _scan_contents(raw, scan)
    if header_rows == 1:
        body = loaded()
        header = [_undo_dedup([str(c) for c in body.columns])]
        if body.shape[1] == 0:
            header = [[]]
    else:
        frame = loaded().iloc[skip_rows:].reset_index(drop=True)
        header = [[_cell_text(v) for v in frame.iloc[i].tolist()]
                  for i in range(min(header_rows, len(frame)))]
        body = _type_columns(frame.iloc[header_rows:].reset_index(drop=True).astype(object))
    if len(header) < header_rows or not header[0] or all(h == "" for h in header[0]):
        raise ExportFormatError(
            f"工作表为空：需要{header_rows}行表头，后接答卷 (empty sheet: expected "
            f"{header_rows} header row(s) then responses)", path=path)
    ncol = len(header[0])
    body = _align_body(body, ncol)
    # sheet row of body row 0; calamine's range starts at the first cell that holds something
    top = scan.first_row + skip_rows + header_rows
    body = _put_formulas(body, scan, top, notes)
    merged = _merged_in_body(scan, top, len(body), ncol)
    if merged:
        shown = [f"{_col_letter(c0 + scan.first_col)}{r0 + top}:{_col_letter(c1 + scan.first_col)}"
                 f"{r1 + top}" for r0, c0, r1, c1 in merged]
        notes.append(f"数据区有{len(merged)}处合并单元格（{_shown(shown, 5)}）")
    table = RawTable(path=path, header=header, body=body, first_data_row=top, notes=notes,
                     row_numbers=np.arange(len(body)) + top, merged=merged)
    _drop_blank_rows(table)
    return table


def _load_typed(path: Path, reader, sheet: int | str, skip_rows: int) -> pd.DataFrame:
    """The sheet under its header row, every row deciding a column's type.

    fastexcel types a column from its first 1,000 rows by default and silently blanks a later
    cell that does not fit (满意 under codes, a date written as text); with every row sampled it
    makes such a column text instead, at the cost of a second look at every cell. So the
    sample is trusted only where nothing can have been lost: every column came out as numbers
    or text (a text column takes any later cell as its text, as a full look would) and fastexcel
    reports no cell that it could not convert. Otherwise (a cell blanked; a date, true/false
    or duration column, into which a later number would be read silently; a column blank in
    every sampled row, made text whatever follows) the sheet is read again with every row
    deciding. A later text that is a plain number (「3」) in a numeric column is read as that
    number."""
    sheet_obj = _fastexcel_call(path, lambda: reader.load_sheet(sheet, header_row=skip_rows))
    batch, errors = _fastexcel_call(path, sheet_obj.to_arrow_with_errors)
    if errors is None and all(_sample_decides(batch.column(j), f.type)
                              for j, f in enumerate(batch.schema)):
        return batch.to_pandas()
    del batch, sheet_obj
    return _fastexcel_call(path, lambda: reader.load_sheet(
        sheet, header_row=skip_rows, schema_sample_rows=None).to_pandas())


_SAMPLE_ROWS = 1000  # fastexcel's default schema_sample_rows


def _sample_decides(col, typ) -> bool:
    """Whether a column typed from the first rows is what every row would have made it:
    numbers, or text whose sampled rows held something (a column blank in all the sampled
    rows is made text by fastexcel; a full look would type it by its later cells)."""
    import pyarrow as pa

    if pa.types.is_floating(typ):
        return True
    if not (pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_null(typ)):
        return False  # dates, true/false, durations: a later number would be read into them
    n = min(_SAMPLE_ROWS, len(col))
    return col.null_count == len(col) or col.slice(0, n).null_count < n


def _put_formulas(body: pd.DataFrame, scan: _SheetScan, top: int, notes: list[str]) -> pd.DataFrame:
    """A formula saved without its computed value (a file written by a program, never opened
    in Excel) and an Excel error value (#DIV/0!, #REF!) read as blank: put their text,
    ``=SUM(…)`` or ``#DIV/0!``, in the cell so that it is caught as an answer that cannot be
    read, and say where."""
    def put(items: dict, text_of) -> list[str]:
        cells = []
        for (r, c), text in sorted(items.items()):
            i, j = r - top, c - scan.first_col
            if 0 <= i < len(body) and 0 <= j < body.shape[1] and pd.isna(body.iat[i, j]):
                if body[j].dtype != object:
                    body[j] = body[j].astype(object).where(body[j].notna(), None)
                body.iat[i, j] = text_of(text)
                cells.append(f"{_col_letter(c)}{r}")
        return cells

    cells = put(scan.formulas, lambda text: "=" + (text or "（共享公式）"))
    if cells:
        notes.append(f"{len(cells)}个公式单元格没有保存计算结果（{_shown(cells, 5)}），按无法识别的"
                     "内容处理；请在 Excel 中打开、重新计算并保存后再导入")
    cells = put(scan.errors, lambda text: text)
    if cells:
        notes.append(f"{len(cells)}个单元格是 Excel 错误值（{_shown(cells, 5)}，如"
                     f"「{next(iter(scan.errors.values()))}」），按无法识别的内容处理")
    return body


def _merged_in_body(scan: _SheetScan, top: int, nrow: int, ncol: int) -> list:
    out = []
    for r0, c0, r1, c1 in scan.merged:
        a, b = r0 - top, r1 - top
        if b < 0 or a >= nrow:
            continue  # a merged title or header cell
        out.append((max(a, 0), c0 - scan.first_col, min(b, nrow - 1), min(c1 - scan.first_col, ncol - 1)))
    return out


def fill_merged_cells(table: RawTable) -> None:
    """In a response export, a merged cell means its value for every cell it covers (what
    the evaluator sees in Excel): fill them, and say which ranges. Call before blank rows or
    summary rows are dropped from ``table``."""
    if not table.merged:
        return
    body = table.body
    pos = {int(r): i for i, r in enumerate(table.row_numbers)}
    top = table.first_data_row
    done = []
    for r0, c0, r1, c1 in table.merged:
        src = pos.get(r0 + top)
        if src is None or c0 < 0:
            continue
        value = body.iat[src, c0]
        if pd.isna(value):
            continue
        for r in range(r0, r1 + 1):
            i = pos.get(r + top)
            for j in range(c0, c1 + 1):
                if i is None or (i == src and j == c0):
                    continue
                if body[j].dtype != object and not isinstance(value, (int, float, np.number)):
                    body[j] = body[j].astype(object).where(body[j].notna(), None)
                body.iat[i, j] = value
        done.append(f"{_col_letter(c0)}{r0 + top}:{_col_letter(c1)}{r1 + top}")
    if done:
        table.notes = [n for n in table.notes if "合并单元格" not in n]
        table.notes.append(f"{len(done)}处合并单元格按左上角的值填入其覆盖的每一格（{_shown(done, 5)}）")
    table.merged = []


def _drop_blank_rows(table: RawTable) -> None:
    """Rows with no value at all are not responses: drop them, and say which."""
    body = table.body
    has_value = np.zeros(len(body), dtype=bool)
    for j in body.columns:  # usually the first column (序号) settles it
        has_value |= body[j].notna().to_numpy()
        if has_value.all():
            return
    blank = ~has_value
    rows = np.asarray(table.row_numbers)[blank].tolist()
    # a blank row still covered by a merged cell is filled later, not dropped
    if table.merged:
        covered = {r + table.first_data_row for r0, c0, r1, c1 in table.merged
                   for r in range(r0, r1 + 1)}
        keep_blank = np.array([r in covered for r in np.asarray(table.row_numbers)])
        blank &= ~keep_blank
        rows = np.asarray(table.row_numbers)[blank].tolist()
        if not rows:
            return
    table.notes.append(f"忽略了{len(rows)}个空白行（文件第{_shown(rows)}行） ({len(rows)} blank rows "
                       "ignored)")
    table.keep_rows(~blank)


def _undo_dedup(names: list[str]) -> list[str]:
    """fastexcel renames a repeated title 'a' to 'a_1', 'a_2' and a blank one to '__UNNAMED__j';
    give back the titles as they stand in the sheet, so that duplicates can be reported."""
    out: list[str] = []
    seen: set[str] = set()  # a set, not the list: 10,000 columns stay linear
    for name in names:
        if re.fullmatch(r"__UNNAMED__\d+", name):
            out.append("")
            continue
        m = re.fullmatch(r"(.*)_(\d+)", name, flags=re.S)
        out.append(m.group(1) if m and m.group(1) in seen else name)
        seen.add(out[-1])
    return out


def _align_body(body: pd.DataFrame, ncol: int) -> pd.DataFrame:
    body.columns = range(body.shape[1])
    if body.shape[1] < ncol:
        for j in range(body.shape[1], ncol):
            body[j] = pd.Series(np.nan, index=body.index, dtype="float64")
    elif body.shape[1] > ncol:
        body = body.iloc[:, :ncol]
    return body


def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


# -------------------------------------------------------------------------- control chars
def _clean_text(s: str) -> str:
    return _CTRL.sub("", s.translate(_CTRL_AS_NEWLINE))


# the bytes that _CTRL's characters start with in UTF-8: C0 controls but tab, newline and
# carriage return; DEL; 0xE2 (U+200B-U+200D, U+2060) and 0xEF (U+FEFF), looked at more closely
_CTRL_LEAD = np.zeros(256, dtype=bool)
_CTRL_LEAD[[*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xE2, 0xEF]] = True
_NOT_LEAD = bytes(np.flatnonzero(~_CTRL_LEAD).tolist())  # bytes.translate deletes these


def _surely_clean(col: pd.Series) -> bool:
    """Whether a column of fastexcel's (Arrow) strings certainly holds none of ``_CTRL``'s
    characters, from its UTF-8 bytes in one vectorised pass; False (look cell by cell) when
    some byte may start one, or the column is not Arrow text."""
    if not isinstance(col.array, pd.arrays.ArrowStringArray):
        return False
    import pyarrow as pa

    arr = pa.array(col.array)
    for chunk in (arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]):
        bufs = chunk.buffers()
        data = bufs[2] if len(bufs) > 2 else None
        if data is None:
            continue
        if not data.to_pybytes().translate(None, _NOT_LEAD):
            continue  # no byte that may start one (C speed)
        b = np.frombuffer(data, dtype=np.uint8)
        lead = np.flatnonzero(_CTRL_LEAD[b])
        if (b[lead] < 0xE0).any():
            return False
        nxt = np.append(b, [0, 0])  # the two bytes after each 0xE2 / 0xEF
        one, two = nxt[lead + 1], nxt[lead + 2]
        zero_width = (b[lead] == 0xE2) & (((one == 0x80) & (two >= 0x8B) & (two <= 0x8D))
                                          | ((one == 0x81) & (two == 0xA0)))
        bom = (b[lead] == 0xEF) & (one == 0xBB) & (two == 0xBF)
        if (zero_width | bom).any():
            return False
    return True


def _clean_controls(table: RawTable) -> None:
    """Remove control characters (Word's \\x0b line breaks become line breaks, \\x07 cell
    marks and the like go) and invisible BOM / zero-width marks from header and body cells,
    and note where. The Word and Excel writers refuse control characters."""
    cells: list[str] = []
    for h in table.header:
        for j, v in enumerate(h):
            if _CTRL.search(v):
                h[j] = _clean_text(v).strip()
                cells.append(f"表头{_col_letter(j)}列")
    body = table.body
    for j in body.columns:
        col = body[j]
        if col.dtype.kind in "fiumbM" or _surely_clean(col):
            continue
        try:
            hit = col.str.contains(_CTRL.pattern, regex=True, na=False)
        except (AttributeError, TypeError):  # mixed objects: check them one by one
            hit = col.map(lambda v: isinstance(v, str) and bool(_CTRL.search(v)))
        hit = hit.to_numpy(dtype=bool)
        if hit.any():
            if col.dtype != object:
                col = col.astype(object).where(col.notna(), None)
            idx = np.flatnonzero(hit)
            col.iloc[idx] = [_clean_text(v) for v in col.iloc[idx]]
            body[j] = col
            rows = np.asarray(table.row_numbers)[idx]
            cells += [f"{_col_letter(int(j))}{int(r)}" for r in rows]
    if cells:
        table.notes.append(f"清除了{len(cells)}个单元格中的控制字符或不可见字符（如从 Word 粘贴的换行符、"
                           f"单元格标记；位置 {_shown(cells, 8)}）")


# ------------------------------------------------------------------------------------- CSV
def decode_bytes(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes: BOM, then strict utf-8, then strict GB18030, then a guess. A file
    cut in the middle of a character loses that character, and the encoding returned ends
    in ``+truncated`` so that the last row is flagged."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportFormatError("这不是文本文件（含二进制内容），不是 CSV 问卷导出", path=path)
    try:
        if raw.startswith(b"\xef\xbb\xbf"):
            return _decode_cut(raw[3:], "utf-8", "utf-8-sig")
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return _decode_cut(raw, "utf-16", "utf-16")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"文件标明为 UTF 编码，但第{exc.start}字节处不是有效字符", path=path) from None
    for enc in ("utf-8", "gb18030"):
        try:
            return _decode_cut(raw, enc, enc)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.chaos > 0.2:
        raise EncodingError(
            "无法识别 CSV 文件的文字编码：既不是 UTF-8 也不是 GBK/GB18030；请在 Excel 中"
            "另存为“CSV UTF-8”后再导入",
            path=path)
    return str(best), best.encoding


def _decode_cut(raw: bytes, codec: str, name: str) -> tuple[str, str]:
    """Strict decode; an incomplete character in the last 3 bytes (a cut file) is dropped."""
    try:
        return raw.decode(codec), name
    except UnicodeDecodeError as exc:
        cut = exc.reason in ("unexpected end of data", "incomplete multibyte sequence")
        if not cut or exc.start < len(raw) - 4:
            raise
        return raw[: exc.start].decode(codec), name + "+truncated"


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: 0 for d in (",", ";", "\t")}
    inside = False
    for ch in first:
        if ch == '"':
            inside = not inside
        elif not inside and ch in counts:
            counts[ch] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _records(lines: list[str], start: int, delim: str) -> list[tuple[list[str], int, int]]:
    """CSV records from physical line ``start`` (0-based) on, each with its first and last
    physical line (1-based). A field may be as long as the file (a stray quote makes one that
    long; it is found and reported by line below, not refused as "field larger than limit")."""
    out = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, sum(len(x) for x in lines[start:]) + 1))
    try:
        rd = csv.reader(iter(lines[start:]), delimiter=delim)
        prev = 0
        for rec in rd:
            out.append((rec, start + prev + 1, start + rd.line_num))
            prev = rd.line_num
    finally:
        csv.field_size_limit(limit)
    return out


def _first_kind(v: str) -> str:
    v = v.strip()
    return "empty" if not v else ("number" if _NUMBER.fullmatch(v) else "text")


def _swallowed(rec, first, last, lines, width, delim, id_kind) -> bool:
    """A record spanning several lines whose inner lines each look like a whole row: a ``"``
    opened a field that never closed and took the following rows with it."""
    if last == first or width < 2:
        return False
    for ln in lines[first:last]:  # the lines after the first
        fields = next(csv.reader([ln], delimiter=delim), [])
        if len(fields) == width and (id_kind is None or _first_kind(fields[0]) == id_kind):
            return True
    return False


def _recover_line(line: str, width: int, delim: str) -> list[str] | None:
    """The fields of one line with an unbalanced quote read as a plain character."""
    for quoting in (csv.QUOTE_NONE, csv.QUOTE_MINIMAL):
        kw = {"quoting": quoting, "escapechar": None} if quoting == csv.QUOTE_NONE else {}
        fields = next(csv.reader([line.rstrip("\r\n")], delimiter=delim, **kw), [])
        if len(fields) == width:
            return fields
    return None


def _parse_csv(path: Path, text: str, delim: str, header_rows: int, header_row: int | None):
    """Records with their line spans; unbalanced quotes recovered line by line or refused."""
    lines = _LINE.findall(text)
    recs = _records(lines, 0, delim)
    nonblank = [r for r in recs if any(c.strip() for c in r[0])]
    skip_rows = _skip_count(nonblank, header_row)
    head = nonblank[skip_rows: skip_rows + header_rows]
    if len(head) < header_rows:
        return recs, [], lines
    width = max(len(r[0]) for r in head)
    # the kind of the first field in ordinary rows (序号 or an ID: a number)
    kinds = [_first_kind(r[0][0]) for r in nonblank[skip_rows + header_rows:][:200]
             if r[0] and r[2] == r[1]]
    id_kind = "number" if kinds and sum(k == "number" for k in kinds) >= 0.9 * len(kinds) else None
    notes: list[str] = []
    recovered = []
    body_from = head[-1][2]  # multi-line header cells (Qualtrics labels) are not checked
    i = 0
    while i < len(recs):
        rec, first, last = recs[i]
        if first <= body_from or not _swallowed(rec, first, last, lines, width, delim, id_kind):
            i += 1
            continue
        fields = _recover_line(lines[first - 1], width, delim)
        if fields is None or len(recovered) >= 20:
            raise ExportFormatError(
                f"第{first}行有一个不成对的引号「\"」：从这里到第{last}行共{last - first + 1}行被读成了"
                "同一个单元格，后面的答卷会丢失。请在文本编辑器中检查第"
                f"{first}行的引号（成对使用，或删去多余的一个）后另存一份再导入",
                path=path, row=first)
        recovered.append(first)
        recs = recs[:i] + [(fields, first, first)] + _records(lines, first, delim)
        i += 1
    if recovered:
        notes.append(f"第{_shown(recovered)}行有不成对的引号「\"」，已按普通字符读取该行（否则其后的各行会被"
                     "并入一个单元格）")
    return recs, notes, lines


def _skip_count(nonblank: list, header_row: int | None) -> int:
    """How many non-blank records lie above the header row (a file row, 1-based)."""
    if not header_row:
        return 0
    return sum(1 for _, first, _ in nonblank if first < header_row)


def _read_csv(path: Path, raw: bytes, header_rows: int, header_row: int | None = None) -> RawTable:
    text, encoding = decode_bytes(raw, path)
    truncated = encoding.endswith("+truncated")
    encoding = encoding.removesuffix("+truncated")
    if not text.strip():
        raise ExportFormatError("文件为空", path=path)
    delim = _sniff_delimiter(text)
    recs, notes, lines = _parse_csv(path, text, delim, header_rows, header_row)
    if truncated:
        notes.append("文件末尾有不完整的字符，文件可能被截断 (the file ends in the middle of a "
                     "character: truncated?)")
    # blank lines are not responses; body rows keep their file line numbers in the note below
    blank_lines = [first for rec, first, _ in recs if not any(c.strip() for c in rec)]
    recs = [r for r in recs if any(c.strip() for c in r[0])]
    recs = recs[_skip_count(recs, header_row):]
    if len(recs) < header_rows:
        raise ExportFormatError(f"表头不足{header_rows}行 (expected {header_rows} header "
                                "row(s))", path=path)
    header_recs, body_recs = recs[:header_rows], recs[header_rows:]
    width = max(len(r[0]) for r in header_recs)
    header = [r[0] + [""] * (width - len(r[0])) for r in header_recs]
    # Trailing columns with no title in any header row and no value (e.g. Qualtrics legacy's
    # trailing comma, 腾讯问卷's trailing empty column) are dropped, and said so.
    while width > 0 and all(h[width - 1].strip() == "" for h in header) and all(
        len(r) < width or r[width - 1].strip() == "" for r, _, _ in body_recs
    ):
        width -= 1
        notes.append("末尾空白列已忽略")
    header = [h[:width] for h in header]
    first_body = header_recs[-1][2] + 1
    body_blank = [ln for ln in blank_lines if ln >= first_body]
    if body_blank:
        notes.append(f"忽略了{len(body_blank)}个空白行（文件第{_shown(body_blank)}行） "
                     f"({len(body_blank)} blank rows ignored)")
    ends_cleanly = text.endswith(("\n", "\r"))
    flags: dict[int, tuple[str, str]] = {}
    data = []
    for k, (r, first, last) in enumerate(body_recs):
        n = len(r)
        extra = n > width and any(c.strip() for c in r[width:])
        is_last = k == len(body_recs) - 1
        if is_last and (truncated or (not ends_cleanly and (n < width or _open_quote(lines, first, last)))):
            flags[first] = ("incomplete_row", f"文件末行不完整（{n}个字段，表头{width}列），文件可能被截断")
        elif n < width or extra:
            flags[first] = ("row_length", f"该行有{n}个字段，表头有{width}列，各列可能错位")
        data.append((r + [""] * (width - n))[:width])
    if flags:
        rows = sorted(flags)
        notes.append(f"{len(rows)}行的字段数与表头不符或不完整（文件第{_shown(rows)}行），已标记并剔除")
    body = _type_columns_lists(data, width)
    return RawTable(path=path, header=header, body=body, first_data_row=first_body,
                    encoding=encoding, delimiter=delim, notes=notes,
                    row_numbers=np.array([first for _, first, _ in body_recs], dtype=np.int64),
                    row_flags=flags)


def _open_quote(lines: list[str], first: int, last: int) -> bool:
    """Whether the record on lines first..last ends inside a quoted field (cut at EOF)."""
    return "".join(lines[first - 1: last]).count('"') % 2 == 1


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _type_columns_lists(data: list[list[str]], width: int) -> pd.DataFrame:
    """Columns of CSV text: a column whose every non-empty value is a plain number (ASCII
    digits) becomes float64, as a workbook reader does; text IDs with leading zeros stay
    text; empty cells are None."""
    cols = list(zip(*data)) if data else [()] * width
    out = {}
    for j in range(width):
        vals = cols[j]
        stripped = [v.strip() for v in vals]
        nonempty = [v for v in stripped if v]
        if nonempty and all(_NUMBER.fullmatch(v) for v in nonempty) and not any(
                len(v) > 1 and v[0] == "0" and v[1].isdigit() for v in nonempty):
            out[j] = np.array([float(v) if v else np.nan for v in stripped], dtype="float64")
        else:
            out[j] = np.array([v if s else None for v, s in zip(vals, stripped)], dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(data)), columns=range(width))


def _type_columns(body: pd.DataFrame) -> pd.DataFrame:
    """Make columns whose every non-empty value is a number float64, as a workbook reader does."""
    data = [[None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
             for v in row] for row in body.itertuples(index=False)]
    data = [[v if v is not None else "" for v in row] for row in data]
    out = _type_columns_lists(data, body.shape[1])
    out.index = body.index
    out.columns = body.columns
    return out


# ------------------------------------------------------------------------- export helpers
def drop_summary_rows(table: RawTable) -> None:
    """A 合计 / 总计 / 平均 row typed under the data is not a response: drop it and say which
    row (for response exports; an indicator table's 合计 row means something else)."""
    body = table.body
    if not len(body):
        return
    labels = {re.sub(r"[\s:：]", "", x) for x in SUMMARY_LABELS}
    # the first non-empty cell of each row among the first six columns; only a text cell
    # can be a label, so numeric columns only mark their rows as decided
    decided = np.zeros(len(body), dtype=bool)
    hit = np.zeros(len(body), dtype=bool)
    first = np.empty(len(body), dtype=object)
    for j in body.columns[: min(6, body.shape[1])]:
        col = body[j]
        filled = col.notna().to_numpy()
        new = filled & ~decided
        if col.dtype.kind == "O" and new.any():  # object or string dtype
            idx = np.flatnonzero(new)
            for i, v in zip(idx, col.to_numpy()[idx]):
                if isinstance(v, str) and len(v) <= 40 and \
                        re.sub(r"[\s:：]", "", v).lower() in labels:
                    hit[i], first[i] = True, v
        decided |= filled
        if decided.all():
            break
    if not hit.any():
        return
    rows = np.asarray(table.row_numbers)[hit].tolist()
    words = sorted(set(first[hit].tolist()))
    table.notes.append(f"文件第{_shown(rows)}行是「{'」「'.join(words)}」汇总行，不是答卷，已排除")
    for r in rows:
        table.row_flags.pop(int(r), None)
    table.keep_rows(~hit)


def read_frame(path: str | Path, sheet: int | str = 0) -> pd.DataFrame:
    """A plain table (CSV or a workbook sheet) as a DataFrame with its header row as column
    names; numbers typed, text kept. For unit panels and target tables.
    ``frame.attrs["rows"]`` holds the file row of each row; :func:`require_numeric` uses it."""
    raw = read_table(path, sheet=sheet)
    names = [str(h).strip() for h in raw.header[-1]]
    frame = raw.body.copy()
    frame.columns = names[:frame.shape[1]]
    frame.attrs["rows"] = list(raw.row_numbers)  # file row of each frame row, for messages
    for c in frame.columns:
        num = pd.to_numeric(frame[c], errors="coerce")
        if num.notna().sum() == frame[c].notna().sum():
            whole = num.dropna()
            frame[c] = num.astype("Int64") if len(whole) and (whole == whole.round()).all() \
                and frame[c].notna().all() else num
    return frame


def require_numeric(frame: pd.DataFrame, columns: list[str], path: str | Path) -> None:
    """Every non-empty cell of ``columns`` must be a number; the first that is not raises an
    error naming the file, row and column."""
    rows = frame.attrs.get("rows") or list(range(2, len(frame) + 2))
    for c in columns:
        num = pd.to_numeric(frame[c], errors="coerce")
        bad = frame[c].notna() & num.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ExportFormatError(f"「{frame[c].iloc[i]}」不是数字", path=path,
                                    row=int(rows[i]), column=c)
