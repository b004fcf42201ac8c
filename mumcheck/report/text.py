"""The terminal view of a report: what to fix first, by direction."""

from __future__ import annotations

from typing import Any, Mapping

from mumcheck.report.view import fmt_points
from mumcheck.urls import display

ZONE_NAMES = {"red": "красная", "orange": "оранжевая", "yellow": "жёлтая", "green": "зелёная"}
ZONE_COLORS = {"red": "red", "orange": "yellow", "yellow": "bright_yellow", "green": "green"}
SEVERITY_NAMES = {"error": "ОШИБКА", "warning": "ВНИМАНИЕ", "info": "СВЕДЕНИЯ"}
SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}
STAGE_MARKS = {"ok": "+", "missing": "-", "empty": "0", "broken": "!", "misplaced": "?", "scan": "с"}


def _style(text: str, color: bool, **kwargs) -> str:
    if not color:
        return text
    import click

    return click.style(text, **kwargs)


def plural(n: int, one: str, few: str, many: str) -> str:
    n100, n10 = n % 100, n % 10
    if n10 == 1 and n100 != 11:
        return f"{n} {one}"
    if 2 <= n10 <= 4 and not 12 <= n100 <= 14:
        return f"{n} {few}"
    return f"{n} {many}"


def render_text(report: Mapping[str, Any], color: bool = False) -> str:
    lines: list[str] = []
    add = lines.append
    site = report["site"]
    add(_style(f"mumcheck {report['tool']['version']} — проверка раздела МУМ", color, bold=True))
    if site.get("title"):
        add(f"Сайт:     {site['title']}")
    add(f"Адрес:    {display(site['start_url'])}")
    if site.get("section_url"):
        add(f"Раздел:   {display(site['section_url'])}")
    elif site.get("section_found"):
        add(f"Раздел:   пункт меню «{site.get('section_label')}» (без своей страницы)")
    else:
        add("Раздел:   не найден")
    add(f"Профиль:  {report['profile']['title']} ({report['profile']['id']})")
    add("")
    _score_lines(report, add, color)
    add("")
    _matrix_lines(report, add)
    add("")
    _finding_lines(report, add, color)
    for note in report.get("notes", []):
        add(_style(f"Примечание: {note}", color, fg="yellow"))
    stats = report["stats"]
    add(f"Проверено: {plural(stats['pages'], 'страница', 'страницы', 'страниц')}, "
        f"{plural(stats['links'], 'ссылка', 'ссылки', 'ссылок')}, "
        f"{plural(stats['documents'], 'документ', 'документа', 'документов')} "
        f"({stats['bytes'] / 1_048_576:.1f} МБ) за {stats['seconds']:.1f} с.")
    return "\n".join(lines) + "\n"


def _score_lines(report, add, color) -> None:
    score = report["score"]
    zone = score["zone"]
    label = "Оценка (предварительная)" if score.get("provisional") else "Оценка"
    add(f"{label}: {fmt_points(score['total'])} из {fmt_points(score['max'])} баллов "
        f"({fmt_points(score['percent'])} %), зона: "
        + _style(ZONE_NAMES.get(zone, zone), color, fg=ZONE_COLORS.get(zone), bold=True))
    add(f"  {score.get('note', '')}")


def _stage_state(stage: Mapping[str, Any], wrong_place: Mapping[str, Any] | None = None) -> str:
    from mumcheck.report.view import stage_state

    return stage_state(stage, wrong_place or {})


def _matrix_lines(report, add) -> None:
    stage_titles = report["profile"].get("stages", {})
    stage_ids = list(stage_titles)
    from mumcheck.report.view import misplaced

    wrong = misplaced(report)
    add("Направления и этапы цикла (+ есть документы, 0 нет документов, которые засчитают, - подраздела нет, "
        "! битая ссылка, ? документ не в той вкладке, с скан без текста):")
    header = "       " + " ".join(f"{i + 1:>2}" for i in range(len(stage_ids)))
    add(header + "   баллы")
    scores = report["score"].get("directions", {})
    for direction in report["directions"]:
        code = direction["code"]
        if direction["present"]:
            by_id = {s["stage"]: s for s in direction["stages"]}
            marks = " ".join(f"{STAGE_MARKS[_stage_state(by_id[s], wrong)]:>2}" if s in by_id else "  " for s in stage_ids)
        else:
            marks = "  нет вкладки направления".ljust(3 * len(stage_ids) - 1)
        score = scores.get(code)
        points = f"{fmt_points(score['total'])}/{fmt_points(score['max'])}" if score else ""
        add(f"  {code}  {marks}   {points:>9}  {direction['title'][:60]}")
    add("  Этапы: " + "; ".join(f"{i + 1} — {title}" for i, title in enumerate(stage_titles.values())))


def _finding_lines(report, add, color) -> None:
    findings = report["findings"]
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")}
    if not findings:
        add(_style("Замечаний нет.", color, fg="green", bold=True))
        add("")
        return
    add(_style(f"Что исправить: {plural(counts['error'], 'ошибка', 'ошибки', 'ошибок')}, "
               f"{plural(counts['warning'], 'предупреждение', 'предупреждения', 'предупреждений')}, "
               f"{plural(counts['info'], 'сведение', 'сведения', 'сведений')}", color, bold=True))
    titles = {d["code"]: d["title"] for d in report["directions"]}
    group = object()
    for finding in findings:
        direction = finding.get("direction")
        if direction != group:
            group = direction
            add("")
            add(_style(f"{direction} {titles.get(direction, '')}" if direction else "Раздел в целом", color, bold=True))
        severity = finding["severity"]
        add("  " + _style(f"{SEVERITY_NAMES[severity]:<8}", color, fg=SEVERITY_COLORS[severity], bold=True)
            + f" {finding['message']}  [{finding['rule']}]")
        if finding.get("url") and finding.get("url") != finding.get("page"):
            add(f"           ссылка:   {display(finding['url'])}")
        if finding.get("page"):
            add(f"           страница: {display(finding['page'])}")
        if finding.get("evidence"):
            add(f"           {finding['evidence']}")
    add("")
