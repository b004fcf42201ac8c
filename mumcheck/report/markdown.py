"""A short Markdown summary: for a CI job summary or an email."""

from __future__ import annotations

from typing import Any, Mapping

from mumcheck.report import view

MARKS = {"ok": "✅", "missing": "❌", "empty": "⭕", "broken": "🔴", "misplaced": "🔀", "scan": "🖼️"}
MAX_ERRORS = 20


def render_markdown(report: Mapping[str, Any], color: bool = False) -> str:
    site, score = report["site"], report["score"]
    lines = [f"## mumcheck: {_escape(site.get('title') or site['start_url'])}", ""]
    lines.append(f"Сайт: <{site['start_url']}>  ")
    if site.get("section_url"):
        lines.append(f"Раздел: <{site['section_url']}>  ")
    elif not site.get("section_found"):
        lines.append("Раздел: **не найден**  ")
    lines.append(f"Проверка: {(report['run'].get('finished') or '')[:10]}, профиль «{report['profile']['title']}»")
    lines += ["", f"**Оценка: {_pts(score['total'])} из {_pts(score['max'])} баллов ({_pts(score['percent'])} %), "
                  f"зона: {view.ZONE_NAMES.get(score['zone'], score['zone'])}.**", ""]
    for code, block in (score.get("blocks") or {}).items():
        lines.append(f"- Блок {code}. {block['title']}: {_pts(block['total'])} из {_pts(block['max'])} ({_pts(block['percent'])} %)")
    lines += ["", f"_{score.get('note', '')}_", ""]
    lines += _matrix(report)
    lines += _errors(report)
    stats = report["stats"]
    lines.append(f"Проверено страниц: {stats['pages']}, ссылок: {stats['links']}, документов: {stats['documents']}.")
    return "\n".join(lines) + "\n"


def _matrix(report) -> list[str]:
    titles = view.stage_titles(report)
    wrong = view.misplaced(report)
    scores = report["score"].get("directions", {})
    lines = ["| Направление | " + " | ".join(titles.values()) + " | Баллы |",
             "|---|" + "---|" * len(titles) + "---:|"]
    for direction in view.directions(report):
        cells = [MARKS[view.stage_state(stage, wrong)] for _, stage in view.stage_cells(report, direction)]
        points = scores.get(direction["code"])
        total = f"{_pts(points['total'])} / {_pts(points['max'])}" if points else ""
        lines.append(f"| {direction['code']} | " + " | ".join(cells) + f" | {total} |")
    lines += ["", "✅ есть документы · ❌ подраздела нет · ⭕ нет документов, которые засчитают · "
                  "🔴 битая ссылка или нечитаемый документ · 🔀 документ не в той вкладке · 🖼️ скан без текста", ""]
    return lines


def _errors(report) -> list[str]:
    counts = view.counts(report["findings"])
    lines = [f"Замечаний: ошибок — {counts['error']}, внимание — {counts['warning']}, сведений — {counts['info']}.", ""]
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    if not errors:
        return lines
    lines += ["### Ошибки (эксперт не засчитает)", ""]
    for f in errors[:MAX_ERRORS]:
        where = f"{f['direction']}: " if f.get("direction") else ""
        link = f" — <{f['url']}>" if f.get("url") else ""
        page = f" (на странице <{f['page']}>)" if f.get("page") and f.get("page") != f.get("url") else ""
        lines.append(f"- {where}{_escape(f['message'])}{link}{page}")
    if len(errors) > MAX_ERRORS:
        lines.append(f"- … и ещё {len(errors) - MAX_ERRORS}: полный список — в отчёте html, xlsx или json.")
    return lines + [""]


def _pts(value: float) -> str:
    return view.fmt_points(value)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")
