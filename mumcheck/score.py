"""Score stage: an estimate of the points an expert can give from what the site shows.

Following ФИОКО's method (components → direction → block → total → index → zone): each direction's
maximum is split evenly over the profile's cycle stages (the sources give no finer split, so the
profile marks it unverified), and a stage earns its share when it holds at least one document
that opens and is not corrupt. A scan counts: an expert reads it with their eyes; it only draws
a warning because it cannot be searched.
"""

from __future__ import annotations

from typing import Mapping

from mumcheck.model import CrawlResult, DirectionScore, Extraction, Score, SiteStructure, StageNode, StageScore
from mumcheck.profile import Profile


def _has_evidence(stage: StageNode, fetches, extractions: Mapping[str, Extraction]) -> bool:
    for doc in stage.documents:
        fetch = fetches.get(doc.link.url)
        if fetch is None or not fetch.ok or fetch.is_html:
            continue
        extraction = extractions.get(fetch.sha256 or "")
        if extraction is None or extraction.readable:
            return True
    return False


def estimate(structure: SiteStructure, crawl: CrawlResult, extractions: Mapping[str, Extraction],
             profile: Profile) -> Score:
    fetches = {f.url: f for f in crawl.fetches}
    directions: dict[str, DirectionScore] = {}
    earned_total = 0.0  # sums of unrounded shares: rounding each stage first would drift (5 × 4.17 ≠ 25·5/6)
    for node in structure.directions:
        maximum = profile.direction_points.get(node.code, 0.0)
        if not maximum:
            continue
        share = maximum / len(node.stages) if node.stages else 0.0
        earned = {stage.stage: share if node.present and _has_evidence(stage, fetches, extractions) else 0.0
                  for stage in node.stages}
        stages = {stage_id: StageScore(total=round(points, 2), max=round(share, 2))
                  for stage_id, points in earned.items()}
        total = sum(earned.values())
        earned_total += total
        directions[node.code] = DirectionScore(total=round(total, 1), max=maximum,
                                               percent=_percent(total, maximum), stages=stages)
    total = earned_total
    maximum = profile.total_points or sum(d.max for d in directions.values())
    percent = _percent(total, maximum)
    return Score(total=round(total, 1), max=maximum, percent=percent, zone=profile.zone_of(percent),
                 directions=directions, provisional=not (profile.verified and profile.zones_verified))


def _percent(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0
