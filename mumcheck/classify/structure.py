"""Which direction and which cycle stage each page part and document link serves.

A document is placed from the evidence a person reading the site uses, strongest first:

1. where its page hangs in the site's menu (nested lists): nesting beats numbering, and a «Трек …»
   group that names no direction belongs to the direction just above it;
2. the link text that led to its page (the crawl trail), when the menu says nothing;
3. the labels around it on its page: headings, tabs, accordions, table group rows, list captions;
4. labels only the link has: an inline «Цель:», its table row's first cell, its column's header,
   a link text that starts with a stage's name («Цели и задачи: приказ …»);
5. its content (only when the labels name no stage or no direction, and only with a clear margin,
   as set in ``rules/stages.yaml`` ``content_placement``).

A number in a label («1.3.5. Анализ…») never names a direction when the label also names a stage:
sites copy blocks and keep their numbers. When the evidence disagrees, ``SiteStructure.notes``
says which was followed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from mumcheck.classify.content import ContentClass, CueBook, classify_document
from mumcheck.model import CrawlResult, DirectionNode, DocumentRef, Extraction, LinkRef, Page, SiteStructure, StageNode
from mumcheck.profile import Profile
from mumcheck.vocab import Vocabulary

_SEGMENTS = re.compile(r"[.;,/|]+\s*|\s+и\s+")
_PREFIX = re.compile(r"^(.{3,80}?)\s*(?::|\s[—–-]\s)")


@dataclass(frozen=True)
class Placement:
    direction: str | None
    stage: str | None
    direction_index: int | None = None  # index in the label chain of the label naming the direction
    stage_index: int | None = None
    stages: tuple[str, ...] = ()


def place_labels(labels: tuple[str, ...], vocab: Vocabulary, profile: Profile) -> Placement:
    """The outermost label naming a direction gives the direction; the innermost label after it
    that names a cycle component gives the stage."""
    direction, d_index = None, None
    for index, label in enumerate(labels):
        code = vocab.direction_of(label)
        if code:
            direction, d_index = code, index
            break
    if direction is None or d_index is None:
        return Placement(None, None)
    for index in range(len(labels) - 1, d_index, -1):
        if vocab.direction_of(labels[index]):
            continue  # «2.1. Система мониторинга эффективности…» is a direction, not the stage «мониторинг»
        stages = stages_of_heading(labels[index], vocab, profile)
        if stages:
            return Placement(direction, stages[0], d_index, index, stages)
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


def stages_of_heading(text: str, vocab: Vocabulary, profile: Profile) -> tuple[str, ...]:
    """Every subsection a heading names, the main one first: «Цели и задачи. Показатели» is a
    label shared by goals and indicators (parts are split at punctuation, not inside a name)."""
    main = stage_of_heading(text, vocab, profile)
    if main is None:
        return ()
    found = [main]
    for part in _SEGMENTS.split(text):
        stage = stage_of_heading(part, vocab, profile) if part.strip() else None
        if stage and stage not in found:
            found.append(stage)
    return tuple(found)


def stage_of_link_text(text: str, vocab: Vocabulary, profile: Profile) -> tuple[str, ...]:
    """A link text that starts with a stage's name: «Цели и задачи: приказ от …»."""
    match = _PREFIX.match(text or "")
    return stages_of_heading(match.group(1), vocab, profile) if match else ()


@dataclass(frozen=True)
class ContentRules:
    """How clear content must be to place a document that its labels do not place."""

    stage_min_score: float = 6.0
    stage_min_ratio: float = 1.5
    direction_min_score: float = 8.0
    direction_min_ratio: float = 2.0


def load_content_rules(directory: str | None = None) -> ContentRules:
    """``content_placement`` of ``rules/stages.yaml``."""
    from mumcheck.ruledata import RuleFileError, line_of, load_yaml, rules_dir

    raw = (load_yaml("stages.yaml", directory) or {}).get("content_placement") or {}
    values = {}
    for kind in ("stage", "direction"):
        entry = raw.get(kind) or {}
        for key in ("min_score", "min_ratio"):
            value = entry.get(key, getattr(ContentRules(), f"{kind}_{key}"))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or set(entry) - {"min_score", "min_ratio"}:
                line = line_of("stages.yaml", ["content_placement", kind], directory)
                raise RuleFileError(f"{rules_dir(directory) / 'stages.yaml'}:{line or '?'}: content_placement.{kind} "
                                    "описывается неотрицательными числами min_score и min_ratio")
            values[f"{kind}_{key}"] = float(value)
    return ContentRules(**values)


