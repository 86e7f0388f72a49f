"""Fuzzing the loader with mangled variants of real exports: every variant either loads with
the counts the mangling implies (the same as the original, or changed with the reason
recorded), or stops with one KitError naming the file (and the row and column where they
apply). Anything else (a traceback, a wrong count without a reason) fails.

Sources, read in place and never modified: the real exports in ``../shared/exports`` (问卷星
.xls pairs from three eras, Qualtrics and SurveyMonkey CSV) and the sample exports under
``surveys/``. Variants are written to ``tmp_path``. Table-level mutations work on the first
``BASE_ROWS`` responses of each source (a truncation that is itself a variant) so that the
suite stays within a minute or two; byte-level mutations (truncation, extension, encoding) use
the whole files.

The expected outcome of each mutation kind is stated with it:

- same counts as the original: re-saving as CSV/xlsx, other encodings, a wrong file
  extension, a title row, a BOM, merged cells, blank and 合计 rows, control characters,
  reversed row order, an unbalanced quote that can be read literally, renamed files;
- changed counts with the reason recorded: an Excel error value (#DIV/0!) in a code cell
  (invalid, raw text kept), a duplicated 序号 (one more response, flagged
  ``duplicate_serial`` and excluded), a short or long CSV row (``row_length``), a CSV cut in
  the middle (the last response flagged ``incomplete_row``), text or a formula in a code cell
  (one more ``invalid`` cell with its raw text, the response flagged ``out_of_range``), a
  date that does not exist, 按文本/按序号 files that disagree (``pair_mismatch``);
- one KitError naming the file, row and column: a truncated workbook, a sheet whose used range
  is absurd (``XFD1048576``), a 序号 of 10.5, a duplicate or blank column title, a text file
  passed as its own 按序号 twin, random bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import re
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest

import kit
from kit import KitError, load_export
from kit.paths import ROOT

EXPORTS = ROOT.parent / "shared" / "exports"
BASE_ROWS = 40
SEED = 20240514

WJX_SOURCES = [  # (file, its 按文本/按序号 twin or None, is this the codes file)
    ("exports", "wjx_reportgen_2016_readable.xls", "wjx_reportgen_2016_original.xls", False),
    ("exports", "wjx_reportgen_2016_original.xls", None, True),
    ("exports", "wjx_reportgen_357_357_0_text.xls", "wjx_reportgen_357_357_2_codes.xls", False),
    ("exports", "wjx_reportgen_357_357_2_codes.xls", None, True),
    ("exports", "wjx_reportgen_800_800_0_text.xls", "wjx_reportgen_800_800_2_codes.xls", False),
    ("exports", "wjx_reportgen_800_800_2_codes.xls", None, True),
]


# ----------------------------------------------------------------------------- the sources
@dataclass
class Source:
    name: str
    path: Path
    codes: bool                     # a 按序号 (codes) download
    grid: list[list]                # header row + the first BASE_ROWS body rows, cell values
    id_col: int | None = None       # 序号
    date_col: int | None = None     # 提交答卷时间
    code_cols: list[int] = field(default_factory=list)
    text_cols: list[int] = field(default_factory=list)
    twin: Path | None = None        # the 按序号 twin of a 按文本 file
    whole: bool = False             # the grid holds every response of the file


def _cell(v):
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def _grid(path: Path) -> list[list]:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = [[_cell(v) for v in r] for r in wb.active.iter_rows(values_only=True)]
        wb.close()
        return rows
    import fastexcel

    reader = fastexcel.read_excel(path.read_bytes())
    df = reader.load_sheet(0, header_row=0, schema_sample_rows=None).to_pandas()
    first = reader.load_sheet(0, header_row=None, n_rows=1, dtypes="string").to_pandas()
    header = [None if pd.isna(v) else str(v) for v in first.iloc[0].tolist()]
    return [header] + [[_cell(v) for v in row] for row in df.itertuples(index=False)]


def _sources() -> list[Source]:
    out = []
    files = [(EXPORTS / f, (EXPORTS / t) if t else None, codes) for _, f, t, codes in WJX_SOURCES]
    for p in sorted((ROOT / "surveys").glob("*/raw/*.xlsx")):
        twin = None
        if "按文本" in p.name:
            twin = p.with_name(p.name.replace("按文本", "按序号"))
        files.append((p, twin, "按序号" in p.name))
    for path, twin, codes in files:
        grid = _grid(path)
        head = [str(h or "").strip() for h in grid[0]]
        body = grid[1: BASE_ROWS + 1]
        src = Source(name=path.name, path=path, codes=codes, grid=[grid[0]] + body, twin=twin,
                     whole=len(grid) - 1 <= BASE_ROWS)
        src.id_col = head.index("序号") if "序号" in head else None
        src.date_col = head.index("提交答卷时间") if "提交答卷时间" in head else None
        for j, h in enumerate(head):
            vals = [r[j] for r in body if j < len(r) and r[j] not in (None, "")]
            if not vals or j == src.id_col or not re.match(r"^\d+、", h):
                continue
            if all(isinstance(v, int) and 1 <= v <= 20 for v in vals) and len(set(vals)) <= 11:
                src.code_cols.append(j)
            elif all(isinstance(v, str) and not re.fullmatch(r"[\d\s]+", v) for v in vals):
                src.text_cols.append(j)
        out.append(src)
    return out


# ---------------------------------------------------------------------------------- writers
def _text_of(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y/%m/%d %H:%M:%S")
    return str(v)


def csv_lines(grid, delimiter=",") -> list[str]:
    """One CSV record per row (a record may hold line breaks inside quotes), no terminator."""
    out = []
    for row in grid:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="").writerow([_text_of(v) for v in row])
        out.append(buf.getvalue())
    return out


def write_csv(grid, path: Path, encoding="utf-8", delimiter=",") -> Path:
    path.write_bytes(("\r\n".join(csv_lines(grid, delimiter)) + "\r\n").encode(encoding))
    return path


def file_rows(grid) -> list[int]:
    """The file line where each grid row's CSV record starts."""
    rows, line = [], 1
    for rec in csv_lines(grid):
        rows.append(line)
        line += rec.count("\n") + 1
    return rows


