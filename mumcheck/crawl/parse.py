"""HTML page → its labelled blocks and links.

Real municipal pages are broken HTML with the same menu on every page. What matters for a link is
what it hangs under: the page's headings, the tab or accordion item around it (found through the
``href="#id"``/``data-target``/``aria-controls`` that opens it), a table's group row, a list item's
own caption. Those texts, outer → inner, are a link's ``labels``.

The page goes through lxml's HTML parser into a small tree of our own, built from the parser's
events the way BeautifulSoup (which this module used before) built it, so that results did not
change with the switch. lxml's own tree is not used: on broken pages it differs from those events
(a ``<!DOCTYPE>`` inside the body, valueless boolean attributes, nesting deeper than 256 or 2048
elements). In our tree an element's ``contents`` are elements and strings, a string ends at every
tag and comment, and scripts, styles, ``<noscript>`` and ``<template>`` are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

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
_NESTED_BLOCKS = frozenset({"a", "li", "ul", "ol", "table", "tr"})


@dataclass(frozen=True)
class ParsedPage:
    title: str
    headline: str  # first <h1>, or the title
    encoding: str
    blocks: tuple[Block, ...]  # content blocks, in page order
    chrome: tuple[LinkRef, ...]  # links in menus, headers and footers
    breadcrumbs: tuple[str, ...] = ()  # «Главная › МУМ › 1.3 … › Цели»: the trail the site itself shows


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
            text = body.decode(_canonical_encoding(name))
            text.encode("utf-8")  # lone surrogates (utf-7, unicode_escape…) are no page text either
            return text, _canonical_encoding(name)
        except (LookupError, UnicodeError):
            continue
    return body.decode("utf-8", errors="replace"), "utf-8"


def _canonical_encoding(name: str) -> str:
    name = name.strip().lower()
    return {"cp1251": "windows-1251", "win-1251": "windows-1251", "utf8": "utf-8"}.get(name, name)


def clean_text(text: str) -> str:
    return " ".join((text or "").replace("\xa0", " ").split())


def parse_page(body: bytes, url: str, header_charset: str | None = None) -> ParsedPage:
    text, encoding = decode_html(body, header_charset)
    elements = _parse_tree(text)
    title_tag = _named(elements, "title")
    title = clean_text(_text(title_tag, "")) if title_tag is not None else ""
    h1 = _named(elements, "h1")
    headline = clean_text(_text(h1)) if h1 is not None else title
    base_tag = _first(e for e in elements if e.name == "base" and "href" in e.attrs)
    base = resolve(url, base_tag.attrs["href"]) or url if base_tag is not None else url
    walker = _Walker(elements, base, page_url=url)
    walker.walk()
    return ParsedPage(title=title, headline=headline, encoding=encoding,
                      blocks=walker.blocks(), chrome=tuple(walker.chrome), breadcrumbs=_breadcrumbs(elements))


_BREADCRUMB = re.compile(r"breadcrumb|b-crumbs|crumbs|pathway|navigation-path|kroshki", re.I)
_CRUMB_SEPARATORS = re.compile(r"^[\s›»>/|→•·-]+$")


def _breadcrumbs(elements: list[_Element]) -> tuple[str, ...]:
    """The items of the page's breadcrumb trail, outer → inner (links and the current item)."""
    for element in elements:
        get = element.attrs.get
        marks = " ".join(filter(None, (get("class"), get("id"), get("aria-label"), get("itemtype"))))
        if not marks or not _BREADCRUMB.search(marks):
            continue
        items = []
        for item in _descendants(element):
            if item.name in ("a", "span", "li") and not any(e.name in ("a", "span", "li") for e in _descendants(item)):
                text = clean_text(_text(item))
                if text and not _CRUMB_SEPARATORS.match(text) and (not items or items[-1] != text):
                    items.append(text[:MAX_LABEL_CHARS])
        if len(items) >= 2:
            return tuple(items)
    return ()


# --- the tree -------------------------------------------------------------------------------
class _Element:
    """An element of the page; ``contents`` are its child elements and strings, in order."""

    __slots__ = ("name", "attrs", "contents", "parent")

    def __init__(self, name: str, attrs: dict[str, str], parent: _Element | None):
        self.name = name
        self.attrs = attrs
        self.contents: list[_Element | str] = []
        self.parent = parent


