"""The one rendering layer every document of the kit goes through.

Results become :class:`Table` s (typed columns: numbers stay numbers) or :class:`Grid` s
(forms laid out cell by cell, as an official 自评表 layout file describes); a report is a
:class:`Document` (Word, GB/T 9704-2012) and a workbook a :class:`Workbook` (Excel). All
Chinese typography (full-width punctuation, “ ” quotes, dates, heading numbers) lives in
:mod:`kit.render.text`; :mod:`kit.render.checks` and :mod:`kit.render.pdf` check written
files in their XML and printed to PDF.

>>> from kit.render import Column, Document, Table
>>> d = Document("考核台账情况")
>>> d.heading("积分台账")
>>> d.table(Table([Column("党员"), Column("年度积分", "points")], [["张某", 98.5]], caption="年度积分"))
'表1'
"""

from .excel import Sheet, Workbook, render_xlsx, write_text
from .model import (Cell, Column, Grid, LayoutError, Row, Table, cell_text, excel_value, grid_from_spec,
                    grid_from_table, stack_grids)
from .text import cn_date, cn_numeral, cn_quotes, cn_text, fullwidth, sheet_name
from .word import Document, render_docx

__all__ = ["Column", "Row", "Table", "Cell", "Grid", "LayoutError", "grid_from_spec", "grid_from_table",
           "stack_grids", "cell_text", "excel_value", "Document", "render_docx", "Sheet", "Workbook",
           "render_xlsx", "write_text", "cn_text", "fullwidth", "cn_quotes", "cn_date", "cn_numeral",
           "sheet_name"]
