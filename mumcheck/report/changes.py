"""What changed between two runs of a site (``mumcheck monitor``), for people and for CI."""

from __future__ import annotations

import json
from typing import Any, Mapping
from xml.sax.saxutils import escape, quoteattr

from mumcheck.report.view import fmt_points
from mumcheck.report.text import SEVERITY_NAMES
from mumcheck.urls import display

CHANGE_FORMATS = ("text", "json", "markdown", "junit")


def render_changes(changes: Mapping[str, Any], fmt: str) -> str:
    renderers = {"json": _json, "text": _text, "markdown": _markdown, "junit": _junit}
    if fmt not in renderers:
        raise ValueError(f"Неизвестный формат «{fmt}»; доступны: {', '.join(CHANGE_FORMATS)}")
    return renderers[fmt](changes)


def render_many(all_changes: list[Mapping[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(all_changes, ensure_ascii=False, indent=2) + "\n"
    if fmt == "junit":
        suites = "".join(_junit_suite(c) for c in all_changes)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mumcheck monitor">{suites}</testsuites>\n'
    return "\n".join(render_changes(c, fmt) for c in all_changes)


def _json(changes) -> str:
    return json.dumps(changes, ensure_ascii=False, indent=2) + "\n"


def _summary_line(changes) -> str:
    docs = changes["documents"]
    return (f"новых замечаний: {len(changes['new_findings'])}, исправлено: {len(changes['fixed_findings'])}; "
            f"документы: +{len(docs['added'])} −{len(docs['removed'])} изменено {len(docs['changed'])}; "
            f"страницы: +{len(changes['pages']['appeared'])} −{len(changes['pages']['vanished'])}")


def _score_line(changes) -> str:
    now, before = changes["score"]["now"], changes["score"]["before"]
    if before is None:
        return f"Оценка: {fmt_points(now['total'])} из {fmt_points(now['max'])} ({fmt_points(now['percent'])} %)"
    delta = round(now["total"] - before["total"], 1)
    return f"Оценка: {fmt_points(now['total'])} из {fmt_points(now['max'])} ({fmt_points(now['percent'])} %), было {fmt_points(before['total'])} ({'+' if delta >= 0 else '−'}{fmt_points(abs(delta))})"


def _text(changes) -> str:
    site = display(changes["site"]["start_url"])
    lines = [f"Изменения на сайте {site}"]
    if changes["first_run"]:
        lines.append("Это первая проверка сайта в базе: сравнивать не с чем, ниже — все замечания.")
    lines.append(_summary_line(changes))
    lines.append(_score_line(changes))
    for title, key in (("Новые замечания", "new_findings"), ("Исправлено", "fixed_findings")):
        if changes[key]:
            lines.append(f"\n{title}:")
            for f in changes[key]:
                where = f" ({display(f['url'])})" if f.get("url") else ""
                lines.append(f"  {SEVERITY_NAMES.get(f['severity'], f['severity'])}: {f['message']}{where}")
    for title, urls in (("Документы добавлены", changes["documents"]["added"]),
                        ("Документы удалены", changes["documents"]["removed"]),
                        ("Документы изменены", changes["documents"]["changed"]),
                        ("Страницы появились", changes["pages"]["appeared"]),
                        ("Страницы исчезли", changes["pages"]["vanished"])):
        if urls:
            lines.append(f"\n{title}:")
            lines += [f"  {display(u)}" for u in urls]
    return "\n".join(lines) + "\n"


def _markdown(changes) -> str:
    lines = [f"### Изменения: {display(changes['site']['start_url'])}", "", f"- {_summary_line(changes)}",
             f"- {_score_line(changes)}"]
    for title, key in (("Новые замечания", "new_findings"), ("Исправлено", "fixed_findings")):
        if changes[key]:
            lines += ["", f"**{title}** ({len(changes[key])}):", ""]
            lines += [f"- {SEVERITY_NAMES.get(f['severity'], '')}: {f['message']}" for f in changes[key]]
    return "\n".join(lines) + "\n"


def _junit_suite(changes) -> str:
    new = changes["new_findings"]
    cases = []
    for f in new:
        name = quoteattr(f"{f['rule']} {display(f.get('url') or '')}".strip())
        cases.append(f"<testcase classname={quoteattr(f.get('direction') or 'раздел')} name={name}>"
                     f"<failure message={quoteattr(f['message'])} type={quoteattr(f['severity'])}>"
                     f"{escape(f.get('evidence') or '')}</failure></testcase>")
    if not new:
        cases.append('<testcase classname="monitor" name="новых замечаний нет"/>')
    site = quoteattr(display(changes["site"]["start_url"]))
    return f'<testsuite name={site} tests="{len(cases)}" failures="{len(new)}">{"".join(cases)}</testsuite>'


def _junit(changes) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mumcheck monitor">{_junit_suite(changes)}</testsuites>\n'
