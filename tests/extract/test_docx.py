"""DOCX reading: reading order, nested tables, headers/footers, zip bombs, damage."""

from __future__ import annotations

import io
import os
import time
import zipfile

import docx
import pytest

from mumcheck.extract import extract_file
from mumcheck.extract import docx as docx_reader

from .helpers import is_russian


def _sample(path):
    document = docx.Document()
    document.core_properties.title = "План мероприятий"
    document.core_properties.author = "Отдел образования"
    document.add_paragraph("Вступление")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Мероприятие"
    table.cell(0, 1).text = "Срок"
    nested = table.cell(1, 0).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "Вложенная А"
    nested.cell(0, 1).text = "Вложенная Б"
    table.cell(1, 1).text = "до 1 сентября"
    document.add_paragraph("Заключение")
    section = document.sections[0]
    section.header.paragraphs[0].text = "Колонтитул сверху"
    section.footer.paragraphs[0].text = "Колонтитул снизу"
    document.save(path)
    return path


def test_reading_order_tables_headers_footers(tmp_path):
    result = extract_file(str(_sample(tmp_path / "plan.docx")), "sha")
    assert result.error is None and result.kind == "docx"
    order = ["Колонтитул сверху", "Вступление", "Мероприятие", "Срок", "Вложенная А", "Вложенная Б",
             "до 1 сентября", "Заключение", "Колонтитул снизу"]
    positions = [result.text.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert "Мероприятие\tСрок" in result.text
    assert result.title == "План мероприятий"
    assert result.meta["author"] == "Отдел образования"
    assert not result.is_scan


def test_title_falls_back_to_first_body_line(tmp_path):
    document = docx.Document()
    document.core_properties.title = ""
    document.add_paragraph("")
    document.add_paragraph("Положение о конкурсе")
    document.save(tmp_path / "p.docx")
    assert extract_file(str(tmp_path / "p.docx"), "sha").title == "Положение о конкурсе"


def test_raw_fallback_for_documents_python_docx_refuses(tmp_path, monkeypatch):
    def refuse(_path):
        raise ValueError("file is not a Word file, content type is 'application/vnd.ms-word...'")

    monkeypatch.setattr(docx_reader, "_read_with_python_docx", refuse)
    result = extract_file(str(_sample(tmp_path / "plan.docm")), "sha")
    assert result.error is None
    for piece in ("Колонтитул сверху", "Вложенная Б", "Заключение", "Колонтитул снизу"):
        assert piece in result.text


def test_images_only_docx_is_a_scan(tmp_path):
    from PIL import Image

    picture = tmp_path / "page.png"
    Image.new("L", (60, 80), 255).save(picture)
    document = docx.Document()
    document.add_picture(str(picture))
    document.save(tmp_path / "scan.docx")
    result = extract_file(str(tmp_path / "scan.docx"), "sha")
    assert result.error is None and result.is_scan
    assert result.meta["scan_reason"] == "images_only"


def _bomb(path, member_size: int):
    """A valid docx plus one huge, highly compressible member."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        with target.open("word/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(member_size // len(chunk)):
                member.write(chunk)
    return path


def test_zip_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "bomb.docx", 64 * 1024 * 1024)
    assert os.path.getsize(path) < 1024 * 1024  # 64 MB of zeros squeeze to ~64 KB

    def must_not_parse(_path):
        raise AssertionError("a bomb must be refused before parsing")

    monkeypatch.setattr(docx_reader, "_read_with_python_docx", must_not_parse)
    started = time.monotonic()
    result = extract_file(str(path), "sha")
    assert time.monotonic() - started < 2
    assert result.error.startswith("Файл отклонён: архив DOCX распаковывается в слишком большой объём")
    assert "степень сжатия" in result.error


def test_total_uncompressed_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.docx"
    _sample(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/media/noise.bin", os.urandom(3 * 1024 * 1024))  # incompressible
    from mumcheck.extract import safezip
    monkeypatch.setattr(safezip, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    result = extract_file(str(path), "sha")
    assert "при пределе 2 МБ" in result.error


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_docx_is_broken(tmp_path, cut):
    whole = _sample(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(whole[: int(len(whole) * cut)])
    result = extract_file(str(path), "sha")
    assert result.kind == "docx"
    assert result.error and is_russian(result.error)


def test_zip_without_word_part(tmp_path):
    path = tmp_path / "odd.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = extract_file(str(path), "sha", filename="odd.docx")
    assert result.error == docx_reader.MSG_NOT_WORD
