"""Kinds that are not read (and say why), empty and missing files."""

from __future__ import annotations

import pytest

from mumcheck.extract import extract_file

from .helpers import is_russian


@pytest.mark.parametrize("name,body,kind", [
    ("scan.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 100, "image"),
    ("data.bin", bytes(range(256)), "unknown"),
    ("pack.rar", b"Rar!\x1a\x07\x01\x00" + b"\0" * 100, "rar"),
    ("pack.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 100, "7z"),
])
def test_unread_kinds_are_not_errors(tmp_path, name, body, kind):
    path = tmp_path / name
    path.write_bytes(body)
    result = extract_file(str(path), "sha", filename=name)
    assert result.error is None
    assert result.kind == kind and result.text == "" and result.chars == 0
    assert result.meta["unsupported"] is True and result.meta["kind"] == kind
    assert is_russian(result.meta["note"])
    assert result.is_scan == (kind == "image")


def test_powerpoint_97_is_named(tmp_path):
    path = tmp_path / "slides.ppt"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "PowerPoint Document".encode("utf-16-le"))
    result = extract_file(str(path), "sha", filename="slides.ppt")
    assert result.meta["unsupported"] is True and "PPT" in result.meta["note"]


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
