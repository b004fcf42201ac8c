"""extract_file: sniff a downloaded file and hand it to the reader for its kind."""

from __future__ import annotations

import zipfile
from dataclasses import replace

from mumcheck.model import Extraction

from .common import failure, short_reason
from .docx import read_docx
from .html import read_html
from .pdf import read_pdf
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

_DOCUMENT_KINDS = {"pdf", "docx", "xlsx", "odt", "doc", "rtf", "zip"}

_UNSUPPORTED_NOTES = {
    "xlsx": "Формат XLSX пока не читается",
    "doc": "Формат DOC/XLS (OLE) пока не читается",
    "rtf": "Формат RTF пока не читается",
    "odt": "Формат ODT пока не читается",
    "zip": "Содержимое ZIP-архивов пока не читается",
    "image": "Изображение: текст не распознаётся",
    "unknown": "Формат файла не распознан",
}
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")


def extract_file(path: str, sha256: str, filename: str | None = None,
                 content_type: str | None = None) -> Extraction:
    """Read one downloaded file.  Never raises for bad input: problems go to ``error``."""
    kind = "unknown"
    try:
        head = _read_head(path)
        if not head:
            return failure(sha256, sniff_kind(head, filename, content_type), MSG_EMPTY)
        kind = _refine_zip(path, sniff_kind(head, filename, content_type), head)
        extraction = _read(kind, path, sha256, content_type)
        return _check_promise(extraction, filename, content_type)
    except MemoryError:
        return failure(sha256, kind, MSG_MEMORY)
    except OSError as exc:
        return failure(sha256, kind, MSG_OPEN.format(short_reason(exc)))
    except Exception as exc:  # a reader bug must not stop the run
        return failure(sha256, kind, MSG_INTERNAL.format(f"{type(exc).__name__}: {short_reason(exc)}"))


def _read(kind: str, path: str, sha256: str, content_type: str | None) -> Extraction:
    if kind == "pdf":
        return read_pdf(path, sha256)
    if kind == "docx":
        return read_docx(path, sha256)
    if kind == "html":
        return read_html(path, sha256, content_type)
    if kind == "text":
        return read_text(path, sha256, content_type)
    if kind == "doc" and _is_encrypted_ooxml(path):
        return failure(sha256, "doc", MSG_ENCRYPTED, container="ole")
    return unsupported(sha256, kind)


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


def _is_encrypted_ooxml(path: str) -> bool:
    """Password-protected docx/xlsx are OLE containers with an EncryptedPackage stream."""
    with open(path, "rb") as fh:
        return _ENCRYPTED_OOXML in fh.read(OLE_SCAN_LIMIT)
