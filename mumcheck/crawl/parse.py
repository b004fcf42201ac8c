"""HTML page → its labelled blocks and links.

Real municipal pages are broken HTML with the same menu on every page. What matters for a link is
what it hangs under: the page's headings, the tab or accordion item around it (found through the
``href="#id"``/``data-target``/``aria-controls`` that opens it), a table's group row, a list item's
own caption. Those texts, outer → inner, are a link's ``labels``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

from mumcheck.model import Block, LinkRef
from mumcheck.urls import fragment_of, resolve

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
PSEUDO_HEADING_LEVEL = 7
TABLE_GROUP_LEVEL = 8
MAX_LABEL_CHARS = 300

_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_CHROME_WORDS = re.compile(r"(^|[-_ ])(menu|nav|navbar|header|footer|sidebar|breadcrumbs?|topbar)($|[-_ ])", re.I)
_GENERIC_LINK_TEXT = re.compile(
    r"^(скачать|загрузить|открыть|смотреть|просмотр|подробнее|ссылка|документ|файл|здесь|тут|"
    r"download|link|open|view|pdf|docx?|xlsx?)?\W*(\(?\s*(pdf|docx?|xlsx?|rtf|zip)\s*\)?)?\W*$",
    re.I,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)


@dataclass(frozen=True)
class ParsedPage:
    title: str
    headline: str  # first <h1>, or the title
    encoding: str
    blocks: tuple[Block, ...]  # content blocks, in page order
    chrome: tuple[LinkRef, ...]  # links in menus, headers and footers


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Text of an HTML page and the encoding used: BOM, HTTP header, <meta>, UTF-8, windows-1251."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    candidates = []
    if header_charset:
        candidates.append(header_charset)
    match = _META_CHARSET.search(body[:8192])
    if match:
        candidates.append(match.group(1).decode("ascii", errors="ignore"))
    candidates += ["utf-8", "windows-1251"]
    for name in candidates:
        try:
            return body.decode(_canonical_encoding(name)), _canonical_encoding(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace"), "utf-8"


def _canonical_encoding(name: str) -> str:
    name = name.strip().lower()
    return {"cp1251": "windows-1251", "win-1251": "windows-1251", "utf8": "utf-8"}.get(name, name)


def clean_text(text: str) -> str:
    return " ".join((text or "").replace("\xa0", " ").split())


def parse_page(body: bytes, url: str, header_charset: str | None = None) -> ParsedPage:
    text, encoding = decode_html(body, header_charset)
    soup = BeautifulSoup(text, "lxml")
    for junk in soup(["script", "style", "noscript", "template"]):
        junk.decompose()
    title = clean_text(soup.title.get_text()) if soup.title else ""
    h1 = soup.find("h1")
    headline = clean_text(h1.get_text(" ")) if h1 else title
    base_tag = soup.find("base", href=True)
    base = resolve(url, base_tag["href"]) or url if base_tag else url
    walker = _Walker(soup, base, page_url=url)
    walker.walk()
    return ParsedPage(title=title, headline=headline, encoding=encoding,
                      blocks=walker.blocks(), chrome=tuple(walker.chrome))


class _Walker:
    def __init__(self, soup: BeautifulSoup, base: str, page_url: str):
        self.soup = soup
        self.base = base
        self.page_url = page_url
        self.target_labels = _target_labels(soup)
        self.headings: list[tuple[int, str, Tag | None, str | None]] = []
        self.order: list[tuple[tuple[str, ...], tuple[str | None, ...]]] = []
        self.links: dict[tuple[str, ...], list[LinkRef]] = {}
        self.anchor_of: dict[tuple[str, ...], tuple[str | None, ...]] = {}
        self.chrome: list[LinkRef] = []

    def walk(self) -> None:
        body = self.soup.body or self.soup
        for element in body.find_all(True):
            if element.name in HEADING_LEVELS:
                self._heading(element, HEADING_LEVELS[element.name])
            elif element.name == "a":
                self._link(element)
            elif _is_pseudo_heading(element):
                self._heading(element, PSEUDO_HEADING_LEVEL)
            elif element.name == "tr" and _is_group_row(element):
                self._heading(element, TABLE_GROUP_LEVEL)

    def blocks(self) -> tuple[Block, ...]:
        return tuple(
            Block(labels=labels, links=tuple(self.links.get(labels, ())), anchors=anchors)
            for labels, anchors in self.order
        )

    # --- events ----------------------------------------------------------------------------
    def _heading(self, element: Tag, level: int) -> None:
        text = clean_text(element.get_text(" "))[:MAX_LABEL_CHARS]
        if not text or _in_chrome(element):
            return
        scope = self._scope_of(element)
        if level == TABLE_GROUP_LEVEL:
            scope = element.find_parent("table")
        self.headings = [h for h in self.headings if h[0] < level and _valid(h, element)]
        self.headings.append((level, text, scope, element.get("id")))
        self._remember(*self._labels_for(element, include_self=True))

    def _link(self, element: Tag) -> None:
        href = element.get("href")
        if href is None:
            return
        target = resolve(self.base, href)
        if target is None or (fragment_of(href) and target.split("#")[0] == self.page_url and href.strip().startswith("#")):
            return
        labels, anchors = self._labels_for(element)
        link = LinkRef(url=target, text=_link_text(element), page=self.page_url, labels=labels)
        if _in_chrome(element):
            self.chrome.append(link)
            return
        self._remember(labels, anchors)
        self.links.setdefault(labels, []).append(link)

    def _remember(self, labels: tuple[str, ...], anchors: tuple[str | None, ...]) -> None:
        if labels not in self.anchor_of:
            self.anchor_of[labels] = anchors
            self.order.append((labels, anchors))

    # --- labels ----------------------------------------------------------------------------
    def _labels_for(self, element: Tag, include_self: bool = False) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
        """Labels around an element, outer → inner: page headings, then each labelled container
        followed by the headings that live inside it."""
        containers = self._containers(element)
        keyed: list[tuple[tuple[float, int, int], str, str | None]] = []
        for index, (_container, text, anchor) in enumerate(containers):
            keyed.append(((index, 0, 0), text, anchor))
        for seq, (_level, text, scope, anchor) in enumerate(self.headings):
            if scope is not None and not _is_inside(element, scope) and scope is not element:
                continue
            keyed.append(((_scope_rank(scope, containers), 1, seq), text, anchor))
        keyed.sort(key=lambda item: item[0])
        return _dedupe([k[1] for k in keyed], [k[2] for k in keyed])

    def _containers(self, element: Tag) -> list[tuple[Tag, str, str | None]]:
        found = []
        for ancestor in reversed(list(element.parents)):
            if not isinstance(ancestor, Tag):
                continue
            label = self._container_label(ancestor, element)
            if label:
                found.append((ancestor, label, ancestor.get("id")))
        return found

    def _container_label(self, ancestor: Tag, element: Tag) -> str | None:
        ident = ancestor.get("id")
        if ident and ident in self.target_labels:
            return self.target_labels[ident]
        if ancestor.name == "details":
            summary = ancestor.find("summary")
            if summary is not None and summary is not element and not _is_inside(element, summary):
                return clean_text(summary.get_text(" "))[:MAX_LABEL_CHARS] or None
        if ancestor.name == "li":
            nested = ancestor.find(["ul", "ol"])
            if nested is not None and _is_inside(element, nested):
                return _own_caption(ancestor)
        if ancestor.name == "dd":
            dt = ancestor.find_previous_sibling("dt")
            if dt is not None:
                return clean_text(dt.get_text(" "))[:MAX_LABEL_CHARS] or None
        return None

    def _scope_of(self, element: Tag) -> Tag | None:
        containers = self._containers(element)
        return containers[-1][0] if containers else None


def _scope_rank(scope: Tag | None, containers: list[tuple[Tag, str, str | None]]) -> float:
    """Where a heading's scope sits in the chain of labelled containers (-1: the whole page)."""
    if scope is None:
        return -1
    rank: float = -1
    for index, (container, _text, _anchor) in enumerate(containers):
        if container is scope:
            return index
        if _is_inside(scope, container):
            rank = index + 0.5
    return rank


