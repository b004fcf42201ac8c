"""``mumcheck.rules.check`` over hand-built site structures."""

from __future__ import annotations

import re

import pytest

from mumcheck.model import (CrawlResult, DirectionNode, DocumentRef, Extraction, Fetch, LinkRef, SiteStructure,
                            StageNode)
from mumcheck.profile import load_profile
from mumcheck.rules import check
from mumcheck.vocab import load_vocabulary

BASE = "https://uo.example.ru"
SECTION = f"{BASE}/mum/"
RESPONSIBLE_URL = f"{BASE}/upload/prikaz_12.pdf"
RESPONSIBLE_TEXT = "Приказ о назначении ответственного за мониторинг МУМ"


@pytest.fixture(scope="module")
def profile():
    return load_profile("perm-2023")


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def page_of(code: str) -> str:
    return f"{SECTION}{code.replace('.', '-')}.html"


def doc_url(code: str, stage: str) -> str:
    return f"{BASE}/upload/{code}_{stage}.pdf"


class Site:
    """A complete, healthy site: every direction has every stage with one readable PDF, and the
    section has the order appointing the person responsible. Tests break parts of it."""

    def __init__(self, profile, vocab):
        self.section_found = True
        self.responsible_text: str | None = RESPONSIBLE_TEXT
        self.directions = {d.code: d.title for d in vocab.directions}
        self.absent_directions: set[str] = set()
        self.stages = {code: {s.id: [(doc_url(code, s.id), f"{s.title} ({code})")] for s in profile.stages}
                       for code in self.directions}
        self.absent_stages: set[tuple[str, str]] = set()
        self.fetches: dict[str, Fetch] = {}
        self.extractions: dict[str, Extraction] = {}

    def set_fetch(self, url: str, **changes) -> None:
        self.fetches[url] = Fetch(**{**_fetch_fields(url), **changes})

    def set_extraction(self, url: str, **changes) -> None:
        sha = _sha(url)
        self.extractions[sha] = Extraction(**{"sha256": sha, "kind": "pdf", "text": "Текст документа " * 20,
                                              "pages": 2, "chars": 320, **changes})

    def build(self):
        directions = []
        unplaced = []
        for code, title in self.directions.items():
            present = self.section_found and code not in self.absent_directions
            stages = []
            for stage, docs in self.stages[code].items():
                stage_present = present and (code, stage) not in self.absent_stages
                refs = tuple(DocumentRef(link=LinkRef(url=u, text=t, page=page_of(code)), direction=code, stage=stage)
                             for u, t in docs) if stage_present else ()
                stages.append(StageNode(stage=stage, present=stage_present,
                                        url=f"{page_of(code)}#{stage}" if stage_present else None,
                                        heading=stage if stage_present else None, documents=refs))
            directions.append(DirectionNode(code=code, title=title, present=present,
                                            url=page_of(code) if present else None, stages=tuple(stages)))
        if self.section_found and self.responsible_text is not None:
            unplaced.append(DocumentRef(link=LinkRef(url=RESPONSIBLE_URL, text=self.responsible_text, page=SECTION),
                                        direction=None, stage=None))
        structure = SiteStructure(section_found=self.section_found, section_url=SECTION if self.section_found else None,
                                  directions=tuple(directions), unplaced=tuple(unplaced))
        fetches, extractions = {}, {}
        for ref in structure.all_documents():
            url = ref.link.url
            fetches[url] = self.fetches.get(url) or Fetch(**_fetch_fields(url))
            sha = fetches[url].sha256
            if sha and fetches[url].ok:
                extractions[sha] = self.extractions.get(sha) or Extraction(
                    sha256=sha, kind="pdf", text="Текст документа " * 20, pages=2, chars=320)
        crawl = CrawlResult(start_url=BASE + "/", section_url=structure.section_url,
                            section_found=self.section_found, section_label="Муниципальные инструменты управления качеством"
                            if self.section_found else None, pages=(), fetches=tuple(fetches.values()))
        return structure, crawl, extractions


def _sha(url: str) -> str:
    return f"sha-{url}"


def _fetch_fields(url: str) -> dict:
    return {"url": url, "verdict": "ok", "status": 200, "final_url": url, "content_type": "application/pdf",
            "size": 1000, "sha256": _sha(url)}


