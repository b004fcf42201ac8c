"""Placement facts: does a document's content belong to the tab it stands in?

For every readable document that stands under a direction and a stage, two subjects are made
(``kind: direction`` and ``kind: stage``), each with the score of the class of its tab
(``score_here``), the best class by content (``best``, ``best_score``) and their ratio. The
conditions in ``rules/checks.yaml`` decide what a «clear margin» is. A document that serves several
classes (a приказ approving both goals and indicators) scores high in each, so the ratio against
its tab stays small and it is not reported.
"""

from __future__ import annotations

from typing import Any, Mapping

from mumcheck.classify.content import ContentClass, CueBook, classify_document
from mumcheck.model import DocumentRef, Extraction, Fetch
from mumcheck.profile import Profile
from mumcheck.urls import display
from mumcheck.vocab import Vocabulary

EVIDENCE_PHRASES = 3
_RATIO_CAP = 99.0  # ratio when the tab's class scores nothing at all


def document_placement_facts(ref: DocumentRef, fetch: Fetch, extraction: Extraction, profile: Profile,
                             vocab: Vocabulary, book: CueBook) -> list[dict[str, Any]]:
    """The two placement subjects of one document (none when it is not under a direction and a stage)."""
    if not (ref.direction and ref.stage) or not extraction.readable or extraction.is_scan or not extraction.text:
        return []
    content = classify_document(extraction.text, book, title=extraction.title, link_text=ref.link.text)
    base = {"text": ref.link.text or display(ref.link.url), "url": ref.link.url, "page": ref.link.page,
            "direction": ref.direction, "stage": ref.stage, "stages": ref.stages or (ref.stage,),
            "direction_title": _direction_title(vocab, ref.direction),
            "stage_title": _stage_title(profile, ref.stage)}
    return [_direction_facts(base, content, vocab), _stage_facts(base, content, profile)]


def _direction_facts(base: dict, content: ContentClass, vocab: Vocabulary) -> dict[str, Any]:
    scores = content.directions
    best = content.best_direction()
    facts = _compare(base, "direction", scores, base["direction"], best, content.evidence, "direction")
    facts["best_title"] = _direction_title(vocab, best) if best else None
    facts["expected"] = {"direction": best} if best else None
    return facts


def _stage_facts(base: dict, content: ContentClass, profile: Profile) -> dict[str, Any]:
    covers = {stage.id: stage.covers for stage in profile.stages}
    scores = content.stage_scores(covers)
    best = max(scores, key=lambda key: scores[key]) if scores and max(scores.values()) > 0 else None
    here = max(base["stages"], key=lambda stage: scores.get(stage, 0.0))  # a shared label: its best stage
    facts = _compare(base, "stage", scores, here, best if best not in base["stages"] else here,
                     content.evidence, "stage")
    facts["stage"] = base["stage"]
    if best:
        component = max(covers[best], key=lambda comp: content.components.get(comp, 0.0))
        facts["evidence"] = _evidence(content.evidence.get(f"stage:{component}", ()))
    facts["best_title"] = _stage_title(profile, best) if best else None
    facts["expected"] = {"stage": best} if best else None
    return facts


def _compare(base: dict, kind: str, scores: Mapping[str, float], here: str, best: str | None,
             evidence: Mapping[str, tuple[str, ...]], prefix: str) -> dict[str, Any]:
    score_here = scores.get(here, 0.0)
    best_score = scores.get(best, 0.0) if best else 0.0
    ratio = _RATIO_CAP if best_score and not score_here else (round(best_score / score_here, 2) if score_here else 0.0)
    total = sum(scores.values())
    return {
        **base, "kind": kind, "best": best, "best_score": best_score, "score_here": score_here,
        "ratio": min(ratio, _RATIO_CAP), "differs": best is not None and best != here,
        "confidence": round(best_score / total, 2) if total else 0.0,
        "evidence": _evidence(evidence.get(f"{prefix}:{best}", ())) if best else None,
    }


def _evidence(phrases: tuple[str, ...]) -> str | None:
    return ", ".join(f"«{p}»" for p in phrases[:EVIDENCE_PHRASES]) or None


def _direction_title(vocab: Vocabulary, code: str | None) -> str:
    try:
        return vocab.direction(code).title if code else ""
    except KeyError:
        return ""


def _stage_title(profile: Profile, stage: str | None) -> str:
    try:
        return profile.stage(stage).title if stage else ""
    except KeyError:
        return ""
