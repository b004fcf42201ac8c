"""Guess a document's kind: by magic bytes first (libmagic where installed, then our own
signatures), then Content-Type, then file extension."""

from __future__ import annotations

import os
import re

KINDS = ("pdf", "docx", "xlsx", "odt", "zip", "doc", "xls", "rtf", "html", "image", "text", "rar", "7z", "unknown")

# (prefix, kind); checked at offset 0
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2 compound file (doc, xls, ppt, encrypted OOXML)
    (b"{\\rtf", "rtf"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
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
    "application/vnd.ms-excel": "xls",
    "application/x-rar-compressed": "rar",
    "application/vnd.rar": "rar",
    "application/x-rar": "rar",
    "application/x-7z-compressed": "7z",
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
    ".doc": "doc", ".xls": "xls", ".ppt": "doc", ".rar": "rar", ".7z": "7z",
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
    by_magic = _by_libmagic(head) or _by_magic(head)
    hinted = _by_content_type(content_type) or _by_extension(filename)
    if by_magic == "zip":
        return _zip_kind_from_head(head) or (hinted if hinted in _ZIP_KINDS else "zip")
    if by_magic == "doc" and hinted == "xls":  # an OLE file: core.py looks at its streams too
        return "xls"
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


# MIME types from libmagic that we trust; anything else (text/plain, octet-stream …) falls through
_LIBMAGIC_TYPES = {
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/x-ole-storage": "doc",
    "application/cdfv2": "doc",
    "text/rtf": "rtf",
    "application/rtf": "rtf",
    "application/x-rar": "rar",
    "application/vnd.rar": "rar",
    "application/x-7z-compressed": "7z",
}
_LIBMAGIC_IMAGES = {"image/jpeg", "image/png", "image/tiff", "image/gif", "image/bmp", "image/webp", "image/jp2"}
_magic_state: list = []  # [magic module or None], filled on first use


def _by_libmagic(head: bytes) -> str | None:
    if not head:
        return None
    if not _magic_state:
        try:
            import magic

            magic.from_buffer(b"%PDF-1.4", mime=True)
            _magic_state.append(magic)
        except Exception:  # python-magic or libmagic missing: our own signatures do the job
            _magic_state.append(None)
    module = _magic_state[0]
    if module is None:
        return None
    try:
        mime = module.from_buffer(head, mime=True).lower()
    except Exception:
        return None
    if mime in _LIBMAGIC_IMAGES:  # not every image/*: libmagic calls random bytes image/x-tga
        return "image"
    return _LIBMAGIC_TYPES.get(mime)


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
