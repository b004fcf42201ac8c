"""HTML used as a document: decode the bytes, keep the visible text."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction

from mumcheck.model import Extraction

from .common import clean_title, decode_bytes, first_line, result, tidy_lines

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_INVISIBLE = ("script", "style", "noscript", "template", "head", "iframe", "object", "svg", "canvas")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
           "article", "header", "footer", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "form")


def declared_charsets(data: bytes, content_type: str | None = None) -> list[str]:
    """Charsets named by the HTTP header and by <meta charset>/<meta http-equiv> (in that order)."""
    found = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            found.append(match.group(1))
    match = _META_CHARSET.search(data[:8192])
    if match:
        found.append(match.group(1).decode("ascii", "ignore"))
    return found


def read_html(path: str, sha256: str, content_type: str | None = None) -> Extraction:
    with open(path, "rb") as fh:
        data = fh.read()
    markup, encoding = decode_bytes(data, declared_charsets(data, content_type))
    soup = BeautifulSoup(markup, "lxml")
    title = clean_title(soup.title.get_text(" ")) if soup.title else None
    text = visible_text(soup)
    heading = soup.find("h1")
    title = title or (clean_title(heading.get_text(" ")) if heading else None) or first_line(text)
    return result(sha256, "html", text, title=title, meta={"encoding": encoding})


def visible_text(soup: BeautifulSoup) -> str:
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Doctype, ProcessingInstruction))):
        node.extract()
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(style=_HIDDEN_STYLE):
        tag.decompose()
    for tag in soup.find_all(hidden=True):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(("td", "th")):
        tag.append("\t")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.append("\n")
    raw = soup.get_text()
    lines = (re.sub(r"[ \u00a0]+", " ", line).strip(" ") for line in raw.splitlines())
    return tidy_lines("\n".join(re.sub(r"\s*\t\s*", "\t", line).strip() for line in lines))
