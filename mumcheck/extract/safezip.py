"""Bounds for zip containers (docx, xlsx, odt, zip): refuse decompression bombs.

Declared sizes are checked before anything is unpacked.  Actual sizes are bounded too: Python's
zipfile never inflates a member past its declared size (a member that lies fails its CRC), and
``read_member`` stops at the limit while streaming.
"""

from __future__ import annotations

import zipfile

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # declared total of all members
MAX_MEMBER = 100 * 1024 * 1024  # declared size of one member
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # uncompressed / compressed, for members big enough to matter
RATIO_MIN_SIZE = 1024 * 1024
CHUNK = 1024 * 1024

MB = 1024 * 1024


class TooBig(Exception):
    """A member inflated past its limit."""


def zip_bomb_reason(archive: zipfile.ZipFile, max_total: int | None = None,
                    max_member: int | None = None, max_members: int | None = None) -> str | None:
    """Describe (in Russian) why the archive looks like a decompression bomb, or None."""
    max_total = max_total or MAX_UNCOMPRESSED
    max_member = max_member or MAX_MEMBER
    max_members = max_members or MAX_MEMBERS
    members = archive.infolist()
    if len(members) > max_members:
        return f"{len(members)} файлов в архиве при пределе {max_members}"
    total = sum(info.file_size for info in members)
    if total > max_total:
        return f"{total // MB} МБ при пределе {max_total // MB} МБ"
    for info in members:
        if info.file_size > max_member:
            return f"файл {info.filename} — {info.file_size // MB} МБ при пределе {max_member // MB} МБ"
        if info.file_size >= RATIO_MIN_SIZE:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                return f"степень сжатия {info.filename} — {ratio:.0f}:1 при пределе {MAX_RATIO}:1"
    return None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, streamed; raises TooBig past ``limit`` whatever the header says."""
    chunks, size = [], 0
    with archive.open(info) as fh:
        while chunk := fh.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooBig(f"{info.filename}: больше {limit // MB} МБ")
            chunks.append(chunk)
    return b"".join(chunks)
