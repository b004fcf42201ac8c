"""DOCX reader: body paragraphs and tables in reading order, headers, footers, footnotes."""

from __future__ import annotations

import zipfile

from lxml import etree

from mumcheck.model import Extraction

from .common import clean_title, count_chars, failure, first_line, result, short_reason, tidy_lines
from .safezip import zip_bomb_reason

SCAN_MIN_CHARS = 50  # less text than this next to embedded images → a scan pasted into Word

MSG_BOMB = "Файл отклонён: архив DOCX распаковывается в слишком большой объём ({})"
MSG_BROKEN = "Файл повреждён: не удалось прочитать DOCX ({})"
MSG_NOT_WORD = "Файл не является документом Word: в архиве нет word/document.xml"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _T = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "t"
_SDT, _SDT_CONTENT, _CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
_INLINE = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_EXTRA_PARTS = ("header", "footer", "footnotes", "endnotes")
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_docx(path: str, sha256: str) -> Extraction:
    try:
        with zipfile.ZipFile(path) as archive:
            bomb = zip_bomb_reason(archive)
            if bomb:
                return failure(sha256, "docx", MSG_BOMB.format(bomb))
            names = archive.namelist()
            if "word/document.xml" not in names:
                return failure(sha256, "docx", MSG_NOT_WORD)
            has_images = any(name.startswith("word/media/") for name in names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        return failure(sha256, "docx", MSG_BROKEN.format(short_reason(exc)))
    try:
        parts, props = _read_with_python_docx(path)
    except ValueError:  # python-docx refuses e.g. .docm content types: read the XML directly
        try:
            parts, props = _read_raw(path), {}
        except Exception as exc:
            return failure(sha256, "docx", MSG_BROKEN.format(short_reason(exc)))
    except Exception as exc:
        return failure(sha256, "docx", MSG_BROKEN.format(short_reason(exc)))
    return _build(sha256, parts, props, has_images)


def _build(sha256: str, parts: dict[str, list[etree._Element]], props: dict, has_images: bool) -> Extraction:
    sections = [parts["header"], parts["body"], parts["footnotes"], parts["endnotes"], parts["footer"]]
    chunks = [tidy_lines("\n".join(_block_lines(el))) for group in sections for el in group]
    text = "\n\n".join(chunk for chunk in chunks if chunk)
    body_text = "\n".join(line for el in parts["body"] for line in _block_lines(el))
    meta = {key: value for key, value in props.items() if value and key != "title"}
    is_scan = count_chars(text) < SCAN_MIN_CHARS and has_images
    if is_scan:
        meta["scan_reason"] = "images_only"
    title = clean_title(props.get("title")) or first_line(body_text)
    return result(sha256, "docx", text, is_scan=is_scan, title=title, meta=meta)


# --- reading the parts ------------------------------------------------------------------------

def _read_with_python_docx(path: str) -> tuple[dict[str, list], dict]:
    import docx

    document = docx.Document(path)
    parts: dict[str, list] = {"body": [document.element.body], **{kind: [] for kind in _EXTRA_PARTS}}
    related = sorted(document.part.rels.values(), key=lambda rel: str(getattr(rel, "target_ref", "")))
    for rel in related:
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind in _EXTRA_PARTS and not rel.is_external:
            parts[kind].append(_part_element(rel.target_part))
    return parts, _core_properties(document)


def _part_element(part) -> etree._Element:
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob, _SAFE_PARSER)


def _read_raw(path: str) -> dict[str, list]:
    parts: dict[str, list] = {"body": [], **{kind: [] for kind in _EXTRA_PARTS}}
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            stem = name.removeprefix("word/").removesuffix(".xml").rstrip("0123456789")
            if name == "word/document.xml":
                root = etree.fromstring(archive.read(name), _SAFE_PARSER)
                parts["body"].append(root.find(_W + "body"))
            elif name.startswith("word/") and name.count("/") == 1 and stem in _EXTRA_PARTS:
                parts[stem].append(etree.fromstring(archive.read(name), _SAFE_PARSER))
    parts["body"] = [el for el in parts["body"] if el is not None]
    return parts


def _core_properties(document) -> dict:
    try:
        props = document.core_properties
        return {
            "title": props.title,
            "author": props.author,
            "created": props.created.isoformat() if props.created else None,
            "modified": props.modified.isoformat() if props.modified else None,
            "last_modified_by": props.last_modified_by,
        }
    except Exception:  # malformed docProps/core.xml must not cost us the text
        return {}


# --- walking WordprocessingML -----------------------------------------------------------------

def _block_lines(container) -> list[str]:
    """Lines of a block container (body, cell, header, sdtContent) in reading order."""
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if tag == _P:
            lines.append(paragraph_text(child))
        elif tag == _TBL:
            lines.extend(_table_lines(child))
        elif tag in (_SDT, _CUSTOM_XML):
            content = child.find(_SDT_CONTENT) if tag == _SDT else child
            if content is not None:
                lines.extend(_block_lines(content))
        elif tag in (_W + "hdr", _W + "ftr", _W + "footnote", _W + "endnote"):
            lines.extend(_block_lines(child))
    return lines


def _table_lines(table) -> list[str]:
    """One line per row, cells separated by tabs; nested tables expand inside their cell."""
    lines = []
    for row in _rows(table):
        cells = ["\n".join(line for line in _block_lines(cell) if line.strip()) for cell in _cells(row)]
        lines.append("\t".join(cells).rstrip())
    return lines


def _rows(table):
    for child in table:
        if child.tag == _TR:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                yield from _rows(content)


def _cells(row):
    for child in row:
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                yield from _cells(content)


def paragraph_text(paragraph) -> str:
    parts: list[str] = []
    _collect_runs(paragraph, parts)
    return "".join(parts)


def _collect_runs(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag == _MC_FALLBACK:
            continue  # comments, processing instructions, duplicate drawing fallbacks
        if tag == _T:
            parts.append(child.text or "")
        elif tag in _INLINE:
            parts.append(_INLINE[tag])
        elif tag == _P:  # a paragraph inside a text box
            parts.append("\n")
            _collect_runs(child, parts)
            parts.append("\n")
        else:
            _collect_runs(child, parts)
