"""The report dict (the contract's JSON shape) and its text and JSON renderings."""

from __future__ import annotations

import json
import re

import pytest

from mumcheck import __version__
from mumcheck.model import (CrawlResult, DirectionNode, DocumentRef, Extraction, Fetch, LinkRef, Page,
                            SiteStructure, StageNode)
from mumcheck.profile import load_profile
from mumcheck.report import build_report, render
from mumcheck.rules import check
from mumcheck.score import estimate
from mumcheck.vocab import load_vocabulary

BASE = "https://uo.example.ru"
SECTION = f"{BASE}/mum/"
PAGE_13 = f"{BASE}/mum/1-3.html"
STARTED, FINISHED = "2024-03-01T10:00:00+00:00", "2024-03-01T10:02:00+00:00"

DOCS = {  # url → (link text, fetch, extraction or None)
    f"{BASE}/upload/celi.pdf": ("Цели и задачи направления 1.3", dict(status=200, size=1000, sha256="s1"),
                                Extraction(sha256="s1", kind="pdf", text="Цели", chars=4, pages=2, title="Цели")),
    f"{BASE}/upload/old.pdf": ("План на 2021 год", dict(verdict="dead", status=404), None),
    f"{BASE}/upload/scan.pdf": ("Аналитическая справка", dict(status=200, size=5000, sha256="s2"),
                                Extraction(sha256="s2", kind="pdf", pages=7, is_scan=True)),
    f"{BASE}/mum/monitoring.html": ("Мониторинг показателей", dict(status=200, size=300, is_html=True), None),
    f"{BASE}/upload/rekom.docx": ("Адресные рекомендации", dict(status=200, size=2000, sha256="s3"),
                                  Extraction(sha256="s3", kind="docx", error="файл повреждён")),
    f"{BASE}/upload/unfetched.pdf": ("Меры", None, None),
}
PLACE = {"celi.pdf": "goals", "old.pdf": "goals", "scan.pdf": "analysis", "monitoring.html": "indicators",
         "rekom.docx": "recommendations", "unfetched.pdf": "measures"}


def build_site():
    profile = load_profile("perm-2023")
    fetches, extractions, refs = [], {}, {}
    for url, (text, fetch, extraction) in DOCS.items():
        refs.setdefault(PLACE[url.rsplit("/", 1)[1]], []).append(
            DocumentRef(link=LinkRef(url=url, text=text, page=PAGE_13), direction="1.3",
                        stage=PLACE[url.rsplit("/", 1)[1]]))
        if fetch is not None:
            fetches.append(Fetch(url=url, **{"verdict": "ok", **fetch}))
        if extraction is not None:
            extractions[extraction.sha256] = extraction
    stages = tuple(StageNode(stage=s.id, present=s.id in refs or s.id == "effectiveness",
                             url=f"{PAGE_13}#{s.id}" if s.id in refs else None, heading=s.title if s.id in refs else None,
                             documents=tuple(refs.get(s.id, ()))) for s in profile.stages)
    directions = (
        DirectionNode(code="1.3", title="Выявление, поддержка и развитие способностей и талантов", present=True,
                      url=PAGE_13, stages=stages),
        DirectionNode(code="2.1", title="Эффективность руководителей", present=False,
                      stages=tuple(StageNode(stage=s.id, present=False) for s in profile.stages)),
    )
    structure = SiteStructure(section_found=True, section_url=SECTION, directions=directions)
    pages = (Page(url=SECTION, title="МУМ", trail=(), depth=0), Page(url=PAGE_13, title="1.3", trail=("1.3",), depth=1))
    crawl = CrawlResult(start_url=BASE + "/", section_url=SECTION, section_found=True,
                        section_label="Муниципальные инструменты управления качеством", pages=pages,
                        fetches=tuple(fetches), seconds=12.345, notes=("Обход остановлен на глубине 3",),
                        bytes_received=8300)
    return profile, structure, crawl, extractions


@pytest.fixture(scope="module")
def site():
    profile, structure, crawl, extractions = build_site()
    findings = check(structure, crawl, extractions, profile, load_vocabulary())
    score = estimate(structure, crawl, extractions, profile)
    report = build_report(run_id=7, started=STARTED, finished=FINISHED, profile=profile, crawl=crawl,
                          structure=structure, extractions=extractions, findings=findings, score=score,
                          site_title="Управление образования города N")
    return report, findings, score


def test_top_level(site):
    report, _, _ = site
    assert {"tool", "run", "site", "directions", "findings", "score", "stats"} <= set(report)
    assert report["tool"] == {"name": "mumcheck", "version": __version__}
    assert report["run"] == {"id": 7, "started": STARTED, "finished": FINISHED, "profile": "perm-2023"}
    assert report["site"]["start_url"] == BASE + "/"
    assert report["site"]["section_url"] == SECTION


def test_directions(site):
    report, _, _ = site
    assert [d["code"] for d in report["directions"]] == ["1.3", "2.1"]
    d13, d21 = report["directions"]
    assert d13["title"].startswith("Выявление") and d13["url"] == PAGE_13
    assert d21["url"] is None
    for direction in report["directions"]:
        assert {"code", "title", "url", "stages"} <= set(direction)
        for stage in direction["stages"]:
            assert {"stage", "url", "documents"} <= set(stage)
            for doc in stage["documents"]:
                assert {"url", "status", "type", "title"} <= set(doc)
    stages = {s["stage"]: s for s in d13["stages"]}
    assert [s["stage"] for s in d13["stages"]] == ["goals", "indicators", "analysis", "recommendations", "measures",
                                                    "effectiveness"]
    assert stages["goals"]["url"] == f"{PAGE_13}#goals"
    assert stages["effectiveness"]["url"] is None and stages["effectiveness"]["documents"] == []
    docs = {doc["url"].rsplit("/", 1)[1]: doc for s in d13["stages"] for doc in s["documents"]}
    assert {name: (d["status"], d["type"]) for name, d in docs.items()} == {
        "celi.pdf": ("ok", "pdf"), "old.pdf": ("dead", None), "scan.pdf": ("no_text", "pdf"),
        "monitoring.html": ("page", "html"), "rekom.docx": ("unreadable", "docx"), "unfetched.pdf": ("unchecked", None),
    }
    assert docs["celi.pdf"]["title"] == "Цели и задачи направления 1.3"
    assert docs["old.pdf"]["url"] == f"{BASE}/upload/old.pdf"


