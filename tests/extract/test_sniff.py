"""sniff_kind: magic bytes win over Content-Type, which wins over the extension."""

from __future__ import annotations

import io
import zipfile

import pytest

from mumcheck.extract import extract_file, sniff_kind


def _zip_head(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def _odt_head() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize("head,filename,content_type,kind", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "report.docx", None, "pdf"),  # a PDF named .docx
    (b"\r\n  %PDF-1.4\n", None, "text/html", "pdf"),  # junk before the header
    (b"<!DOCTYPE html><html><body>404</body></html>", "order.pdf", "application/pdf", "html"),
    (b"\xef\xbb\xbf<html lang='ru'>", None, None, "html"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "plan.docx", None, "doc"),
    (b"{\\rtf1\\ansi\\ansicpg1251 ", "plan.doc", None, "rtf"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "scan.pdf", None, "image"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", None, None, "image"),
    (_zip_head("[Content_Types].xml", "word/document.xml"), "x.bin", None, "docx"),
    (_zip_head("[Content_Types].xml", "xl/workbook.xml"), "x.docx", None, "xlsx"),
    (_odt_head(), None, None, "odt"),
    (_zip_head("a.txt"), "archive.zip", None, "zip"),
])
def test_magic_comes_first(head, filename, content_type, kind):
    assert sniff_kind(head, filename, content_type) == kind


def test_content_type_then_extension():
    unknown = b"\x00\x01\x02\x03binary"
    assert sniff_kind(unknown, "file.docx", "application/pdf; charset=binary") == "pdf"
    assert sniff_kind(unknown, "file.docx", "application/octet-stream") == "docx"
    assert sniff_kind(unknown, "/files/Plan.XLSX?download=1", None) == "xlsx"
    assert sniff_kind(unknown, None, "image/jpeg") == "image"
    assert sniff_kind(unknown) == "unknown"


def test_zip_hint_only_picks_among_zip_formats():
    head = _zip_head("a.txt")
    assert sniff_kind(head, "plan.docx") == "docx"
    assert sniff_kind(head, "plan.pdf") == "zip"


def test_text_by_content():
    assert sniff_kind("Приказ № 1".encode("cp1251")) == "text"
    assert sniff_kind("Приказ № 1".encode("utf-8"), "readme") == "text"
    assert sniff_kind(b"") == "unknown"


def test_extract_file_reads_zip_members(tmp_path):
    """The central directory decides when the head does not: an xlsx named .docx is an xlsx."""
    path = tmp_path / "table.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>" + " " * 20000)  # push names out of the head
        archive.writestr("xl/workbook.xml", "<workbook/>")
    result = extract_file(str(path), "sha", filename=path.name)
    assert result.kind == "xlsx"
    assert result.error.startswith("Файл повреждён: не удалось прочитать таблицу XLSX")  # a stub workbook
