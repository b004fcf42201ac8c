"""How well mumcheck reads sites and documents it was not tuned on.

- the layout zoo (``fixtures/zoo/``, written blind, built at run time): each complete site must have
  every document under its right direction and stage and no structure or placement finding; each
  broken twin's planted defects must be found;
- the labelled corpora: ``fixtures/corpus/`` (the one the cues were tuned on) and
  ``fixtures/corpus2/`` (written blind, never tuned on): precision and recall of the placement
  findings when every document is put in its own tab, in every other direction's tab and in every
  other stage of its direction.

Used by ``tests/e2e/test_zoo.py``, ``tests/classify/test_corpus.py`` and ``benchmarks/structure/run.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
ZOO = REPO / "fixtures" / "zoo"
CORPUS = REPO / "fixtures" / "corpus"
CORPUS2 = REPO / "fixtures" / "corpus2"
CORPUS3 = REPO / "fixtures" / "corpus3"  # a second tuning corpus, written blind too
DIRECTIONS = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4")


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses in the module look themselves up there
    if str(path.parent) not in sys.path:  # its own helper modules, in worker processes too
        sys.path.append(str(path.parent))
    spec.loader.exec_module(module)
    return module


def build_zoo(dest: Path) -> list[Path]:
    return list(_module(ZOO / "build.py", "mumcheck_zoo_build").build_zoo(dest))


def corpus_entries(which: str, dest: Path | None = None) -> list[dict[str, Any]]:
    """Entries with ``path``: the stored corpus, or the blind one built into ``dest``."""
    if which == "corpus":
        entries = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
        return [{**entry, "path": CORPUS / entry["file"]} for entry in entries]
    assert dest is not None
    folder = {"corpus2": CORPUS2, "corpus3": CORPUS3}[which]
    built = _module(folder / "build.py", f"mumcheck_{which}_build").build_corpus(dest)
    return [{**entry, "path": dest / entry["file"]} for entry in built]


# --- the corpora -------------------------------------------------------------------------------
def measure_corpus(entries: list[dict[str, Any]], profile_name: str = "perm-2023") -> dict[str, Any]:
    from mumcheck.classify.content import load_cues
    from mumcheck.extract import extract_file
    from mumcheck.model import DocumentRef, Fetch, LinkRef
    from mumcheck.profile import load_profile
    from mumcheck.rules.engine import evaluate, load_rules
    from mumcheck.rules.placement import document_placement_facts
    from mumcheck.vocab import load_vocabulary

    profile, vocab, book = load_profile(profile_name), load_vocabulary(), load_cues()
    rules = tuple(rule for rule in load_rules() if rule.id.startswith("placement."))
    stages = [stage.id for stage in profile.stages]
    counts: Counter = Counter()
    mistakes: list[str] = []
    unreadable = []
    for entry in entries:
        path = Path(entry["path"])
        extraction = extract_file(str(path), hashlib.sha256(path.read_bytes()).hexdigest(), path.name)
        if not (extraction.readable and extraction.chars > 200):
            unreadable.append(entry["file"])
            continue
        places = [(entry["direction"], entry["stage"])]
        places += [(d, entry["stage"]) for d in DIRECTIONS if d not in entry["directions"]]
        places += [(entry["direction"], s) for s in stages if s not in entry["stages"]]
        for direction, stage in places:
            wrong = {"direction": direction not in entry["directions"], "stage": stage not in entry["stages"]}
            accepted = {"direction": entry["directions"], "stage": entry["stages"]}
            for kind in ("direction", "stage"):
                counts[f"{kind}.positives"] += wrong[kind]
            url = f"http://127.0.0.1/{entry['file']}"
            ref = DocumentRef(link=LinkRef(url=url, text=entry.get("link", ""), page="http://127.0.0.1/"),
                              direction=direction, stage=stage)
            fetch = Fetch(url=url, verdict="ok", status=200, sha256=extraction.sha256)
            facts = document_placement_facts(ref, fetch, extraction, profile, vocab, book)
            for finding in evaluate(rules, {"placement": facts}):
                kind = finding.rule.split("_")[-1]  # placement.wrong_direction → direction
                right = wrong[kind] and (finding.expected or {}).get(kind) in accepted[kind]
                counts[f"{kind}.{'tp' if right else 'fp'}"] += 1
                if not right:
                    mistakes.append(f"{entry['file']} в {direction}/{stage}: {finding.rule} → {finding.expected} "
                                    f"({finding.evidence})")
    figures: dict[str, Any] = {"documents": len(entries), "unreadable": unreadable}
    for kind in ("direction", "stage", "all"):
        kinds = ("direction", "stage") if kind == "all" else (kind,)
        tp = sum(counts[f"{k}.tp"] for k in kinds)
        fp = sum(counts[f"{k}.fp"] for k in kinds)
        positives = sum(counts[f"{k}.positives"] for k in kinds)
        figures[kind] = {"precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
                         "recall": round(tp / positives, 3) if positives else 0.0,
                         "findings": tp + fp, "misplacements": positives}
    figures["mistakes"] = mistakes
    return figures


# --- the zoo -----------------------------------------------------------------------------------
STRUCTURE_RULES = ("structure.", "placement.")


@dataclass
class SiteOutcome:
    name: str
    complete: bool
    documents: int = 0
    placed_right: int = 0
    misplaced: list[str] = field(default_factory=list)
    false_findings: list[str] = field(default_factory=list)
    defects: int = 0
    defects_found: int = 0
    missed: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)  # planted, but no defect under the profile
    error: str | None = None


def perm_stage(stage: str, profile) -> str:
    """The profile's subsection that covers a cycle component («monitoring» → «indicators» in Perm's six)."""
    for candidate in profile.stages:
        if stage == candidate.id or stage in candidate.covers:
            return candidate.id
    return stage


def check_zoo_site(folder: Path, db_path: str) -> SiteOutcome:
    from mumcheck.pipeline import CheckOptions, check_site
    from mumcheck.profile import load_profile
    from mumcheck.siteserver import SiteServer, load_manifest
    from mumcheck.urls import resolve

    manifest = load_manifest(folder)
    outcome = SiteOutcome(name=folder.name, complete=bool(manifest.get("complete")))
    profile = load_profile("perm-2023")
    with SiteServer(folder) as server:
        base = server.base_url + "/"
        try:
            result = check_site(server.url(manifest.get("start") or "/"), CheckOptions(db_path=db_path))
        except Exception as exc:  # noqa: BLE001 — reported, not raised: one site must not hide the others
            outcome.error = f"{exc.__class__.__name__}: {exc}"
            return outcome
        report = result.report
    placed: dict[str, set[tuple[str, str]]] = {}
    for direction in report["directions"]:
        for stage in direction["stages"]:
            for doc in stage["documents"]:
                placed.setdefault(doc["url"], set()).add((direction["code"], stage["stage"]))
    findings = report["findings"]
    if outcome.complete:
        _judge_complete(outcome, manifest, placed, findings, base, profile, resolve)
    else:
        _judge_twin(outcome, manifest, findings, base, profile, resolve)
    return outcome


def _judge_complete(outcome: SiteOutcome, manifest, placed, findings, base, profile, resolve) -> None:
    for doc in manifest.get("documents") or []:
        if doc.get("direction") is None:
            continue  # the responsible order and other section-level documents
        url = resolve(base, doc["href"])
        stages = {perm_stage(s, profile) for s in (doc.get("stages") or [doc["stage"]])}
        truth = {(doc["direction"], s) for s in stages}
        outcome.documents += 1
        if placed.get(url, set()) & truth:
            outcome.placed_right += 1
        else:
            outcome.misplaced.append(f"{doc['href']}: ожидалось {sorted(truth)}, найдено {sorted(placed.get(url, set()))}")
    for finding in findings:
        if finding["rule"].startswith(STRUCTURE_RULES):
            outcome.false_findings.append(f"{finding['rule']} {finding.get('direction')}/{finding.get('stage')} "
                                          f"{finding.get('url')}: {finding['message'][:160]}")


def applies_to_profile(defect: dict, manifest: dict, profile) -> bool:
    """Whether a planted «stage missing» is a defect under the profile: the zoo requires every
    stage (nine components on nine-component sites) in every direction, the Perm checklist only
    its six subsections in 1.3–2.4, and a subsection is there while any component it covers is."""
    if defect["rule"] != "structure.stage_missing":
        return True
    direction, stage = defect.get("direction"), perm_stage(defect["stage"], profile)
    if stage not in profile.required_stages(direction):
        return False
    return not any(doc.get("direction") == direction and not doc.get("defect")
                   and stage in {perm_stage(s, profile) for s in (doc.get("stages") or [doc.get("stage")]) if s}
                   for doc in manifest.get("documents") or [])


def _judge_twin(outcome: SiteOutcome, manifest, findings, base, profile, resolve) -> None:
    for defect in manifest.get("expected_findings") or []:
        if not applies_to_profile(defect, manifest, profile):
            outcome.not_applicable.append(f"{defect['rule']} {defect.get('direction')}/{defect.get('stage')}")
            continue
        outcome.defects += 1
        url = resolve(base, defect["href"]) if defect.get("href") else None
        stage = perm_stage(defect["stage"], profile) if defect.get("stage") else None
        found = False
        for finding in findings:
            if finding["rule"] != defect["rule"]:
                continue
            if defect.get("direction") and finding.get("direction") != defect["direction"]:
                continue
            if url and finding.get("url") != url:
                continue
            if stage and defect["rule"] == "structure.stage_missing" and finding.get("stage") != stage:
                continue
            if defect.get("expected") and (finding.get("expected") or {}) != _perm_expected(defect["expected"], profile):
                continue
            found = True
            break
        if found:
            outcome.defects_found += 1
        else:
            outcome.missed.append(f"{defect['rule']} {defect.get('direction')}/{defect.get('stage')} {defect.get('href')}")


def _perm_expected(expected: dict, profile) -> dict:
    return {key: perm_stage(value, profile) if key == "stage" else value for key, value in expected.items()}


def summarize_zoo(outcomes: list[SiteOutcome]) -> dict[str, Any]:
    complete = [o for o in outcomes if o.complete]
    twins = [o for o in outcomes if not o.complete]
    documents = sum(o.documents for o in complete)
    right = sum(o.placed_right for o in complete)
    defects = sum(o.defects for o in twins)
    found = sum(o.defects_found for o in twins)
    return {
        "complete_sites": len(complete), "twins": len(twins),
        "documents": documents, "placed_right": right,
        "placed_share": round(right / documents, 4) if documents else 0.0,
        "false_findings": sum(len(o.false_findings) for o in complete),
        "defects": defects, "defects_found": found,
        "defects_share": round(found / defects, 4) if defects else 0.0,
        "not_applicable": [f"{o.name}: {line}" for o in twins for line in o.not_applicable],
        "errors": [f"{o.name}: {o.error}" for o in outcomes if o.error],
    }
