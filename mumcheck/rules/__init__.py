"""Rules stage: turn what the site shows into facts per subject and run the rule files over them.

``check(structure, crawl, extractions, profile)`` → list of :class:`~mumcheck.model.Finding`.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from mumcheck.crawl.cloud import cloud_link
from mumcheck.model import CrawlResult, DocumentRef, Extraction, Fetch, Finding, SiteStructure
from mumcheck.profile import Profile
from mumcheck.ruledata import load_yaml
from mumcheck.rules.engine import RuleDef, evaluate, load_rules
from mumcheck.urls import display
from mumcheck.vocab import Vocabulary

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

__all__ = ["check", "build_facts", "load_rules", "RuleDef", "SEVERITY_ORDER"]


def check(structure: SiteStructure, crawl: CrawlResult, extractions: Mapping[str, Extraction],
          profile: Profile, vocab: Vocabulary, ignore: Iterable[str] = (),
          severity: Mapping[str, str] | None = None, rules_directory: str | None = None) -> list[Finding]:
    rules = load_rules(rules_directory)
    overrides = {rid: o["severity"] for rid, o in profile.rule_overrides.items() if "severity" in o}
    overrides.update(severity or {})
    silenced = set(ignore) | {rid for rid, o in profile.rule_overrides.items() if o.get("enabled") is False}
    subjects = build_facts(structure, crawl, extractions, profile, vocab, rules_directory)
    findings = evaluate(rules, subjects, ignore=silenced, severity=overrides)
    return sorted(findings, key=_finding_order)


def _finding_order(f: Finding) -> tuple:
    return (f.direction or "9", SEVERITY_ORDER.get(f.severity, 3), f.stage or "", f.rule, f.url or "", f.page or "")


def build_facts(structure: SiteStructure, crawl: CrawlResult, extractions: Mapping[str, Extraction],
                profile: Profile, vocab: Vocabulary, rules_directory: str | None = None) -> dict[str, list[dict]]:
    fetches = {f.url: f for f in crawl.fetches}
    documents = _unique_links(structure.all_documents())
    return {
        "site": [_site_facts(structure, crawl, extractions, fetches, documents, profile, rules_directory)],
        "direction": [_direction_facts(d, structure, profile, vocab) for d in structure.directions],
        "stage": [facts for d in structure.directions for facts in _stage_facts(d, profile, vocab)],
        "link": [_link_facts(ref, fetches[ref.link.url], vocab) for ref in documents if ref.link.url in fetches],
        "document": [
            _document_facts(ref, fetches[ref.link.url], extractions[fetches[ref.link.url].sha256], vocab)
            for ref in documents
            if ref.link.url in fetches and fetches[ref.link.url].ok and fetches[ref.link.url].sha256 in extractions
            and not fetches[ref.link.url].is_html
        ],
        "placement": _placement_facts(documents, fetches, extractions, profile, vocab, rules_directory),
    }


def _placement_facts(documents, fetches, extractions, profile, vocab, rules_directory) -> list[dict]:
    from mumcheck.classify.content import load_cues
    from mumcheck.rules.placement import document_placement_facts

    book = load_cues(rules_directory)
    facts: list[dict] = []
    for ref in documents:
        fetch = fetches.get(ref.link.url)
        if fetch is None or not fetch.ok or fetch.is_html or fetch.sha256 not in extractions:
            continue
        facts += document_placement_facts(ref, fetch, extractions[fetch.sha256], profile, vocab, book)
    return facts


def _unique_links(refs: Iterable[DocumentRef]) -> list[DocumentRef]:
    seen: set[str] = set()
    unique = []
    for ref in refs:
        if ref.link.url not in seen:
            seen.add(ref.link.url)
            unique.append(ref)
    return unique


def _site_facts(structure, crawl, extractions, fetches, documents, profile, rules_directory) -> dict[str, Any]:
    return {
        "start_url": crawl.start_url, "section_url": structure.section_url,
        "section_found": structure.section_found, "section_required": profile.requires_section,
        "directions_found": sum(1 for d in structure.directions if d.present),
        "section_documents": len(documents),
        "responsible_found": _responsible_found(documents, fetches, extractions, rules_directory),
        "responsible_required": profile.requires_responsible,
        "url": structure.section_url or crawl.start_url, "page": None,
    }


def _responsible_found(documents, fetches, extractions, rules_directory) -> bool:
    groups = [[re.compile(p) for p in group]
              for group in (load_yaml("section.yaml", rules_directory).get("responsible_order") or [])]

    def names_it(text: str) -> bool:
        text = " ".join(text.lower().replace("ё", "е").split())
        return any(all(p.search(text) for p in group) for group in groups)

    for ref in documents:
        if names_it(ref.link.text):
            return True
        fetch = fetches.get(ref.link.url)
        extraction = extractions.get(fetch.sha256) if fetch and fetch.sha256 else None
        if extraction and names_it(extraction.text[:1500]):
            return True
    return False


def _directions_read(structure) -> bool:
    return any(d.present for d in structure.directions)


def _direction_facts(direction, structure, profile, vocab) -> dict[str, Any]:
    required = set(_required_stages(direction, profile, vocab))
    unfound = [profile.stage(s.stage).title for s in direction.stages if s.stage in required and not s.documents]
    return {
        "direction": direction.code, "title": direction.title, "present": direction.present,
        "required": direction.code in profile.directions, "section_found": structure.section_found,
        "structure_read": _directions_read(structure),
        "document_count": sum(len(s.documents) for s in direction.stages)
        + sum(1 for ref in structure.unplaced if ref.direction == direction.code),
        "read": direction.read, "labels_read": direction.labels_read,
        "by_content": sum(1 for s in direction.stages for d in s.documents if d.evidence == "content"),
        "stages_unfound": "«" + "», «".join(unfound) + "»" if unfound else "",
        "stages_unfound_count": len(unfound),
        "url": direction.url, "page": structure.section_url,
    }


def _required_stages(direction, profile, vocab) -> tuple[str, ...]:
    """The profile's subsections for a direction; when its subsections announce only the
    «неполный цикл», just those covering that cycle's components (measures, decisions,
    effectiveness)."""
    required = profile.required_stages(direction.code)
    if not direction.cycles or "full" in direction.cycles:
        return required
    components = {c for cycle in vocab.cycles if cycle.id in direction.cycles for c in cycle.components}
    return tuple(s for s in required if set(profile.stage(s).covers) & components)


def _stage_facts(direction, profile, vocab) -> list[dict[str, Any]]:
    required = _required_stages(direction, profile, vocab)
    facts = []
    for stage in direction.stages:
        state = "missing" if not stage.present else ("empty" if not stage.documents else "ok")
        facts.append({
            "direction": direction.code, "direction_title": direction.title,
            "direction_present": direction.present, "direction_read": direction.read,
            "labels_read": direction.labels_read, "by_content": stage.by_content, "stage": stage.stage,
            "stage_title": profile.stage(stage.stage).title, "present": stage.present, "state": state,
            "required": stage.stage in required, "document_count": len(stage.documents),
            "url": stage.url or direction.url, "page": direction.url,
            "evidence": f"заголовок «{stage.heading}»" if stage.heading else None,
        })
    return facts


def _link_facts(ref: DocumentRef, fetch: Fetch, vocab: Vocabulary) -> dict[str, Any]:
    chain = " → ".join(display(u) for u in fetch.redirects + ((fetch.final_url,) if fetch.redirects else ()))
    evidence = fetch.error or (f"HTTP {fetch.status}" if fetch.status else None)
    if chain:
        evidence = f"{evidence}; перенаправления: {chain}" if evidence else f"перенаправления: {chain}"
    return {
        "text": ref.link.text or display(ref.link.url), "direction": ref.direction or vocab.direction_of(ref.link.text),
        "stage": ref.stage, "verdict": fetch.verdict, "status": fetch.status,
        "error": fetch.error or (f"HTTP {fetch.status}" if fetch.status else "нет ответа"),
        "final_url": fetch.final_url, "via": fetch.via, "is_html": fetch.is_html,
        "redirects": len(fetch.redirects), "url": ref.link.url, "page": ref.link.page, "evidence": evidence,
        **_cloud_facts(fetch),
    }


def _cloud_facts(fetch: Fetch) -> dict[str, Any]:
    cloud = cloud_link(fetch.final_url or fetch.url) or cloud_link(fetch.url)
    return {"cloud_service": cloud.service if cloud else "", "cloud_item": (cloud.item or "") if cloud else ""}


def _document_facts(ref: DocumentRef, fetch: Fetch, extraction: Extraction, vocab: Vocabulary) -> dict[str, Any]:
    supported = not extraction.meta.get("unsupported", False)
    evidence = None
    if extraction.is_scan or (supported and extraction.chars == 0):
        pages = f"{extraction.pages} стр., " if extraction.pages else ""
        evidence = f"{pages}{extraction.chars} символов текста"
    elif extraction.error:
        evidence = extraction.error
    return {
        "text": ref.link.text or display(ref.link.url), "direction": ref.direction or vocab.direction_of(ref.link.text),
        "stage": ref.stage, "kind": extraction.kind, "readable": extraction.readable, "supported": supported,
        "is_scan": extraction.is_scan, "chars": extraction.chars, "pages": extraction.pages,
        "error": extraction.error, "title": extraction.title, "size": fetch.size,
        "not_read": supported is False and not extraction.is_scan and not extraction.error,
        "not_read_reason": extraction.meta.get("note"), "doc_kind": extraction.meta.get("doc_kind"),
        "doc_date": extraction.meta.get("doc_date"), "doc_number": extraction.meta.get("doc_number"),
        "url": ref.link.url, "page": ref.link.page, "evidence": evidence,
    }
