"""The region summary (``mumcheck batch``): the tables regional letters publish — a ranking of
municipalities with points, %, zone and errors, municipalities per zone, average % per direction."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any, Mapping

from mumcheck.report.view import fmt_points
from mumcheck.report.text import ZONE_NAMES, plural

REGION_FORMATS = ("text", "json", "markdown", "csv", "html")
DIRECTION_TITLES = {
    "1.1": "Оценка качества подготовки обучающихся", "1.2": "Школы с низкими результатами",
    "1.3": "Способности и таланты", "1.4": "Самоопределение и профориентация",
    "2.1": "Эффективность руководителей", "2.2": "Профессиональное развитие педагогов",
    "2.3": "Воспитание", "2.4": "Качество дошкольного образования",
}


def ranking(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Municipalities from the best estimate down; the ones not checked go last."""
    done = [m for m in summary["municipalities"] if m["score"]]
    failed = [m for m in summary["municipalities"] if not m["score"]]
    return sorted(done, key=lambda m: -m["score"]["percent"]) + failed


def render_region(summary: Mapping[str, Any], fmt: str) -> str:
    renderers = {"json": _json, "text": _text, "markdown": _markdown, "csv": _csv, "html": _html}
    if fmt not in renderers:
        raise ValueError(f"Неизвестный формат сводки «{fmt}»; доступны: {', '.join(REGION_FORMATS)}")
    return renderers[fmt](summary)


def _json(summary) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def _row(m: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    if m["score"]:
        score = m["score"]
        points = f"{fmt_points(score['total'])} из {fmt_points(score['max'])}"
        return points, f"{fmt_points(score['percent'])}", ZONE_NAMES.get(score["zone"], score["zone"]), \
            str(m["findings"]["error"]), str(m["findings"]["warning"])
    return "—", "—", "не проверен", "—", "—"


def _text(summary) -> str:
    lines = [f"Сводка по региону: {plural(len(summary['municipalities']), 'муниципалитет', 'муниципалитета', 'муниципалитетов')}"]
    lines.append("Зоны: " + ", ".join(f"{ZONE_NAMES[z]} — {n}" for z, n in summary["zones"].items()))
    lines.append("")
    lines.append(f"{'№':>3}  {'Муниципалитет':<40} {'Баллы':>14} {'%':>6}  {'Зона':<12} {'Ошибок':>6} {'Предупр.':>8}")
    for index, m in enumerate(ranking(summary), 1):
        points, percent, zone, errors, warnings = _row(m)
        lines.append(f"{index:>3}  {m['name'][:40]:<40} {points:>14} {percent:>6}  {zone:<12} {errors:>6} {warnings:>8}")
        if not m["score"]:
            lines.append(f"     {m.get('error', '')}")
    lines.append("")
    lines.append("Средний % по направлениям:")
    for code, percent in summary["directions"].items():
        lines.append(f"  {code} {DIRECTION_TITLES.get(code, ''):<40} {fmt_points(percent)} %")
    return "\n".join(lines) + "\n"


def _markdown(summary) -> str:
    lines = ["## Сводка по региону", "",
             "Зоны: " + ", ".join(f"{ZONE_NAMES[z]} — {n}" for z, n in summary["zones"].items()), "",
             "| № | Муниципалитет | Баллы | % | Зона | Ошибок | Предупреждений |", "|---|---|---|---|---|---|---|"]
    for index, m in enumerate(ranking(summary), 1):
        points, percent, zone, errors, warnings = _row(m)
        name = m["name"].replace("|", "/")
        if m.get("report"):
            name = f"[{name}]({m['report']})"
        lines.append(f"| {index} | {name} | {points} | {percent} | {zone} | {errors} | {warnings} |")
    lines += ["", "| Направление | Средний % |", "|---|---|"]
    lines += [f"| {code} {DIRECTION_TITLES.get(code, '')} | {fmt_points(percent)} |" for code, percent in summary["directions"].items()]
    return "\n".join(lines) + "\n"


def _csv(summary) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    codes = list(summary["directions"])
    writer.writerow(["Муниципалитет", "Адрес", "Состояние", "Баллы", "Максимум", "%", "Зона", "Ошибок",
                     "Предупреждений", *[f"{code}, %" for code in codes], "Причина"])
    for m in ranking(summary):
        score = m["score"] or {}
        directions = score.get("directions", {})
        writer.writerow([m["name"], m["url"], "проверен" if m["score"] else "не проверен", score.get("total", ""),
                         score.get("max", ""), score.get("percent", ""),
                         ZONE_NAMES.get(score.get("zone"), "") if score else "", m["findings"]["error"],
                         m["findings"]["warning"], *[directions.get(c, {}).get("percent", "") for c in codes],
                         m.get("error", "")])
    return out.getvalue()


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem;color:#1f2933}
h1{font-size:1.5rem}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #cbd2d9;padding:.35rem .6rem;text-align:left}
th{background:#f0f4f8}td.num{text-align:right}.zone{padding:.1rem .5rem;border-radius:.3rem;color:#fff;font-weight:600}
.red{background:#c62828}.orange{background:#ef6c00}.yellow{background:#f9a825;color:#1f2933}.green{background:#2e7d32}
.none{background:#9aa5b1}.note{color:#52606d;font-size:.9rem}@media print{body{margin:0}a{color:inherit}}
"""


def _html(summary) -> str:
    e = html.escape
    rows = []
    for index, m in enumerate(ranking(summary), 1):
        points, percent, zone_name, errors, warnings = _row(m)
        zone = m["score"]["zone"] if m["score"] else "none"
        name = e(m["name"])
        if m.get("report"):
            name = f'<a href="{e(m["report"])}">{name}</a>'
        reason = f'<div class="note">{e(m.get("error", ""))}</div>' if not m["score"] else ""
        rows.append(f"<tr><td class=num>{index}</td><td>{name}{reason}</td><td class=num>{e(points)}</td>"
                    f"<td class=num>{e(percent)}</td><td><span class='zone {zone}'>{e(zone_name)}</span></td>"
                    f"<td class=num>{errors}</td><td class=num>{warnings}</td></tr>")
    zones = "".join(f"<tr><td><span class='zone {z}'>{e(ZONE_NAMES[z])}</span></td><td class=num>{n}</td></tr>"
                    for z, n in summary["zones"].items())
    directions = "".join(f"<tr><td>{e(code)} {e(DIRECTION_TITLES.get(code, ''))}</td><td class=num>{fmt_points(p)}</td></tr>"
                         for code, p in summary["directions"].items())
    count = plural(len(summary["municipalities"]), "муниципалитет", "муниципалитета", "муниципалитетов")
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Сводка МУМ по региону</title><style>{_CSS}</style></head>
<body><h1>Предварительная проверка МУМ: сводка по региону</h1>
<p class="note">{e(count)}; проверка {e(summary['run']['started'])} — {e(summary['run']['finished'] or '')};
профиль {e(summary['run']['profile'])}. Баллы — оценка того, что эксперт найдёт по ссылкам на сайтах, а не балл эксперта.</p>
<h2>Рейтинг муниципалитетов</h2>
<table><thead><tr><th>№</th><th>Муниципалитет</th><th>Баллы</th><th>%</th><th>Зона</th><th>Ошибок</th><th>Предупреждений</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<h2>Муниципалитеты по зонам</h2><table><tbody>{zones}</tbody></table>
<h2>Средний процент по направлениям</h2><table><thead><tr><th>Направление</th><th>Средний %</th></tr></thead><tbody>{directions}</tbody></table>
</body></html>
"""
