"""Coverage: which ФИОКО positions of a profile have evidence among the documents of the right tab.

``coverage(structure, extractions, profile, crawl=None)`` → plain dict (see :func:`coverage`).
A profile that lists no positions (``positions:`` in its YAML) gets one position per direction and
subsection, worth an even share of the direction's points (unverified: the sources give no split).
"""

from __future__ import annotations

from typing import Any, Mapping

from mumcheck.classify.content import stems_of
from mumcheck.model import CrawlResult, DocumentRef, Extraction, SiteStructure
from mumcheck.profile import Position, Profile

COVERED, MISSING, UNVERIFIABLE = "covered", "missing", "unverifiable"


def positions_of(profile: Profile) -> tuple[Position, ...]:
    """The profile's positions, or one per direction × subsection when it lists none."""
    if profile.positions:
        return profile.positions
    out = []
    for code, maximum in profile.direction_points.items():
        for stage in profile.stages:
            points = profile.stage_points.get(code, {}).get(stage.id, maximum / len(profile.stages))
            out.append(Position(id=f"{code}-{stage.id}", direction=code, stage=stage.id,
                                title=f"{stage.title} ({code})", points=round(points, 2)))
    return tuple(out)


def coverage(structure: SiteStructure, extractions: Mapping[str, Extraction], profile: Profile,
             crawl: CrawlResult | None = None) -> dict[str, Any]:
    """Positions with evidence in their tab.

    ``extractions`` are keyed by sha256 (as the pipeline keeps them; pass ``crawl`` to map links to
    them) or by document URL. Returns::

        {"profile": id, "verified": bool,
         "positions": [{"id", "direction", "stage", "title", "points", "verified",
                        "state": "covered" | "missing" | "unverifiable",  # unverifiable: only scans or
                        "covered": bool,                                  # unreadable files in the tab
                        "documents": [url, …],   # documents of the tab that show it
                        "evidence": phrase or None}],
         "directions": {code: {"positions", "covered", "points", "max"}},
         "total": {"positions", "covered", "points", "max"}}

    ``points`` sum the covered positions with a known number; ``max`` all positions with one.
    """
    texts = _texts(structure, extractions, crawl)
    rows = [_position_row(position, _tab(structure, position), texts) for position in positions_of(profile)]
    directions: dict[str, dict[str, Any]] = {}
    for row in rows:
        _add(directions.setdefault(row["direction"], _empty()), row)
    total = _empty()
    for row in rows:
        _add(total, row)
    return {"profile": profile.id, "verified": profile.verified, "positions": rows,
            "directions": directions, "total": total}


def _tab(structure: SiteStructure, position: Position) -> tuple[DocumentRef, ...]:
    node = structure.direction(position.direction)
    if node is None or not node.present:
        return ()
    return next((stage.documents for stage in node.stages if stage.stage == position.stage), ())


def _texts(structure, extractions, crawl) -> dict[str, str | None]:
    """URL → document text; None for a document that opened but has no readable text."""
    fetches = {f.url: f for f in crawl.fetches} if crawl else {}
    texts: dict[str, str | None] = {}
    for ref in structure.all_documents():
        url = ref.link.url
        if crawl is not None:
            fetch = fetches.get(url)
            if fetch is None or not fetch.ok or fetch.is_html:
                continue
            extraction = extractions.get(fetch.sha256 or "")
        else:
            extraction = extractions.get(url)
        if extraction is None:
            continue
        readable = extraction.readable and not extraction.is_scan and extraction.text
        texts[url] = extraction.text if readable else None
    return texts


def _position_row(position: Position, documents: tuple[DocumentRef, ...], texts: dict[str, str | None]) -> dict:
    showing, evidence, opened = [], None, False
    wanted = [tuple(stems_of(phrase)) for phrase in position.evidence]
    for ref in documents:
        if ref.link.url not in texts:
            continue  # did not open
        opened = True
        text = texts[ref.link.url]
        if text is None:
            continue
        if not wanted:
            showing.append(ref.link.url)
            continue
        words = stems_of(f"{ref.link.text} {text}")
        for phrase, stems in zip(position.evidence, wanted):
            if stems and _contains(words, stems):
                showing.append(ref.link.url)
                evidence = evidence or phrase
                break
    state = COVERED if showing else (UNVERIFIABLE if opened and not any(texts[r.link.url] for r in documents
                                                                         if r.link.url in texts) else MISSING)
    return {"id": position.id, "direction": position.direction, "stage": position.stage, "title": position.title,
            "points": position.points, "verified": position.verified, "state": state, "covered": bool(showing),
            "documents": showing, "evidence": evidence}


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i:i + n]) == phrase for i in range(len(words) - n + 1) if words[i] == phrase[0])


def _empty() -> dict[str, Any]:
    return {"positions": 0, "covered": 0, "points": 0.0, "max": 0.0}


def _add(summary: dict[str, Any], row: dict) -> None:
    summary["positions"] += 1
    summary["covered"] += row["covered"]
    if row["points"] is not None:
        summary["max"] = round(summary["max"] + row["points"], 2)
        if row["covered"]:
            summary["points"] = round(summary["points"] + row["points"], 2)
