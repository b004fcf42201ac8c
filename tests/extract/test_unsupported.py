"""Kinds without a reader yet, empty and missing files."""

from __future__ import annotations

import zipfile

import pytest

from mumcheck.extract import extract_file

from .helpers import is_russian


@pytest.mark.parametrize("name,body,kind", [
    ("plan.rtf", b"{\\rtf1\\ansi \\par }", "rtf"),
    ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "doc"),
    ("scan.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 100, "image"),
    ("data.bin", bytes(range(256)), "unknown"),
])
def test_unsupported_kinds_are_not_errors(tmp_path, name, body, kind):
    path = tmp_path / name
    path.write_bytes(body)
    result = extract_file(str(path), "sha", filename=name)
    assert result.error is None
    assert result.kind == kind and result.text == "" and result.chars == 0
    assert result.meta["unsupported"] is True and result.meta["kind"] == kind
    assert is_russian(result.meta["note"])
    assert result.is_scan == (kind == "image")


def test_xlsx_and_odt_are_unsupported_for_now(tmp_path):
    xlsx = tmp_path / "t.xlsx"
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    odt = tmp_path / "t.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    assert extract_file(str(xlsx), "a").meta == {"unsupported": True, "kind": "xlsx",
                                                 "note": "Формат XLSX пока не читается"}
    assert extract_file(str(odt), "b").kind == "odt"


def test_password_protected_office_file(tmp_path):
    """Encrypted docx/xlsx are OLE containers holding an EncryptedPackage stream."""
    path = tmp_path / "locked.docx"
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000 + "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(body)
    result = extract_file(str(path), "sha", filename="locked.docx")
    assert result.error == "Документ зашифрован паролем"


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert extract_file(str(empty), "sha", filename="empty.pdf").error == "Файл пуст"
    missing = extract_file(str(tmp_path / "nope.pdf"), "sha")
    assert missing.error.startswith("Не удалось открыть файл")
