"""Every document in fixtures/documents/manifest.yaml is read as the manifest says."""

from __future__ import annotations

import codecs

import pytest
import yaml

from mumcheck.extract import extract_file

from .helpers import DOCUMENTS, is_russian, sha256_of, squash

MANIFEST = DOCUMENTS / "manifest.yaml"
FORMATS = DOCUMENTS / "formats.yaml"  # fixtures/make_documents.py: every other format and failure


def _entries() -> list[tuple[str, dict]]:
    return _manifest_entries(MANIFEST) + _manifest_entries(FORMATS)


def _manifest_entries(manifest) -> list[tuple[str, dict]]:
    """(file name, expectations) pairs; accepts a name→spec mapping or a list of specs."""
    if not manifest.exists():
        return []
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    if isinstance(data, dict):
        data = data.get("files", data.get("documents", data))
    if isinstance(data, dict):
        return [(name, spec or {}) for name, spec in data.items() if isinstance(spec, (dict, type(None)))]
    # a list of {file: ..., kind: ..., contains: [...], scan/unreadable/empty: true, pages: N}
    entries = []
    for spec in data:
        name = spec.get("file") or spec.get("name") or spec.get("path")
        entries.append((str(name), spec))
    return entries


ENTRIES = _entries()
assert ENTRIES, f"{MANIFEST} lists no documents"
assert FORMATS.exists(), f"{FORMATS} is missing: run python fixtures/make_documents.py"


def _where(predicate) -> dict:
    chosen = [(name, spec) for name, spec in ENTRIES if predicate(spec)]
    return {"argvalues": chosen, "ids": [name for name, _ in chosen]}


@pytest.fixture(scope="module")
def extractions() -> dict:
    return {}


def _extract(name: str, cache: dict):
    if name not in cache:
        path = DOCUMENTS / name
        cache[name] = extract_file(str(path), sha256_of(path), filename=path.name)
    return cache[name]


@pytest.mark.parametrize("name,spec", ENTRIES, ids=[name for name, _ in ENTRIES])
def test_readability(name, spec, extractions):
    result = _extract(name, extractions)
    if spec.get("unreadable"):
        assert result.error, f"{name} should be reported unreadable"
        assert is_russian(result.error), result.error
        assert result.text == ""
        assert spec.get("error", "") in result.error
    else:
        assert result.error is None, result.error
        assert result.chars == len("".join(result.text.split()))


@pytest.mark.parametrize("name,spec", ENTRIES, ids=[name for name, _ in ENTRIES])
def test_kind_and_encoding(name, spec, extractions):
    result = _extract(name, extractions)
    if "kind" in spec:
        assert result.kind == spec["kind"]
    if "encoding" in spec:
        assert codecs.lookup(result.meta["encoding"]).name == codecs.lookup(spec["encoding"]).name


@pytest.mark.parametrize("name,spec", **_where(lambda spec: spec.get("contains")))
def test_contains(name, spec, extractions):
    phrases = spec["contains"]
    text = squash(_extract(name, extractions).text)
    missing = [phrase for phrase in phrases if squash(phrase) not in text]
    assert not missing, f"{name}: not found {missing}"


@pytest.mark.parametrize("name,spec", **_where(lambda spec: not spec.get("unreadable")))
def test_scan_flag(name, spec, extractions):
    result = _extract(name, extractions)
    assert result.is_scan == bool(spec.get("scan")), name
    if spec.get("empty"):
        assert result.chars == 0 and result.meta.get("empty") is True


@pytest.mark.parametrize("name,spec", **_where(lambda spec: "pages" in spec))
def test_pages(name, spec, extractions):
    assert _extract(name, extractions).pages == spec["pages"]


PDF_ENTRIES = [(name, spec) for name, spec in ENTRIES
               if name.endswith(".pdf") and spec.get("kind", "pdf") == "pdf" and not spec.get("unreadable")]


@pytest.mark.parametrize("name,spec", PDF_ENTRIES, ids=[name for name, _ in PDF_ENTRIES])
def test_pdfminer_fallback_agrees(name, spec, monkeypatch):
    """With pdfium out of the way, pdfminer.six reads the same fixtures to the same verdicts."""
    from mumcheck.extract import pdf

    def pdfium_refuses(_path):
        raise RuntimeError("pdfium refused")

    monkeypatch.setattr(pdf, "_read_with_pdfium", pdfium_refuses)
    path = DOCUMENTS / name
    result = extract_file(str(path), sha256_of(path), filename=name)
    assert result.error is None and result.meta["reader"] == "pdfminer"
    assert result.is_scan == bool(spec.get("scan"))
    if "pages" in spec:
        assert result.pages == spec["pages"]
    text = squash(result.text)
    assert all(squash(phrase) in text for phrase in spec.get("contains") or [])


@pytest.mark.parametrize("name,spec", **_where(lambda spec: spec.get("facts")))
def test_document_facts(name, spec, extractions):
    meta = _extract(name, extractions).meta
    assert {key: meta.get(key) for key in spec["facts"]} == spec["facts"]


@pytest.mark.parametrize("name,spec", **_where(lambda spec: spec.get("finding")))
def test_unread_note(name, spec, extractions):
    result = _extract(name, extractions)
    assert result.error is None and result.meta["unsupported"] is True
    assert spec["finding"] in result.meta["note"]


@pytest.mark.parametrize("name,spec", **_where(lambda spec: spec.get("members")))
def test_archive_members(name, spec, extractions):
    members = _extract(name, extractions).meta["members"]
    assert [member["name"] for member in members] == spec["members"]
    assert all(member["error"] is None for member in members), members


@pytest.mark.parametrize("name,spec", **_where(lambda spec: spec.get("ocr")))
def test_ocr(name, spec):
    """Needs tesseract with Russian data (Debian tesseract-ocr-rus, installed by .ci/run)."""
    from mumcheck.extract.tools import ocr_available

    assert ocr_available(), "tesseract with rus data is missing: apt install tesseract-ocr-rus"
    path = DOCUMENTS / name
    result = extract_file(str(path), sha256_of(path), filename=name, ocr=True)
    assert result.error is None and not result.is_scan and result.meta["ocr"] == "tesseract"
    text = squash(result.text)
    assert all(squash(phrase) in text for phrase in spec.get("ocr_contains", []))
    assert {key: result.meta.get(key) for key in spec.get("ocr_facts", {})} == spec.get("ocr_facts", {})
