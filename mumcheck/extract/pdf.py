"""PDF reader: pypdfium2 first, pdfminer.six for what pdfium cannot open."""

from __future__ import annotations

import io
import re

from mumcheck.model import Extraction

from .common import clean_title, count_chars, failure, first_line, result, short_reason

SCAN_CHARS_PER_PAGE = 50  # fewer meaningful characters per page than this → a scan
GARBLED_SHARE = 0.5  # more than this share of (cid:NN)/U+FFFD/private-use → a scan

MSG_ENCRYPTED = "Документ зашифрован паролем"
MSG_BROKEN = "Файл повреждён: не удалось прочитать PDF ({})"

_CID = re.compile(r"\(cid:\d+\)")
_PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+\-])?\s*(\d{2})?'?(\d{2})?")


# pdfium's document-loading error codes (FPDF_ERR_*), in words
_PDFIUM_ERRORS = {
    1: "неизвестная ошибка",
    2: "файл не открывается",
    3: "нарушен формат данных",
    6: "страница не найдена или повреждена",
}


class EncryptedPdf(Exception):
    pass


def read_pdf(path: str, sha256: str) -> Extraction:
    reader = "pdfium"
    try:
        pages, info, images = _read_with_pdfium(path)
    except EncryptedPdf:
        return failure(sha256, "pdf", MSG_ENCRYPTED)
    except Exception as pdfium_error:  # pdfium could not open it: try pdfminer
        try:
            pages, info, images = _read_with_pdfminer(path)
            reader = "pdfminer"
        except EncryptedPdf:
            return failure(sha256, "pdf", MSG_ENCRYPTED)
        except Exception as pdfminer_error:
            reason = f"{_pdfium_reason(pdfium_error)}; pdfminer: {short_reason(pdfminer_error)}"
            return failure(sha256, "pdf", MSG_BROKEN.format(reason))
    return _build(sha256, pages, info, images, reader)


def _build(sha256: str, pages: list[str], info: dict[str, str], images: bool, reader: str) -> Extraction:
    text = "\f".join(pages)
    scan_reason = scan_verdict(text, len(pages), images)
    meta: dict = {"reader": reader}
    if not count_chars(text) and not scan_reason:
        meta["empty"] = True
    for key in ("author", "created", "modified", "producer", "creator"):
        if info.get(key):
            meta[key] = info[key]
    if scan_reason:
        meta["scan_reason"] = scan_reason
    title = clean_title(info.get("title"))
    if not title and scan_reason != "garbled":
        title = first_line(text)
    return result(sha256, "pdf", text, pages=len(pages), is_scan=bool(scan_reason), title=title, meta=meta)


def scan_verdict(text: str, pages: int, has_images: bool = True) -> str | None:
    """Why the text looks like it came from a scan: 'garbled', 'little_text' or None.

    Little text counts as a scan only when the text-poor pages hold images: blank pages
    without pictures make an empty document, not a scan.
    """
    if pages <= 0:
        return None
    cid_chars = sum(len(m) for m in _CID.findall(text))
    rest = _CID.sub("", text)
    junk = cid_chars + sum(1 for ch in rest if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    total = count_chars(text)
    if total and junk / total > GARBLED_SHARE:
        return "garbled"
    if _meaningful(rest) / pages < SCAN_CHARS_PER_PAGE and has_images:
        return "little_text"
    return None


def _meaningful(text: str) -> int:
    """Letters and digits outside (cid:NN) runs."""
    return sum(1 for ch in _CID.sub("", text) if ch.isalnum())


meaningful_chars = _meaningful


# --- pypdfium2 -------------------------------------------------------------------------------

def _read_with_pdfium(path: str) -> tuple[list[str], dict[str, str], bool]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedPdf() from exc
        raise
    try:
        info = _pdfium_info(doc)
        pages, images = [], False
        for index in range(len(doc)):
            text, has_image = _pdfium_page(doc, index)
            pages.append(text)
            images = images or has_image
        return pages, info, images
    finally:
        doc.close()


def _pdfium_reason(exc: Exception) -> str:
    words = _PDFIUM_ERRORS.get(getattr(exc, "err_code", None))
    return words or f"pdfium: {short_reason(exc)}"


def _pdfium_page(doc, index: int) -> tuple[str, bool]:
    """The page's text and, for a text-poor page only, whether it holds an image."""
    import pypdfium2.raw as pdfium_c

    page = doc[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range(errors="replace").replace("\r\n", "\n")
        finally:
            textpage.close()
        has_image = False
        if _meaningful(text) < SCAN_CHARS_PER_PAGE:
            objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
            has_image = next(objects, None) is not None
        return text, has_image
    finally:
        page.close()


def _pdfium_info(doc) -> dict[str, str]:
    raw = doc.get_metadata_dict(skip_empty=True)
    return _info_from(raw.get("Title"), raw.get("Author"), raw.get("CreationDate"),
                      raw.get("ModDate"), raw.get("Producer"), raw.get("Creator"))


# --- pdfminer.six -----------------------------------------------------------------------------

def _read_with_pdfminer(path: str) -> tuple[list[str], dict[str, str], bool]:
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with open(path, "rb") as fh:
        try:
            document = PDFDocument(PDFParser(fh))
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise EncryptedPdf() from exc
        info = _pdfminer_info(document)
        manager = PDFResourceManager()
        buffer = io.StringIO()
        device = TextConverter(manager, buffer, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        pages, images = [], False
        for page in PDFPage.create_pages(document):
            interpreter.process_page(page)
            pages.append(buffer.getvalue().rstrip("\f"))
            images = images or _pdfminer_page_has_xobjects(page)
            buffer.seek(0)
            buffer.truncate()
        device.close()
    if not pages:
        raise ValueError("в документе не найдено ни одной страницы")
    return pages, info, images


def _pdfminer_page_has_xobjects(page) -> bool:
    """Whether the page draws external objects (images or forms that may hold them)."""
    from pdfminer.pdftypes import resolve1

    resources = resolve1(page.resources) or {}
    return bool(resolve1(resources.get("XObject")) if isinstance(resources, dict) else False)


def _pdfminer_info(document) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    merged: dict[str, str] = {}
    for entry in document.info or []:
        for key, value in (resolve1(entry) or {}).items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str):
                merged[key] = value
    return _info_from(merged.get("Title"), merged.get("Author"), merged.get("CreationDate"),
                      merged.get("ModDate"), merged.get("Producer"), merged.get("Creator"))


# --- metadata ---------------------------------------------------------------------------------

def _info_from(title, author, created, modified, producer, creator) -> dict[str, str]:
    info = {
        "title": clean_title(title),
        "author": clean_title(author),
        "created": pdf_date(created),
        "modified": pdf_date(modified),
        "producer": clean_title(producer),
        "creator": clean_title(creator),
    }
    return {key: value for key, value in info.items() if value}


def pdf_date(value: str | None) -> str | None:
    """'D:20240115123000+03'00'' → '2024-01-15T12:30:00+03:00' (as much as is given)."""
    if not value:
        return None
    match = _PDF_DATE.match(value.strip())
    if not match:
        return clean_title(value)
    year, month, day, hour, minute, second, sign, tz_hour, tz_minute = match.groups()
    stamp = f"{year}-{month or '01'}-{day or '01'}"
    if hour:
        stamp += f"T{hour}:{minute or '00'}:{second or '00'}"
        if sign in ("Z", "z"):
            stamp += "Z"
        elif sign and tz_hour:
            stamp += f"{sign}{tz_hour}:{tz_minute or '00'}"
    return stamp