def _valid(heading: tuple, element: Tag) -> bool:
    scope = heading[2]
    return scope is None or _is_inside(element, scope)


def _is_inside(element: Tag, container: Tag) -> bool:
    return any(parent is container for parent in element.parents)


def _dedupe(labels: list[str], anchors: list[str | None]) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    out_l: list[str] = []
    out_a: list[str | None] = []
    for label, anchor in zip(labels, anchors):
        if out_l and out_l[-1] == label:
            continue
        out_l.append(label)
        out_a.append(anchor)
    return tuple(out_l), tuple(out_a)


def _target_labels(soup: BeautifulSoup) -> dict[str, str]:
    """id → caption of the control (tab, accordion button) that opens the element."""
    labels: dict[str, str] = {}
    for control in soup.find_all(True):
        targets = []
        href = control.get("href") if control.name == "a" else None
        if href and href.strip().startswith("#") and len(href.strip()) > 1:
            targets.append(href.strip()[1:])
        for attr in ("data-target", "data-bs-target", "aria-controls"):
            value = control.get(attr)
            if value:
                targets.append(value.strip().lstrip("#"))
        if not targets:
            continue
        caption = clean_text(control.get_text(" "))[:MAX_LABEL_CHARS]
        if not caption:
            continue
        for target in targets:
            labels.setdefault(target, caption)
    for panel in soup.find_all(attrs={"aria-labelledby": True}):
        ident = panel.get("id")
        owner = soup.find(id=panel["aria-labelledby"])
        if ident and owner is not None and ident not in labels:
            caption = clean_text(owner.get_text(" "))[:MAX_LABEL_CHARS]
            if caption:
                labels[ident] = caption
    return labels


