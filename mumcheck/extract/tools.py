"""System tools the readers use when they are installed, and a report of which are."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

TOOL_TIMEOUT = 10.0


@dataclass(frozen=True)
class Tool:
    name: str
    purpose: str  # Russian: what mumcheck reads with it
    present: bool
    detail: str  # Russian: version, path or what is missing
    install: str  # the command that installs it on Debian/Ubuntu


def available_tools() -> list[Tool]:
    """Every optional system tool, present or not, in the order `mumcheck doctor` prints them."""
    return [_tesseract(), _word_tool("antiword"), _word_tool("catdoc"), _libreoffice(), _libmagic()]


def which(name: str) -> str | None:
    return shutil.which(name)


def soffice_path() -> str | None:
    return which("soffice") or which("libreoffice")


@functools.lru_cache(maxsize=1)
def tesseract_languages() -> tuple[str, ...]:
    """Languages tesseract has data for; () when tesseract is not installed or fails."""
    binary = which("tesseract")
    if not binary:
        return ()
    try:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT, env=tool_env())
    except (OSError, subprocess.SubprocessError):
        return ()
    lines = (done.stdout + done.stderr).splitlines()
    return tuple(line.strip() for line in lines if line.strip() and " " not in line.strip())


def ocr_available() -> bool:
    return "rus" in tesseract_languages()


def libmagic_available() -> bool:
    try:
        import magic

        magic.from_buffer(b"%PDF-1.4", mime=True)
    except Exception:  # ImportError, or python-magic present without libmagic
        return False
    return True


def tool_env() -> dict[str, str]:
    """Environment for external tools: one OpenMP thread (the pool already uses every core)."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1", "LC_ALL": "C.UTF-8"}


def _tesseract() -> Tool:
    purpose = "распознавание сканов и изображений (OCR, параметр --ocr)"
    install = "sudo apt install tesseract-ocr tesseract-ocr-rus"
    path = which("tesseract")
    if not path:
        return Tool("tesseract", purpose, False, "не установлен", install)
    languages = tesseract_languages()
    if "rus" not in languages:
        return Tool("tesseract", purpose, False, f"{path}: нет данных русского языка (rus)", install)
    return Tool("tesseract", purpose, True, f"{path}, языки: {', '.join(languages)}", install)


def _word_tool(name: str) -> Tool:
    path = which(name)
    return Tool(name, "документы Word 97–2003 (DOC)", bool(path), path or "не установлен",
                f"sudo apt install {name}")


def _libreoffice() -> Tool:
    path = soffice_path()
    return Tool("libreoffice", "документы DOC, если нет antiword и catdoc", bool(path),
                path or "не установлен", "sudo apt install libreoffice-writer-nogui")


def _libmagic() -> Tool:
    present = libmagic_available()
    detail = "доступна через python-magic" if present else "не найдена: формат определяется встроенными сигнатурами"
    return Tool("libmagic", "определение формата файла по содержимому", present, detail,
                "sudo apt install libmagic1")
