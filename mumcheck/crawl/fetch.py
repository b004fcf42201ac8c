"""HTTP: one async client, per-host politeness, streamed downloads with a size cap.

Every request ends in a :class:`~mumcheck.model.Fetch` — never an exception — so one bad link
cannot stop a crawl.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import os
import re
import ssl
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote

import httpx

from mumcheck import __version__
from mumcheck.model import Fetch
from mumcheck.urls import host_of, normalize

USER_AGENT = f"mumcheck/{__version__} (+https://pypi.org/project/mumcheck/; MUM section checker)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_PAGE_BYTES = 5 * 2**20
CHUNK = 64 * 1024
_RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class FetchOptions:
    per_host: int = 4
    concurrency: int = 16
    timeout: float = 20.0
    max_bytes: int = 50 * 2**20
    delay: float = 0.0  # pause between two requests to one host, seconds
    retries: int = 1
    user_agent: str = USER_AGENT
    verify: bool | str = True
    max_redirects: int = 10


@dataclass(frozen=True)
class Body:
    """A response kept in memory (HTML pages) — documents go to a blob file instead."""

    fetch: Fetch
    content: bytes | None
    charset: str | None


def looks_like_html(head: bytes, content_type: str | None) -> bool:
    start = head[:512].lstrip().lower()
    if start.startswith((b"%pdf", b"pk\x03\x04", b"\xd0\xcf\x11\xe0", b"{\\rtf")):
        return False
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in start[:256]:
        return True
    return bool(content_type) and content_type.split(";")[0].strip().lower() in HTML_TYPES


def _charset_of(content_type: str | None) -> str | None:
    match = re.search(r"charset=([-\w]+)", content_type or "", re.I)
    return match.group(1) if match else None


def filename_from_disposition(value: str | None) -> str | None:
    """File name from Content-Disposition, RFC 6266/5987 ``filename*=UTF-8''…`` first."""
    if not value:
        return None
    star = re.search(r"filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)", value, re.I)
    if star:
        try:
            return unquote(star.group(2).strip().strip('"'), encoding=star.group(1), errors="strict")
        except (LookupError, UnicodeDecodeError):
            pass
    plain = re.search(r'filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)', value, re.I)
    if plain:
        name = (plain.group(1) or plain.group(2) or "").strip()
        try:  # servers often send raw UTF-8 bytes that httpx decoded as latin-1
            return name.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return name
    return None


def describe_error(exc: Exception) -> str:
    """A short Russian description of a transport failure, for a finding's evidence."""
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, httpx.TooManyRedirects):
        return "слишком много перенаправлений (возможна петля)"
    if isinstance(exc, httpx.TimeoutException):
        return "сервер не ответил вовремя (тайм-аут)"
    if isinstance(exc, httpx.ConnectError):
        if isinstance(exc.__cause__, ssl.SSLError) or "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return f"ошибка TLS-сертификата: {text}"
        if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
            return "адрес сайта не найден (DNS)"
        return "сервер недоступен: соединение не установлено"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"сервер оборвал соединение: {text}"
    return f"ошибка сети: {text}"


