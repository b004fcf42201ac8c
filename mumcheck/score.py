"""Score stage: an estimate of the points an expert can give from what the site shows.

ФИОКО's method in nine steps: (1) primary points per evaluation position; (2) their sum per cycle
component of each direction; (3) each component's % of its maximum; (4) the direction's result, the
sum of its components; (5) its % of the direction's maximum; (6) the sums of the two blocks (1.1–1.4
and 2.1–2.4); (7) their % of the blocks' maxima; (8) the total, the sum of the blocks; (9) the
municipality's index, the total's % of the maximum, mapped to a zone by the profile's thresholds.

The profile has no finer positions than «direction × stage», so each stage of the profile is one
position worth an even share of the direction's maximum (the sources give no finer split and the
profile marks it unverified). A position earns its points when its stage holds at least one
document that counts: it opens (not an error, not an HTML page), it reads (a scan counts — an expert
reads it with their eyes; it only draws a warning), and no placement finding says it belongs
elsewhere.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from mumcheck.model import (BlockScore, CrawlResult, DirectionNode, DirectionScore, Extraction, Fetch, Finding, Score,
                            SiteStructure, StageNode, StageScore)
from mumcheck.profile import Profile

BLOCK_TITLES = {
    "1": "Механизмы управления качеством образовательных результатов",
    "2": "Механизмы управления качеством образовательной деятельности",
}
PLACEMENT_PREFIX = "placement."


def block_of(direction: str) -> str:
    """The block a direction belongs to: «1» for 1.1–1.4, «2» for 2.1–2.4."""
    return direction.split(".", 1)[0]


def misplaced_urls(findings: Iterable[Finding]) -> set[str]:
    """URLs of documents that a placement finding says belong to another direction or stage."""
    return {f.url for f in findings if f.rule.startswith(PLACEMENT_PREFIX) and f.url}


def counts(url: str, fetches: Mapping[str, Fetch], extractions: Mapping[str, Extraction], misplaced: set[str]) -> bool:
    """Whether a document standing in a stage earns that stage's points."""
    fetch = fetches.get(url)
    if fetch is None or not fetch.ok or fetch.is_html or url in misplaced:
        return False
    extraction = extractions.get(fetch.sha256 or "")
    return extraction is None or extraction.readable  # not read at all (--no-extract): trust that it opened


def estimate(structure: SiteStructure, crawl: CrawlResult, extractions: Mapping[str, Extraction],
             profile: Profile, findings: Iterable[Finding] = ()) -> Score:
    fetches = {f.url: f for f in crawl.fetches}
    misplaced = misplaced_urls(findings)
    nodes = {node.code: node for node in structure.directions}
    earned: dict[str, float] = {}  # unrounded: rounding each stage first would drift (5 × 4.17 ≠ 25·5/6)
    directions: dict[str, DirectionScore] = {}
    for code, maximum in profile.direction_points.items():
        if not maximum:
            continue
        earned[code], directions[code] = _direction(nodes.get(code), maximum, profile, fetches, extractions, misplaced)
    blocks = _blocks(earned, profile)
    total = sum(earned.values())
    maximum = profile.total_points or sum(b.max for b in blocks.values())
    percent = _percent(total, maximum)
    return Score(total=round(total, 1), max=maximum, percent=percent, zone=profile.zone_of(percent),
                 directions=directions, provisional=not (profile.verified and profile.zones_verified), blocks=blocks)


def _direction(node: DirectionNode | None, maximum: float, profile: Profile, fetches, extractions,
               misplaced: set[str]) -> tuple[float, DirectionScore]:
    stage_ids = [s.id for s in profile.stages] or [s.stage for s in (node.stages if node else ())]
    share = maximum / len(stage_ids) if stage_ids else 0.0
    shown = {s.stage: s for s in node.stages} if node is not None and node.present else {}
    stages: dict[str, StageScore] = {}
    total = 0.0
    for stage_id in stage_ids:
        evidence = _evidence(shown.get(stage_id), fetches, extractions, misplaced)
        points = share if evidence else 0.0
        total += points
        stages[stage_id] = StageScore(total=round(points, 2), max=round(share, 2),
                                      percent=100.0 if evidence else 0.0, evidence=evidence)
    return total, DirectionScore(total=round(total, 1), max=maximum, percent=_percent(total, maximum), stages=stages)


def _evidence(stage: StageNode | None, fetches, extractions, misplaced: set[str]) -> tuple[str, ...]:
    if stage is None or not stage.present:
        return ()
    urls = dict.fromkeys(doc.link.url for doc in stage.documents)
    return tuple(url for url in urls if counts(url, fetches, extractions, misplaced))


def _blocks(earned: Mapping[str, float], profile: Profile) -> dict[str, BlockScore]:
    members: dict[str, list[str]] = {}
    for code in earned:
        members.setdefault(block_of(code), []).append(code)
    blocks = {}
    for block, codes in sorted(members.items()):
        total = sum(earned[c] for c in codes)
        maximum = profile.block_points.get(block) or sum(profile.direction_points[c] for c in codes)
        blocks[block] = BlockScore(title=BLOCK_TITLES.get(block, f"Блок {block}"), total=round(total, 1), max=maximum,
                                   percent=_percent(total, maximum), directions=tuple(codes))
    return blocks


def _percent(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0
