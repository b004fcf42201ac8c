"""The report as an Excel workbook: «Оценка», «Таблица МУМ», «Форма ФИОКО», «Замечания»."""

from __future__ import annotations

import io
from typing import Any, Mapping

from mumcheck.report import tables, view

FILLS = {"ok": "C6EFCE", "missing": "F4CCCC", "empty": "FCE4D6", "broken": "FF9999", "misplaced": "FFE699",
         "scan": "DDEBF7"}
LEVEL_FILLS = {0: "BDD7EE", 1: "DDEBF7"}
WIDTHS = {"Таблица МУМ": (48, 30), "Форма ФИОКО": (60, 12), "Замечания": (11, 28, 11, 24, 70, 45, 45, 24, 30)}


def render_xlsx(report: Mapping[str, Any], color: bool = False) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    _summary(book.active, report)
    for table in tables.all_tables(report):
        _sheet(book.create_sheet(table.title), table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary(sheet, report) -> None:
    from openpyxl.styles import Font

    sheet.title = "Оценка"
    score = report["score"]
    site = report["site"]
    rows = [
        ("Проверка раздела МУМ", site.get("title") or site["start_url"]),
        ("Адрес сайта", site["start_url"]),
        ("Раздел", site.get("section_url") or ("найден как пункт меню" if site.get("section_found") else "не найден")),
        ("Дата проверки", (report["run"].get("finished") or report["run"].get("started") or "")[:10]),
        ("Профиль", f"{report['profile']['title']} ({report['profile']['id']})"),
        ("Оценка, баллов", score["total"]), ("Максимум", score["max"]), ("Индекс, %", score["percent"]),
        ("Зона", view.ZONE_NAMES.get(score["zone"], score["zone"])),
    ]
    for code, block in (score.get("blocks") or {}).items():
        rows.append((f"Блок {code}. {block['title']}", f"{block['total']:g} из {block['max']:g} ({block['percent']:g} %)"))
    for code, direction in score.get("directions", {}).items():
        rows.append((f"{code}. {view.direction_title(report, code)}",
                     f"{direction['total']:g} из {direction['max']:g} ({direction['percent']:g} %)"))
    rows.append(("Примечание", score.get("note", "")))
    for row in rows:
        sheet.append(row)
    sheet["A1"].font = sheet["B1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 60


def _sheet(sheet, table: tables.Table) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(list(table.header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for i, row in enumerate(table.rows):
        sheet.append([c.value for c in row])
        level = table.level[i] if i < len(table.level) else None
        for c, cell in zip(row, sheet[sheet.max_row]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if c.link:
                cell.hyperlink = c.link
                cell.font = Font(color="0563C1", underline="single")
            if c.state in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[c.state])
            if level in LEVEL_FILLS:
                cell.fill = PatternFill("solid", fgColor=LEVEL_FILLS[level])
                cell.font = Font(bold=True)
    widths = WIDTHS.get(table.title, ())
    for i in range(1, len(table.header) + 1):
        default = 40 if table.title == "Таблица МУМ" else 45 if i % 2 else 40
        sheet.column_dimensions[get_column_letter(i)].width = widths[i - 1] if i <= len(widths) else default
    sheet.freeze_panes = "B2"
