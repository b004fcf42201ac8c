"""The tables experts and coordinators work from, as rows of plain values (csv and xlsx draw them):
the «Таблица МУМ» (direction × stage, with the links found), the ФИОКО primary data form
pre-filled with those links, and a flat list of findings."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Mapping

from mumcheck.report import view

FORM_HEADER = ("Позиция оценивания", "Максимальный балл")
MIN_LINK_PAIRS = 2
FINDINGS_HEADER = ("Важность", "Правило", "Направление", "Этап", "Что исправить", "Ссылка", "Страница",
                   "Где должен быть", "Подтверждение")


@dataclass(frozen=True)
class Cell:
    value: Any
    link: str | None = None  # a hyperlink to put on the cell
    state: str | None = None  # a view.STATES value, for colouring


@dataclass(frozen=True)
class Table:
    title: str  # also the xlsx sheet name
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    level: list[int] = field(default_factory=list)  # per row: 0 block, 1 direction, 2 position (form only)


def mum_table(report: Mapping[str, Any]) -> Table:
    """Directions × stages; each cell lists the links of the stage, a mark for broken ones."""
    titles = view.stage_titles(report)
    wrong = view.misplaced(report)
    scores = report["score"].get("directions", {})
    table = Table("Таблица МУМ", ("Направление", "Вкладка направления", *titles.values(), "Баллы (оценка)"))
    for direction in view.directions(report):
        cells = [Cell(f"{direction['code']}. {direction['title']}"),
                 Cell(direction.get("url") or "нет вкладки", link=direction.get("url"))]
        for _, stage in view.stage_cells(report, direction):
            state = view.stage_state(stage, wrong)
            lines = [_link_line(d, wrong) for d in (stage or {}).get("documents", [])]
            cells.append(Cell("\n".join(lines) or view.STATE_NAMES[state].capitalize(), state=state))
        score = scores.get(direction["code"])
        cells.append(Cell(f"{score['total']:g} из {score['max']:g}" if score else ""))
        table.rows.append(tuple(cells))
    return table


def _link_line(doc: Mapping[str, Any], wrong: Mapping[str, Any]) -> str:
    state = view.document_state(doc, wrong)
    mark = {"broken": "[битая] ", "misplaced": "[не та вкладка] ", "scan": "[скан] "}.get(state, "")
    if doc["status"] == "page":
        mark = "[страница] "
    return mark + doc["url"]


def fioko_form(report: Mapping[str, Any]) -> Table:
    """The primary data form: blocks, directions and their positions (the profile's stages, worth
    an even share of the direction's points), each with the links found, the ones that count first."""
    titles = view.stage_titles(report)
    wrong = view.misplaced(report)
    score = report["score"]
    rows: list[tuple[tuple[Cell, ...], int]] = []
    pairs = MIN_LINK_PAIRS
    by_code = {d["code"]: d for d in view.directions(report)}
    for block, directions in _blocks(score):
        rows.append(((Cell(f"{block}. {block_title(score, block)}"), Cell(_block_max(score, block))), 0))
        for code in directions:
            direction = by_code.get(code, {"code": code, "title": view.DIRECTION_TITLES.get(code, ""),
                                           "present": False, "stages": []})
            points = score["directions"][code]
            rows.append(((Cell(f"{code}. {direction['title']}"), Cell(points["max"])), 1))
            for stage_id, stage in view.stage_cells(report, direction):
                docs = _ordered((stage or {}).get("documents", []), wrong)
                pairs = max(pairs, len(docs))
                cells = [Cell(titles[stage_id]), Cell(points["stages"].get(stage_id, {}).get("max", ""))]
                for doc in docs:
                    state = view.document_state(doc, wrong)
                    cells += [Cell(doc["url"], link=doc["url"], state=state),
                              Cell(view.document_comment(doc, wrong, titles), state=state)]
                if not docs:
                    cells += [Cell(""), Cell("Подраздела нет на сайте" if stage is None or not stage.get("present", True)
                                             else "В подразделе нет документов")]
                rows.append((tuple(cells), 2))
    header = FORM_HEADER + tuple(x for i in range(1, pairs + 1) for x in (f"Ссылка {i}", f"Комментарий {i}"))
    width = len(header)
    table = Table("Форма ФИОКО", header)
    for cells, level in rows:
        table.rows.append(cells + (Cell(""),) * (width - len(cells)))
        table.level.append(level)
    return table


def _ordered(docs: list[Mapping[str, Any]], wrong) -> list[Mapping[str, Any]]:
    rank = {"ok": 0, "scan": 1, "empty": 2, "misplaced": 3, "broken": 4}
    return sorted(docs, key=lambda d: rank[view.document_state(d, wrong)])


def _blocks(score: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    blocks = score.get("blocks") or {}
    if blocks:
        return [(code, list(b["directions"])) for code, b in blocks.items()]
    grouped: dict[str, list[str]] = {}
    for code in score.get("directions", {}):
        grouped.setdefault(code.split(".")[0], []).append(code)
    return sorted(grouped.items())


def block_title(score: Mapping[str, Any], block: str) -> str:
    return (score.get("blocks") or {}).get(block, {}).get("title") or view.BLOCK_TITLES.get(block, f"Блок {block}")


def _block_max(score: Mapping[str, Any], block: str) -> float:
    data = (score.get("blocks") or {}).get(block)
    if data:
        return data["max"]
    return sum(d["max"] for c, d in score["directions"].items() if c.split(".")[0] == block)


def findings_table(report: Mapping[str, Any]) -> Table:
    titles = view.stage_titles(report)
    table = Table("Замечания", FINDINGS_HEADER)
    for f in report["findings"]:
        expected = f.get("expected") or {}
        where = expected.get("direction") or titles.get(expected.get("stage") or "", expected.get("stage") or "")
        table.rows.append(tuple(Cell(v) for v in (
            view.SEVERITY_NAMES.get(f["severity"], f["severity"]), f["rule"], f.get("direction") or "",
            titles.get(f.get("stage") or "", f.get("stage") or ""), f["message"])) + (
            Cell(f.get("url") or "", link=f.get("url")), Cell(f.get("page") or "", link=f.get("page")),
            Cell(where), Cell(f.get("evidence") or "")))
    return table


def all_tables(report: Mapping[str, Any]) -> list[Table]:
    return [mum_table(report), fioko_form(report), findings_table(report)]


# --- csv --------------------------------------------------------------------------------------
def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_plain(c.value) for c in row])
    return out.getvalue()


def render_csv(report: Mapping[str, Any], color: bool = False) -> str:
    """All three tables in one file (UTF-8 with a BOM, so Excel reads the Cyrillic): each is preceded
    by a row with its title and followed by an empty row."""
    parts = []
    for table in all_tables(report):
        parts.append(_title_row(table.title) + table_csv(table))
    return "\ufeff" + "\r\n".join(parts)


def render_csv_table(report, color: bool = False) -> str:
    return "\ufeff" + table_csv(mum_table(report))


def render_csv_form(report, color: bool = False) -> str:
    return "\ufeff" + table_csv(fioko_form(report))


def render_csv_findings(report, color: bool = False) -> str:
    return "\ufeff" + table_csv(findings_table(report))


def _title_row(title: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([f"# {title}"])
    return out.getvalue()


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)
