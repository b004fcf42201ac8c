"""Report stage: one plain dict in the contract's JSON shape, and renderers that work from that
dict alone (so ``mumcheck report RUN`` renders a stored run without crawling again)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Callable, Mapping

from mumcheck import __version__
from mumcheck.model import CrawlResult, Extraction, Finding, Score, SiteStructure
from mumcheck.profile import Profile

FORMATS = ("text", "json", "html", "csv", "xlsx", "junit", "markdown", "csv-table", "csv-form", "csv-findings")
BINARY_FORMATS = ("xlsx",)  # render() gives bytes for these
# file name endings when several formats are written into a folder
EXTENSIONS = {"text": "txt", "json": "json", "html": "html", "csv": "csv", "xlsx": "xlsx", "junit": "junit.xml",
              "markdown": "md", "csv-table": "table.csv", "csv-form": "form.csv", "csv-findings": "findings.csv"}
SCORE_NOTE = ("Это оценка того, что эксперт сможет найти на сайте по ссылкам, а не балл эксперта: "
              "баллы направления поровну распределены по этапам цикла, этап засчитывается, если в нём есть "
              "открывающийся и читаемый документ, размещённый в своей вкладке.")


def build_report(*, run_id: int | None, started: str, finished: str, profile: Profile, crawl: CrawlResult,
                 structure: SiteStructure, extractions: Mapping[str, Extraction], findings: list[Finding],
                 score: Score, site_title: str | None = None,
                 coverage: Mapping[str, Any] | None = None) -> dict[str, Any]:
    fetches = {f.url: f for f in crawl.fetches}
    documents = {ref.link.url for ref in structure.all_documents()}
    downloaded = [fetches[u] for u in documents if u in fetches and fetches[u].ok and not fetches[u].is_html]
    return {
        "tool": {"name": "mumcheck", "version": __version__},
        "run": {"id": run_id, "started": started, "finished": finished, "profile": profile.id},
        "site": {"start_url": crawl.start_url, "section_url": structure.section_url,
                 "section_found": structure.section_found, "section_label": crawl.section_label,
                 "title": site_title},
        "profile": {"id": profile.id, "title": profile.title, "verified": profile.verified,
                    "stages": {s.id: s.title for s in profile.stages}},
        "directions": [_direction(d, fetches, extractions) for d in structure.directions],
        "findings": [f.to_dict() for f in findings],
        "score": _score(score, profile),
        "coverage": coverage,
        "stats": {
            "pages": len(crawl.pages), "links": len(documents), "documents": len(downloaded),
            "bytes": crawl.bytes_received, "seconds": round(crawl.seconds, 2),
            "not_modified": sum(1 for f in crawl.fetches if f.status == 304),
        },
        "notes": list(crawl.notes) + list(structure.notes),
    }


def _direction(node, fetches, extractions) -> dict[str, Any]:
    return {
        "code": node.code, "title": node.title, "url": node.url, "present": node.present,
        "cycles": list(node.cycles),
        "stages": [
            {"stage": s.stage, "url": s.url, "present": s.present, "heading": s.heading,
             "documents": [{**_document(ref.link, fetches.get(ref.link.url), extractions), "placed_by": ref.evidence}
                           for ref in s.documents]}
            for s in node.stages
        ],
    }


def _document(link, fetch, extractions) -> dict[str, Any]:
    extraction = extractions.get(fetch.sha256) if fetch is not None and fetch.sha256 else None
    if fetch is None:
        state = "unchecked"
    elif not fetch.ok:
        state = fetch.verdict  # dead, soft404, auth_required, not_document, cloud_storage, tls, skipped
    elif fetch.is_html:
        state = "page"
    elif extraction is not None and not extraction.readable:
        state = "unreadable"
    elif extraction is not None and (extraction.is_scan or extraction.chars == 0):
        state = "no_text"
    else:
        state = "ok"
    return {
        "url": link.url, "status": state, "http_status": fetch.status if fetch else None,
        "type": extraction.kind if extraction else ("html" if fetch is not None and fetch.is_html else None),
        "title": link.text or (extraction.title if extraction else None),
        "pages": extraction.pages if extraction else None,
    }


def _score(score: Score, profile: Profile) -> dict[str, Any]:
    data = json.loads(json.dumps(asdict(score)))  # tuples → lists: the same dict as a stored run gives back
    note = profile.unverified_note
    data["note"] = SCORE_NOTE + (" " + note[:1].upper() + note[1:] if note else "")
    return data


# --- rendering --------------------------------------------------------------------------------
def render(report: Mapping[str, Any], fmt: str, color: bool = False) -> str | bytes:
    """The report in one of FORMATS: text, or bytes for BINARY_FORMATS (xlsx)."""
    renderers = _renderers()
    if fmt not in renderers:
        raise ValueError(f"Неизвестный формат отчёта «{fmt}»; доступны: {', '.join(FORMATS)}")
    return renderers[fmt](report, color=color)


def _renderers() -> dict[str, Callable[..., str | bytes]]:
    from mumcheck.report import html, junit, markdown, tables, xlsx

    return {"json": render_json, "text": _text, "html": html.render_html, "csv": tables.render_csv,
            "xlsx": xlsx.render_xlsx, "junit": junit.render_junit, "markdown": markdown.render_markdown,
            "csv-table": tables.render_csv_table, "csv-form": tables.render_csv_form,
            "csv-findings": tables.render_csv_findings}


def render_json(report: Mapping[str, Any], color: bool = False) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _text(report: Mapping[str, Any], color: bool = False) -> str:
    from mumcheck.report.text import render_text

    return render_text(report, color=color)
