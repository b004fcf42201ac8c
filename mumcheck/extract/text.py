"""Plain text documents."""

from __future__ import annotations

from mumcheck.model import Extraction

from .common import decode_bytes, first_line, result
from .html import declared_charsets


def read_text(path: str, sha256: str, content_type: str | None = None) -> Extraction:
    with open(path, "rb") as fh:
        data = fh.read()
    charsets = declared_charsets(b"", content_type)  # only the HTTP header can name one
    text, encoding = decode_bytes(data, charsets)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return result(sha256, "text", text, title=first_line(text), meta={"encoding": encoding})