class Fetcher:
    """Async HTTP with a global and a per-host concurrency limit. Use as ``async with``."""

    def __init__(self, options: FetchOptions, blob_dir: str | os.PathLike,
                 previous: Mapping[str, Fetch] | None = None):
        self.options = options
        self.blob_dir = Path(blob_dir)
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self.previous = dict(previous or {})
        self._global = asyncio.Semaphore(options.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(options.per_host))
        self._last_request: dict[str, float] = {}
        self.bytes_received = 0
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "Fetcher":
        self._client = httpx.AsyncClient(
            headers={"User-Agent": self.options.user_agent, "Accept-Language": "ru,en;q=0.5"},
            timeout=httpx.Timeout(self.options.timeout, connect=min(10.0, self.options.timeout)),
            follow_redirects=True,
            max_redirects=self.options.max_redirects,
            verify=self.options.verify,
            limits=httpx.Limits(max_connections=self.options.concurrency,
                                max_keepalive_connections=self.options.concurrency),
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def get(self, url: str, keep_html: bool = True, revalidate: str | None = None) -> Body:
        """GET a URL. HTML is returned in memory; anything else is streamed to a blob file.

        ``revalidate`` names the URL whose previous fetch (ETag, Last-Modified) makes this a
        conditional request; a 304 answer then returns that fetch again, without a body."""
        attempt = 0
        while True:
            body = await self._get_once(url, keep_html, revalidate)
            status = body.fetch.status
            retryable = body.fetch.verdict == "dead" and (
                status in _RETRY_STATUSES or (status is None and "тайм-аут" in (body.fetch.error or ""))
            )
            if not retryable or attempt >= self.options.retries:
                return body
            attempt += 1
            await asyncio.sleep(min(5.0, 0.5 * 2**attempt))

    async def _get_once(self, url: str, keep_html: bool, revalidate: str | None) -> Body:
        assert self._client is not None, "use Fetcher as an async context manager"
        host = host_of(url)
        async with self._global, self._hosts[host]:
            await self._be_polite(host)
            try:
                request = self._client.build_request("GET", url, headers=self._conditional_headers(revalidate))
                response = await self._client.send(request, stream=True)
            except Exception as exc:  # every transport failure becomes a verdict
                return Body(Fetch(url=url, verdict="dead", error=describe_error(exc)), None, None)
            try:
                return await self._read(url, response, keep_html, revalidate)
            except Exception as exc:
                return Body(Fetch(url=url, verdict="dead", status=response.status_code,
                                  error=describe_error(exc)), None, None)
            finally:
                await response.aclose()

    async def _be_polite(self, host: str) -> None:
        if self.options.delay <= 0:
            return
        wait = self._last_request.get(host, 0.0) + self.options.delay - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _conditional_headers(self, url: str | None) -> dict[str, str]:
        old = self.previous.get(url) if url else None
        headers: dict[str, str] = {}
        if old is None or not old.ok or not old.sha256:
            return headers
        if old.etag:
            headers["If-None-Match"] = old.etag
        if old.last_modified:
            headers["If-Modified-Since"] = old.last_modified
        return headers

    async def _read(self, url: str, response: httpx.Response, keep_html: bool, revalidate: str | None) -> Body:
        redirects = tuple(normalize(str(r.url)) for r in response.history)
        content_type = response.headers.get("content-type")
        base = Fetch(
            url=url, verdict="ok", status=response.status_code, final_url=normalize(str(response.url)),
            content_type=content_type, etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"), redirects=redirects,
            filename=filename_from_disposition(response.headers.get("content-disposition")),
        )
        if response.status_code == 304 and revalidate in self.previous:
            old = self.previous[revalidate]
            return Body(replace(old, url=url, status=304, redirects=redirects, blob=None), None, None)
        if response.status_code >= 400:
            return Body(replace(base, verdict="dead", error=f"HTTP {response.status_code} {response.reason_phrase}"),
                        None, None)
        chunks = response.aiter_raw(CHUNK) if _is_compressed_document(response) else response.aiter_bytes(CHUNK)
        first = b""
        async for chunk in chunks:
            first = chunk
            break
        self.bytes_received += len(first)
        if looks_like_html(first, content_type):
            content = await self._read_all(first, chunks, MAX_PAGE_BYTES)
            return Body(replace(base, is_html=True, size=len(content), sha256=_sha(content)),
                        content if keep_html else None, _charset_of(content_type))
        return Body(await self._to_blob(base, first, chunks), None, None)

    async def _read_all(self, first: bytes, chunks, limit: int) -> bytes:
        parts = [first]
        total = len(first)
        async for chunk in chunks:
            total += len(chunk)
            self.bytes_received += len(chunk)
            if total > limit:
                break
            parts.append(chunk)
        return b"".join(parts)

    async def _to_blob(self, base: Fetch, first: bytes, chunks) -> Fetch:
        digest = hashlib.sha256()
        size = 0
        truncated = False
        fd, temp_name = tempfile.mkstemp(dir=self.blob_dir, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                chunk = first
                while True:
                    if size + len(chunk) > self.options.max_bytes:
                        truncated = True
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    chunk = await anext(chunks, b"")
                    if not chunk:
                        break
                    self.bytes_received += len(chunk)
            sha = digest.hexdigest()
            blob = self.blob_dir / sha
            os.replace(temp_name, blob)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return replace(base, size=size, sha256=sha, blob=str(blob), truncated=truncated)


def _is_compressed_document(response: httpx.Response) -> bool:
    # A .gz served with Content-Encoding: gzip is the file itself; keep the bytes as they are.
    encoding = response.headers.get("content-encoding", "").lower()
    content_type = response.headers.get("content-type", "").lower()
    return encoding == "gzip" and ("gzip" in content_type or "x-gzip" in content_type)


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)
