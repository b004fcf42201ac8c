"""Helpers shared by the format readers."""

from __future__ import annotations

import codecs
import re

from mumcheck.model import Extraction

TITLE_MAX = 300
_WS = re.compile(r"\s+")
_WORD_PREFIX = re.compile(r"^Microsoft (?:Word|Excel|PowerPoint) - ", re.IGNORECASE)
_PLACEHOLDERS = {"untitled", "anonymous", "unknown", "unspecified", "none", "null", "title",
                 "без имени", "без названия", "документ1", "document1"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def count_chars(text: str) -> int:
    """Length of the text with all whitespace removed."""
    return len(_WS.sub("", text))


def first_line(text: str) -> str | None:
    for line in text.splitlines():
        line = _WS.sub(" ", line).strip()
        if line:
            return line[:TITLE_MAX]
    return None


def clean_title(value: object) -> str | None:
    """A metadata string with whitespace squeezed; None for empty values and producer placeholders."""
    if not isinstance(value, str):
        return None
    value = _WS.sub(" ", value.replace("\x00", "")).strip()
    value = _WORD_PREFIX.sub("", value)
    if value.casefold() in _PLACEHOLDERS:
        return None
    return value[:TITLE_MAX] or None


def tidy_lines(text: str) -> str:
    """Strip trailing spaces and squeeze runs of blank lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):], encoding
    return data, None


def decode_bytes(data: bytes, declared: list[str | None] = ()) -> tuple[str, str]:
    """Decode with the BOM, then each declared charset, then utf-8, then windows-1251.

    Non-ASCII bytes that are valid UTF-8 are taken as UTF-8 whatever is declared (Russian sites
    often declare windows-1251 and serve UTF-8, and windows-1251 text is practically never valid
    UTF-8).  A candidate is used only if it decodes the whole body strictly; windows-1251 with
    replacement is the last resort.  Returns (text, encoding used).
    """
    body, bom_encoding = strip_bom(data)
    utf8_first = "utf-8" if not body.isascii() and _is_utf8(body) else None
    candidates = [bom_encoding, utf8_first, *declared, "utf-8", "windows-1251"]
    for name in candidates:
        encoding = _normalise_encoding(name)
        if not encoding:
            continue
        try:
            return body.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("windows-1251", errors="replace"), "windows-1251"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _normalise_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def result(sha256: str, kind: str, text: str = "", **fields) -> Extraction:
    """Build an Extraction, filling ``chars`` from the text."""
    return Extraction(sha256=sha256, kind=kind, text=text, chars=count_chars(text), **fields)


def failure(sha256: str, kind: str, message: str, **meta) -> Extraction:
    return Extraction(sha256=sha256, kind=kind, error=message, meta=dict(meta))


def short_reason(exc: BaseException) -> str:
    """A one-line, bounded description of an exception for an error message."""
    text = _WS.sub(" ", str(exc)).strip() or type(exc).__name__
    return text[:200]
