"""Links into cloud storage (Яндекс Диск, Google Drive, Облако Mail.ru …): recognised by address,
never downloaded as documents — experts require a direct link to a file on the site."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

FOLDER = "папка"
FILE = "файл"


@dataclass(frozen=True)
class CloudLink:
    service: str  # «Яндекс Диск», «Google Диск» …
    item: str | None  # FOLDER, FILE, or None when the address does not tell

    def describe(self) -> str:
        return f"{self.service}, {self.item}" if self.item else self.service


def _yandex(host: str, path: str, query: dict) -> str | None:
    if path.startswith("/client/disk"):
        return FOLDER  # the owner's own view of a folder: nobody else can open it
    if path.startswith("/i/"):
        return FILE
    if path.startswith("/d/"):
        return FILE if path.count("/") > 2 and "." in path.rsplit("/", 1)[-1] else None
    return None


def _google(host: str, path: str, query: dict) -> str | None:
    if "/folders/" in path or "folderview" in path:
        return FOLDER
    if host.startswith("docs.") or "/file/d/" in path or path.startswith(("/open", "/uc")):
        return FILE
    return None


def _mail(host: str, path: str, query: dict) -> str | None:
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["public"]:
        if len(parts) == 3 and "." not in parts[2]:
            return None  # /public/AbCd/XyZ: a share of either kind
        return FILE if len(parts) >= 3 and "." in parts[-1] else None
    return None


def _dropbox(host: str, path: str, query: dict) -> str | None:
    if path.startswith(("/sh/", "/scl/fo/")):
        return FOLDER
    if path.startswith(("/s/", "/scl/fi/")) or host.startswith("dl."):
        return FILE
    return None


def _onedrive(host: str, path: str, query: dict) -> str | None:
    if path.startswith("/f/") or "/:f:/" in path:
        return FOLDER
    if re.match(r"^/[a-z]/", path) or re.search(r"/:[a-z]:/", path):
        return FILE
    return None


def _nextcloud(host: str, path: str, query: dict) -> str | None:
    if path.rstrip("/").endswith("/download") or "files" in query:
        return FILE
    return None


# host pattern → (service name, shape reader)
_SERVICES: tuple[tuple[re.Pattern, str, object], ...] = (
    (re.compile(r"(^|\.)(disk\.yandex\.(ru|com|by|kz)|yadi\.sk|disk\.360\.yandex\.ru)$"), "Яндекс Диск", _yandex),
    (re.compile(r"(^|\.)(drive|docs)\.google\.com$"), "Google Диск", _google),
    (re.compile(r"(^|\.)cloud\.mail\.ru$"), "Облако Mail.ru", _mail),
    (re.compile(r"(^|\.)(dropbox\.com|dropboxusercontent\.com|db\.tt)$"), "Dropbox", _dropbox),
    (re.compile(r"(^|\.)(onedrive\.live\.com|1drv\.ms|sharepoint\.com)$"), "OneDrive", _onedrive),
)
_NEXTCLOUD_SHARE = re.compile(r"^(/index\.php)?/s/[A-Za-z0-9]{8,}(/download)?/?$")


def cloud_link(url: str) -> CloudLink | None:
    """The cloud service a URL points into, with folder/file when the URL's shape tells."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    for pattern, service, shape in _SERVICES:
        if pattern.search(host):
            return CloudLink(service, shape(host, path, parse_qs(parts.query)))
    if _NEXTCLOUD_SHARE.match(path):
        return CloudLink("Nextcloud", _nextcloud(host, path, parse_qs(parts.query)))
    return None  # the query is parsed only for a cloud host: this runs twice for every link
