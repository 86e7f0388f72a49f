"""Read a raw sheet (xlsx, xls, ods, csv) into header rows and a typed body.

Readers know formats, not analyses. Workbooks are read with fastexcel (Rust, calamine);
CSV text is decoded as utf-8-sig, utf-8 or GB18030 (Excel on Chinese Windows saves GBK, a
subset of GB18030) and split on ``,``, ``;`` or tab. Files are opened read-only and never
written.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EncodingError, ExportFormatError

__all__ = ["RawTable", "read_table", "EXCEL_SUFFIXES", "CSV_SUFFIXES"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass
class RawTable:
    """A sheet as read: ``header`` rows of strings and a ``body`` frame with columns 0..n-1.

    ``first_data_row`` is the 1-based row number, in the file, of the first row after the
    header; ``row_numbers`` gives the file row of every ``body`` row (blank rows are dropped,
    so body row i is not always ``first_data_row + i``), so that messages point at the row an
    evaluator sees in Excel.
    """

    path: Path
    header: list[list[str]]
    body: pd.DataFrame
    first_data_row: int
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    row_numbers: np.ndarray | None = None

    def __post_init__(self):
        if self.row_numbers is None:
            self.row_numbers = np.arange(len(self.body)) + self.first_data_row

    @property
    def columns(self) -> list[str]:
        """The last header row (the column titles)."""
        return self.header[-1] if self.header else []

    def file_row(self, body_index: int) -> int:
        return int(self.row_numbers[int(body_index)])


def _sniff_kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC) or head.startswith(_CFB_MAGIC):
        return "excel"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    return "csv"


# fastexcel logs "Could not determine dtype for column N, falling back to string" for an
# all-blank or mixed column (e.g. 来自IP = NULL). That is expected here: every column is
# typed again below. The zero-based column number only confuses evaluators, so it stays quiet.
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)


def read_table(path: str | Path, header_rows: int = 1, sheet: int | str = 0) -> RawTable:
    """Read a sheet of ``path`` (the first by default; by index or name) with ``header_rows``
    rows of column titles."""
    path = Path(path)
    if not path.exists():
        raise ExportFormatError("文件不存在 (file not found)", path=path)
    if path.is_dir():
        raise ExportFormatError("这是一个文件夹，不是问卷导出文件 (expected a file)", path=path)
    with open(path, "rb") as fh:  # read-only, never rewritten
        head = fh.read(8)
    if not head:
        raise ExportFormatError("文件为空 (empty file)", path=path)
    if _sniff_kind(path, head) == "excel":
        return _read_excel(path, header_rows, head, sheet)
    return _read_csv(path, header_rows)


# ----------------------------------------------------------------------------------- Excel
def _read_excel(path: Path, header_rows: int, head: bytes, sheet: int | str = 0) -> RawTable:
    import fastexcel

    if head.startswith(_CFB_MAGIC):
        with open(path, "rb") as fh:
            if _ENCRYPTION_MARK in fh.read(1 << 16):
                raise ExportFormatError(
                    "工作簿设有打开密码（已加密），无法读取；请在 Excel 中取消密码后另存再导入 "
                    "(workbook is encrypted: save it without a password)", path=path)
    try:
        reader = fastexcel.read_excel(str(path))
        if not reader.sheet_names:
            raise ExportFormatError("工作簿中没有工作表 (no sheet)", path=path)
        if isinstance(sheet, str) and sheet not in reader.sheet_names:
            raise ExportFormatError(f"工作簿中没有工作表「{sheet}」(no such sheet; have: "
                                    f"{'、'.join(reader.sheet_names)})", path=path)
        if header_rows == 1:
            # one pass: fastexcel parses the whole sheet on every load_sheet call
            body = reader.load_sheet(sheet, header_row=0, schema_sample_rows=1000).to_pandas()
            header = [_undo_dedup([str(c) for c in body.columns])]
        else:
            frame = reader.load_sheet(sheet, header_row=None, dtypes="string").to_pandas()
            header = [[_cell_text(v) for v in frame.iloc[i].tolist()]
                      for i in range(min(header_rows, len(frame)))]
            body = _type_columns(frame.iloc[header_rows:].reset_index(drop=True).astype(object))
    except ExportFormatError:
        raise
    except Exception as exc:  # fastexcel raises its own error types for damaged files
        raise ExportFormatError(
            "无法读取该工作簿：文件可能已损坏、被截断、加密，或并非 Excel 文件 "
            f"(cannot read workbook: {type(exc).__name__}: {str(exc).splitlines()[0][:200]})",
            path=path) from None
    if len(header) < header_rows or not header[0] or all(h == "" for h in header[0]):
        raise ExportFormatError(
            f"工作表为空：需要{header_rows}行表头，后接答卷 (empty sheet: expected "
            f"{header_rows} header row(s) then responses)", path=path)
    ncol = len(header[0])
    body = _align_body(body, ncol)
    body, rows, notes = _drop_blank_rows(body, header_rows + 1)
    return RawTable(path=path, header=header, body=body, first_data_row=header_rows + 1,
                    notes=notes, row_numbers=rows)


def _drop_blank_rows(body: pd.DataFrame, first_row: int) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Rows with no value at all are not responses: drop them, and say which. Returns the
    body, the file row number of each remaining row, and the note."""
    file_rows = np.arange(len(body)) + first_row
    has_value = np.zeros(len(body), dtype=bool)
    for j in body.columns:  # usually the first column (序号) settles it
        has_value |= body[j].notna().to_numpy()
        if has_value.all():
            return body, file_rows, []
    blank = ~has_value
    rows = file_rows[blank].tolist()
    shown = "、".join(str(r) for r in rows[:10]) + ("…" if len(rows) > 10 else "")
    note = f"忽略了{len(rows)}个空白行（文件第{shown}行） ({len(rows)} blank rows ignored)"
    return body.loc[~blank].reset_index(drop=True), file_rows[~blank], [note]


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


