"""ODT (OpenDocument text): content.xml read with a safe XML parser."""

from __future__ import annotations

import zipfile

from lxml import etree

from mumcheck.model import Extraction

from .common import clean_title, failure, first_line, result, short_reason, tidy_lines
from .safezip import MAX_MEMBER, TooBig, read_member, zip_bomb_reason

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_BLOCKS = {_TEXT + "p", _TEXT + "h"}
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

MSG_BOMB = "Файл отклонён: архив ODT распаковывается в слишком большой объём ({})"
MSG_BROKEN = "Файл повреждён: не удалось прочитать ODT ({})"


def read_odt(path: str, sha256: str) -> Extraction:
    try:
        with zipfile.ZipFile(path) as archive:
            bomb = zip_bomb_reason(archive)
            if bomb:
                return failure(sha256, "odt", MSG_BOMB.format(bomb))
            content = etree.fromstring(read_member(archive, archive.getinfo("content.xml"), MAX_MEMBER), _SAFE_PARSER)
            title = _title(archive)
    except TooBig as exc:
        return failure(sha256, "odt", MSG_BOMB.format(exc))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, EOFError) as exc:
        return failure(sha256, "odt", MSG_BROKEN.format(short_reason(exc)))
    lines: list[str] = []
    _walk(content, lines)
    text = tidy_lines("\n".join(lines))
    return result(sha256, "odt", text, title=title or first_line(text))


def _title(archive: zipfile.ZipFile) -> str | None:
    try:
        meta = etree.fromstring(read_member(archive, archive.getinfo("meta.xml"), 1024 * 1024), _SAFE_PARSER)
    except Exception:  # meta.xml is optional and never worth failing for
        return None
    node = meta.find(".//" + _DC_TITLE)
    return clean_title(node.text if node is not None else None)


def _walk(element, lines: list[str]) -> None:
    for child in element:
        if child.tag in _BLOCKS:
            lines.append(_inline(child))
        elif child.tag == _TABLE + "table-row":
            cells = [" ".join(_cell_lines(cell)) for cell in child if cell.tag == _TABLE + "table-cell"]
            lines.append("\t".join(cells).rstrip())
        elif isinstance(child.tag, str):
            _walk(child, lines)


def _cell_lines(cell) -> list[str]:
    lines: list[str] = []
    _walk(cell, lines)
    return [line for line in lines if line.strip()]


def _inline(element) -> str:
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == _TEXT + "s":
            parts.append(" " * int(child.get(_TEXT + "c", "1") or 1))
        elif tag == _TEXT + "tab":
            parts.append("\t")
        elif tag == _TEXT + "line-break":
            parts.append("\n")
        elif tag in (_TEXT + "note",):
            pass  # footnote bodies would break the sentence; they are rare in these documents
        elif isinstance(tag, str):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)