SITEWIDE_MIN_PAGES = 3
SITEWIDE_SHARE = 0.6


def sitewide_links(pages: tuple[Page, ...]) -> set[str]:
    """Links that stand on most pages of the section (a footer's «Политика обработки персональных
    данных», a news widget): the site's furniture, not documents of the section."""
    if len(pages) < SITEWIDE_MIN_PAGES:
        return set()
    counts: dict[str, int] = defaultdict(int)
    for page in pages:
        for url in {link.url for link in page.links}:
            counts[url] += 1
    return {url for url, n in counts.items() if n >= SITEWIDE_MIN_PAGES and n >= SITEWIDE_SHARE * len(pages)}


# --- the site's menu ---------------------------------------------------------------------------
def menu_contexts(pages: tuple[Page, ...], vocab: Vocabulary) -> dict[str, tuple[str, ...]]:
    """URL → the chain of menu captions a person sees above that page's menu item, ending with the
    item itself; only for items whose chain names a direction."""
    contexts: dict[str, tuple[str, ...]] = {}
    for page in pages:
        for link in page.chrome + page.links:
            if not link.outline or link.url in contexts:
                continue
            chain = _menu_chain(link, vocab)
            if any(vocab.direction_of(label) for label in chain):
                contexts[link.url] = chain
    return contexts


def _menu_chain(link: LinkRef, vocab: Vocabulary) -> tuple[str, ...]:
    chain: list[str] = []
    for caption, before in link.outline:
        if (before and not vocab.direction_of(caption) and vocab.direction_of(before)
                and not vocab.is_section_name(caption)):
            chain.append(before)  # «Трек 1 … (Неполный цикл)» under «1.3. Система выявления…»
        chain.append(caption)
    return tuple(chain) + ((link.text,) if link.text else ())


def _direction_in(labels: tuple[str, ...], vocab: Vocabulary) -> str | None:
    return next((code for code in map(vocab.direction_of, labels) if code), None)


# --- the structure -----------------------------------------------------------------------------
@dataclass
class _Reading:
    """What the walk over the pages has found so far (mutable while classifying)."""

    direction_urls: dict[str, tuple[int, str]]
    direction_headings: dict[str, str]
    stage_places: dict[tuple[str, str], tuple[int, str, str]]
    documents: dict[tuple[str, str], dict[str, DocumentRef]]
    unplaced: dict[str, DocumentRef]
    cycles: dict[str, set[str]]
    labelled: set[str]  # directions with at least one stage label read
    linked: dict[str, str]  # direction → a link that names it (its page may not have opened)
    notes: list[str]


def classify(crawl: CrawlResult, vocab: Vocabulary, profile: Profile,
             extractions: Mapping[str, Extraction] | None = None, book: CueBook | None = None,
             content_rules: ContentRules | None = None) -> SiteStructure:
    reading = _Reading({}, {}, {}, defaultdict(dict), {}, defaultdict(set), set(), {}, [])
    page_urls = {page.url for page in crawl.pages} | sitewide_links(crawl.pages)
    menus = menu_contexts(crawl.pages, vocab)
    for page in crawl.pages:
        context = _page_context(page, menus, vocab, reading.notes)
        for block in page.blocks:
            _read_block(page, context, block.labels, block.anchors, block.links, page_urls, vocab, profile, reading)
    if extractions is not None and book is not None:
        _place_by_content(crawl, extractions, book, content_rules or ContentRules(), profile, reading)
    return _structure(crawl, vocab, profile, reading)


