"""Data passed between the pipeline stages.

crawl → CrawlResult (Page, LinkRef, Fetch) → extract → Extraction → classify → SiteStructure
→ rules → Finding → score → Score → report.  Every object here is a small frozen dataclass of
plain values, so a stage can be called from Python (or a test) with hand-made input.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class LinkRef:
    """A link as it stands on a crawled page."""

    url: str  # absolute, normalised target
    text: str  # anchor text (or the row/label text when the anchor says only «скачать»)
    page: str  # URL of the page the link stands on
    labels: tuple[str, ...] = ()  # headings, tabs, table groups around it, outer → inner
    # the nested list items (menus) it hangs under, outer → inner: (item's caption, caption of the
    # item just before it in its list — a «Трек» group sits visually under the direction above it)
    outline: tuple[tuple[str, str], ...] = ()
    # labels only this link has, strongest first: an inline label before it («Цель: …»), the first
    # cell of its table row, its column's header; used where its block's labels name no stage
    local: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """A labelled part of a page (heading, tab, accordion item, table group) and its links."""

    labels: tuple[str, ...]
    links: tuple[LinkRef, ...] = ()
    anchors: tuple[str | None, ...] = ()  # element id behind each label (tabs, accordions), if any


@dataclass(frozen=True)
class Page:
    """An HTML page of the section, parsed."""

    url: str
    title: str
    trail: tuple[str, ...]  # anchor texts followed from the section page to reach this page
    depth: int
    blocks: tuple[Block, ...] = ()
    encoding: str = "utf-8"
    chrome: tuple[LinkRef, ...] = ()  # links of its menus, header and footer (the site's menu tree)
    breadcrumbs: tuple[str, ...] = ()  # the trail the page shows above its content

    @property
    def links(self) -> tuple[LinkRef, ...]:
        return tuple(link for block in self.blocks for link in block.links)


@dataclass(frozen=True)
class Fetch:
    """What happened when a URL was requested.

    ``verdict`` is one of: ``ok``, ``dead``, ``skipped`` (not fetched on purpose, see ``error``),
    ``soft404`` (200, but the page says «not found»), ``auth_required`` (401/403 or a login form),
    ``not_document`` (a document was promised, a page or nothing came), ``cloud_storage`` (not
    fetched: a cloud share), ``tls`` (the certificate was refused; a warning, not dead). ``error``
    says why, in Russian.
    A link that goes through an intermediate «file card» page keeps the card in ``via``.
    """

    url: str
    verdict: str
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    redirects: tuple[str, ...] = ()
    via: str | None = None
    is_html: bool = False
    blob: str | None = None  # path of the downloaded body, when it was kept for extraction
    truncated: bool = False
    filename: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


@dataclass(frozen=True)
class Extraction:
    """Text and facts read from one document, keyed by the sha256 of its bytes."""

    sha256: str
    kind: str  # pdf, docx, html, text, image, unknown …
    text: str = ""
    pages: int | None = None
    chars: int = 0
    is_scan: bool = False
    error: str | None = None  # why the document could not be read, in Russian
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def readable(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class CrawlResult:
    start_url: str
    section_url: str | None  # None when the section was not found or is only a menu heading
    section_found: bool
    section_label: str | None
    pages: tuple[Page, ...]
    fetches: tuple[Fetch, ...]
    seconds: float = 0.0
    notes: tuple[str, ...] = ()  # what the crawl cut or could not do, in Russian
    site_title: str | None = None  # the start page's title: usually the authority's name
    bytes_received: int = 0  # bytes moved over the network by this crawl

    def fetch_for(self, url: str) -> Fetch | None:
        for fetch in self.fetches:
            if fetch.url == url:
                return fetch
        return None


@dataclass(frozen=True)
class DocumentRef:
    """A link placed under a direction and a stage."""

    link: LinkRef
    direction: str | None
    stage: str | None
    stages: tuple[str, ...] = ()  # every stage its label names («Цели и задачи. Показатели»), stage first
    evidence: str = "labels"  # what placed it: labels | menu | content (see classify)


@dataclass(frozen=True)
class StageNode:
    stage: str
    present: bool
    url: str | None = None  # page (with #anchor for tabs) where the stage's subsection is
    heading: str | None = None
    documents: tuple[DocumentRef, ...] = ()
    by_content: bool = False  # no label names it: its documents were placed here by their content


@dataclass(frozen=True)
class DirectionNode:
    code: str
    title: str
    present: bool
    url: str | None = None
    heading: str | None = None
    stages: tuple[StageNode, ...] = ()
    cycles: tuple[str, ...] = ()  # cycles its subsections announce: «full», «partial» (неполный цикл)
    read: bool = True  # its page or tab was read (False: only a link to it was seen, e.g. a dead one)
    labels_read: bool = True  # at least one label on it names a cycle stage


@dataclass(frozen=True)
class SiteStructure:
    section_found: bool
    section_url: str | None
    directions: tuple[DirectionNode, ...]
    # links of the section that sit under no stage (direction may still be known)
    unplaced: tuple[DocumentRef, ...] = ()
    notes: tuple[str, ...] = ()  # where the evidence disagreed, which was followed (Russian)

    def direction(self, code: str) -> DirectionNode | None:
        for node in self.directions:
            if node.code == code:
                return node
        return None

    def all_documents(self) -> tuple[DocumentRef, ...]:
        placed = tuple(doc for d in self.directions for s in d.stages for doc in s.documents)
        return placed + self.unplaced


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    url: str | None = None
    page: str | None = None
    direction: str | None = None
    stage: str | None = None
    expected: dict[str, str] | None = None
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StageScore:
    total: float
    max: float
    percent: float = 0.0  # of the stage's (cycle component's) maximum
    evidence: tuple[str, ...] = ()  # URLs of the documents that earned the points


@dataclass(frozen=True)
class DirectionScore:
    total: float
    max: float
    percent: float
    stages: dict[str, StageScore]


@dataclass(frozen=True)
class Score:
    total: float
    max: float
    percent: float
    zone: str
    directions: dict[str, DirectionScore]
    provisional: bool = True
    blocks: dict[str, BlockScore] = field(default_factory=dict)  # "1", "2" → block of directions


@dataclass(frozen=True)
class BlockScore:
    """One of ФИОКО's two blocks: «Механизмы управления качеством образовательных результатов»
    (1.1–1.4) and «… образовательной деятельности» (2.1–2.4)."""

    title: str
    total: float
    max: float
    percent: float
    directions: tuple[str, ...] = ()