class _Markup(str):
    """A comment or a doctype: a string of the page that is not text."""


class _RubyText(str):
    """A string inside <rt> (a pronunciation): not the text of the elements around it."""


class _RubyParenthesis(str):
    """A string inside <rp>."""


_RUBY_STRINGS = {"rt": _RubyText, "rp": _RubyParenthesis}
_JUNK_TAGS = frozenset({"script", "style", "noscript", "template"})
_PREFORMATTED = frozenset({"pre", "textarea"})
_ASCII_SPACES = " \n\t\x0c\r"
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"


def _parse_tree(text: str) -> list[_Element]:
    """The page's elements, in document order (the top-level ones are children of a document
    element)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = etree.HTMLParser(target=_TreeBuilder(), recover=True, huge_tree=False, encoding=None)
    parser.feed(text)  # whole, as BeautifulSoup fed it
    return parser.close()


class _TreeBuilder:
    """lxml parser target that builds the tree as BeautifulSoup did: a string is the data reported
    between two other events (a blank one outside <pre>/<textarea> becomes one space or newline),
    an end tag closes the innermost open element of its name."""

    def __init__(self):
        self.document = _Element("[document]", {}, None)
        self.elements: list[_Element] = []  # all but junk, in document order
        self.open = [self.document]
        self.junk = 0  # depth inside a junk element
        self.open_names: dict[str, int] = {}
        self.ruby: list[_Element] = []  # open <rt>/<rp>: their strings are of their own kind
        self.preformatted: list[_Element] = []
        self.pending: list[str] = []

    def start(self, tag, attrib):
        if self.pending:
            self._end_string()
        parent = self.open[-1]
        element = _Element(tag, _attributes(attrib), parent)
        if self.junk or tag in _JUNK_TAGS:  # built, but left hanging
            self.junk += 1
        else:
            parent.contents.append(element)
            self.elements.append(element)
        self.open.append(element)
        self.open_names[tag] = self.open_names.get(tag, 0) + 1
        if tag in _RUBY_STRINGS:
            self.ruby.append(element)
        if tag in _PREFORMATTED:
            self.preformatted.append(element)

    def end(self, tag):
        if self.pending:
            self._end_string()
        if self.open_names.get(tag):
            while self._pop().name != tag:
                pass

    def data(self, data):
        self.pending.append(data)

    def comment(self, text):
        self._markup(text)

    def doctype(self, name, pubid, system):
        self._markup(_doctype_string(name, pubid, system))

    def pi(self, target, data):
        self._markup(target + " " + data)

    def close(self):
        self._end_string()
        return self.elements

    def _pop(self) -> _Element:
        element = self.open.pop()
        self.open_names[element.name] -= 1
        if self.junk:
            self.junk -= 1
        if self.ruby and element is self.ruby[-1]:
            self.ruby.pop()
        if self.preformatted and element is self.preformatted[-1]:
            self.preformatted.pop()
        return element

    def _markup(self, text: str) -> None:
        self._end_string()
        self.pending.append(text)
        self._end_string(_Markup)

    def _end_string(self, kind: type = str) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending = []
        if not self.preformatted and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        if kind is str and self.ruby:
            kind = _RUBY_STRINGS[self.ruby[-1].name]
        self.open[-1].contents.append(text if kind is str else kind(text))


def _attributes(attrib) -> dict[str, str]:
    if not attrib:  # lxml passes a slow immutable mapping for none, a dict otherwise
        return {}
    for name in attrib:
        if name[:1] == "{":
            return _namespaced(attrib)
    return attrib


def _namespaced(attrib: dict[str, str]) -> dict[str, str]:
    """BeautifulSoup read a name like ``{ns}href`` as a namespace and a name, and kept the name
    (prefixed for the XML namespace)."""
    found = {}
    for name, value in attrib.items():
        if name[:1] == "{" and "}" in name:
            namespace, local = name[1:].split("}", 1)
            prefix = "xml" if namespace == _XML_NAMESPACE else None
            name = (f"{prefix}:{local}" if prefix else local) if local else str(prefix)
        found[name] = value
    return found


def _doctype_string(name: str | None, pubid: str | None, system: str | None) -> str:
    value = name or ""
    if pubid is not None:
        value += f' PUBLIC "{pubid}"'
        if system is not None:
            value += f' "{system}"'
    elif system is not None:
        value += f' SYSTEM "{system}"'
    return value


def _first(iterable):
    return next(iter(iterable), None)


def _descendants(element: _Element):
    """Elements inside the element, in document order."""
    stack = [iter(element.contents)]
    while stack:
        for item in stack[-1]:
            if item.__class__ is _Element:
                yield item
                stack.append(iter(item.contents))
                break
        else:
            stack.pop()


def _strings(element: _Element, skip: frozenset[str] = frozenset()):
    """Strings inside the element, in document order, not looking into elements named in skip."""
    stack = [iter(element.contents)]
    while stack:
        for item in stack[-1]:
            if item.__class__ is not _Element:
                yield item
            elif item.name not in skip:
                stack.append(iter(item.contents))
                break
        else:
            stack.pop()


def _find(element: _Element, *names: str) -> _Element | None:
    return _named(_descendants(element), *names)


def _named(elements, *names: str) -> _Element | None:
    return _first(e for e in elements if e.name in names)


def _ancestors(element: _Element) -> list[_Element]:
    """Parent first, the document last."""
    found = []
    parent = element.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def _find_parent(element: _Element, *names: str) -> _Element | None:
    return _first(a for a in _ancestors(element) if a.name in names)


def _text(element: _Element, separator: str = " ") -> str:
    """The element's text: its strings, less comments and ruby annotations (an <rt> or <rp> has
    only its annotations)."""
    kind = _RUBY_STRINGS.get(element.name, str)
    return separator.join(s for s in _strings(element) if s.__class__ is kind)


# --- labels and links -----------------------------------------------------------------------
class _Walker:
    def __init__(self, elements: list[_Element], base: str, page_url: str):
        self.elements = elements
        self.base = base
        self.page_url = page_url
        self.target_labels = _target_labels(elements)
        self.headings: list[tuple[int, str, _Element | None, str | None]] = []
        self.order: list[tuple[tuple[str, ...], tuple[str | None, ...]]] = []
        self.links: dict[tuple[str, ...], list[LinkRef]] = {}
        self.anchor_of: dict[tuple[str, ...], tuple[str | None, ...]] = {}
        self.chrome: list[LinkRef] = []
        self.chrome_below: dict[_Element, bool] = {}  # element → it or an ancestor is chrome

    def walk(self) -> None:
        body = _named(self.elements, "body")
        for element in _descendants(body) if body is not None else self.elements:
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
    def _heading(self, element: _Element, level: int) -> None:
        text = clean_text(_text(element))[:MAX_LABEL_CHARS]
        if not text or self._in_chrome(element):
            return
        scope = self._scope_of(element)
        if level == TABLE_GROUP_LEVEL:
            scope = _find_parent(element, "table")
        self.headings = [h for h in self.headings if h[0] < level and _valid(h, element)]
        self.headings.append((level, text, scope, element.attrs.get("id")))
        self._remember(*self._labels_for(element, include_self=True))

    def _link(self, element: _Element) -> None:
        href = element.attrs.get("href")
        if href is None:
            return
        target = resolve(self.base, href)
        if target is None or (fragment_of(href) and target.split("#")[0] == self.page_url and href.strip().startswith("#")):
            return
        labels, anchors = self._labels_for(element)
        link = LinkRef(url=target, text=_link_text(element), page=self.page_url, labels=labels,
                       outline=_outline(element), local=_local_labels(element))
        if self._in_chrome(element):
            self.chrome.append(link)
            return
        self._remember(labels, anchors)
        self.links.setdefault(labels, []).append(link)

    def _in_chrome(self, element: _Element) -> bool:
        """Whether an ancestor is a menu, header, footer or sidebar (remembered per ancestor)."""
        above = []
        parent = element.parent
        while parent is not None and parent not in self.chrome_below:
            above.append(parent)
            parent = parent.parent
        inside = parent is not None and self.chrome_below[parent]
        for ancestor in reversed(above):
            inside = inside or _is_chrome(ancestor)
            self.chrome_below[ancestor] = inside
        return inside

    def _remember(self, labels: tuple[str, ...], anchors: tuple[str | None, ...]) -> None:
        if labels not in self.anchor_of:
            self.anchor_of[labels] = anchors
            self.order.append((labels, anchors))

    # --- labels ----------------------------------------------------------------------------
    def _labels_for(self, element: _Element, include_self: bool = False) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
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

    def _containers(self, element: _Element) -> list[tuple[_Element, str, str | None]]:
        found = []
        for ancestor in reversed(_ancestors(element)):
            label = self._container_label(ancestor, element)
            if label:
                found.append((ancestor, label, ancestor.attrs.get("id")))
        return found

    def _container_label(self, ancestor: _Element, element: _Element) -> str | None:
        ident = ancestor.attrs.get("id")
        if ident and ident in self.target_labels:
            return self.target_labels[ident]
        if ancestor.name == "details":
            summary = _find(ancestor, "summary")
            if summary is not None and summary is not element and not _is_inside(element, summary):
                return clean_text(_text(summary))[:MAX_LABEL_CHARS] or None
        if ancestor.name == "li":
            nested = _find(ancestor, "ul", "ol")
            if nested is not None and _is_inside(element, nested):
                return _own_caption(ancestor)
        if ancestor.name == "dd":
            dt = _previous_sibling(ancestor, "dt")
            if dt is not None:
                return clean_text(_text(dt))[:MAX_LABEL_CHARS] or None
        return None

    def _scope_of(self, element: _Element) -> _Element | None:
        containers = self._containers(element)
        return containers[-1][0] if containers else None


def _scope_rank(scope: _Element | None, containers: list[tuple[_Element, str, str | None]]) -> float:
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


def _valid(heading: tuple, element: _Element) -> bool:
    scope = heading[2]
    return scope is None or _is_inside(element, scope)


def _is_inside(element: _Element, container: _Element) -> bool:
    parent = element.parent
    while parent is not None:
        if parent is container:
            return True
        parent = parent.parent
    return False


def _previous_sibling(element: _Element, name: str) -> _Element | None:
    siblings = element.parent.contents
    before = siblings[:next(i for i, item in enumerate(siblings) if item is element)]
    return _first(item for item in reversed(before) if item.__class__ is _Element and item.name == name)


def _dedupe(labels: list[str], anchors: list[str | None]) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    out_l: list[str] = []
    out_a: list[str | None] = []
    for label, anchor in zip(labels, anchors):
        if out_l and out_l[-1] == label:
            continue
        out_l.append(label)
        out_a.append(anchor)
    return tuple(out_l), tuple(out_a)


def _target_labels(elements: list[_Element]) -> dict[str, str]:
    """id → caption of the control (tab, accordion button) that opens the element."""
    labels: dict[str, str] = {}
    for control in elements:
        targets = []
        href = control.attrs.get("href") if control.name == "a" else None
        if href and href.strip().startswith("#") and len(href.strip()) > 1:
            targets.append(href.strip()[1:])
        for attr in ("data-target", "data-bs-target", "aria-controls"):
            value = control.attrs.get(attr)
            if value:
                targets.append(value.strip().lstrip("#"))
        if not targets:
            continue
        caption = clean_text(_text(control))[:MAX_LABEL_CHARS]
        if not caption:
            continue
        for target in targets:
            labels.setdefault(target, caption)
    for panel in elements:
        if "aria-labelledby" not in panel.attrs:
            continue
        ident = panel.attrs.get("id")
        owner_id = panel.attrs["aria-labelledby"]
        owner = _first(e for e in elements if e.attrs.get("id") == owner_id)
        if ident and owner is not None and ident not in labels:
            caption = clean_text(_text(owner))[:MAX_LABEL_CHARS]
            if caption:
                labels[ident] = caption
    return labels


def _own_caption(li: _Element) -> str | None:
    """The text a list item shows before its nested list: «Цели и задачи» in
    ``<li>Цели и задачи<ul>…</ul></li>``."""
    parts = []
    for child in li.contents:
        if child.__class__ is not _Element:
            parts.append(child)
        elif child.name in ("ul", "ol"):
            break
        else:
            parts.append(_text(child))
    caption = clean_text(" ".join(parts))[:MAX_LABEL_CHARS]
    return caption or None


def _outline(element: _Element) -> tuple[tuple[str, str], ...]:
    """The list items with nested lists that the element hangs under, outer → inner, each with the
    caption of the item just before it in its own list."""
    steps = []
    for ancestor in reversed(_ancestors(element)):
        if ancestor.name != "li":
            continue
        nested = _find(ancestor, "ul", "ol")
        if nested is None or not _is_inside(element, nested):
            continue
        caption = _own_caption(ancestor)
        if caption:
            before = _previous_sibling(ancestor, "li")
            steps.append((caption, _item_caption(before) if before is not None else ""))
    return tuple(steps)


def _item_caption(li: _Element) -> str:
    return _own_caption(li) or clean_text(_text(li))[:MAX_LABEL_CHARS]


_LABEL_END = re.compile(r"\s*[:—–-]\s*$")
MAX_INLINE_LABEL_CHARS = 100


def _local_labels(anchor: _Element) -> tuple[str, ...]:
    """Labels only this link has, inner to its block: the first cell of its table row and its
    column's header («Компонент | Документы» tables), and an inline label before it in its
    paragraph or list item («Цель: <a>…</a>», «<b>Задачи</b> <a>…</a>»)."""
    labels = []
    cell = _find_parent(anchor, "td", "th")
    if cell is not None and cell.parent is not None and cell.parent.name == "tr":
        labels += _table_labels(cell)
    inline = _inline_label(anchor)
    if inline:
        labels.insert(0, inline)
    return tuple(labels)


def _table_labels(cell: _Element) -> list[str]:
    row = cell.parent
    cells = _cells(row)
    index = next((i for i, c in enumerate(cells) if c is cell), None)
    if not index:
        return []
    found = []
    first = cells[0]
    first_text = clean_text(_text(first))
    if first_text and len(first_text) <= 200 and _find(first, "a") is None:
        found.append(first_text)
    header = _header_row(row)
    if header is not None and header is not row:
        header_cells = _cells(header)
        if index < len(header_cells):
            text = clean_text(_text(header_cells[index]))
            if text and len(text) <= 120:
                found.append(text)
    return found


def _header_row(row: _Element) -> _Element | None:
    """The table's header row: the row of <th> cells at its top (in <thead> or not)."""
    table = _find_parent(row, "table")
    if table is None:
        return None
    for candidate in _descendants(table):
        if candidate.name == "tr":
            cells = _cells(candidate)
            if cells and all(c.name == "th" for c in cells) and len(cells) > 1:
                return candidate
            return None
    return None


