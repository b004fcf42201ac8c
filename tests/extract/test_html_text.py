"""HTML and plain-text documents: charset detection and visible text only."""

from __future__ import annotations

import pytest

from mumcheck.extract import extract_file

PAGE = ("<html><head>{meta}<title>Муниципальная система</title><style>p {{color: red}}</style>"
        "<script>var secret = 'скрипт';</script></head><body><h1>Оценка качества</h1>"
        "<p>Показатели <b>мониторинга</b></p><div style='display: none'>скрытый текст</div>"
        "<noscript>включите JavaScript</noscript>"
        "<table><tr><td>Школа</td><td>№ 5</td></tr></table></body></html>")


@pytest.mark.parametrize("meta,encoding,content_type", [
    ('<meta charset="windows-1251">', "cp1251", None),
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', "cp1251", None),
    ("", "cp1251", None),  # nothing declared: utf-8 fails, windows-1251 fallback
    ("", "cp1251", "text/html; charset=windows-1251"),
    ("", "utf-8", None),
    ('<meta charset="windows-1251">', "utf-8", None),  # a wrong declaration loses to valid UTF-8
])
def test_html_charset_and_visible_text(tmp_path, meta, encoding, content_type):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(meta=meta).encode(encoding))
    result = extract_file(str(path), "sha", content_type=content_type)
    assert result.error is None and result.kind == "html"
    assert result.meta["encoding"] == encoding
    assert result.title == "Муниципальная система"
    assert "Оценка качества" in result.text
    assert "Показатели мониторинга" in result.text
    assert "Школа\t№ 5" in result.text
    for hidden in ("скрипт", "color", "скрытый", "JavaScript", "Муниципальная система"):
        assert hidden not in result.text


def test_html_with_utf8_bom(tmp_path):
    path = tmp_path / "bom.htm"
    path.write_bytes(b"\xef\xbb\xbf" + "<html><body><p>Приказ</p></body></html>".encode("utf-8"))
    result = extract_file(str(path), "sha")
    assert (result.kind, result.text, result.title) == ("html", "Приказ", "Приказ")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "utf-16"])
def test_plain_text(tmp_path, encoding):
    path = tmp_path / "note.txt"
    path.write_bytes("Информация будет размещена позднее\r\nОтдел образования".encode(encoding))
    result = extract_file(str(path), "sha", filename="note.txt")
    assert result.error is None and result.kind == "text"
    assert result.text == "Информация будет размещена позднее\nОтдел образования"
    assert result.title == "Информация будет размещена позднее"
    assert result.chars == len("Информациябудетразмещенапозднее") + len("Отделобразования")


@pytest.mark.parametrize("content_type", [None, "application/pdf", "text/html; charset=utf-8"])
def test_web_page_behind_a_pdf_link_is_an_error(tmp_path, content_type):
    path = tmp_path / "order.pdf"
    path.write_bytes("<!DOCTYPE html><html><title>Вход</title><body><p>Войдите</p></body></html>".encode())
    result = extract_file(str(path), "sha", filename="order.pdf", content_type=content_type)
    assert result.kind == "html" and result.text == ""
    assert result.error == "Вместо документа получена веб-страница «Вход»"
    assert result.meta["declared_kind"] == "pdf"


def test_other_mismatches_are_only_noted(tmp_path):
    path = tmp_path / "order.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = extract_file(str(path), "sha", filename="order.docx", content_type="application/msword")
    assert result.error is None and result.kind == "image"
    assert result.meta["declared_kind"] == "doc"  # Content-Type before extension
