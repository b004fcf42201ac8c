"""RTF: striprtf, with the code page the file declares (\\ansicpg1251 on Russian sites)."""

from __future__ import annotations

import re

from mumcheck.model import Extraction

from .common import failure, first_line, result, short_reason, tidy_lines

MAX_RTF = 50 * 1024 * 1024  # bigger RTF files are pictures; striprtf is regex-based
_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")
_PICT = re.compile(r"\{\\\*?\\(?:pict|objdata|bin)[^{}]*\}", re.DOTALL)

MSG_BROKEN = "Файл повреждён: не удалось прочитать RTF ({})"
MSG_TOO_BIG = "Файл отклонён: RTF больше {} МБ"


def read_rtf(path: str, sha256: str) -> Extraction:
    from striprtf.striprtf import rtf_to_text

    with open(path, "rb") as fh:
        data = fh.read(MAX_RTF + 1)
    if len(data) > MAX_RTF:
        return failure(sha256, "rtf", MSG_TOO_BIG.format(MAX_RTF // (1024 * 1024)))
    encoding = _encoding(data)
    try:
        source = _PICT.sub("", data.decode("latin-1"))  # RTF is 7-bit; \'hh escapes carry the rest
        text = tidy_lines(rtf_to_text(source, encoding=encoding, errors="replace"))
    except Exception as exc:
        return failure(sha256, "rtf", MSG_BROKEN.format(short_reason(exc)))
    return result(sha256, "rtf", text, title=first_line(text), meta={"encoding": encoding})


def _encoding(data: bytes) -> str:
    match = _CODEPAGE.search(data[:4096])
    if match:
        name = f"cp{int(match.group(1))}"
        try:
            "".encode(name)
            return name
        except LookupError:
            pass
    return "cp1251"
