"""The coordinator's report: one self-contained HTML file (no CDN, no external files — it works
offline and as an e-mail attachment), in Russian, that prints cleanly on A4.

Filters by severity are checkboxes styled by CSS alone (they work with scripts off); a small inline
script only updates the counters and hides groups left empty."""

from __future__ import annotations

from html import escape
from typing import Any, Mapping

from mumcheck.report import view
from mumcheck.urls import display

CELL_MARKS = {"ok": "✓", "missing": "—", "empty": "0", "broken": "!", "misplaced": "⇄", "scan": "скан"}
SEVERITY_TITLES = {"error": "Ошибки", "warning": "Внимание", "info": "Сведения"}
SEVERITY_HINTS = {"error": "эксперт не засчитает", "warning": "засчитает с трудом", "info": "к сведению"}

CSS = """
:root{--ok:#cfeedd;--ok-t:#155d2f;--missing:#f3d0d0;--missing-t:#8a1c1c;--empty:#fde6cf;--empty-t:#8a4a09;
--broken:#e35d5d;--broken-t:#fff;--misplaced:#ffe38a;--misplaced-t:#5c4700;--scan:#d5e5f7;--scan-t:#1d4b7a;
--line:#d9dde3;--muted:#5f6b7a;--accent:#1f4e8c}
*{box-sizing:border-box}
body{font:15px/1.45 "Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif;color:#1d232b;margin:0;background:#f4f6f9}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px;background:#fff;min-height:100vh}
a{color:var(--accent)}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:18px 0 6px}
.sub{color:var(--muted);margin:0}
.head{display:flex;gap:24px;justify-content:space-between;align-items:flex-start;flex-wrap:wrap}
.head>div:first-child{flex:1 1 520px;min-width:0}
.meta{margin:10px 0 0;display:grid;grid-template-columns:auto 1fr;gap:2px 12px;font-size:14px}
.meta dt{color:var(--muted)}.meta dd{margin:0;word-break:break-all}
.score{flex:0 0 340px;border:1px solid var(--line);border-radius:10px;padding:14px 18px;text-align:center}
.score .big{font-size:30px;font-weight:700}
.score .pct{font-size:16px;color:var(--muted)}
.zone{display:inline-block;margin-top:6px;padding:3px 14px;border-radius:14px;font-weight:700;color:#fff}
.zone-red{background:#c62828}.zone-orange{background:#ef6c00}.zone-yellow{background:#f2c200;color:#3d3000}
.zone-green{background:#2e7d32}
.blocks{margin:8px 0 0;padding:0;list-style:none;font-size:13px;text-align:left;color:var(--muted)}
.note{font-size:13px;color:var(--muted);background:#f7f8fa;border-left:4px solid var(--line);padding:8px 12px;margin:14px 0 0}
.notice{background:#fff6dd;border-left:4px solid #f2c200;padding:8px 12px;margin:10px 0 0;font-size:14px}
table.matrix{border-collapse:collapse;width:100%;font-size:13px;table-layout:fixed}
.matrix th,.matrix td{border:1px solid var(--line);padding:5px 6px;vertical-align:middle}
.matrix thead th{background:#eef1f5;font-weight:600;font-size:12px;line-height:1.25}
.matrix th.dir{width:30%;text-align:left;font-weight:400}
.matrix th.pts{width:9%}
.matrix td{text-align:center;font-weight:700}
.matrix td.pts{font-weight:400;text-align:right;white-space:nowrap}
.matrix td a{color:inherit;text-decoration:none;display:block}
.code{font-weight:700;margin-right:4px}
.st-ok{background:var(--ok);color:var(--ok-t)}.st-missing{background:var(--missing);color:var(--missing-t)}
.st-empty{background:var(--empty);color:var(--empty-t)}.st-broken{background:var(--broken);color:var(--broken-t)}
.st-misplaced{background:var(--misplaced);color:var(--misplaced-t)}.st-scan{background:var(--scan);color:var(--scan-t)}
.nodir{background:var(--missing);color:var(--missing-t);font-weight:400;font-style:italic}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:8px 0 0;padding:0;list-style:none;font-size:12px}
.legend span{display:inline-block;min-width:26px;text-align:center;border-radius:3px;font-weight:700;margin-right:4px}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 6px;font-size:14px}
input.filter{position:absolute;opacity:0;pointer-events:none}
.filters label{cursor:pointer;border:1px solid var(--line);border-radius:16px;padding:3px 12px;user-select:none}
.filters label::before{content:"☐ "}
#f-error:checked~.filters label[for=f-error],#f-warning:checked~.filters label[for=f-warning],
#f-info:checked~.filters label[for=f-info]{background:#eef1f5;border-color:#9aa5b4}
#f-error:checked~.filters label[for=f-error]::before,#f-warning:checked~.filters label[for=f-warning]::before,
#f-info:checked~.filters label[for=f-info]::before{content:"☑ "}
#f-error:focus-visible~.filters label[for=f-error],#f-warning:focus-visible~.filters label[for=f-warning],
#f-info:focus-visible~.filters label[for=f-info]{outline:2px solid var(--accent)}
#f-error:not(:checked)~.groups .sev-error,#f-warning:not(:checked)~.groups .sev-warning,
#f-info:not(:checked)~.groups .sev-info{display:none}
.group[hidden]{display:none}
.finding{list-style:none;border:1px solid var(--line);border-left-width:5px;border-radius:6px;padding:8px 12px;margin:0 0 8px}
.findings{padding:0;margin:0}
.sev-error{border-left-color:#c62828}.sev-warning{border-left-color:#ef9a00}.sev-info{border-left-color:#5b8fd6}
.badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 7px;border-radius:10px;margin-right:6px;color:#fff;vertical-align:1px}
.b-error{background:#c62828}.b-warning{background:#ef9a00}.b-info{background:#5b8fd6}
.msg{font-weight:600}
.where{margin:4px 0 0;font-size:13px;color:var(--muted);word-break:break-all}
.where a{color:var(--accent)}
.rule{font-size:11px;color:#8a94a3;font-family:ui-monospace,Menlo,Consolas,monospace}
.ev{font-size:12px;color:var(--muted);margin:2px 0 0}
.none{color:#2e7d32;font-weight:600}
footer{margin-top:28px;font-size:12px;color:var(--muted);border-top:1px solid var(--line);padding-top:8px}
@media print{
 @page{size:A4 portrait;margin:12mm 10mm}
 body{background:#fff;font-size:11pt}
 main{max-width:none;padding:0;min-height:0}
 .filters{display:none}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 h2{break-after:avoid}
 .finding,.matrix tr,.score{break-inside:avoid}
 .matrix{font-size:9pt}
 a{text-decoration:none}
}
"""