def _page_context(page: Page, menus: dict[str, tuple[str, ...]], vocab: Vocabulary,
                  notes: list[str]) -> tuple[str, ...]:
    """The labels above a page: its place in the menu when that names a direction, else its
    breadcrumbs when they do, else the trail the crawl followed to it."""
    menu = menus.get(page.url)
    if menu is None and _direction_in(page.breadcrumbs, vocab):
        menu = page.breadcrumbs
    if menu is None:
        return page.trail
    by_menu, by_trail = _direction_in(menu, vocab), _direction_in(page.trail, vocab)
    numbered = vocab.code_in(page.title or "") or vocab.code_in(menu[-1])
    other = by_trail if by_trail and by_trail != by_menu else (numbered if numbered and numbered != by_menu else None)
    if other:
        notes.append(f"Страница «{page.title or menu[-1]}» отнесена к направлению {by_menu} по месту в меню сайта, "
                     f"хотя её номер или путь к ней указывает на {other}.")
    return menu


def _read_block(page: Page, context: tuple[str, ...], block_labels: tuple[str, ...],
                block_anchors: tuple[str | None, ...], links: tuple[LinkRef, ...], page_urls: set[str],
                vocab: Vocabulary, profile: Profile, reading: _Reading) -> None:
    labels = context + block_labels
    anchors = (None,) * len(context) + (block_anchors or (None,) * len(block_labels))
    placement = place_labels(labels, vocab, profile)
    if links and all(link.url in page_urls for link in links):
        placement = Placement(None, None)  # navigation (a menu in the page's body): no label of this page
    if placement.direction:
        _remember_direction(reading, placement, page, labels, anchors, len(context))
        reading.cycles[placement.direction] |= _cycles_named(labels[(placement.direction_index or 0) + 1:], vocab)
    if placement.direction and placement.stage and placement.stage_index is not None:
        for stage in placement.stages or (placement.stage,):
            _remember_stage(reading, placement.direction, stage, page, labels, anchors, placement.stage_index)
        reading.labelled.add(placement.direction)
    for link in links:
        named = vocab.direction_of(link.text)
        if named:
            reading.linked.setdefault(named, link.url)
        if link.url in page_urls:
            continue  # a page of the section, walked on its own
        ref = _place_link(link, placement, vocab, profile)
        if ref.direction and ref.stage:
            for stage in ref.stages or (ref.stage,):  # a label shared by stages serves each of them
                if ref.evidence != "labels":
                    reading.labelled.add(ref.direction)
                    _remember_stage(reading, ref.direction, stage, page, (link.text,), (None,), 0)
                reading.documents[(ref.direction, stage)].setdefault(link.url, replace(ref, stage=stage))
        else:
            reading.unplaced.setdefault(link.url, ref)


def _place_link(link: LinkRef, placement: Placement, vocab: Vocabulary, profile: Profile) -> DocumentRef:
    """A link's direction and stage from its block's labels, else from its own labels and text."""
    if placement.direction and placement.stage:
        return DocumentRef(link=link, direction=placement.direction, stage=placement.stage,
                           stages=placement.stages, evidence="labels")
    direction = placement.direction or _direction_in(link.local, vocab)
    if direction is None:
        return DocumentRef(link=link, direction=None, stage=None, evidence="none")
    for label in link.local:
        stages = stages_of_heading(label, vocab, profile)
        if stages:
            return DocumentRef(link=link, direction=direction, stage=stages[0], stages=stages, evidence="link_labels")
    stages = stage_of_link_text(link.text, vocab, profile)
    if stages:
        return DocumentRef(link=link, direction=direction, stage=stages[0], stages=stages, evidence="link_text")
    return DocumentRef(link=link, direction=direction, stage=None, evidence="none")


def _remember_stage(reading: _Reading, direction: str, stage: str, page: Page, labels, anchors, index: int) -> None:
    key = (direction, stage)
    url = _with_anchor(page.url, anchors[index])
    rank = (page.depth, url, labels[index])
    if key not in reading.stage_places or rank < reading.stage_places[key]:
        reading.stage_places[key] = rank


