"""The bundled demo municipality (a static site inside the package)."""

from __future__ import annotations

from pathlib import Path


def demo_site_dir() -> Path:
    return Path(__file__).resolve().parent / "demo_site"
