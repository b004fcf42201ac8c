"""HTTP: one async client, per-host politeness, streamed downloads with a size cap.

Every request ends in a :class:`~mumcheck.model.Fetch` — never an exception — so one bad link
cannot stop a crawl. The client is aiohttp (its C parser costs a fraction of a pure-Python one per
request, and a link check is a few thousand requests); URLs are sent exactly as
:func:`~mumcheck.urls.normalize` wrote them.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import hashlib
import os
import random
import re
import secrets
import socket
import ssl
import tempfile
import time
import urllib.request
import zlib
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import AsyncIterator, Mapping
from urllib.parse import unquote, urlsplit

import aiohttp
import certifi
from aiohttp.abc import AbstractResolver
from protego import Protego
from yarl import URL

from mumcheck import __version__
from mumcheck.model import Fetch
from mumcheck.crawl.verdicts import PageLook, look_at
from mumcheck.urls import host_of, normalize

USER_AGENT = f"mumcheck/{__version__} (+https://pypi.org/project/mumcheck/; MUM section checker)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_PAGE_BYTES = 5 * 2**20
CHUNK = 64 * 1024
SNIFF_BYTES = 512  # the first chunk is at least this long (or the whole body): looks_like_html reads it
MAX_HEADER_BYTES = 64 * 1024  # one header line; aiohttp's default of 8 KB refuses sites with big cookies
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
_AUTH_STATUSES = frozenset({401, 403})
MAX_ROBOTS_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 10.0
ROBOTS_SKIP = "обход запрещён правилами robots.txt сайта (проверить всё же: --ignore-robots)"
TLS_HINT = ("многие государственные и муниципальные сайты используют сертификаты НУЦ Минцифры (Russian Trusted "
            "Root CA), которых нет в обычных наборах корневых сертификатов, и часть браузеров экспертов такую "
            "ссылку не откроет; проверьте сертификат сайта или повторите проверку с --ca-bundle ПУТЬ "
            "(корневой сертификат Минцифры) либо --insecure")
_TLS_REASONS = (
    ("self-signed", "самоподписанный сертификат"),
    ("self signed", "самоподписанный сертификат"),
    ("unable to get local issuer", "сертификат выдан неизвестным удостоверяющим центром"),
    ("unknown ca", "сертификат выдан неизвестным удостоверяющим центром"),
    ("expired", "срок действия сертификата истёк"),
    ("not yet valid", "сертификат ещё не действует"),
    ("hostname mismatch", "сертификат выдан для другого имени сайта"),
    ("doesn't match", "сертификат выдан для другого имени сайта"),
)


@dataclass(frozen=True)
class FetchOptions:
    per_host: int = 4
    concurrency: int = 16
    timeout: float = 20.0
    max_bytes: int = 50 * 2**20
    delay: float = 0.0  # pause between two requests to one host, seconds
    retries: int = 2  # for 429/502/503/504 and time-outs
    user_agent: str = USER_AGENT
    verify: bool | str = True  # False: --insecure; a path: like ca_bundle
    max_redirects: int = 10
    ca_bundle: str | None = None  # extra trusted roots (PEM), added to the usual ones
    robots: bool = True  # honour robots.txt
    resolve: tuple[str, ...] = ()  # "HOST:PORT:ADDR", as curl's --resolve
    max_retry_wait: float = 30.0  # longest Retry-After honoured, seconds
    backoff: float = 0.5  # first pause of the exponential backoff, seconds


@dataclass(frozen=True)
class Body:
    """A response kept in memory (HTML pages) — documents go to a blob file instead."""

    fetch: Fetch
    content: bytes | None
    charset: str | None
    retry_after: float | None = None  # what a 429/503 asked for, seconds


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
        try:  # servers often send raw UTF-8 bytes, read here as latin-1 (see _header_text)
            return name.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return name
    return None


def parse_resolve(entries) -> dict[tuple[str, int], str]:
    """``HOST:PORT:ADDR`` entries (curl's --resolve) → {(ascii host, port): address}."""
    mapping: dict[tuple[str, int], str] = {}
    for entry in entries:
        host, sep1, rest = entry.partition(":")
        port, sep2, address = rest.partition(":")
        if not (sep1 and sep2 and host and address and port.isdigit() and 0 < int(port) < 65536):
            raise ValueError(f"неверное значение --resolve «{entry}»: нужно ХОСТ:ПОРТ:АДРЕС, "
                             "например уо.рф:443:127.0.0.1")
        ascii_host = host_of(normalize(f"http://{host}/")).split(":")[0]
        mapping[(ascii_host, int(port))] = address.strip("[]")
    return mapping


def ssl_context(options: FetchOptions) -> ssl.SSLContext | bool:
    """Certificate checking as the options ask: the usual roots plus ``ca_bundle``, or none.

    Built once per bundle (reading the roots takes ~30 ms, and a region batch opens a client per
    municipality); a bundle file that changes is read again."""
    if options.verify is False:
        return False
    bundle = options.ca_bundle or (options.verify if isinstance(options.verify, str) else None)
    try:
        stamp = os.stat(bundle).st_mtime_ns if bundle else None
    except OSError:
        stamp = None
    return _ssl_context(bundle, stamp)


@functools.lru_cache(maxsize=8)
def _ssl_context(bundle: str | None, stamp: int | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    if bundle:
        try:
            context.load_verify_locations(cafile=bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"не удалось прочитать сертификаты из {bundle}: {exc}") from exc
    return context


def validate_fetch_options(options: FetchOptions) -> None:
    """Raise ValueError (in Russian) for a --resolve entry or a CA bundle that cannot be used."""
    parse_resolve(options.resolve)
    ssl_context(options)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _tls_failure(exc: BaseException) -> str | None:
    """The reason a certificate was refused, in Russian; None when this is not a certificate problem."""
    seen = exc
    for _ in range(6):
        if seen is None:
            break
        seen = getattr(seen, "certificate_error", seen)  # aiohttp's wrapper of the ssl error
        if isinstance(seen, ssl.SSLCertVerificationError):
            text = (getattr(seen, "verify_message", None) or str(seen)).lower()
            return next((ru for en, ru in _TLS_REASONS if en in text), f"сертификат не прошёл проверку ({text})")
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    if "certificate_verify_failed" in text or "certificate verify failed" in text:
        return next((ru for en, ru in _TLS_REASONS if en in text), "сертификат не прошёл проверку")
    return None


def failure_of(exc: Exception) -> tuple[str, str]:
    """(verdict, Russian reason) of a transport failure: a certificate problem is a ``tls``
    warning, not a dead link."""
    reason = _tls_failure(exc)
    if reason is not None:
        return "tls", f"ошибка TLS-сертификата: {reason}; {TLS_HINT}"
    return "dead", describe_error(exc)


def describe_error(exc: BaseException) -> str:
    """A short Russian description of a transport failure, for a finding's evidence."""
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, aiohttp.TooManyRedirects):
        return "слишком много перенаправлений (возможна петля)"
    if isinstance(exc, TimeoutError):  # aiohttp's ServerTimeoutError and ConnectionTimeoutError too
        return "сервер не ответил вовремя (тайм-аут)"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc, aiohttp.ClientSSLError) or isinstance(exc.os_error, ssl.SSLError) \
                or "CERTIFICATE" in text.upper():
            return f"ошибка TLS-сертификата: {text}"
        if isinstance(exc, aiohttp.ClientConnectorDNSError) or isinstance(exc.os_error, socket.gaierror) \
                or "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
            return "адрес сайта не найден (DNS)"
        return "сервер недоступен: соединение не установлено"
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, ConnectionResetError,
                        aiohttp.ClientConnectionResetError)):
        return f"сервер оборвал соединение: {text}"
    return f"ошибка сети: {text}"