def run(site, profile, vocab, **kwargs):
    structure, crawl, extractions = site.build()
    return check(structure, crawl, extractions, profile, vocab, **kwargs)


def is_russian(message: str) -> bool:
    return bool(re.search(r"[А-Яа-яЁё]{4,}", message)) and not re.search(r"\{\w*\}", message)


# --- the healthy site -------------------------------------------------------------------------
def test_healthy_site_has_no_findings(profile, vocab):
    assert run(Site(profile, vocab), profile, vocab) == []


# --- links and documents ----------------------------------------------------------------------
def test_dead_link(profile, vocab):
    site = Site(profile, vocab)
    url = doc_url("1.4", "analysis")
    site.set_fetch(url, verdict="dead", status=404, sha256=None, content_type="text/html", error=None)
    findings = run(site, profile, vocab)
    assert [f.rule for f in findings] == ["link.dead"]
    f = findings[0]
    assert (f.severity, f.url, f.page, f.direction, f.stage) == ("error", url, page_of("1.4"), "1.4", "analysis")
    assert "404" in f.evidence
    assert "404" in f.message and "Анализ результатов мониторинга (1.4)" in f.message
    assert is_russian(f.message)


def test_dead_link_without_status_gives_the_error_text(profile, vocab):
    site = Site(profile, vocab)
    url = doc_url("2.2", "goals")
    site.set_fetch(url, verdict="dead", status=None, sha256=None, error="сервер не найден (DNS)")
    [f] = run(site, profile, vocab)
    assert f.rule == "link.dead"
    assert f.evidence == "сервер не найден (DNS)"
    assert "сервер не найден (DNS)" in f.message


def test_scan_gives_no_text(profile, vocab):
    site = Site(profile, vocab)
    url = doc_url("1.3", "measures")
    site.set_extraction(url, text="", chars=0, pages=4, is_scan=True)
    findings = run(site, profile, vocab)
    assert [(f.rule, f.severity, f.url, f.direction, f.stage) for f in findings] == [
        ("doc.no_text", "warning", url, "1.3", "measures")]
    assert "4 стр." in findings[0].evidence
    assert "скан" in findings[0].message and is_russian(findings[0].message)


def test_readable_document_without_text(profile, vocab):
    site = Site(profile, vocab)
    url = doc_url("1.3", "goals")
    site.set_extraction(url, text="", chars=0, pages=1, is_scan=False)
    findings = run(site, profile, vocab)
    assert [f.rule for f in findings] == ["doc.no_text"]
    assert "скан" not in findings[0].message


def test_unreadable_document(profile, vocab):
    site = Site(profile, vocab)
    url = doc_url("2.1", "goals")
    site.set_extraction(url, text="", chars=0, pages=None, error="файл зашифрован паролем")
    findings = run(site, profile, vocab)
    assert [(f.rule, f.severity, f.url) for f in findings] == [("doc.unreadable", "error", url)]
    assert "файл зашифрован паролем" in findings[0].message


def test_profile_ignore_and_regrade_from_arguments(profile, vocab):
    site = Site(profile, vocab)
    site.set_fetch(doc_url("1.4", "analysis"), verdict="dead", status=500, sha256=None)
    assert run(site, profile, vocab, ignore=["link"]) == []
    [f] = run(site, profile, vocab, severity={"link.dead": "warning"})
    assert f.severity == "warning"


# --- structure --------------------------------------------------------------------------------
def test_missing_direction(profile, vocab):
    site = Site(profile, vocab)
    site.absent_directions.add("2.3")
    findings = run(site, profile, vocab)
    # the stages of a missing direction are not reported one by one
    assert [(f.rule, f.direction, f.stage) for f in findings] == [("structure.direction_missing", "2.3", None)]
    f = findings[0]
    assert f.severity == "error"
    assert "2.3" in f.message and site.directions["2.3"] in f.message
    assert is_russian(f.message)


