"""Classify stage: which direction and which cycle stage each page part and link serves.

What a link hangs under decides (sites copy blocks and keep their numbers, so numbering is not
trusted): the outermost label that names a direction gives the direction, and the innermost label
after it that names a cycle component gives the stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mumcheck.model import CrawlResult, DirectionNode, DocumentRef, LinkRef, Page, SiteStructure, StageNode
from mumcheck.profile import Profile
from mumcheck.vocab import Vocabulary


@dataclass(frozen=True)
class Placement:
    direction: str | None
    stage: str | None
    direction_index: int | None = None  # index in the label chain of the label naming the direction
    stage_index: int | None = None


def place_labels(labels: tuple[str, ...], vocab: Vocabulary, profile: Profile) -> Placement:
    direction, d_index = None, None
    for index, label in enumerate(labels):
        code = vocab.direction_of(label)
        if code:
            direction, d_index = code, index
            break
    if direction is None:
        return Placement(None, None)
    for index in range(len(labels) - 1, d_index, -1):
        stage = stage_of_heading(labels[index], vocab, profile)
        if stage:
            return Placement(direction, stage, d_index, index)
    return Placement(direction, None, d_index, None)


def stage_of_heading(text: str, vocab: Vocabulary, profile: Profile) -> str | None:
    """The profile's subsection a heading names: the one that covers most of the components the
    heading mentions; on a tie, the one mentioned first («Адресные рекомендации по результатам
    анализа» is recommendations, not analysis)."""
    components = vocab.components_of(text)
    if not components:
        return None
    best, best_key = None, None
    for stage in profile.stages:
        covered = [pos for comp, pos in components if comp in stage.covers]
        if not covered:
            continue
        key = (len(covered), -min(covered))
        if best_key is None or key > best_key:
            best, best_key = stage.id, key
    return best


def classify(crawl: CrawlResult, vocab: Vocabulary, profile: Profile) -> SiteStructure:
    page_urls = {page.url for page in crawl.pages}
    direction_urls: dict[str, tuple[int, str]] = {}
    direction_headings: dict[str, str] = {}
    stage_places: dict[tuple[str, str], tuple[int, str, str]] = {}
    documents: dict[tuple[str, str], dict[str, DocumentRef]] = defaultdict(dict)
    unplaced: dict[str, DocumentRef] = {}
    cycles: dict[str, set[str]] = defaultdict(set)

    for page in crawl.pages:
        for block in page.blocks:
            labels = page.trail + block.labels
            anchors = (None,) * len(page.trail) + (block.anchors or (None,) * len(block.labels))
            placement = place_labels(labels, vocab, profile)
            if placement.direction:
                _remember_direction(direction_urls, direction_headings, placement, page, labels, anchors)
                cycles[placement.direction] |= _cycles_named(labels[placement.direction_index + 1:], vocab)
            if placement.direction and placement.stage:
                key = (placement.direction, placement.stage)
                url = _with_anchor(page.url, anchors[placement.stage_index])
                rank = (page.depth, url, labels[placement.stage_index])
                if key not in stage_places or rank < stage_places[key]:
                    stage_places[key] = rank
            for link in block.links:
                if link.url in page_urls:
                    continue  # a page of the section, walked on its own
                ref = DocumentRef(link=link, direction=placement.direction, stage=placement.stage)
                if placement.direction and placement.stage:
                    documents[(placement.direction, placement.stage)].setdefault(link.url, ref)
                else:
                    unplaced.setdefault(link.url, ref)

    placed_urls = {url for refs in documents.values() for url in refs}
    directions = []
    for direction in vocab.directions:
        code = direction.code
        stages = []
        for stage in profile.stages:
            place = stage_places.get((code, stage.id))
            stages.append(StageNode(
                stage=stage.id, present=place is not None,
                url=place[1] if place else None, heading=place[2] if place else None,
                documents=tuple(documents.get((code, stage.id), {}).values()),
            ))
        directions.append(DirectionNode(
            code=code, title=direction.title, present=code in direction_urls,
            url=direction_urls.get(code, (0, None))[1], heading=direction_headings.get(code),
            stages=tuple(stages), cycles=tuple(sorted(cycles.get(code, ()))),
        ))
    return SiteStructure(
        section_found=crawl.section_found, section_url=crawl.section_url, directions=tuple(directions),
        unplaced=tuple(ref for url, ref in unplaced.items() if url not in placed_urls),
    )


def _cycles_named(labels: tuple[str, ...], vocab: Vocabulary) -> set[str]:
    """«Трек 2. … (Неполный цикл)»: the cycles announced by the labels under a direction."""
    return {cycle.id for cycle in map(vocab.cycle_of, labels) if cycle is not None}


def _remember_direction(urls, headings, placement: Placement, page: Page, labels, anchors) -> None:
    index = placement.direction_index
    in_trail = index < len(page.trail)
    # A direction named by the link that led to this page lives on this page; one named inside
    # the page (a tab) lives at the tab's anchor.
    url = page.url if in_trail else _with_anchor(page.url, anchors[index])
    depth = page.depth
    if in_trail and index != len(page.trail) - 1:
        depth += 100  # named further up the trail: the direction's own page is an ancestor
    code = placement.direction
    if code not in urls or (depth, url) < urls[code]:
        urls[code] = (depth, url)
        headings[code] = labels[index]


def _with_anchor(url: str, anchor: str | None) -> str:
    return f"{url}#{anchor}" if anchor else url


def placement_of(structure: SiteStructure, link: LinkRef) -> tuple[str | None, str | None]:
    """Direction and stage under which a link stands on the site."""
    for direction in structure.directions:
        for stage in direction.stages:
            for doc in stage.documents:
                if doc.link.url == link.url:
                    return direction.code, stage.stage
    for doc in structure.unplaced:
        if doc.link.url == link.url:
            return doc.direction, doc.stage
    return None, None
