"""extract_file: sniff a downloaded file and hand it to the reader for its kind."""

from __future__ import annotations

import zipfile
from dataclasses import replace

from mumcheck.model import Extraction

from .archive import MAX_DEPTH, read_zip, too_deep, unread_archive
from .common import failure, short_reason
from .docx import read_docx
from .html import read_html
from .legacy import read_doc
from .odt import read_odt
from .pdf import read_pdf
from .rtf import read_rtf
from .sheets import read_xls, read_xlsx
from .sniff import sniff_kind, zip_kind_from_names
from .text import read_text

HEAD_SIZE = 8192
OLE_SCAN_LIMIT = 64 * 1024 * 1024

MSG_EMPTY = "Файл пуст"
MSG_OPEN = "Не удалось открыть файл ({})"
MSG_MEMORY = "Не хватило памяти для обработки файла"
MSG_INTERNAL = "Не удалось прочитать файл: внутренняя ошибка ({})"
MSG_ENCRYPTED = "Документ зашифрован паролем"
MSG_HTML_INSTEAD = "Вместо документа получена веб-страница{}"

_DOCUMENT_KINDS = {"pdf", "docx", "xlsx", "odt", "doc", "xls", "rtf", "zip", "rar", "7z"}

_UNSUPPORTED_NOTES = {
    "image": "изображение: текст не распознаётся без OCR (параметр --ocr и программа tesseract-ocr-rus)",
    "ppt": "презентации PowerPoint 97–2003 (PPT) не читаются: разместите документ в PDF",
    "unknown": "формат файла не распознан: разместите документ в PDF или DOCX",
}
# OLE2 stream names (UTF-16LE in the directory) that tell the Office formats apart
_OLE_STREAMS = (("EncryptedPackage", "encrypted"), ("WordDocument", "doc"), ("Workbook", "xls"),
                ("Book", "xls"), ("PowerPoint Document", "ppt"))


def extract_file(path: str, sha256: str, filename: str | None = None,
                 content_type: str | None = None, *, ocr: bool = False, depth: int = 0) -> Extraction:
    """Read one downloaded file.  Never raises for bad input: problems go to ``error``.

    ``ocr`` lets scans and images go through Tesseract (when installed); ``depth`` counts the
    archives this file was found in.
    """
    kind = "unknown"
    try:
        head = _read_head(path)
        if not head:
            return failure(sha256, sniff_kind(head, filename, content_type), MSG_EMPTY)
        kind = _refine_zip(path, sniff_kind(head, filename, content_type), head)
        if kind in ("doc", "xls"):
            kind = _ole_kind(path) or kind
        extraction = _read(kind, path, sha256, content_type, ocr, depth)
        if ocr and extraction.is_scan and extraction.kind in ("pdf", "image"):
            extraction = recognise(extraction, path)
        return with_document_facts(_check_promise(extraction, filename, content_type))
    except MemoryError:
        return failure(sha256, kind, MSG_MEMORY)
    except OSError as exc:
        return failure(sha256, kind, MSG_OPEN.format(short_reason(exc)))
    except Exception as exc:  # a reader bug must not stop the run
        return failure(sha256, kind, MSG_INTERNAL.format(f"{type(exc).__name__}: {short_reason(exc)}"), internal=True)


def _read(kind: str, path: str, sha256: str, content_type: str | None, ocr: bool, depth: int) -> Extraction:
    simple = {"pdf": read_pdf, "docx": read_docx, "doc": read_doc, "xls": read_xls, "xlsx": read_xlsx,
              "odt": read_odt, "rtf": read_rtf}
    if kind in simple:
        return simple[kind](path, sha256)
    if kind == "html":
        return read_html(path, sha256, content_type)
    if kind == "text":
        return read_text(path, sha256, content_type)
    if kind == "zip":
        return read_zip(path, sha256, depth, ocr) if depth < MAX_DEPTH else too_deep(sha256)
    if kind in ("rar", "7z"):
        return unread_archive(sha256, kind)
    if kind == "encrypted":
        return failure(sha256, "doc", MSG_ENCRYPTED, container="ole")
    return unsupported(sha256, kind)


