"""PDF reading: text per page, metadata, scans, encrypted and broken files."""

from __future__ import annotations

import pytest

from mumcheck.extract import extract_file
from mumcheck.extract.pdf import pdf_date, read_pdf, scan_verdict

from .helpers import LOREM_RU, is_russian, squash, write_pdf


def test_text_pages_and_metadata(tmp_path):
    path = write_pdf(tmp_path / "a.pdf", ["Первая страница. " + LOREM_RU * 2, "Вторая страница. " + LOREM_RU * 2],
                     title="Дорожная карта", author="Управление образования")
    result = extract_file(str(path), "sha")
    assert result.error is None
    assert (result.kind, result.pages, result.is_scan) == ("pdf", 2, False)
    first, second = result.text.split("\f")
    assert "Первая страница" in first and "Вторая страница" in second
    assert result.title == "Дорожная карта"
    assert result.meta["author"] == "Управление образования"
    assert result.meta["created"][:2] == "20"
    assert result.meta["reader"] == "pdfium"
    assert result.chars == len("".join(result.text.split()))


def test_title_falls_back_to_first_line(tmp_path):
    path = write_pdf(tmp_path / "b.pdf", ["ПРИКАЗ\n" + LOREM_RU * 3])
    assert extract_file(str(path), "sha").title == "ПРИКАЗ"


def test_blank_page_is_empty_not_a_scan(tmp_path):
    path = write_pdf(tmp_path / "blank.pdf", [""])
    result = extract_file(str(path), "sha")
    assert result.error is None and result.pages == 1
    assert not result.is_scan and result.meta["empty"] is True


def test_page_image_without_text_is_a_scan(tmp_path):
    from PIL import Image

    picture = tmp_path / "page.png"
    Image.new("L", (200, 280), 230).save(picture)
    path = write_pdf(tmp_path / "scan.pdf", [""], image=picture)
    result = extract_file(str(path), "sha")
    assert result.is_scan and result.meta["scan_reason"] == "little_text"
    assert "empty" not in result.meta


def test_encrypted_pdf_is_refused(tmp_path):
    path = write_pdf(tmp_path / "locked.pdf", [LOREM_RU], user_password="secret")
    result = extract_file(str(path), "sha", filename="locked.pdf")
    assert result.error == "Документ зашифрован паролем"
    assert result.kind == "pdf" and result.text == ""


def test_garbage_after_header_is_broken(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    result = extract_file(str(path), "sha")
    assert result.error.startswith("Файл повреждён: не удалось прочитать PDF")
    assert is_russian(result.error)


def _pdfium_refuses(_path):
    raise RuntimeError("pdfium refused")


def test_pdfminer_fallback_reads_the_same_text(tmp_path, monkeypatch):
    """When pdfium cannot open a file, pdfminer.six reads it."""
    from mumcheck.extract import pdf

    path = write_pdf(tmp_path / "c.pdf", ["Первая " + LOREM_RU, "Вторая " + LOREM_RU], title="Отчёт")

    monkeypatch.setattr(pdf, "_read_with_pdfium", _pdfium_refuses)
    result = read_pdf(str(path), "sha")
    assert result.error is None and result.meta["reader"] == "pdfminer"
    assert result.pages == 2 and result.title == "Отчёт"
    assert "вторая положение о муниципальной системе" in squash(result.text.split("\f")[1])


def test_encrypted_pdf_is_refused_by_pdfminer_too(tmp_path, monkeypatch):
    from mumcheck.extract import pdf

    path = write_pdf(tmp_path / "locked.pdf", [LOREM_RU], user_password="secret")
    monkeypatch.setattr(pdf, "_read_with_pdfium", _pdfium_refuses)
    assert read_pdf(str(path), "sha").error == "Документ зашифрован паролем"


@pytest.mark.parametrize("text,pages,verdict", [
    ("(cid:12)(cid:44)(cid:3) " * 40, 1, "garbled"),
    ("\ufffd" * 300 + " abc", 1, "garbled"),
    ("Подпись", 1, "little_text"),
    ("а" * 120, 3, "little_text"),
    ("а" * 120, 2, None),
    ("", 0, None),
])
def test_scan_verdict(text, pages, verdict):
    assert scan_verdict(text, pages) == verdict


def test_little_text_without_images_is_not_a_scan():
    assert scan_verdict("Информация отсутствует", 1, has_images=False) is None
    assert scan_verdict("(cid:1)" * 50, 1, has_images=False) == "garbled"


@pytest.mark.parametrize("raw,iso", [
    ("D:20240115123000+03'00'", "2024-01-15T12:30:00+03:00"),
    ("D:20240115123000Z", "2024-01-15T12:30:00Z"),
    ("D:2024", "2024-01-01"),
    (None, None),
])
def test_pdf_date(raw, iso):
    assert pdf_date(raw) == iso