def _inline_label(anchor: _Element) -> str | None:
    holder = _find_parent(anchor, "p", "li", "td", "dd", "div")
    if holder is None:
        return None
    first = _find(holder, "a")  # «Цель: <a>…</a>, <a>…</a>»: the label stands before the first link
    parts: list[str] = []
    bold = False
    for item, owner in _before(holder, first or anchor):
        if item.__class__ is _Element:
            if item.name == "a":
                return None  # another link comes first: the label, if any, is before that one
            continue
        if item.__class__ is str:
            parts.append(item)
            bold = bold or (item.strip() != "" and _under(owner, holder, ("b", "strong")))
    text = clean_text(" ".join(parts))
    if not text or len(text) > MAX_INLINE_LABEL_CHARS:
        return None
    if _LABEL_END.search(text) or bold:
        return _LABEL_END.sub("", text) or None
    return None


def _before(holder: _Element, anchor: _Element):
    """(item, the element holding it) for the elements and strings of the holder that come before
    the anchor, in document order."""
    stack = [(iter(holder.contents), holder)]
    while stack:
        items, owner = stack[-1]
        for item in items:
            if item is anchor:
                return
            yield item, owner
            if item.__class__ is _Element and item.name != "a":
                stack.append((iter(item.contents), item))
                break
        else:
            stack.pop()


