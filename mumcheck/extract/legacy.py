"""Legacy Word (DOC, Word 97–2003): antiword, else catdoc, else LibreOffice headless."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from mumcheck.model import Extraction

from .common import failure, first_line, result, short_reason, tidy_lines
from .tools import soffice_path, tool_env, which

TOOL_TIMEOUT = 60.0
MAX_OUTPUT = 20 * 1024 * 1024

MSG_NO_TOOL = ("документ Word 97–2003 (DOC) не прочитан: на компьютере проверки нет программы для этого "
               "формата — установите antiword (sudo apt install antiword) или разместите документ в PDF/DOCX")
MSG_BROKEN = "Файл повреждён: не удалось прочитать документ DOC ({})"


def read_doc(path: str, sha256: str) -> Extraction:
    readers = [(name, reader) for name, reader in (("antiword", _antiword), ("catdoc", _catdoc),
                                                    ("libreoffice", _libreoffice)) if _installed(name)]
    if not readers:
        return Extraction(sha256=sha256, kind="doc", meta={"unsupported": True, "kind": "doc",
                                                           "note": MSG_NO_TOOL, "missing_tool": True})
    reasons = []
    for name, reader in readers:
        try:
            text = tidy_lines(reader(path))
        except Exception as exc:  # a tool refused the file: let the next one try
            reasons.append(f"{name}: {short_reason(exc)}")
            continue
        return result(sha256, "doc", text, title=first_line(text), meta={"reader": name})
    return failure(sha256, "doc", MSG_BROKEN.format("; ".join(reasons)))


def _installed(name: str) -> bool:
    return bool(soffice_path() if name == "libreoffice" else which(name))


def _run(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, timeout=TOOL_TIMEOUT, env=tool_env())
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(message[-1] if message else f"код выхода {done.returncode}")
    return done.stdout[:MAX_OUTPUT].decode("utf-8", "replace")


def _antiword(path: str) -> str:
    return _run([which("antiword"), "-m", "UTF-8.txt", "-w", "0", path])


def _catdoc(path: str) -> str:
    return _run([which("catdoc"), "-d", "utf-8", "-w", path])


def _libreoffice(path: str) -> str:
    with tempfile.TemporaryDirectory(prefix="mumcheck-lo-") as work:
        profile = Path(work, "profile").as_uri()  # a private profile: parallel runs don't collide
        source = Path(work, "in.doc")
        source.symlink_to(Path(path).resolve())
        _run([soffice_path(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
              "--convert-to", "txt:Text (encoded):UTF8", "--outdir", work, str(source)])
        out = Path(work, "in.txt")
        if not out.exists():
            raise RuntimeError("LibreOffice не создал текстовый файл")
        return out.read_bytes()[:MAX_OUTPUT].decode("utf-8-sig", "replace")
