"""The .xlsx pre-scan reads the sheet XML in pieces (about 8 MB each, cut after a row) and
skips most of each piece by cheap byte searches. What it finds must not depend on where the
pieces are cut: here the pieces are made a few kilobytes long, so that a formula, an error
value, the merged ranges and a stray far cell lie many pieces into the sheet.
Expected positions are those written below (a hand count: header on row 1)."""

from __future__ import annotations

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
