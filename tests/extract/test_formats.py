"""Readers beyond PDF/DOCX/HTML: DOC tools, archives and their limits, OCR switches, file types."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest

from mumcheck.extract import ExtractorPool, archive, extract_file, legacy, safezip, sniff_kind
from mumcheck.extract.tools import available_tools, ocr_available

from .helpers import DOCUMENTS, is_russian, sha256_of, squash


def _extract(name: str, **kwargs):
    path = DOCUMENTS / name
    return extract_file(str(path), sha256_of(path), filename=name, **kwargs)


# --- DOC --------------------------------------------------------------------------------------

@pytest.mark.parametrize("tool", ["antiword", "catdoc"])
def test_doc_read_by_each_tool(tool, monkeypatch):
    """Both Debian tools are installed by .ci/run; each must read the fixture on its own."""
    real_which = legacy.which
    assert real_which(tool), f"{tool} is missing: apt install {tool}"
    monkeypatch.setattr(legacy, "which", lambda name: real_which(name) if name == tool else None)
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    result = _extract("order.doc")
    assert result.error is None and result.meta["reader"] == tool
    text = squash(result.text)
    assert "приказываю" in text and "369-д" in text


def test_doc_without_any_tool_is_an_info_note(monkeypatch):
    monkeypatch.setattr(legacy, "which", lambda name: None)
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    result = _extract("order.doc")
    assert result.error is None and result.chars == 0
    assert result.meta["unsupported"] is True and result.meta["missing_tool"] is True
    assert "sudo apt install antiword" in result.meta["note"]


def test_doc_that_no_tool_can_read_is_broken(tmp_path):
    path = tmp_path / "junk.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "WordDocument".encode("utf-16-le"))
    result = extract_file(str(path), "sha", filename="junk.doc")
    assert result.kind == "doc" and result.error.startswith("Файл повреждён")


# --- ZIP --------------------------------------------------------------------------------------

def test_cp866_member_names_and_nested_zip():
    result = _extract("documents_cp866.zip")
    members = result.meta["members"]
    assert members[0]["name"] == "Приказ об ответственном.pdf" and members[0]["kind"] == "pdf"
    assert members[2]["kind"] == "zip" and members[2]["chars"] > 0


def test_utf8_flagged_names_are_kept(tmp_path):
    path = tmp_path / "u.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Отчёт.txt", "Отчёт о мониторинге за 2023 год".encode("utf-8"))
    result = extract_file(str(path), "sha")
    assert result.meta["members"][0]["name"] == "Отчёт.txt"
    assert "Отчёт о мониторинге" in result.text and result.meta["years"] == [2023]


def _nest(levels: int) -> bytes:
    data = "Глубоко вложенный протокол".encode("utf-8")
    name = "deep.txt"
    for level in range(levels):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr(name, data)
        data, name = buffer.getvalue(), f"level{level}.zip"
    return data


def test_nesting_is_bounded(tmp_path):
    path = tmp_path / "deep.zip"
    path.write_bytes(_nest(archive.MAX_DEPTH + 2))
    result = extract_file(str(path), "sha")
    assert result.error is None and "Глубоко вложенный" not in result.text
    assert "вложенный архив" in str(result.meta["members"])


def test_member_count_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for index in range(4):
            zf.writestr(f"{index}.txt", "текст")
    assert "4 файлов в архиве при пределе 3" in extract_file(str(path), "sha").error


def test_header_that_lies_about_size_is_not_inflated(tmp_path):
    """A member declaring 10 bytes but inflating to 5 MB: never read past the declared size."""
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", b"A" * (5 * 1024 * 1024))
    data = bytearray(path.read_bytes())
    real = (5 * 1024 * 1024).to_bytes(4, "little")
    assert data.count(real) == 2  # uncompressed size in the local header and the central directory
    path.write_bytes(bytes(data).replace(real, (10).to_bytes(4, "little")))
    result = extract_file(str(path), "sha")
    member = result.meta["members"][0] if result.error is None else None
    assert result.error or member["error"], "the lying member must not be read as text"
    assert result.chars < 100


@pytest.mark.parametrize("kind", ["xlsx", "odt"])
def test_bombs_in_office_containers(tmp_path, kind):
    path = tmp_path / f"bomb.{kind}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if kind == "xlsx":
            zf.writestr("xl/workbook.xml", "<workbook/>")
            zf.writestr("xl/worksheets/sheet1.xml", b" " * (20 * 1024 * 1024))
        else:
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            zf.writestr("content.xml", b" " * (20 * 1024 * 1024))
    result = extract_file(str(path), "sha")
    assert result.kind == kind and "степень сжатия" in result.error


def test_total_limit_applies_to_zip(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL", 1024 * 1024)
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.bin", b"\1" * (2 * 1024 * 1024))
    assert "при пределе 1 МБ" in extract_file(str(path), "sha").error


def test_read_member_stops_at_limit(tmp_path):
    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.bin", b"x" * 3000)
    with zipfile.ZipFile(path) as zf, pytest.raises(safezip.TooBig):
        safezip.read_member(zf, zf.infolist()[0], 1000)


# --- OCR --------------------------------------------------------------------------------------

def test_scan_pdf_is_recognised_with_ocr():
    assert ocr_available(), "tesseract with rus data is missing: apt install tesseract-ocr-rus"
    plain = _extract("scan.pdf")
    assert plain.is_scan and plain.chars == 0
    recognised = _extract("scan.pdf", ocr=True)
    assert not recognised.is_scan and recognised.meta["ocr_recovered"] is True
    assert "приказываю" in squash(recognised.text)
    assert recognised.meta["doc_kind"] == "order" and recognised.meta["doc_number"]


def test_ocr_unavailable_keeps_the_scan(monkeypatch):
    from mumcheck.extract import ocr

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    result = _extract("scan.pdf", ocr=True)
    assert result.is_scan and result.meta["ocr"] == "unavailable"


def test_pool_passes_ocr_to_workers():
    path = DOCUMENTS / "order_photo.jpg"

    async def run():
        with ExtractorPool(workers=1, timeout=120, ocr=True) as pool:
            return await pool.extract(str(path), sha256_of(path), "order_photo.jpg")

    result = asyncio.run(run())
    assert result.meta.get("ocr") == "tesseract" and not result.is_scan


def test_image_without_ocr_is_a_scan():
    result = _extract("order_photo.jpg")
    assert result.kind == "image" and result.is_scan and result.chars == 0


# --- file type and tools -----------------------------------------------------------------------

@pytest.mark.parametrize("name,kind", [("indicators.xls", "xls"), ("order.doc", "doc"), ("plan.rtf", "rtf"),
                                       ("documents.rar", "rar"), ("order_photo.jpg", "image")])
def test_magic_beats_a_wrong_name(name, kind):
    head = (DOCUMENTS / name).read_bytes()[:8192]
    assert sniff_kind(head, "download.php", "application/octet-stream") in (kind, "doc" if kind == "xls" else kind)
    assert _extract(name).kind == kind


def test_available_tools_report():
    tools = {tool.name: tool for tool in available_tools()}
    assert set(tools) == {"tesseract", "antiword", "catdoc", "libreoffice", "libmagic"}
    assert tools["tesseract"].present and tools["antiword"].present and tools["catdoc"].present
    for tool in tools.values():
        assert is_russian(tool.purpose) and tool.install.startswith("sudo apt install ")


# --- the finding --------------------------------------------------------------------------------

def test_unread_archive_gives_an_info_finding():
    """doc.not_read (info) fires for a RAR with the reader's note; doc.no_text does not."""
    from mumcheck.model import DocumentRef, Fetch, LinkRef
    from mumcheck.rules import _document_facts
    from mumcheck.rules.engine import evaluate, load_rules
    from mumcheck.vocab import load_vocabulary

    extraction = _extract("documents.rar")
    link = LinkRef(url="http://127.0.0.1/docs.rar", text="Документы 1.1", page="http://127.0.0.1/mum/")
    fetch = Fetch(url=link.url, verdict="ok", status=200, sha256=extraction.sha256, size=31)
    facts = _document_facts(DocumentRef(link, "1.1", "goals"), fetch, extraction, load_vocabulary())
    findings = evaluate(load_rules(), {"document": [facts]})
    assert [(f.rule, f.severity) for f in findings] == [("doc.not_read", "info")]
    assert "архив RAR не распаковывается" in findings[0].message and "«Документы 1.1»" in findings[0].message


def test_doctor_command_lists_tools():
    from click.testing import CliRunner

    from mumcheck.cli import main

    outcome = CliRunner().invoke(main, ["doctor"])
    assert outcome.exit_code == 0, outcome.output
    assert "Программы для чтения документов" in outcome.output
    assert "tesseract" in outcome.output and "antiword" in outcome.output and "libreoffice" in outcome.output