# ------------------------------------------------------------------------------------- CSV
def decode_bytes(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes: BOM, then strict utf-8, then strict GB18030, then a guess."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportFormatError("这不是文本文件（含二进制内容），不是 CSV 问卷导出 "
                                "(binary content: not a CSV export)", path=path)
    try:
        if raw.startswith(b"\xef\xbb\xbf"):
            return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:
        raise EncodingError(f"文件标明为 UTF 编码，但第{exc.start}字节处不是有效字符"
                            f"{'（文件末尾不完整，可能被截断）' if exc.start >= len(raw) - 4 else ''} "
                            "(BOM says UTF but the bytes are not valid)", path=path) from None
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError as exc:
            if enc == "utf-8" and exc.reason == "unexpected end of data" and exc.start >= len(raw) - 4:
                raise EncodingError("文件末尾有不完整的字符，文件可能被截断 (the file ends in the "
                                    "middle of a character: truncated?)", path=path) from None
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.chaos > 0.2:
        raise EncodingError(
            "无法识别 CSV 文件的文字编码：既不是 UTF-8 也不是 GBK/GB18030；请在 Excel 中"
            "另存为“CSV UTF-8”后再导入 (undetectable encoding: expected UTF-8 or GB18030)",
            path=path)
    return str(best), best.encoding


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


def _read_csv(path: Path, header_rows: int) -> RawTable:
    raw = path.read_bytes()
    text, encoding = decode_bytes(raw, path)
    if not text.strip():
        raise ExportFormatError("文件为空 (empty file)", path=path)
    delim = _sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    # blank lines are not responses; body rows keep their file line numbers in the note below
    blank_lines = [i + 1 for i, r in enumerate(rows) if not any(c.strip() for c in r)]
    line_numbers = [i + 1 for i, r in enumerate(rows) if any(c.strip() for c in r)]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < header_rows:
        raise ExportFormatError(f"表头不足{header_rows}行 (expected {header_rows} header "
                                "row(s))", path=path)
    width = max(len(r) for r in rows)
    header = [r + [""] * (width - len(r)) for r in rows[:header_rows]]
    notes: list[str] = []
    # Trailing columns with no title in any header row and no value (e.g. Qualtrics legacy's
    # trailing comma, 腾讯问卷's trailing empty column) are dropped, and said so.
    body_rows = rows[header_rows:]
    while width > 0 and all(h[width - 1].strip() == "" for h in header) and all(
        len(r) < width or r[width - 1].strip() == "" for r in body_rows
    ):
        width -= 1
        notes.append("末尾空白列已忽略 (a trailing empty column was ignored)")
    body_blank = [ln for ln in blank_lines if ln > header_rows]
    if body_blank:
        shown = "、".join(str(r) for r in body_blank[:10]) + ("…" if len(body_blank) > 10 else "")
        notes.append(f"忽略了{len(body_blank)}个空白行（文件第{shown}行） "
                     f"({len(body_blank)} blank rows ignored)")
    header = [h[:width] for h in header]
    data = [(r + [""] * (width - len(r)))[:width] for r in body_rows]
    for i, r in enumerate(body_rows):
        if len(r) > width and any(c.strip() for c in r[width:]):
            raise ExportFormatError(
                f"该行有{len(r)}个字段，表头只有{width}列 (row has more fields than the header)",
                path=path, row=line_numbers[header_rows + i])
    body = pd.DataFrame(data, columns=range(width), dtype=object) if data else pd.DataFrame(
        columns=range(width), dtype=object)
    body = body.replace({"": None})
    body = _type_columns(body)
    return RawTable(path=path, header=header, body=body, first_data_row=header_rows + 1,
                    encoding=encoding, delimiter=delim, notes=notes,
                    row_numbers=np.array(line_numbers[header_rows:], dtype=np.int64))


def _type_columns(body: pd.DataFrame) -> pd.DataFrame:
    """Make columns whose every non-empty value is a number float64, as a workbook reader does."""
    out = {}
    for j in body.columns:
        col = body[j]
        nonnull = col.dropna()
        if len(nonnull) and nonnull.map(lambda s: isinstance(s, str) and s.strip() != "").all():
            conv = pd.to_numeric(nonnull.str.strip(), errors="coerce")
            # keep text IDs with leading zeros as text
            lead0 = nonnull.str.strip().str.match(r"^0\d").any()
            if conv.notna().all() and not lead0:
                out[j] = pd.to_numeric(col, errors="coerce").astype("float64")
                continue
        out[j] = col.astype(object).where(col.notna(), None)
    return pd.DataFrame(out, index=body.index)


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
            raise ExportFormatError(f"「{frame[c].iloc[i]}」不是数字 (expected a number)", path=path,
                                    row=int(rows[i]), column=c)
