"""Spreadsheets: XLSX (openpyxl, read-only) and XLS (xlrd); one line per row, cells by tabs."""

from __future__ import annotations

import zipfile

from mumcheck.model import Extraction

from .common import failure, first_line, result, short_reason, tidy_lines
from .safezip import zip_bomb_reason

MAX_CELLS = 500_000  # cells read per workbook; the rest is cut (and said so in meta)

MSG_BOMB = "Файл отклонён: архив XLSX распаковывается в слишком большой объём ({})"
MSG_BROKEN = "Файл повреждён: не удалось прочитать таблицу {} ({})"


def read_xlsx(path: str, sha256: str) -> Extraction:
    try:
        with zipfile.ZipFile(path) as archive:
            bomb = zip_bomb_reason(archive)
        if bomb:
            return failure(sha256, "xlsx", MSG_BOMB.format(bomb))
        import warnings

        import openpyxl

        warnings.filterwarnings("ignore", module="openpyxl")  # style complaints about valid files
        with open(path, "rb") as fh:  # a file object: openpyxl would refuse a name not ending .xlsx
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
            try:
                sheets = [(sheet.title, sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
                text, cut = _render(sheets)
                title = book.properties.title if book.properties else None
            finally:
                book.close()
    except Exception as exc:
        return failure(sha256, "xlsx", MSG_BROKEN.format("XLSX", short_reason(exc)))
    return _build(sha256, "xlsx", text, cut, len(sheets), title)


def read_xls(path: str, sha256: str) -> Extraction:
    try:
        import xlrd

        book = xlrd.open_workbook(path, on_demand=True)
        try:
            sheets = []
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                sheets.append((sheet.name, (sheet.row_values(row) for row in range(sheet.nrows))))
            text, cut = _render(sheets)
        finally:
            book.release_resources()
    except Exception as exc:
        return failure(sha256, "xls", MSG_BROKEN.format("XLS", short_reason(exc)))
    return _build(sha256, "xls", text, cut, len(sheets), None)


def _build(sha256: str, kind: str, text: str, cut: bool, sheets: int, title) -> Extraction:
    meta = {"sheets": sheets}
    if cut:
        meta["cut"] = f"прочитаны первые {MAX_CELLS} ячеек"
    body = "\n".join(line for line in text.splitlines() if not line.startswith("Лист: "))
    return result(sha256, kind, text, title=title or first_line(body), meta=meta)


def _render(sheets) -> tuple[str, bool]:
    lines, cells = [], 0
    for name, rows in sheets:
        lines.append(f"Лист: {name}")
        for row in rows:
            values = [_cell(value) for value in row]
            cells += len(values)
            if cells > MAX_CELLS:
                return tidy_lines("\n".join(lines)), True
            line = "\t".join(values).rstrip()
            if line.strip():
                lines.append(line)
        lines.append("")
    return tidy_lines("\n".join(lines)), False


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\n", " ").replace("\t", " ")
