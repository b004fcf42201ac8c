"""Helpers for the extract tests: fixture paths and small document builders."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ROOT / "fixtures" / "documents"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def squash(text: str) -> str:
    """Casefolded text with soft hyphens dropped and whitespace runs as single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().casefold()


def is_russian(message: str | None) -> bool:
    return bool(message) and bool(re.search(r"[А-Яа-яЁё]{3,}", message))


def write_pdf(path: Path, pages: list[str], *, title: str | None = None, author: str | None = None,
              user_password: str | None = None, image: Path | None = None) -> Path:
    """A text PDF with one page per string (fpdf2, DejaVu for Cyrillic)."""
    import fpdf  # the `test` extra installs fpdf2

    assert FONT.exists(), f"{FONT} is missing: install the Debian package fonts-dejavu-core"
    pdf = fpdf.FPDF()
    pdf.add_font("dejavu", "", str(FONT))
    pdf.set_font("dejavu", size=12)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if user_password:
        pdf.set_encryption(owner_password="owner-" + user_password, user_password=user_password)
    for text in pages:
        pdf.add_page()
        if image:
            pdf.image(str(image), x=10, y=10, w=190)
        if text:
            pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


LOREM_RU = ("Положение о муниципальной системе оценки качества подготовки обучающихся "
            "утверждено приказом управления образования администрации района. ")