def _under(element: _Element | None, holder: _Element, names: tuple[str, ...]) -> bool:
    while element is not None and element is not holder:
        if element.name in names:
            return True
        element = element.parent
    return False


def _is_chrome(element: _Element) -> bool:
    if element.name in _CHROME_TAGS:
        return True
    get = element.attrs.get
    attrs = " ".join((get("class") or "").split() + [get("id", "") or "", get("role", "") or ""])
    return bool(attrs.strip() and _CHROME_WORDS.search(attrs) and "tab" not in attrs.lower())


def _is_pseudo_heading(element: _Element) -> bool:
    """<p><strong>Цели и задачи</strong></p>: a bold line standing alone, used as a heading."""
    if element.name not in ("p", "div"):
        return False
    children = [c for c in element.contents if c.__class__ is _Element or c.strip()]
    if _is_label_line(element, children):
        return True
    if len(children) != 1 or children[0].__class__ is not _Element or children[0].name not in ("strong", "b"):
        return False
    if _find(children[0], "a") is not None:
        return False
    text = clean_text(_text(children[0]))
    return 0 < len(text) <= 150


_INLINE_TAGS = frozenset({"b", "strong", "span", "em", "i", "u", "font"})


def _is_label_line(element: _Element, children: list) -> bool:
    """<p>Задачи:</p>: a short line of text ending with a colon, standing alone before what it names."""
    if not children or any(c.__class__ is _Element and (c.name not in _INLINE_TAGS or _find(c, "a") is not None)
                           for c in children):
        return False
    text = clean_text(_text(element))
    return 0 < len(text) <= MAX_INLINE_LABEL_CHARS and text.endswith(":")


