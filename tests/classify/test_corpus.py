"""Precision and recall of placement findings on the labelled corpus (fixtures/corpus/).

Every document is read by the real extractor and put, in turn, in its own tab, in every tab of
another direction (same stage) and in every other subsection of its direction (same stage id);
the placement rules of rules/checks.yaml then run through the rule engine. A finding is right
when the document really is out of place in that respect and `expected` names a class it serves.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from mumcheck.classify.content import load_cues
from mumcheck.extract import extract_file
from mumcheck.model import DocumentRef, Fetch, LinkRef
from mumcheck.profile import load_profile
from mumcheck.rules.engine import evaluate, load_rules
from mumcheck.rules.placement import document_placement_facts
from mumcheck.vocab import load_vocabulary

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
DIRECTIONS = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4")
MINIMUM = 0.9


def _entries() -> list[dict]:
    return yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))["documents"]


def _findings(entry, extraction, direction, stage, profile, vocab, book, rules):
    url = f"http://127.0.0.1/{entry['file']}"
    ref = DocumentRef(link=LinkRef(url=url, text=entry["link"], page="http://127.0.0.1/"), direction=direction, stage=stage)
    fetch = Fetch(url=url, verdict="ok", status=200, sha256=extraction.sha256)
    facts = document_placement_facts(ref, fetch, extraction, profile, vocab, book)
    return evaluate(rules, {"placement": facts})


@pytest.fixture(scope="module")
def measured(tmp_path_factory, pytestconfig):
    profile, vocab, book = load_profile("perm-2023"), load_vocabulary(), load_cues()
    rules = tuple(rule for rule in load_rules() if rule.id.startswith("placement."))
    stages = [stage.id for stage in profile.stages]
    counts: Counter = Counter()
    mistakes: list[str] = []
    for entry in _entries():
        path = CORPUS / entry["file"]
        extraction = extract_file(str(path), hashlib.sha256(path.read_bytes()).hexdigest(), path.name)
        assert extraction.readable and extraction.chars > 200, entry
        places = [(entry["direction"], entry["stage"])]
        places += [(d, entry["stage"]) for d in DIRECTIONS if d not in entry["directions"]]
        places += [(entry["direction"], s) for s in stages if s not in entry["stages"]]
        for direction, stage in places:
            wrong = {"direction": direction not in entry["directions"], "stage": stage not in entry["stages"]}
            accepted = {"direction": entry["directions"], "stage": entry["stages"]}
            for kind in ("direction", "stage"):
                counts[f"{kind}.positives"] += wrong[kind]
            for finding in _findings(entry, extraction, direction, stage, profile, vocab, book, rules):
                kind = finding.rule.split("_")[-1]  # placement.wrong_direction → direction
                right = wrong[kind] and finding.expected[kind] in accepted[kind]
                counts[f"{kind}.{'tp' if right else 'fp'}"] += 1
                if not right:
                    mistakes.append(f"{entry['file']} в {direction}/{stage}: {finding.rule} → {finding.expected} ({finding.evidence})")
    figures = {"documents": len(_entries())}
    for kind in ("direction", "stage", "all"):
        kinds = ("direction", "stage") if kind == "all" else (kind,)
        tp = sum(counts[f"{k}.tp"] for k in kinds)
        fp = sum(counts[f"{k}.fp"] for k in kinds)
        positives = sum(counts[f"{k}.positives"] for k in kinds)
        figures[kind] = {"precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
                         "recall": round(tp / positives, 3) if positives else 0.0,
                         "findings": tp + fp, "misplacements": positives}
    report = json.dumps(figures, ensure_ascii=False, indent=1)
    out = tmp_path_factory.mktemp("corpus") / "placement-figures.json"
    out.write_text(report, encoding="utf-8")
    summary = " · ".join(f"{kind}: precision {figures[kind]['precision']}, recall {figures[kind]['recall']}"
                         for kind in ("direction", "stage", "all"))
    print(f"\nplacement on the corpus ({out}):\n{report}")
    for line in mistakes[:20]:
        print("  ошибка:", line)
    terminal = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if terminal is not None and capture is not None:  # shown even when output is captured
        with capture.global_and_fixture_disabled():
            terminal.write_line(f"\n[corpus] {figures['documents']} documents — {summary} (figures: {out})")
    return figures


def test_corpus_is_large_and_covers_every_direction_and_stage():
    entries = _entries()
    assert len(entries) >= 60
    covered = {(d, s) for e in entries for d in e["directions"] for s in e["stages"]}
    stages = [stage.id for stage in load_profile("perm-2023").stages]
    assert covered >= {(d, s) for d in DIRECTIONS for s in stages}
    assert any(len(e["directions"]) > 1 for e in entries) and any(len(e["stages"]) > 1 for e in entries)


@pytest.mark.parametrize("kind", ["direction", "stage", "all"])
def test_precision_and_recall_at_least_0_9(measured, kind):
    assert measured[kind]["precision"] >= MINIMUM, measured
    assert measured[kind]["recall"] >= MINIMUM, measured