class _MappedResolver(AbstractResolver):
    """Answers mapped (host, port) with another address, as curl's --resolve: the connection
    still sends the original Host and TLS name (the connector takes them from ``hostname``)."""

    def __init__(self, mapping: Mapping[tuple[str, int], str]):
        self.mapping = dict(mapping)
        self.inner = aiohttp.DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        address = self.mapping.get((host.lower(), port))
        if address is None:
            return await self.inner.resolve(host, port, family)
        kind = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [{"hostname": host, "host": address, "port": port, "family": kind, "proto": 0,
                 "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        await self.inner.close()


_HEADERS_READ = frozenset({"content-type", "etag", "last-modified", "content-disposition", "retry-after",
                           "content-encoding"})


def _header_text(value: bytes) -> str:
    # ASCII, else UTF-8, else Latin-1 (as httpx did; never a lone surrogate, which SQLite refuses)
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        pass
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _headers_of(response: aiohttp.ClientResponse) -> dict[str, str]:
    """The few response headers the crawl reads, repeated ones joined with ", "."""
    found: dict[str, str] = {}
    for raw_name, raw_value in response.raw_headers:
        name = raw_name.decode("latin-1").lower()
        if name in _HEADERS_READ:
            value = _header_text(raw_value)
            found[name] = f"{found[name]}, {value}" if name in found else value
    return found


class _Decoder:
    """Content-Encoding gzip/deflate undone by hand (the session leaves bodies as sent, so that a
    ``.gz`` document served with ``Content-Encoding: gzip`` can be kept as it is)."""

    def __init__(self, encoding: str):
        self.gzip = encoding == "gzip"
        self.first = True
        self.inner = zlib.decompressobj(zlib.MAX_WBITS | 16 if self.gzip else zlib.MAX_WBITS)

    def decompress(self, data: bytes) -> bytes:
        if self.first and not self.gzip:
            self.first = False
            try:
                return self.inner.decompress(data)
            except zlib.error:  # "deflate" sent as a raw stream, without the zlib header
                self.inner = zlib.decompressobj(-zlib.MAX_WBITS)
        return self.inner.decompress(data)

    def flush(self) -> bytes:
        return self.inner.flush()


async def _body(response: aiohttp.ClientResponse, raw: bool) -> AsyncIterator[bytes]:
    """The body in chunks of at most CHUNK bytes, decoded unless ``raw``."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    decoder = _Decoder(encoding) if not raw and encoding in ("gzip", "deflate") else None
    stream = response.content
    while True:
        data = await stream.read(CHUNK)
        if not data:
            break
        if decoder is not None:
            data = decoder.decompress(data)
            if not data:
                continue
        yield data
    if decoder is not None:
        tail = decoder.flush()
        if tail:
            yield tail


async def _first_chunk(chunks: AsyncIterator[bytes]) -> bytes:
    """At least SNIFF_BYTES of the body (less only when the body is shorter)."""
    first = b""
    while len(first) < SNIFF_BYTES:
        chunk = await anext(chunks, b"")
        if not chunk:
            break
        first += chunk
    return first


def _proxies_in_environment() -> bool:
    try:
        return bool(urllib.request.getproxies())
    except Exception:
        return False


class Fetcher:
    """Async HTTP with a global and a per-host concurrency limit. Use as ``async with``."""

    def __init__(self, options: FetchOptions, blob_dir: str | os.PathLike | None,
                 previous: Mapping[str, Fetch] | None = None):
        """``blob_dir`` None: documents are still downloaded whole and hashed, but no file is kept
        (nothing will read them: a links-only check)."""
        self.options = options
        self.blob_dir = Path(blob_dir) if blob_dir is not None else None
        if self.blob_dir is not None:
            self.blob_dir.mkdir(parents=True, exist_ok=True)
        self.previous = dict(previous or {})
        self._global = asyncio.Semaphore(options.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(options.per_host))
        self._last_request: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}  # Crawl-delay of robots.txt
        self._robots: dict[str, asyncio.Task] = {}
        self._probes: dict[str, asyncio.Task] = {}
        self.robots_skipped: list[str] = []
        self.bytes_received = 0
        self._client: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Fetcher":
        resolver = _MappedResolver(parse_resolve(self.options.resolve)) if self.options.resolve else None
        connector = aiohttp.TCPConnector(limit=self.options.concurrency, limit_per_host=0,
                                         ssl=ssl_context(self.options), resolver=resolver)
        self._client = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.options.user_agent, "Accept-Language": "ru,en;q=0.5",
                     "Accept-Encoding": "gzip, deflate"},
            timeout=aiohttp.ClientTimeout(total=None, connect=min(10.0, self.options.timeout),
                                          sock_read=self.options.timeout),
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies of hosts named by an IP address too
            auto_decompress=False,  # see _Decoder
            max_line_size=MAX_HEADER_BYTES, max_field_size=MAX_HEADER_BYTES,
            trust_env=_proxies_in_environment(),  # HTTP(S)_PROXY as the environment says
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._client is not None:
            await self._client.close()

    async def _send(self, url: str, headers: Mapping[str, str] | None = None) -> aiohttp.ClientResponse:
        """GET with redirects followed, body not read yet: the caller streams it, then releases."""
        assert self._client is not None, "use Fetcher as an async context manager"
        return await self._client.get(
            URL(url, encoded=True),  # as normalize() wrote it: no second quoting
            headers=headers or None, allow_redirects=True,
            max_redirects=self.options.max_redirects + 1,  # aiohttp counts the redirect that fails too
        )

    async def get(self, url: str, keep_html: bool = True, revalidate: str | None = None) -> Body:
        """GET a URL. HTML is returned in memory; anything else is streamed to a blob file.

        ``revalidate`` names the URL whose previous fetch (ETag, Last-Modified) makes this a
        conditional request; a 304 answer then returns that fetch again, without a body.
        429/5xx answers and time-outs are retried (Retry-After honoured, else exponential backoff
        with jitter), at most ``retries`` times."""
        if self.options.robots and not await self.allowed(url):
            self.robots_skipped.append(url)
            return Body(Fetch(url=url, verdict="skipped", error=ROBOTS_SKIP), None, None)
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
            await asyncio.sleep(self._retry_pause(attempt, body.retry_after))

    def _retry_pause(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.options.max_retry_wait)
        base = self.options.backoff * 2 ** (attempt - 1)
        return min(self.options.max_retry_wait, base + random.uniform(0, base / 2))

    # --- robots.txt ------------------------------------------------------------------------
    async def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._robots:
            self._robots[key] = asyncio.ensure_future(self._load_robots(key))
        rules = await self._robots[key]
        return rules is None or rules.can_fetch(url, self.options.user_agent)

    async def _load_robots(self, origin: str) -> Protego | None:
        """The host's robots.txt; None (everything allowed) when it is missing or unreadable."""
        assert self._client is not None
        host = host_of(origin)
        try:
            async with self._global, self._hosts[host]:
                response = await self._send(origin + "/robots.txt")
                try:
                    if response.status != 200:
                        return None
                    content_type = _headers_of(response).get("content-type")
                    content = b""
                    async for chunk in _body(response, raw=False):
                        content += chunk
                        if len(content) >= MAX_ROBOTS_BYTES:
                            break
                finally:
                    response.release()
        except Exception:
            return None
        self.bytes_received += len(content)
        if looks_like_html(content[:512], content_type):
            return None  # a CMS answering every address with a page: no rules
        try:
            rules = Protego.parse(content[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace"))
        except Exception:
            return None
        delay = rules.crawl_delay(self.options.user_agent)
        if delay:
            self._host_delay[host] = min(float(delay), MAX_CRAWL_DELAY)
        return rules

    # --- what a host answers for an address that surely does not exist ---------------------
    async def missing_page(self, url: str) -> PageLook | None:
        """The host's answer to a made-up address, when it is a 200 HTML page (its soft-404
        template); None when the host answers such addresses honestly. One probe per host."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._probes:
            self._probes[key] = asyncio.ensure_future(self._probe(key))
        return await self._probes[key]

    async def _probe(self, origin: str) -> PageLook | None:
        probe_url = f"{origin}/mumcheck-{secrets.token_hex(6)}/net-takoj-stranicy-{secrets.token_hex(4)}.html"
        body = await self._get_once(probe_url, keep_html=True, revalidate=None)
        if body.fetch.ok and body.fetch.is_html and body.content is not None:
            return look_at(body.content, body.charset)
        return None

    async def _get_once(self, url: str, keep_html: bool, revalidate: str | None) -> Body:
        host = host_of(url)
        async with self._global, self._hosts[host]:
            await self._be_polite(host)
            try:
                response = await self._send(url, self._conditional_headers(revalidate))
            except Exception as exc:  # every transport failure becomes a verdict
                verdict, error = failure_of(exc)
                return Body(Fetch(url=url, verdict=verdict, error=error), None, None)
            try:
                return await self._read(url, response, keep_html, revalidate)
            except Exception as exc:
                return Body(Fetch(url=url, verdict="dead", status=response.status,
                                  error=describe_error(exc)), None, None)
            finally:
                response.release()

    async def _be_polite(self, host: str) -> None:
        delay = max(self.options.delay, self._host_delay.get(host, 0.0))
        if delay <= 0:
            return
        wait = self._last_request.get(host, 0.0) + delay - time.monotonic()
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

    async def _read(self, url: str, response: aiohttp.ClientResponse, keep_html: bool,
                    revalidate: str | None) -> Body:
        redirects = tuple(normalize(str(r.url)) for r in response.history)
        headers = _headers_of(response)
        content_type = headers.get("content-type")
        final_url = str(response.url)
        status = response.status
        base = Fetch(
            url=url, verdict="ok", status=status, final_url=url if final_url == url else normalize(final_url),
            content_type=content_type, etag=headers.get("etag"),
            last_modified=headers.get("last-modified"), redirects=redirects,
            filename=filename_from_disposition(headers.get("content-disposition")),
        )
        if status == 304 and revalidate in self.previous:
            old = self.previous[revalidate]
            return Body(replace(old, url=url, status=304, redirects=redirects, blob=None), None, None)
        if status in _AUTH_STATUSES:
            why = "нужен вход по логину и паролю" if status == 401 else "доступ закрыт"
            return Body(replace(base, verdict="auth_required",
                                error=f"HTTP {status} {response.reason}: {why}"), None, None)
        if status >= 400:
            return Body(replace(base, verdict="dead", error=f"HTTP {status} {response.reason}"),
                        None, None, retry_after_seconds(headers.get("retry-after")))
        chunks = _body(response, raw=_is_compressed_document(headers))
        first = await _first_chunk(chunks)
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
        if self.blob_dir is None:
            return await self._hash_only(base, first, chunks)
        fd, temp_name = tempfile.mkstemp(dir=self.blob_dir, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                size, sha, truncated = await self._stream(first, chunks, out)
            blob = self.blob_dir / sha
            os.replace(temp_name, blob)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return replace(base, size=size, sha256=sha, blob=str(blob), truncated=truncated)

    async def _hash_only(self, base: Fetch, first: bytes, chunks) -> Fetch:
        """As _to_blob, without the file: the same size cap, size and sha256."""
        size, sha, truncated = await self._stream(first, chunks)
        return replace(base, size=size, sha256=sha, truncated=truncated)

    async def _stream(self, first: bytes, chunks, out=None) -> tuple[int, str, bool]:
        """Read a body up to the size cap, hashing it (and writing it to ``out``):
        (size, sha256, truncated)."""
        digest = hashlib.sha256()
        size = 0
        chunk = first
        while True:
            if size + len(chunk) > self.options.max_bytes:
                return size, digest.hexdigest(), True
            if out is not None:
                out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            chunk = await anext(chunks, b"")
            if not chunk:
                return size, digest.hexdigest(), False
            self.bytes_received += len(chunk)


def _is_compressed_document(headers: Mapping[str, str]) -> bool:
    # A .gz served with Content-Encoding: gzip is the file itself; keep the bytes as they are.
    encoding = headers.get("content-encoding", "").lower()
    content_type = headers.get("content-type", "").lower()
    return encoding == "gzip" and ("gzip" in content_type or "x-gzip" in content_type)


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)