def _cells(row: _Element) -> list[_Element]:
    return [c for c in row.contents if c.__class__ is _Element and c.name in ("td", "th")]


def _is_group_row(row: _Element) -> bool:
    cells = _cells(row)
    if len(cells) != 1 or _find(row, "a") is not None:
        return False
    colspan = cells[0].attrs.get("colspan")
    text = clean_text(_text(cells[0]))
    return bool(text) and len(text) <= 200 and (colspan is None or str(colspan).strip() != "1")


def _own_text(anchor: _Element) -> str:
    """The anchor's text without what broken HTML nested into it (a list item, another link)."""
    return clean_text(" ".join(_strings(anchor, skip=_NESTED_BLOCKS)))


def _link_text(anchor: _Element) -> str:
    text = _own_text(anchor) or clean_text(anchor.attrs.get("title", ""))
    if text and not _GENERIC_LINK_TEXT.match(text):
        return text
    row = _find_parent(anchor, "tr")
    if row is not None:
        cells = [clean_text(_text(c)) for c in _cells(row) if not _holds(c, anchor)]
        candidate = " — ".join(c for c in cells if c)
        if candidate:
            return candidate[:MAX_LABEL_CHARS]
    parent = _find_parent(anchor, "li", "p")
    if parent is not None:
        candidate = clean_text(_text(parent))
        if candidate and candidate != text:
            return candidate[:MAX_LABEL_CHARS]
    return text