def test_findings(site):
    report, findings, _ = site
    keys = {"rule", "severity", "message", "url", "page", "direction", "stage", "expected", "evidence"}
    assert report["findings"] == [f.to_dict() for f in findings]
    assert report["findings"], "the site was built to have findings"
    for finding in report["findings"]:
        assert set(finding) >= keys
        assert finding["severity"] in ("error", "warning", "info")
    rules = {(f["rule"], f["direction"], f["stage"]) for f in report["findings"]}
    assert ("link.dead", "1.3", "goals") in rules
    assert ("doc.no_text", "1.3", "analysis") in rules
    assert ("doc.unreadable", "1.3", "recommendations") in rules
    assert ("structure.direction_missing", "2.1", None) in rules
    assert ("structure.stage_missing", "1.3", "effectiveness") in rules
    assert ("structure.responsible_missing", None, None) in rules


def test_score(site):
    report, _, score = site
    s = report["score"]
    assert {"total", "max", "percent", "zone", "directions"} <= set(s)
    assert (s["total"], s["max"], s["percent"], s["zone"]) == (score.total, 442.0, score.percent, "red")
    assert set(s["directions"]) == {"1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"}  # every direction scored
    assert s["directions"]["1.1"]["total"] == 0  # not on the site at all
    for code, d in s["directions"].items():
        assert {"total", "max", "percent", "stages"} <= set(d)
        assert len(d["stages"]) == 6
        for stage in d["stages"].values():
            assert set(stage) >= {"total", "max"}
    assert s["directions"]["2.1"]["total"] == 0
    assert s["directions"]["1.3"]["stages"]["goals"]["total"] == 8.17
    for stage in ("indicators", "recommendations", "measures", "effectiveness"):  # page, unreadable, unfetched, empty
        assert s["directions"]["1.3"]["stages"][stage]["total"] == 0, stage
    assert "оценка" in s["note"].lower()


def test_stats(site):
    report, _, _ = site
    stats = report["stats"]
    assert {k: stats[k] for k in ("pages", "links", "documents", "bytes", "seconds")} == {
        "pages": 2, "links": 6, "documents": 3, "bytes": 8300, "seconds": 12.35}


def test_json_round_trip(site):
    report, _, _ = site
    text = render(report, "json")
    assert json.loads(text) == report
    assert "Выявление" in text  # Cyrillic kept readable, not \u-escaped


def test_text(site):
    report, _, _ = site
    text = render(report, "text", color=False)
    assert "\x1b[" not in text
    for heading in ("проверка раздела МУМ", "Сайт:", "Раздел:", "Профиль:", "Оценка (предварительная)",
                    "Направления и этапы цикла", "Что исправить", "Проверено: 2 страницы, 6 ссылок, 3 документа"):
        assert heading in text, heading
    assert "зона: красная" in text
    assert "Управление образования города N" in text
    for finding in report["findings"]:
        assert finding["message"] in text
    assert "Примечание: Обход остановлен на глубине 3" in text
    assert "нет вкладки направления" in text


def test_text_zone_names(site):
    report, _, _ = site
    for zone, name in (("green", "зелёная"), ("yellow", "жёлтая"), ("orange", "оранжевая"), ("red", "красная")):
        changed = {**report, "score": {**report["score"], "zone": zone}}
        assert f"зона: {name}" in render(changed, "text")


def test_text_without_findings(site):
    report, _, _ = site
    clean = {**report, "findings": []}
    text = render(clean, "text")
    assert "Замечаний нет." in text and "Что исправить" not in text


def test_text_color(site):
    report, _, _ = site
    colored = render(report, "text", color=True)
    assert "\x1b[" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == render(report, "text", color=False)


def test_text_from_stored_json(site):
    # «mumcheck report RUN» renders a dict that went through JSON
    report, _, _ = site
    assert render(json.loads(render(report, "json")), "text") == render(report, "text")


def test_section_not_found_text():
    profile, structure, crawl, extractions = build_site()
    structure = SiteStructure(section_found=False, section_url=None, directions=())
    crawl = CrawlResult(start_url=BASE + "/", section_url=None, section_found=False, section_label=None,
                        pages=(), fetches=())
    findings = check(structure, crawl, {}, profile, load_vocabulary())
    report = build_report(run_id=None, started=STARTED, finished=FINISHED, profile=profile, crawl=crawl,
                          structure=structure, extractions={}, findings=findings,
                          score=estimate(structure, crawl, {}, profile))
    assert report["site"]["section_url"] is None
    assert report["run"]["id"] is None
    assert {k: report["stats"][k] for k in ("pages", "links", "documents", "bytes", "seconds")} == {
        "pages": 0, "links": 0, "documents": 0, "bytes": 0, "seconds": 0.0}
    text = render(report, "text")
    assert "Раздел:   не найден" in text
    assert [f["rule"] for f in report["findings"]] == ["structure.section_missing"]
    assert report["findings"][0]["message"] in text


def test_unknown_format(site):
    report, _, _ = site
    with pytest.raises(ValueError, match="yaml"):
        render(report, "yaml")
