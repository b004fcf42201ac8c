"""ZIP archives: list the members and read the documents inside, bounded; RAR/7z are listed as unread."""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass

from mumcheck.model import Extraction

from .common import failure, result, short_reason
from .safezip import TooBig, read_member, zip_bomb_reason

MAX_MEMBERS = 200  # members in one archive
MAX_TOTAL = 200 * 1024 * 1024  # declared total, bytes
MAX_MEMBER = 50 * 1024 * 1024  # one member, declared and actual
MAX_DEPTH = 2  # a zip inside a zip inside the linked zip is read; deeper ones are listed only
UTF8_FLAG = 0x800

MSG_BOMB = "Файл отклонён: архив ZIP распаковывается в слишком большой объём ({})"
MSG_BROKEN = "Файл повреждён: не удалось прочитать ZIP-архив ({})"
MSG_ENCRYPTED = "Архив зашифрован паролем"
MSG_UNREAD_ARCHIVE = ("архив {} не распаковывается: разместите документы отдельными файлами "
                      "(PDF, DOCX) или в архиве ZIP")
MSG_TOO_DEEP = "вложенный архив глубже {} уровней не распаковывается"


@dataclass(frozen=True)
class Member:
    name: str
    kind: str
    chars: int = 0
    error: str | None = None
    is_scan: bool = False
    members: tuple = ()  # of a nested archive, as dicts


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name: cp866 (Russian Windows archivers) when the UTF-8 flag is unset."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("cp866")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def read_zip(path: str, sha256: str, depth: int = 0, ocr: bool = False) -> Extraction:
    try:
        with zipfile.ZipFile(path) as archive:
            bomb = zip_bomb_reason(archive, max_total=MAX_TOTAL, max_member=MAX_MEMBER, max_members=MAX_MEMBERS)
            if bomb:
                return failure(sha256, "zip", MSG_BOMB.format(bomb))
            files = [info for info in archive.infolist() if not info.is_dir()]
            if files and all(info.flag_bits & 0x1 for info in files):
                return failure(sha256, "zip", MSG_ENCRYPTED)
            members, texts = _read_members(archive, files, depth, ocr)
    except TooBig as exc:
        return failure(sha256, "zip", MSG_BOMB.format(exc))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        return failure(sha256, "zip", MSG_BROKEN.format(short_reason(exc)))
    text = "\n\n".join(f"=== {name} ===\n{body}" for name, body in texts if body)
    read = [m for m in members if m.error is None]
    is_scan = bool(read) and all(m.is_scan for m in read)
    meta = {"members": [dict(m.__dict__, members=list(m.members)) for m in members], "member_count": len(members)}
    if is_scan:
        meta["scan_reason"] = "members_are_scans"
    return result(sha256, "zip", text, is_scan=is_scan, title=None, meta=meta)


def _read_members(archive: zipfile.ZipFile, files, depth: int, ocr: bool):
    from .core import extract_file  # core dispatches to this module

    members, texts = [], []
    with tempfile.TemporaryDirectory(prefix="mumcheck-zip-") as work:
        for index, info in enumerate(files):
            name = member_name(info)
            if info.flag_bits & 0x1:
                members.append(Member(name, "unknown", error=MSG_ENCRYPTED))
                continue
            suffix = os.path.splitext(name)[1][:10]
            target = os.path.join(work, f"{index}{suffix}")  # never the member's own path
            with open(target, "wb") as out:
                out.write(read_member(archive, info, MAX_MEMBER))
            extraction = extract_file(target, f"{index}", filename=name, depth=depth + 1, ocr=ocr)
            os.unlink(target)
            error = extraction.error or (extraction.meta.get("note") if extraction.meta.get("unsupported") else None)
            members.append(Member(name, extraction.kind, extraction.chars, error, extraction.is_scan,
                                  tuple(extraction.meta.get("members", ()))))
            texts.append((name, extraction.text))
    return members, texts


def unread_archive(sha256: str, kind: str) -> Extraction:
    label = {"rar": "RAR", "7z": "7z"}.get(kind, kind.upper())
    return Extraction(sha256=sha256, kind=kind, meta={"unsupported": True, "kind": kind,
                                                      "note": MSG_UNREAD_ARCHIVE.format(label)})


def too_deep(sha256: str) -> Extraction:
    return Extraction(sha256=sha256, kind="zip", meta={"unsupported": True, "kind": "zip",
                                                       "note": MSG_TOO_DEEP.format(MAX_DEPTH)})