def _holds(cell: _Element, anchor: _Element) -> bool:
    """Whether the cell holds the anchor, or a link equal to it: BeautifulSoup compared elements
    by name, attributes and contents, so a copy of the anchor counted as the anchor."""
    return any(e.name == "a" and (e is anchor or _equal(e, anchor)) for e in _descendants(cell))


# Attributes BeautifulSoup split into lists of words, by element ("*": any).
_WORD_LIST_ATTRIBUTES = {
    "*": {"class", "accesskey", "dropzone"}, "a": {"rel", "rev"}, "link": {"rel", "rev"},
    "td": {"headers"}, "th": {"headers"}, "form": {"accept-charset"}, "object": {"archive"},
    "area": {"rel"}, "icon": {"sizes"}, "iframe": {"sandbox"}, "output": {"for"},
}


def _equal(one: _Element, other: _Element) -> bool:
    """Same name, attributes and contents (strings by value, whatever their kind)."""
    pairs = [(one, other)]
    while pairs:
        a, b = pairs.pop()
        if a is b:
            continue
        if a.name != b.name or _word_lists(a) != _word_lists(b) or len(a.contents) != len(b.contents):
            return False
        for x, y in zip(a.contents, b.contents):
            if x.__class__ is _Element and y.__class__ is _Element:
                pairs.append((x, y))
            elif x.__class__ is _Element or y.__class__ is _Element or x != y:
                return False
    return True


def _word_lists(element: _Element) -> dict:
    """The element's attributes as BeautifulSoup held them."""
    lists = _WORD_LIST_ATTRIBUTES["*"] | _WORD_LIST_ATTRIBUTES.get(element.name.lower(), set())
    return {name: value.split() if name in lists else value for name, value in element.attrs.items()}