def recognise(extraction: Extraction, path: str) -> Extraction:
    """Run OCR over a scan; keep the scan verdict when OCR is unavailable or finds too little."""
    from .ocr import OcrUnavailable, ocr_image, ocr_pdf
    from .pdf import SCAN_CHARS_PER_PAGE, meaningful_chars

    meta = dict(extraction.meta)
    try:
        if extraction.kind == "pdf":
            pages, skipped = ocr_pdf(path)
            if skipped:
                meta["ocr_skipped_pages"] = skipped
        else:
            pages = [ocr_image(path)]
    except OcrUnavailable:
        return replace(extraction, meta={**meta, "ocr": "unavailable"})
    except Exception as exc:
        return replace(extraction, meta={**meta, "ocr": "failed", "ocr_error": short_reason(exc)})
    text = "\f".join(page.strip() for page in pages)
    recovered = meaningful_chars(text) >= SCAN_CHARS_PER_PAGE * max(1, len(pages) // 2)
    meta.update(ocr="tesseract", ocr_recovered=recovered)
    if extraction.kind == "image":
        meta.pop("unsupported", None)
        meta.pop("note", None)
    from .common import count_chars, first_line

    return replace(extraction, text=text, chars=count_chars(text), is_scan=not recovered,
                   title=extraction.title or first_line(text), meta=meta)


def _check_promise(extraction: Extraction, filename: str | None, content_type: str | None) -> Extraction:
    """Compare the kind read with the kind the link promised.

    An HTML page where the file name promised a document (a 404 or login page behind a .pdf link)
    is an error; any other mismatch is only noted in ``meta["declared_kind"]``.
    """
    promised = sniff_kind(b"", filename)  # the name says what the link promised; servers mislabel
    if extraction.kind == "html" and promised in _DOCUMENT_KINDS:
        message = MSG_HTML_INSTEAD.format(_quoted(extraction.title))
        return failure(extraction.sha256, "html", message, declared_kind=promised, page_title=extraction.title)
    declared = sniff_kind(b"", filename, content_type)
    if declared in ("unknown", extraction.kind):
        return extraction
    return replace(extraction, meta={**extraction.meta, "declared_kind": declared})


def _quoted(title: str | None) -> str:
    return f" «{title}»" if title else ""


def with_document_facts(extraction: Extraction) -> Extraction:
    """Add the document kind, order date and number, years, signature marks to ``meta``."""
    if not extraction.text or extraction.error:
        return extraction
    from .facts import document_facts

    facts = document_facts(extraction.text, extraction.title)
    return replace(extraction, meta={**extraction.meta, **facts}) if facts else extraction


def unsupported(sha256: str, kind: str) -> Extraction:
    meta = {"unsupported": True, "kind": kind, "note": _UNSUPPORTED_NOTES.get(kind, _UNSUPPORTED_NOTES["unknown"])}
    return Extraction(sha256=sha256, kind=kind, is_scan=kind == "image", meta=meta)


def _read_head(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_SIZE)


def _refine_zip(path: str, kind: str, head: bytes) -> str:
    """For a zip container, let the member list decide between docx/xlsx/odt/zip."""
    if not head.startswith(b"PK"):
        return kind
    try:
        with zipfile.ZipFile(path) as archive:
            by_names = zip_kind_from_names(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        return kind  # the reader reports the damage
    return by_names if by_names != "zip" else kind


def _ole_kind(path: str) -> str | None:
    """doc, xls, ppt or encrypted (password-protected docx/xlsx) by the OLE stream names."""
    with open(path, "rb") as fh:
        data = fh.read(OLE_SCAN_LIMIT)
    for name, kind in _OLE_STREAMS:
        needle = name.encode("utf-16-le") + (b"\x00\x00" if name == "Book" else b"")  # not …book
        if needle in data:
            return kind
    return None
