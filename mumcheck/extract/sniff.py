"""Guess a document's kind: by magic bytes first, then Content-Type, then file extension."""

from __future__ import annotations

import os
import re

KINDS = ("pdf", "docx", "xlsx", "odt", "zip", "doc", "rtf", "html", "image", "text", "unknown")

# (prefix, kind); checked at offset 0
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2 compound file (doc, xls, ppt, encrypted OOXML)
    (b"{\\rtf", "rtf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),  # JPEG
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),  # TIFF, little-endian
    (b"MM\x00*", "image"),  # TIFF, big-endian
    (b"BM", "image"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image"),  # JPEG 2000
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_ANYWHERE = re.compile(rb"<html[\s>]|<body[\s>]|<!doctype\s+html", re.IGNORECASE)

_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/msword": "doc",
    "application/vnd.ms-excel": "doc",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}

_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx", ".docm": "docx", ".dotx": "docx",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".odt": "odt",
    ".zip": "zip",
    ".doc": "doc", ".xls": "doc", ".ppt": "doc",
    ".rtf": "rtf",
    ".html": "html", ".htm": "html", ".shtml": "html", ".php": "html", ".aspx": "html",
    ".txt": "text", ".csv": "text",
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image", ".tif": "image",
    ".tiff": "image", ".bmp": "image", ".webp": "image",
}

# zip-based formats, told apart by member names visible in the head or in the central directory
_ZIP_KINDS = ("docx", "xlsx", "odt")


def sniff_kind(head: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """Return one of KINDS for a file whose first bytes are ``head`` (a few KB is enough)."""
    by_magic = _by_magic(head)
    hinted = _by_content_type(content_type) or _by_extension(filename)
    if by_magic == "zip":
        return _zip_kind_from_head(head) or (hinted if hinted in _ZIP_KINDS else "zip")
    if by_magic:
        return by_magic
    if hinted:
        return hinted
    return "text" if looks_like_text(head) else "unknown"


def zip_kind_from_names(names: list[str]) -> str:
    """Tell docx/xlsx/odt/zip apart by the list of archive members."""
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and "content.xml" in names:
        return "odt"
    return "zip"


def _by_magic(head: bytes) -> str | None:
    if b"%PDF-" in head[:1024]:  # some producers put junk before the header
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    for prefix, kind in _MAGIC:
        if head.startswith(prefix):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if _looks_like_html(head):
        return "html"
    return None


def _looks_like_html(head: bytes) -> bool:
    sample = head[:4096]
    for bom in _BOMS:
        if sample.startswith(bom):
            sample = sample[len(bom):]
            break
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in sample[:64]:
        sample = sample.replace(b"\x00", b"")  # crude UTF-16 → ASCII for tag matching
    return bool(_HTML_START.match(sample) or _HTML_ANYWHERE.search(sample[:1024]))


def _zip_kind_from_head(head: bytes) -> str | None:
    if b"word/" in head:
        return "docx"
    if b"xl/" in head:
        return "xlsx"
    if b"mimetypeapplication/vnd.oasis.opendocument.text" in head:
        return "odt"
    return None


def _by_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime.startswith("image/"):
        return "image"
    return _CONTENT_TYPES.get(mime)


def _by_extension(filename: str | None) -> str | None:
    if not filename:
        return None
    name = filename.split("?", 1)[0].split("#", 1)[0]
    return _EXTENSIONS.get(os.path.splitext(name)[1].lower())


def looks_like_text(head: bytes) -> bool:
    """True when the bytes decode as text with few control characters."""
    if not head:
        return False
    if head.startswith(_BOMS):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) < 0.01