SCRIPT = """
(function(){
  var root=document.documentElement, boxes=document.querySelectorAll('.filters input, input.filter');
  function update(){
    var shown={};
    boxes.forEach(function(b){shown[b.value]=b.checked;});
    document.querySelectorAll('.group').forEach(function(g){
      var n=0;
      g.querySelectorAll('.finding').forEach(function(f){if(shown[f.dataset.severity])n++;});
      g.hidden=(n===0);
    });
    var total=document.querySelectorAll('.finding').length, visible=0;
    document.querySelectorAll('.finding').forEach(function(f){if(shown[f.dataset.severity])visible++;});
    var out=document.getElementById('shown');
    if(out){out.textContent='показано '+visible+' из '+total;}
  }
  boxes.forEach(function(b){b.addEventListener('change',update);});
  update();
  root.setAttribute('data-ready','1');
})();
"""


def render_html(report: Mapping[str, Any], color: bool = False) -> str:
    site = report["site"]
    name = site.get("title") or display(site["start_url"])
    parts = [
        "<!DOCTYPE html>", '<html lang="ru">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Проверка раздела МУМ — {escape(name)}</title>", f"<style>{CSS}</style>", "</head>",
        "<body><main>", _header(report, name), _matrix(report), _findings(report), _footer(report),
        "</main>", f"<script>{SCRIPT}</script>", "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _href(url: str | None) -> str | None:
    """Only web links become links: a crawled site must not inject javascript: into the report."""
    if url and url.lower().startswith(("http://", "https://")):
        return escape(url, quote=True)
    return None


def _link(url: str | None, text: str | None = None) -> str:
    if not url:
        return ""
    label = escape(text or display(url))
    href = _href(url)
    return f'<a href="{href}">{label}</a>' if href else label


def _date(stamp: str | None) -> str:
    if not stamp or len(stamp) < 16:
        return stamp or ""
    return f"{stamp[8:10]}.{stamp[5:7]}.{stamp[0:4]} {stamp[11:16]}"


def _header(report, name: str) -> str:
    site, score, run = report["site"], report["score"], report["run"]
    if site.get("section_url"):
        section = _link(site["section_url"])
    elif site.get("section_found"):
        section = f"пункт меню «{escape(site.get('section_label') or '')}» (без своей страницы)"
    else:
        section = "<strong>не найден</strong>"
    zone = score["zone"]
    blocks = "".join(f"<li>Блок {escape(code)}: {_pts(b['total'])} из {_pts(b['max'])} ({_pts(b['percent'])} %) — "
                     f"{escape(b['title'])}</li>" for code, b in (score.get("blocks") or {}).items())
    label = "Предварительная оценка" if score.get("provisional", True) else "Оценка"
    notes = "".join(f'<p class="notice">{escape(n)}</p>' for n in report.get("notes", []))
    return f"""<header>
<div class="head"><div>
<h1>Проверка раздела «Муниципальные инструменты управления качеством»</h1>
<p class="sub" id="municipality">{escape(name)}</p>
<dl class="meta"><dt>Сайт</dt><dd>{_link(site['start_url'])}</dd><dt>Раздел</dt><dd>{section}</dd>
<dt>Дата проверки</dt><dd id="date">{escape(_date(run.get('finished') or run.get('started')))}</dd>
<dt>Профиль</dt><dd>{escape(report['profile']['title'])}</dd></dl></div>
<div class="score" id="score"><div class="sub">{label}</div>
<div class="big">{_pts(score['total'])} <span class="pct">из {_pts(score['max'])}</span></div>
<div class="pct">индекс {_pts(score['percent'])} %</div>
<div class="zone zone-{escape(zone)}" id="zone">зона: {escape(view.ZONE_NAMES.get(zone, zone))}</div>
<ul class="blocks">{blocks}</ul></div></div>
<p class="note">{escape(score.get('note', ''))}</p>{notes}
</header>"""


def _pts(value: float) -> str:
    return view.fmt_points(value)


def _matrix(report) -> str:
    titles = view.stage_titles(report)
    wrong = view.misplaced(report)
    scores = report["score"].get("directions", {})
    head = "".join(f'<th scope="col">{escape(t)}</th>' for t in titles.values())
    rows = []
    for direction in view.directions(report):
        code = direction["code"]
        title = f'<span class="code">{escape(code)}</span> {_link(direction.get("url"), direction["title"]) if direction.get("url") else escape(direction["title"])}'
        if direction.get("present"):
            cells = "".join(_cell(stage_id, stage, wrong, titles) for stage_id, stage in view.stage_cells(report, direction))
        else:
            cells = f'<td class="nodir" colspan="{len(titles)}">нет вкладки направления</td>'
        points = scores.get(code)
        pts = f"{_pts(points['total'])} из {_pts(points['max'])}" if points else ""
        rows.append(f'<tr data-direction="{escape(code)}"><th scope="row" class="dir">{title}</th>{cells}'
                    f'<td class="pts">{pts}</td></tr>')
    legend = "".join(f'<li><span class="st-{s}">{CELL_MARKS[s]}</span>{escape(view.STATE_NAMES[s])}</li>'
                     for s in ("ok", "scan", "misplaced", "broken", "empty", "missing"))
    return f"""<section id="matrix-section"><h2>Направления и этапы управленческого цикла</h2>
<table class="matrix" id="matrix"><thead><tr><th class="dir" scope="col">Направление</th>{head}<th class="pts" scope="col">Баллы</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<ul class="legend">{legend}</ul></section>"""


def _cell(stage_id: str, stage, wrong, titles) -> str:
    state = view.stage_state(stage, wrong)
    docs = (stage or {}).get("documents", [])
    tip = f"{titles.get(stage_id, stage_id)}: {view.STATE_NAMES[state]}"
    if docs:
        tip += f" (ссылок: {len(docs)})"
    mark = CELL_MARKS[state] + (f" {len(docs)}" if state == "ok" and len(docs) > 1 else "")
    href = _href((stage or {}).get("url"))
    inner = f'<a href="{href}">{escape(mark)}</a>' if href else escape(mark)
    return f'<td class="st-{state}" data-state="{state}" data-stage="{escape(stage_id)}" title="{escape(tip)}">{inner}</td>'


def _findings(report) -> str:
    counts = view.counts(report["findings"])
    if not report["findings"]:
        return '<section id="findings"><h2>Что исправить</h2><p class="none">Замечаний нет.</p></section>'
    checks = "".join(f'<input type="checkbox" class="filter" id="f-{s}" value="{s}" checked>' for s in view.SEVERITIES)
    labels = "".join(f'<label for="f-{s}">{SEVERITY_TITLES[s]}: {counts[s]} <small>({SEVERITY_HINTS[s]})</small></label>'
                     for s in view.SEVERITIES)
    groups = []
    titles = view.stage_titles(report)
    for code, findings in view.grouped_findings(report):
        heading = f"{code} {view.direction_title(report, code)}" if code else "Раздел в целом"
        items = "".join(_finding(f, titles) for f in findings)
        groups.append(f'<section class="group" data-direction="{escape(code or "")}"><h3>{escape(heading)}</h3>'
                      f'<ul class="findings">{items}</ul></section>')
    return f"""<section id="findings"><h2>Что исправить</h2>
{checks}<div class="filters"><span>Показать:</span>{labels}<span id="shown"></span></div>
<div class="groups">{''.join(groups)}</div></section>"""


def _finding(f, titles) -> str:
    severity = f["severity"]
    where = []
    if f.get("stage"):
        where.append(f"Этап: «{escape(titles.get(f['stage'], f['stage']))}»")
    if f.get("url") and f.get("url") != f.get("page"):
        where.append("Ссылка: " + _link(f["url"]))
    if f.get("page"):
        where.append("Исправить на странице: " + _link(f["page"]))
    if f.get("expected"):
        where.append("Где должен быть: " + escape(view.expected_text(f, titles)))
    evidence = f'<p class="ev">{escape(f["evidence"])}</p>' if f.get("evidence") else ""
    return (f'<li class="finding sev-{severity}" data-severity="{severity}" data-rule="{escape(f["rule"])}">'
            f'<span class="badge b-{severity}">{view.SEVERITY_NAMES[severity]}</span>'
            f'<span class="msg">{escape(f["message"])}</span> <span class="rule">{escape(f["rule"])}</span>'
            + "".join(f'<p class="where">{w}</p>' for w in where) + evidence + "</li>")


def _footer(report) -> str:
    stats = report["stats"]
    return (f"<footer>mumcheck {escape(report['tool']['version'])} · проверено страниц: {stats['pages']}, "
            f"ссылок: {stats['links']}, документов: {stats['documents']} "
            f"({stats['bytes'] / 1_048_576:.1f} МБ) за {stats['seconds']:g} с · "
            f"проверка № {report['run'].get('id') or '—'}</footer>")