def _place_by_content(crawl: CrawlResult, extractions: Mapping[str, Extraction], book: CueBook,
                      rules: ContentRules, profile: Profile, reading: _Reading) -> None:
    """Documents whose labels name no stage (or no direction) are placed by what they say, when
    it says so clearly; the rest stay unplaced."""
    fetches = {fetch.url: fetch for fetch in crawl.fetches}
    placed = {url for refs in reading.documents.values() for url in refs}
    covers = {stage.id: stage.covers for stage in profile.stages}
    for url, ref in list(reading.unplaced.items()):
        if url in placed:
            continue
        fetch = fetches.get(url)
        extraction = extractions.get(fetch.sha256) if fetch and fetch.ok and fetch.sha256 else None
        if extraction is None or not extraction.readable or extraction.is_scan or not extraction.text:
            continue
        content = classify_document(extraction.text, book, title=extraction.title, link_text=ref.link.text)
        direction = ref.direction or _clear_best(content.directions, rules.direction_min_score,
                                                 rules.direction_min_ratio)
        stage = _clear_best(content.stage_scores(covers), rules.stage_min_score, rules.stage_min_ratio)
        if direction and stage:
            moved = replace(ref, direction=direction, stage=stage, stages=(stage,), evidence="content")
            reading.documents[(direction, stage)].setdefault(url, moved)
            del reading.unplaced[url]


def _clear_best(scores: Mapping[str, float], min_score: float, min_ratio: float) -> str | None:
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < min_score:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return ranked[0][0] if runner_up == 0 or ranked[0][1] / runner_up >= min_ratio else None


def _structure(crawl: CrawlResult, vocab: Vocabulary, profile: Profile, reading: _Reading) -> SiteStructure:
    placed_urls = {url for refs in reading.documents.values() for url in refs}
    directions = []
    for direction in vocab.directions:
        code = direction.code
        stages = []
        for stage in profile.stages:
            place = reading.stage_places.get((code, stage.id))
            docs = tuple(reading.documents.get((code, stage.id), {}).values())
            by_content = bool(docs) and all(doc.evidence == "content" for doc in docs)
            stages.append(StageNode(
                stage=stage.id, present=place is not None or bool(docs),
                url=place[1] if place else (docs[0].link.page if docs else None),
                heading=place[2] if place else None, documents=docs, by_content=by_content and place is None,
            ))
        read = code in reading.direction_urls
        directions.append(DirectionNode(
            code=code, title=direction.title, present=read or code in reading.linked,
            url=reading.direction_urls[code][1] if read else reading.linked.get(code),
            heading=reading.direction_headings.get(code),
            stages=tuple(stages), cycles=tuple(sorted(reading.cycles.get(code, ()))),
            read=read, labels_read=code in reading.labelled,
        ))
    return SiteStructure(
        section_found=crawl.section_found, section_url=crawl.section_url, directions=tuple(directions),
        unplaced=tuple(ref for url, ref in reading.unplaced.items() if url not in placed_urls),
        notes=tuple(dict.fromkeys(reading.notes)),
    )


def _cycles_named(labels: tuple[str, ...], vocab: Vocabulary) -> set[str]:
    """«Трек 2. … (Неполный цикл)»: the cycles announced by the labels under a direction."""
    return {cycle.id for cycle in map(vocab.cycle_of, labels) if cycle is not None}


def _remember_direction(reading: _Reading, placement: Placement, page: Page, labels, anchors,
                        context_length: int) -> None:
    index = placement.direction_index or 0
    in_context = index < context_length
    # A direction named by the menu or the link that led to this page lives on this page; one
    # named inside the page (a tab) lives at the tab's anchor.
    url = page.url if in_context else _with_anchor(page.url, anchors[index])
    depth = page.depth
    if in_context and index != context_length - 1:
        depth += 100  # named further up: the direction's own page is an ancestor
    code = placement.direction or ""
    if code not in reading.direction_urls or (depth, url) < reading.direction_urls[code]:
        reading.direction_urls[code] = (depth, url)
        reading.direction_headings[code] = labels[index]


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


__all__ = [
    "ContentClass",
    "ContentRules",
    "Placement",
    "classify",
    "menu_contexts",
    "place_labels",
    "placement_of",
    "stage_of_heading",
    "stage_of_link_text",
    "stages_of_heading",
]