def test_missing_and_empty_stage(profile, vocab):
    site = Site(profile, vocab)
    site.absent_stages.add(("1.3", "goals"))
    site.stages["1.3"]["analysis"] = []
    findings = run(site, profile, vocab)
    assert [(f.rule, f.direction, f.stage) for f in findings] == [
        ("structure.stage_missing", "1.3", "analysis"), ("structure.stage_missing", "1.3", "goals")]
    by_stage = {f.stage: f for f in findings}
    missing, empty = by_stage["goals"], by_stage["analysis"]
    assert missing.message != empty.message
    assert "нет подраздела «Цели и задачи»" in missing.message
    assert "«Анализ результатов мониторинга»" in empty.message and "пуст" in empty.message
    assert all(f.severity == "error" and is_russian(f.message) for f in findings)
    assert empty.url == f"{page_of('1.3')}#analysis"
    assert missing.url == page_of("1.3")  # no subsection: the direction's page


@pytest.mark.parametrize("code", ["1.1", "1.2"])
def test_stages_not_required_for_first_two_directions(profile, vocab, code):
    site = Site(profile, vocab)
    for stage in list(site.stages[code]):
        site.absent_stages.add((code, stage))
    site.stages[code]["goals"] = []
    assert run(site, profile, vocab) == []


def test_stages_required_by_fioko_profile_none(vocab):
    fioko = load_profile("fioko-2022")
    site = Site(fioko, vocab)
    site.absent_stages.add(("1.3", "goals"))
    site.responsible_text = None  # fioko-2022 does not ask for the order
    assert run(site, fioko, vocab) == []


def test_section_not_found_gives_only_section_missing(profile, vocab):
    site = Site(profile, vocab)
    site.section_found = False
    findings = run(site, profile, vocab)
    assert [(f.rule, f.severity) for f in findings] == [("structure.section_missing", "error")]
    assert findings[0].direction is None
    assert findings[0].url == BASE + "/"
    assert is_russian(findings[0].message)


# --- the responsible order --------------------------------------------------------------------
def test_responsible_order_found_by_link_text(profile, vocab):
    site = Site(profile, vocab)
    site.responsible_text = "Приказ о назначении ответственного за мониторинг МУМ"
    assert run(site, profile, vocab) == []


def test_responsible_order_found_by_document_text(profile, vocab):
    site = Site(profile, vocab)
    site.responsible_text = "Приказ № 12 от 01.09.2023"
    site.set_extraction(RESPONSIBLE_URL, text="ПРИКАЗ. Назначить ответственным за мониторинг муниципальных "
                                              "управленческих механизмов Иванову И. И.", chars=90)
    assert run(site, profile, vocab) == []


def test_responsible_order_missing(profile, vocab):
    site = Site(profile, vocab)
    site.responsible_text = "Приказ № 12 от 01.09.2023"  # a document that says nothing about it
    findings = run(site, profile, vocab)
    assert [(f.rule, f.severity, f.direction) for f in findings] == [("structure.responsible_missing", "warning", None)]
    assert findings[0].url == SECTION
    assert is_russian(findings[0].message)


def test_responsible_order_missing_entirely(profile, vocab):
    site = Site(profile, vocab)
    site.responsible_text = None
    assert [f.rule for f in run(site, profile, vocab)] == ["structure.responsible_missing"]


def test_findings_sorted_by_direction_then_severity(profile, vocab):
    site = Site(profile, vocab)
    site.responsible_text = None
    site.absent_directions.add("2.4")
    site.set_extraction(doc_url("1.3", "goals"), text="", chars=0, is_scan=True)
    site.set_fetch(doc_url("1.3", "indicators"), verdict="dead", status=404, sha256=None)
    findings = run(site, profile, vocab)
    assert [(f.direction, f.rule) for f in findings] == [
        ("1.3", "link.dead"), ("1.3", "doc.no_text"), ("2.4", "structure.direction_missing"),
        (None, "structure.responsible_missing")]


def test_profile_rule_overrides(profile, vocab):
    import dataclasses

    site = Site(profile, vocab)
    site.set_fetch(doc_url("1.4", "analysis"), verdict="dead", status=404, sha256=None)
    regraded = dataclasses.replace(profile, rule_overrides={"link.dead": {"severity": "warning"}})
    assert [(f.rule, f.severity) for f in run(site, regraded, vocab)] == [("link.dead", "warning")]
    disabled = dataclasses.replace(profile, rule_overrides={"link.dead": {"enabled": False}})
    assert run(site, disabled, vocab) == []
    # an explicit argument wins over the profile
    assert run(site, regraded, vocab, severity={"link.dead": "info"})[0].severity == "info"
