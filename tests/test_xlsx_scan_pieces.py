"""The .xlsx pre-scan reads the sheet XML in pieces (about 8 MB each, cut after a row) and
skips most of each piece by cheap byte searches. What it finds must not depend on where the
pieces are cut: here the pieces are made a few kilobytes long, so that a formula, an error
value, the merged ranges and a stray far cell lie many pieces into the sheet.
Expected positions are those written below (a hand count: header on row 1)."""

from __future__ import annotations

import threading

import pytest
from openpyxl import Workbook

import kit
from kit.io import table


def _sheet(path, rows=3000, edit=None):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "1、您的身份", "2、满意度", "3、建议"])
    for i in range(rows):
        ws.append([i + 1, f"2024/5/{1 + i % 28} 9:00:00", 1 + i % 4, 1 + i % 5, "无"])
    if edit:
        edit(ws)
    wb.save(path)
    return path


def _scan(path, chunk, monkeypatch):
    monkeypatch.setattr(table, "_CHUNK", chunk)
    return table._scan_xlsx(path, path.read_bytes(), 0, "「Sheet」")


def _anomalies(ws):
    ws["D2500"] = "=4+1"        # a formula saved without a value
    ws["C2800"] = "#DIV/0!"     # an Excel error value (openpyxl writes t="e")
    ws["E1500"] = ws["E1501"] = None
    ws.merge_cells("E1499:E1501")


@pytest.mark.parametrize("chunk", [1 << 12, 1 << 16, 1 << 23])
def test_findings_do_not_depend_on_the_pieces(tmp_path, monkeypatch, chunk):
    f = _sheet(tmp_path / "pieces.xlsx", edit=_anomalies)
    assert f.stat().st_size > 40_000  # the XML is many 4 KiB pieces
    scan = _scan(f, chunk, monkeypatch)
    assert (scan.first_row, scan.first_col) == (1, 0)
    assert scan.formulas == {(2500, 3): "4+1"}
    assert scan.errors == {(2800, 2): "#DIV/0!"}
    assert scan.merged == [(1499, 4, 1501, 4)]


def test_read_in_small_pieces_fills_the_merge_and_marks_the_cells(tmp_path, monkeypatch):
    monkeypatch.setattr(table, "_CHUNK", 1 << 12)
    t = table.read_table(_sheet(tmp_path / "pieces.xlsx", edit=_anomalies), export=True)
    # body row i is file row i + 2
    assert t.body.iat[2500 - 2, 3] == "=4+1" and t.body.iat[2800 - 2, 2] == "#DIV/0!"
    assert t.body.iloc[1499 - 2: 1501 - 1, 4].tolist() == ["无", "无", "无"]
    assert any("E1499:E1501" in n for n in t.notes)


@pytest.mark.parametrize("chunk", [1 << 12, 1 << 23])
def test_a_stray_far_cell_in_a_late_piece_is_refused(tmp_path, monkeypatch, chunk):
    f = _sheet(tmp_path / "far.xlsx", edit=lambda ws: ws.__setitem__("XFD2999", "x"))
    with pytest.raises(kit.ExportFormatError, match=r"A1:XFD3001（3,001行 × 16,384列）"):
        _scan(f, chunk, monkeypatch)


def test_an_ordinary_sheet_in_small_pieces_is_not_refused(tmp_path, monkeypatch):
    # 3,001 rows x 5 columns: nothing to find, and the size is that of the data
    scan = _scan(_sheet(tmp_path / "plain.xlsx"), 1 << 12, monkeypatch)
    assert (scan.formulas, scan.errors, scan.merged) == ({}, {}, [])


def test_the_cells_are_looked_through_while_calamine_reads_the_sheet(tmp_path, monkeypatch):
    """The contents pass (formulas, error values, merged ranges) runs while calamine reads the
    sheet in a thread: each side below waits for the other to have begun, so run one after
    the other they would time out. What is found is what the two passes in turn find."""
    f = _sheet(tmp_path / "both.xlsx", edit=_anomalies)
    reading, looking = threading.Event(), threading.Event()
    real_load, real_look = table._load_typed, table._scan_contents

    def load(*args):
        reading.set()
        assert looking.wait(20), "the read waited for the contents pass"
        return real_load(*args)

    def look(raw, scan):
        looking.set()
        assert reading.wait(20), "the contents pass ran before the read began"
        return real_look(raw, scan)

    monkeypatch.setattr(table, "_load_typed", load)
    monkeypatch.setattr(table, "_scan_contents", look)
    t = table.read_table(f, export=True)
    assert t.body.iat[2500 - 2, 3] == "=4+1" and t.body.iat[2800 - 2, 2] == "#DIV/0!"
    assert any("E1499:E1501" in n for n in t.notes)


def test_a_far_cell_is_refused_before_calamine_reads_anything(tmp_path, monkeypatch):
    f = _sheet(tmp_path / "far.xlsx", edit=lambda ws: ws.__setitem__("XFD2999", "x"))
    started = []
    monkeypatch.setattr(table, "_load_typed", lambda *a: started.append(a))
    # the message names the stray cell, not the last cell of the data (A3001 was named before)
    with pytest.raises(kit.ExportFormatError, match=r"第2999行，列「XFD」.*A1:XFD3001.*单元格是 XFD2999.*"
                                                    r"清除 XFD2999"):
        table.read_table(f, export=True)
    assert started == []


def test_a_stray_cell_far_down_is_the_one_named(tmp_path):
    # 3,001 rows x 5 columns and C1000000: 1,000,000 x 5 = 5,000,000 cells > 2**20 with
    # 15,006 filled (< 1%); the last row holds one cell, the last column (E) 3,001
    f = _sheet(tmp_path / "down.xlsx", edit=lambda ws: ws.__setitem__("C1000000", "x"))
    with pytest.raises(kit.ExportFormatError, match=r"第1000000行，列「C」.*A1:E1000000.*"
                                                    r"15,006个.*单元格是 C1000000"):
        table.read_table(f, export=True)



def test_what_the_read_raises_in_its_thread_is_raised_to_the_caller(tmp_path, monkeypatch):
    f = _sheet(tmp_path / "plain.xlsx", rows=5)

    def fail(*a):
        raise kit.ExportFormatError("读取失败（测试）", path=f)

    monkeypatch.setattr(table, "_load_typed", fail)
    with pytest.raises(kit.ExportFormatError, match="读取失败（测试）"):
        table.read_table(f, export=True)


@pytest.mark.parametrize("chunk", [1 << 10, 1 << 12, 1 << 16, 1 << 23])
def test_the_pieces_are_the_sheet_cut_after_rows(tmp_path, monkeypatch, chunk):
    import io
    import zipfile

    monkeypatch.setattr(table, "_CHUNK", chunk)
    f = _sheet(tmp_path / "cut.xlsx", edit=_anomalies)
    raw = f.read_bytes()
    zf = zipfile.ZipFile(io.BytesIO(raw))
    pieces = list(table._sheet_chunks(zf, "xl/worksheets/sheet1.xml", raw))
    assert b"".join(pieces) == zf.read("xl/worksheets/sheet1.xml")
    rows = [p for p in pieces if b"<row" in p]
    assert all(p.endswith(b"</row>") for p in rows)  # a cell never straddles two pieces
    assert len(pieces) > (2 if chunk < 1 << 16 else 0)