def _own_caption(li: Tag) -> str | None:
    """The text a list item shows before its nested list: «Цели и задачи» in
    ``<li>Цели и задачи<ul>…</ul></li>``."""
    parts = []
    for child in li.children:
        if isinstance(child, Tag) and child.name in ("ul", "ol"):
            break
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            parts.append(child.get_text(" "))
    caption = clean_text(" ".join(parts))[:MAX_LABEL_CHARS]
    return caption or None


def _in_chrome(element: Tag) -> bool:
    for ancestor in element.parents:
        if not isinstance(ancestor, Tag):
            continue
        if ancestor.name in _CHROME_TAGS:
            return True
        attrs = " ".join(ancestor.get("class", []) + [ancestor.get("id", "") or "", ancestor.get("role", "") or ""])
        if attrs.strip() and _CHROME_WORDS.search(attrs) and "tab" not in attrs.lower():
            return True
    return False


def _is_pseudo_heading(element: Tag) -> bool:
    """<p><strong>Цели и задачи</strong></p>: a bold line standing alone, used as a heading."""
    if element.name not in ("p", "div"):
        return False
    children = [c for c in element.children if not (isinstance(c, NavigableString) and not c.strip())]
    if len(children) != 1 or not isinstance(children[0], Tag) or children[0].name not in ("strong", "b"):
        return False
    if children[0].find("a") is not None:
        return False
    text = clean_text(children[0].get_text(" "))
    return 0 < len(text) <= 150


def _is_group_row(row: Tag) -> bool:
    cells = row.find_all(["td", "th"], recursive=False)
    if len(cells) != 1 or row.find("a") is not None:
        return False
    colspan = cells[0].get("colspan")
    text = clean_text(cells[0].get_text(" "))
    return bool(text) and len(text) <= 200 and (colspan is None or str(colspan).strip() != "1")


def _own_text(anchor: Tag) -> str:
    """The anchor's text without what broken HTML nested into it (a list item, another link)."""
    parts = []
    for piece in anchor.find_all(string=True):
        owner = piece.parent
        while owner is not None and owner is not anchor and owner.name not in _NESTED_BLOCKS:
            owner = owner.parent
        if owner is anchor:
            parts.append(str(piece))
    return clean_text(" ".join(parts))


_NESTED_BLOCKS = frozenset({"a", "li", "ul", "ol", "table", "tr"})


def _link_text(anchor: Tag) -> str:
    text = _own_text(anchor) or clean_text(anchor.get("title", ""))
    if text and not _GENERIC_LINK_TEXT.match(text):
        return text
    row = anchor.find_parent("tr")
    if row is not None:
        cells = [clean_text(c.get_text(" ")) for c in row.find_all(["td", "th"], recursive=False)
                 if c.find("a") is None or anchor not in c.find_all("a")]
        candidate = " — ".join(c for c in cells if c)
        if candidate:
            return candidate[:MAX_LABEL_CHARS]
    parent = anchor.find_parent(["li", "p"])
    if parent is not None:
        candidate = clean_text(parent.get_text(" "))
        if candidate and candidate != text:
            return candidate[:MAX_LABEL_CHARS]
    return text
