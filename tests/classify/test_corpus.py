"""Precision and recall of placement findings on the two labelled corpora.

Every document is read by the real extractor and put, in turn, in its own tab, in every tab of
another direction (same stage) and in every other subsection of its direction; the placement rules
of rules/checks.yaml then run through the rule engine. A finding is right when the document really
is out of place in that respect and `expected` names a class it serves.

``fixtures/corpus/`` is the corpus the cues were first tuned on; ``fixtures/corpus3/`` was written
blind (by someone who had not read rules/ or mumcheck/) and is tuned on too; ``fixtures/corpus2/``
was written blind as well, is built at test time and is never tuned on: its figures say how
mumcheck does on documents written by others.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.structure.measure import corpus_entries, measure_corpus
from mumcheck.profile import load_profile

DIRECTIONS = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4")
# (corpus, kind) → the least (precision, recall). The tuning corpora (corpus: tuned on first; corpus3:
# written blind, tuned on since) keep their figures; the blind measuring corpus (corpus2) has floors
# against regressions set just below today's figures (benchmarks/README.md): issue 12's targets
# there (direction ≥ 0.95, stage ≥ 0.90 for both) are met for precision, not yet for recall.
MINIMUM = {("corpus", "direction"): (0.9, 0.9), ("corpus", "stage"): (0.9, 0.9), ("corpus", "all"): (0.9, 0.9),
           ("corpus3", "direction"): (0.95, 0.95), ("corpus3", "stage"): (0.93, 0.5), ("corpus3", "all"): (0.95, 0.75),
           ("corpus2", "direction"): (0.95, 0.88), ("corpus2", "stage"): (0.88, 0.62),
           ("corpus2", "all"): (0.93, 0.78)}


@pytest.fixture(scope="module", params=["corpus", "corpus3", "corpus2"])
def measured(request, tmp_path_factory, pytestconfig):
    folder = tmp_path_factory.mktemp(request.param)
    entries = corpus_entries(request.param, folder)
    figures = measure_corpus(entries)
    (folder / "placement-figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = " · ".join(f"{kind}: precision {figures[kind]['precision']}, recall {figures[kind]['recall']}"
                         for kind in ("direction", "stage", "all"))
    terminal = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if terminal is not None and capture is not None:  # shown even when output is captured
        with capture.global_and_fixture_disabled():
            terminal.write_line(f"\n[{request.param}] {figures['documents']} documents — {summary}")
    return request.param, entries, figures


def test_corpus_is_large_and_covers_every_direction_and_stage(measured):
    _, entries, figures = measured
    assert len(entries) >= 80 and not figures["unreadable"]
    covered = {(d, s) for e in entries for d in e["directions"] for s in e["stages"]}
    stages = [stage.id for stage in load_profile("perm-2023").stages]
    assert covered >= {(d, s) for d in DIRECTIONS for s in stages}
    assert any(len(e["directions"]) > 1 for e in entries) or any(len(e["stages"]) > 1 for e in entries)


@pytest.mark.parametrize("kind", ["direction", "stage", "all"])
def test_precision_and_recall(measured, kind):
    corpus, _, figures = measured
    precision, recall = MINIMUM[(corpus, kind)]
    assert figures[kind]["precision"] >= precision, (figures[kind], figures["mistakes"][:20])
    assert figures[kind]["recall"] >= recall, (figures[kind], figures["mistakes"][:20])