def write_xlsx(grid, path: Path, merges=(), edit: Callable | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in grid:
        ws.append([v for v in row])
    for m in merges:
        ws.merge_cells(m)
    if edit:
        edit(ws)
    wb.save(path)
    return path


def col_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


# ----------------------------------------------------------------------------- expectations
@dataclass
class Variant:
    kind: str
    source: Source
    path: Path
    check: Callable       # check(outcome, base) -> None, raises AssertionError
    codes: Path | None = None
    base: str = "grid"    # which baseline: "grid" (first BASE_ROWS rows) or "file" (whole file)


def counts(r) -> tuple:
    excluded = tuple(sorted(map(str, r.data.loc[r.excluded, "response_id"].tolist())))
    return r.n_total, r.n_excluded, len(r.invalid), excluded


def same_counts(note: str | None = None):
    def check(out, base):
        assert not isinstance(out, Exception), f"expected a load, got {out}"
        assert counts(out) == counts(base), f"{counts(out)[:3]} != {counts(base)[:3]}"
        if note:
            assert any(re.search(note, n) for n in out.info.notes), out.info.notes
    return check


def kit_error(name: str, row: int | None = None, column: str | None = None, text: str | None = None,
              or_same: bool = False):
    """One KitError naming the file (and row, column); ``or_same``: a load with the original
    counts is also right (a cut that removed only padding)."""
    def check(out, base):
        if or_same and not isinstance(out, Exception):
            return same_counts()(out, base)
        assert isinstance(out, KitError), f"expected a KitError, got {out!r}"
        msg = str(out)
        assert msg.startswith("文件 ") and name in msg, msg
        if row is not None:
            assert f"第{row}行" in msg, msg
        if column is not None:
            assert column in msg, msg
        if text is not None:
            assert re.search(text, msg), msg
    return check


def flagged(reason: str, row: int, extra_rows: int = 0):
    """The response on file row ``row`` is flagged with ``reason`` and excluded; every other
    response is counted as in the original (``extra_rows``: rows the mutation added)."""
    def check(out, base):
        assert not isinstance(out, Exception), f"expected a load, got {out}"
        q = out.quality
        hit = q[(q["row"] == row) & q["reasons"].astype(str).str.contains(reason)]
        assert len(hit) == 1, f"row {row} not flagged {reason}: {q.tail(3).to_dict('records')}"
        assert bool(hit["excluded"].iloc[0])
        assert out.n_total == base.n_total + extra_rows
        # every other response is excluded as before; the speeder threshold is a third of the
        # median duration, which one more row can move in a file of four responses
        steady = lambda r: {str(i) for i, rs, ex in zip(r.quality["response_id"],  # noqa: E731
                                                        r.quality["reasons"], r.quality["excluded"])
                            if ex and "speeder" not in rs}
        before, after = steady(base), steady(out)
        assert before <= after and len(after - before) <= 1, (before, after)
    return check


def invalid_cell(row: int, raw: str, reason: str = "out_of_range", more: int = 1):
    """One more invalid cell, on file row ``row``, with its raw text; the response flagged."""
    def check(out, base):
        assert not isinstance(out, Exception), f"expected a load, got {out}"
        assert out.n_total == base.n_total
        assert len(out.invalid) == len(base.invalid) + more, out.invalid.tail(3).to_dict("records")
        cell = out.invalid[out.invalid["row"] == row]
        assert len(cell) >= 1 and any(raw in str(x) for x in cell["raw"]), cell.to_dict("records")
        assert cell["code"].iloc[0] == reason
        q = out.quality[out.quality["row"] == row]
        assert len(q) == 1 and reason in q["reasons"].iloc[0], q.to_dict("records")
    return check


# ------------------------------------------------------------------------------- mutations
def _body_rows(src: Source) -> int:
    return len(src.grid) - 1


def variants(tmp: Path) -> list[Variant]:
    rng = random.Random(SEED)
    out: list[Variant] = []
    sources = _sources()

    def add(kind, src, path, check, **kw):
        out.append(Variant(kind=kind, source=src, path=path, check=check, **kw))

    for k, src in enumerate(sources):
        stem = f"{k:02d}_{'按序号' if src.codes else '按文本'}"
        d = tmp / f"s{k:02d}"
        d.mkdir()
        g = src.grid
        n = _body_rows(src)
        # -------- same counts: re-saved, encodings, wrong extensions
        add("resave_csv", src, write_csv(g, d / f"{stem}.csv"), same_counts())
        for enc in (("gb18030", "utf-16") if k % 2 else ("utf-8-sig",)):
            add("encoding", src, write_csv(g, d / f"{stem}_{enc}.csv", encoding=enc), same_counts())
        add("encoding", src, write_csv(g, d / f"{stem}_semicolon.csv", delimiter=";"), same_counts())
        # a small source is read whole: its re-saved copy must count as the original does
        add("resave_xlsx", src, write_xlsx(g, d / f"{stem}.xlsx"), same_counts(),
            base="file" if src.whole else "grid")
        xlsx = d / f"{stem}.xlsx"
        for ext in ((".csv", ".xls") if k % 2 else (".txt",)):
            p = d / f"{stem}_ext{ext}"
            shutil.copy(xlsx, p)
            add("wrong_extension", src, p, same_counts(r"扩展名"))
        p = d / f"{stem}_csv.xlsx"
        shutil.copy(d / f"{stem}.csv", p)
        add("wrong_extension", src, p, same_counts(r"扩展名"))
        if src.path.suffix == ".xls":
            p = d / f"{stem}_xls.xlsx"
            shutil.copy(src.path, p)
            add("wrong_extension", src, p, same_counts(r"扩展名"), base="file")
        # -------- truncated workbooks: one KitError naming the file (or, for a cut that
        # only removed padding, the same counts)
        raw = src.path.read_bytes()
        for cut in sorted(rng.sample(range(64, len(raw) - 1), 4)):
            p = d / f"{stem}_cut{cut}{src.path.suffix}"
            p.write_bytes(raw[:cut])
            add("truncated_workbook", src, p, kit_error(p.name, or_same=True), base="file")
        # -------- truncated CSV: complete rows kept, the partial last one flagged
        recs = [x.encode("utf-8") for x in csv_lines(g)]
        starts = file_rows(g)
        for i in sorted(rng.sample(range(2, n), min(3, n - 2))):
            cut = sum(len(x) + 2 for x in recs[:i]) + rng.randrange(1, max(2, len(recs[i]) - 1))
            p = d / f"{stem}_cut{cut}.csv"
            p.write_bytes(b"\r\n".join(recs)[:cut])
            add("truncated_csv", src, p, _truncated_csv(starts[i], i - 1))
        # -------- extra rows: blank rows, 合计 / 平均 rows under the data
        width = len(g[0])
        total = ["合计"] + [None] * (width - 1)
        mean = [None, "平均"] + [None] * (width - 2)
        if src.code_cols:
            total[src.code_cols[0]] = sum(r[src.code_cols[0]] or 0 for r in g[1:]
                                          if isinstance(r[src.code_cols[0]], int))
        extra = g + [[None] * width, total, mean]
        add("extra_rows", src, write_xlsx(extra, d / f"{stem}_total.xlsx"),
            same_counts(r"合计.*汇总行|汇总行"))
        add("extra_rows", src, write_csv(extra, d / f"{stem}_total.csv"), same_counts(r"汇总行"))
        blank = g[:3] + [[None] * width] + g[3:]
        add("extra_rows", src, write_csv(blank, d / f"{stem}_blank.csv"), same_counts(r"空白行"))
        # -------- a title row above the header (merged across it in Excel)
        title = [["党建引领调查问卷（导出数据）"] + [None] * (width - 1)] + g
        add("title_row", src, write_xlsx(title, d / f"{stem}_title.xlsx",
                                         merges=[f"A1:{col_letter(width - 1)}1"]), same_counts("标题"))
        add("title_row", src, write_csv(title, d / f"{stem}_title.csv"), same_counts("标题"))
        # -------- edited headers
        bom = [["\ufeff" + str(g[0][0])] + g[0][1:]] + g[1:]
        add("edited_header", src, write_csv(bom, d / f"{stem}_bom.csv", encoding="utf-8-sig"),
            same_counts())
        add("edited_header", src, write_xlsx(bom, d / f"{stem}_bom.xlsx"), same_counts("不可见字符"))
        spaced = [[f" {h} " if isinstance(h, str) else h for h in g[0]]] + g[1:]
        add("edited_header", src, write_xlsx(spaced, d / f"{stem}_spaces.xlsx"), same_counts())
        q = [j for j, h in enumerate(g[0]) if re.match(r"^\s*\d+、", str(h or ""))]
        if len(q) >= 2:
            dup = [list(g[0])] + g[1:]
            dup[0][q[1]] = dup[0][q[0]]
            add("edited_header", src, write_csv(dup, d / f"{stem}_duphead.csv"),
                kit_error(f"{stem}_duphead.csv", column=str(g[0][q[0]]).strip(), text="重复"))
            bl = [list(g[0])] + g[1:]
            bl[0][q[-1]] = None
            add("edited_header", src, write_csv(bl, d / f"{stem}_blankhead.csv"),
                _blank_header(f"{stem}_blankhead.csv", q[-1]))
        if src.id_col is not None:
            meta = [j for j, h in enumerate(g[0]) if j != src.id_col and j < (q[0] if q else 0)]
            keep = [j for j in range(width) if j not in meta]
            onlyid = [[r[j] for j in keep] for r in g]
            add("edited_header", src, write_xlsx(onlyid, d / f"{stem}_onlyid.xlsx"),
                _only_id())
        # -------- merged cells and formulas without a cached value (xlsx)
        if src.code_cols and n >= 6:
            j = src.code_cols[0]
            # rows 4..6 share the value of row 4: merging them shows that value in all three
            merged = [list(r) for r in g]
            for i in (4, 5):
                merged[i][j] = merged[3][j]
            L = col_letter(j)
            add("merged_cells", src, write_xlsx(merged, d / f"{stem}_merged.xlsx",
                                                merges=[f"{L}4:{L}6"]), same_counts("合并单元格"))
            row = rng.randrange(3, n + 1)
            fx = write_xlsx(g, d / f"{stem}_formula.xlsx",
                            edit=lambda ws, c=f"{L}{row}": ws.__setitem__(c, "=1+2"))
            add("formula", src, fx, invalid_cell(row, "=1+2"))
            row = 3 + k % (n - 2)  # not drawn from rng: the other variants stay as they were
            ev = write_xlsx(g, d / f"{stem}_error.xlsx",
                            edit=lambda ws, c=f"{L}{row}": ws.__setitem__(c, "#DIV/0!"))
            add("error_value", src, ev, invalid_cell(row, "#DIV/0!"))
        # -------- control characters pasted from Word
        if src.text_cols or src.code_cols:
            j = (src.text_cols or [src.id_col])[0]
            row = rng.randrange(2, n + 2)
            ctl = [list(r) for r in g]
            v = ctl[row - 1][j]
            if src.text_cols:
                ctl[row - 1][j] = f"建议\x0b加强\x07{v or ''}"
                add("control_chars", src, write_csv(ctl, d / f"{stem}_ctrl.csv"),
                    _ctrl_cleaned(row, col_letter(j)))
                ctlx = [list(r) for r in g]
                ctlx[row - 1][j] = f"建议_x000B_加强_x0007_{v or ''}"
                add("control_chars", src, write_xlsx(ctlx, d / f"{stem}_ctrl.xlsx"),
                    _ctrl_cleaned(row, col_letter(j)))
        # -------- reversed row order: the same responses kept and excluded
        rev = [g[0]] + g[1:][::-1]
        add("reverse_rows", src, write_xlsx(rev, d / f"{stem}_reversed.xlsx"), same_counts())
        # -------- CSV rows with too few / too many fields, an unbalanced quote
        recs = csv_lines(g)
        starts = file_rows(g)
        i = rng.randrange(2, n)
        short = next(csv.reader([recs[i]]))[:-2]
        p = d / f"{stem}_short.csv"
        p.write_bytes(("\r\n".join(recs[:i] + csv_lines([short]) + recs[i + 1:]) + "\r\n").encode())
        add("row_length", src, p, flagged("row_length", starts[i]))
        i = rng.randrange(2, n)
        p = d / f"{stem}_long.csv"
        p.write_bytes(("\r\n".join(recs[:i] + [recs[i] + ",多出的字段"] + recs[i + 1:]) + "\r\n").encode())
        add("row_length", src, p, flagged("row_length", starts[i]))
        if src.text_cols:
            i = rng.randrange(2, n - 1)
            j = src.text_cols[0]
            q_rows = [list(r) for r in g]
            q_rows[i][j] = "@@Q@@"
            lt = csv_lines(q_rows)
            lt[i] = lt[i].replace("@@Q@@", '"好的')
            p = d / f"{stem}_quote.csv"
            p.write_bytes(("\r\n".join(lt) + "\r\n").encode())
            q_rows[i][j] = '"好的'
            add("unbalanced_quote", src, p,
                _quote_recovered(starts[i], write_csv(q_rows, d / f"{stem}_q1.csv")))
        # -------- a duplicated 序号 (a row pasted twice)
        if src.id_col is not None and n >= 3:
            i = rng.randrange(1, n)
            dup = g + [list(g[i])]
            add("duplicate_id", src, write_xlsx(dup, d / f"{stem}_dupid.xlsx"),
                flagged("duplicate_serial", n + 2, extra_rows=1))
            frac = [list(r) for r in g]
            frac[i][src.id_col] = 10.5
            add("fraction_id", src, write_xlsx(frac, d / f"{stem}_frac.xlsx"),
                kit_error(f"{stem}_frac.xlsx", row=i + 1, column="序号", text="10.5"))
        # -------- dates written by hand
        if src.date_col is not None and isinstance(g[1][src.date_col], (str, dt.datetime)) and \
                str(g[1][src.date_col]).strip() not in ("", "NULL"):
            dd = [list(r) for r in g]
            t0 = pd.Timestamp(str(g[1][src.date_col]).replace("/", "-"))
            dd[1][src.date_col] = f"{t0.year}年{t0.month}月{t0.day}日 {t0:%H:%M:%S}"
            add("dates", src, write_xlsx(dd, d / f"{stem}_cndate.xlsx"), same_counts())
            dd = [list(r) for r in g]
            dd[2][src.date_col] = "2019/02/30 10:00:00"
            add("dates", src, write_xlsx(dd, d / f"{stem}_baddate.xlsx"),
                invalid_cell(3, "2019/02/30", more=1))
        # -------- text in a code cell, and the file renamed (no 按序号 in its name)
        if src.codes and src.code_cols:
            for word in ("满意", "４", "4分"):
                row = rng.randrange(2, n + 2)
                j = rng.choice(src.code_cols)
                t = [list(r) for r in g]
                t[row - 1][j] = word
                add("text_in_code", src, write_xlsx(t, d / f"{stem}_text_{word}.xlsx"),
                    invalid_cell(row, word))
                p = d / f"renamed_{k:02d}_{word}.xlsx"
                write_xlsx(t, p)
                add("text_in_code", src, p, invalid_cell(row, word))
        # -------- huge dimensions: one stray cell far away
        if src.path.suffix == ".xlsx" or k % 2 == 0:
            for ref, row in (("XFD1048576", 1048576), ("A1048576", 1048576)):
                p = write_xlsx(g, d / f"{stem}_far_{ref}.xlsx",
                               edit=lambda ws, r=ref: ws.__setitem__(r, "x"))
                add("huge_dimension", src, p, kit_error(p.name, row=row, text=ref))
        # -------- random bytes with a spreadsheet name
        p = d / f"{stem}_garbage{rng.choice(['.xlsx', '.xls', '.csv'])}"
        p.write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
        add("garbage", src, p, kit_error(p.name))
    # -------- pairs: files that disagree, a text file as its own twin, a text file as codes
    for k, src in enumerate(sources):
        if src.twin is None:
            continue
        d = tmp / f"s{k:02d}"
        codes_src = next(s for s in sources if s.path == src.twin)
        tg, cg = src.grid, codes_src.grid
        tx = write_xlsx(tg, d / "pair_按文本.xlsx")
        cx = write_xlsx(cg, d / "pair_按序号.xlsx")
        add("pair", src, tx, same_counts(), codes=cx, base="pair")
        theads = [str(h or "").strip() for h in tg[0]]
        cols = [theads.index(str(cg[0][j]).strip()) for j in codes_src.code_cols
                if str(cg[0][j]).strip() in theads]
        if len(tg) > 4:
            j = next((j for j in cols if isinstance(tg[3][j], str) and tg[3][j][:1] != "(" and
                      any(isinstance(r[j], str) and r[j] != tg[3][j] and r[j][:1] != "(" for r in tg[1:])), None)
            if j is not None:
                other = next((r[j] for r in tg[1:] if isinstance(r[j], str) and r[j] != tg[3][j]
                              and r[j][:1] != "("), None)
                if other is not None:
                    mm = [list(r) for r in tg]
                    mm[3][j] = other
                    add("pair", src, write_xlsx(mm, d / "mismatch_按文本.xlsx"),
                        invalid_cell(4, f"按文本「{other}」", reason="pair_mismatch"), codes=cx,
                        base="pair")
        add("pair", src, tx, kit_error(tx.name, text="同一个文件"), codes=tx, base="pair")
        tc = d / "pair_copy_按序号.xlsx"
        shutil.copy(tx, tc)
        add("pair", src, tx, kit_error(tc.name, text="按文本"), codes=tc, base="pair")
        rv = write_xlsx([cg[0]] + cg[1:][::-1], d / "pair_rev_按序号.xlsx")
        add("pair", src, tx, same_counts(), codes=rv, base="pair")
    # -------- 10,000 columns (and real CSVs from other platforms)
    src = next(s for s in sources if s.codes and s.code_cols and s.path.suffix == ".xlsx")
    g = src.grid[:21]
    wide_head = [h for h in g[0]] + [f"{1000 + i}、附加题{i}" for i in range(10_000)]
    wide = [wide_head] + [list(r) + [(i * 7 + j) % 5 + 1 for j in range(10_000)]
                          for i, r in enumerate(g[1:])]
    p = write_csv(wide, tmp / "wide_按序号.csv")
    add("wide", src, p, _wide(20, 10_000 + len(g[0])), base="none")
    p = write_xlsx(wide[:4], tmp / "wide_按序号.xlsx")
    add("wide", src, p, _wide(3, 10_000 + len(g[0])), base="none")
    for f in ("qualtrics_sample.csv", "qualtrics_sample_legacy.csv", "surveymonkey_osposurvey_2018.csv"):
        raw = (EXPORTS / f).read_bytes()
        s = Source(name=f, path=EXPORTS / f, codes=False, grid=[])
        text = raw.decode("utf-8-sig")
        if not f.startswith("surveymonkey"):  # 748 x 174: one variant of it is enough time
            p = tmp / f"ext_{f}".replace(".csv", ".xlsx")
            p.write_bytes(raw)
            add("wrong_extension", s, p, same_counts(r"扩展名"), base="file")
        p = tmp / f"gbk_{f}"
        try:
            p.write_bytes(text.encode("gb18030"))
            add("encoding", s, p, same_counts(), base="file")
        except UnicodeEncodeError:
            pass
    return out


def _truncated_csv(last_line: int, complete: int):
    """Cut inside file line ``last_line``: the ``complete`` rows before it load; the partial
    row is kept, flagged 文件末行不完整 and excluded; or one KitError naming the file."""
    def check(out, base):
        if isinstance(out, KitError):
            assert str(out).startswith("文件 "), str(out)
            return
        assert not isinstance(out, Exception), repr(out)
        assert out.n_total in (complete, complete + 1), (out.n_total, complete)
        if out.n_total == complete + 1:
            q = out.quality
            hit = q[q["row"] == last_line]
            assert len(hit) == 1 and "incomplete_row" in hit["reasons"].iloc[0], q.tail(2).to_dict("records")
            assert bool(hit["excluded"].iloc[0])
    return check


def _blank_header(name: str, column: int):
    """A column with answers but no title cannot be placed: one KitError naming the column."""
    def check(out, base):
        kit_error(name, row=1, column=f"第{column + 1}列", text="空白")(out, base)
    return check


def _only_id():
    """All metadata but 序号 deleted: the same responses load (no durations, so no speeders;
    the missing check is said)."""
    def check(out, base):
        assert not isinstance(out, Exception), f"expected a load, got {out}"
        assert out.n_total == base.n_total
        if any("speeder" in str(r) for r in base.quality["reasons"]):
            assert any("答题用时" in n for n in out.info.notes), out.info.notes
    return check


def _ctrl_cleaned(row: int, letter: str):
    def check(out, base):
        same_counts("控制字符")(out, base)
        assert any(f"{letter}{row}" in n for n in out.info.notes), out.info.notes
        text = out.data.select_dtypes(exclude="number").astype(str).to_numpy()
        assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", str(t)) for t in text.ravel())
    return check


def _quote_recovered(line: int, clean: Path):
    """The row with the stray quote is read with the quote as a character (a note names the
    line), or, when the quote closes on a later quote of the same line, that row is flagged
    for its wrong number of fields; or one KitError naming the line."""
    def check(out, base):
        if isinstance(out, KitError):
            assert f"第{line}行" in str(out), str(out)
            return
        q = out.quality
        if ((q["row"] == line) & q["reasons"].astype(str).str.contains("row_length")).any():
            assert out.n_total == base.n_total
            return
        ref = load_export(clean)
        assert counts(out)[:2] == counts(ref)[:2] and out.n_total == base.n_total
        assert any(f"第{line}行" in n and "引号" in n for n in out.info.notes), out.info.notes
    return check


def _wide(n_rows: int, n_cols_min: int):
    def check(out, base):
        assert not isinstance(out, Exception), f"expected a load, got {out}"
        assert out.n_total == n_rows and out.data.shape[1] >= n_cols_min - 10
    return check


# ------------------------------------------------------------------------------------ run
def _outcome(v: Variant):
    try:
        return load_export(v.path, codes=v.codes)
    except KitError as exc:
        return exc


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in [*EXPORTS.glob("*.xls"), *EXPORTS.glob("*.csv"), *(ROOT / "surveys").glob("*/raw/*")]}
    vs = variants(tmp)
    bases: dict = {}
    rows = []
    for v in vs:
        key = (v.source.name, v.base)
        if key not in bases:
            if v.base == "file":
                bases[key] = load_export(v.source.path)
            elif v.base == "pair":
                d = v.path.parent
                bases[key] = load_export(d / "pair_按文本.xlsx", codes=d / "pair_按序号.xlsx")
            elif v.base == "grid":
                bases[key] = load_export(v.path.parent / f"{v.path.parent.name[1:]}_{'按序号' if v.source.codes else '按文本'}.xlsx")
            else:
                bases[key] = None
        try:
            out = _outcome(v)
        except Exception as exc:  # anything but a KitError is a failure of the loader
            out = exc
        status = ("clear_error" if isinstance(out, KitError) else
                  "other" if isinstance(out, BaseException) else "load")
        try:
            v.check(out, bases[key])
            problem = None
        except AssertionError as exc:
            problem = str(exc)[:400]
        except Exception as exc:  # a mistake in a check is reported with the variant, too
            problem = f"check failed: {type(exc).__name__}: {exc}"[:400]
        if status == "other":
            problem = f"{type(out).__name__}: {out}"
        rows.append({"kind": v.kind, "source": v.source.name, "file": v.path.name,
                     "status": status, "problem": problem})
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    table = pd.DataFrame(rows)
    summary = table.groupby(["kind", "status"]).size().unstack(fill_value=0)
    print("\nfuzz variants:", len(table), dict(Counter(table["status"])),
          "problems:", int(table["problem"].notna().sum()))
    print(summary.to_string())
    return {"table": table, "unchanged": before == after}


KINDS = ["resave_csv", "resave_xlsx", "encoding", "wrong_extension", "truncated_workbook",
         "truncated_csv", "extra_rows", "title_row", "edited_header", "merged_cells", "formula",
         "control_chars", "reverse_rows", "row_length", "unbalanced_quote", "duplicate_id",
         "fraction_id", "dates", "text_in_code", "error_value", "huge_dimension", "garbage", "pair", "wide"]


@pytest.mark.parametrize("kind", KINDS)
def test_fuzz_kind(fuzz, kind):
    t = fuzz["table"]
    mine = t[t["kind"] == kind]
    assert len(mine), f"no variants of kind {kind}"
    bad = mine[mine["problem"].notna()]
    assert bad.empty, "\n".join(f"{r.file} ({r.source}): {r.problem}" for r in bad.itertuples())


def test_fuzz_totals(fuzz):
    t = fuzz["table"]
    assert len(t) >= 300
    assert set(t["kind"]) == set(KINDS)
    assert (t["status"] == "other").sum() == 0
    assert t["problem"].isna().all()
    assert fuzz["unchanged"], "a raw export was modified"
