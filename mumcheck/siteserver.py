"""A small static web server for a municipality site kept in a folder (the demo and the tests).

Serves files as a plain hosting would (``.html`` as ``text/html`` with no charset, so pages must
declare it themselves), answers conditional requests with 304, maps ``path?query`` URLs through the
site's ``routes``, and injects faults by path: ``{status: 500}``, ``{delay: 2.5}``,
``{redirect: "/other"}``, ``{headers: {...}}``, ``{body: "..."}``, ``{head_status: 405}`` (HEAD
refused, GET fine), ``{times: 2}`` (the fault holds for the first two requests only, e.g. 429 then
200). ``missing`` is the fault for every address that has no file (a CMS answering 200 with its own
«not found» template); ``latency`` delays every answer; ``tls=(certfile, keyfile)`` serves HTTPS.
"""

from __future__ import annotations

import hashlib
import mimetypes
import ssl
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

import yaml

mimetypes.add_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
mimetypes.add_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
mimetypes.add_type("application/msword", ".doc")
mimetypes.add_type("application/rtf", ".rtf")


def load_manifest(root: Path) -> dict[str, Any]:
    manifest = root / "manifest.yaml"
    if not manifest.is_file():
        return {}
    return yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}


class SiteServer:
    """``with SiteServer(folder) as server: server.url("/mum/")``."""

    def __init__(self, root: str | Path, faults: Mapping[str, Mapping[str, Any]] | None = None,
                 host: str = "127.0.0.1", port: int = 0, missing: Mapping[str, Any] | None = None,
                 latency: float = 0.0, tls: tuple[str, str] | None = None,
                 headers: Mapping[str, str] | None = None):
        self.root = Path(root).resolve()
        manifest = load_manifest(self.root)
        self.routes: dict[str, str] = {unquote(k): v for k, v in (manifest.get("routes") or {}).items()}
        self.faults: dict[str, dict[str, Any]] = {unquote(k): dict(v) for k, v in (manifest.get("faults") or {}).items()}
        self.faults.update({unquote(k): dict(v) for k, v in (faults or {}).items()})
        self.missing: dict[str, Any] | None = dict(missing or manifest.get("missing") or {}) or None
        self.latency = float(latency)
        self.headers = dict(headers or {})  # sent with every answer
        self.requests: list[tuple[str, str]] = []  # (method, path?query) in order of arrival
        self.hits: dict[str, int] = {}  # requests per fault key, for faults with ``times``
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"site": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def start(self) -> "SiteServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="mumcheck-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def record(self, method: str, target: str) -> None:
        with self._lock:
            self.requests.append((method, target))

    def count_hit(self, key: str) -> int:
        """How many requests this fault key has seen, this one included."""
        with self._lock:
            self.hits[key] = self.hits.get(key, 0) + 1
            return self.hits[key]

    def resolve(self, path: str, query: str) -> Path | None:
        key = f"{path}?{query}" if query else path
        if key in self.routes:
            path = "/" + self.routes[key].lstrip("/")
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.name == "manifest.yaml" and candidate.parent == self.root:
            return None
        return candidate if candidate.is_file() else None


class _Handler(BaseHTTPRequestHandler):
    site: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "mumcheck-fixture/1"
    disable_nagle_algorithm = True  # as nginx's tcp_nodelay: no 40 ms stall between headers and body

    def log_message(self, format: str, *args) -> None:  # quiet: tests read site.requests instead
        pass

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            self.close_connection = True  # a client that refused our certificate

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path, errors="replace")
        target = f"{path}?{parts.query}" if parts.query else path
        self.site.record(self.command, target)
        if self.site.latency:
            time.sleep(self.site.latency)
        key = target if target in self.site.faults else path
        fault = self.site.faults.get(key)
        if fault and fault.get("times") and self.site.count_hit(key) > int(fault["times"]):
            fault = None
        if fault and self.command == "HEAD" and fault.get("head_status"):
            self._send(int(fault["head_status"]), b"", "text/plain", False)
            return
        if fault and self._fault(fault, send_body):
            return
        file = self.site.resolve(path, parts.query)
        if file is None and self.site.missing and self._fault(self.site.missing, send_body):
            return
        if file is None:
            self._send(404, b"<html><head><meta charset=utf-8></head><body><h1>404 Not Found</h1></body></html>",
                       "text/html; charset=utf-8", send_body)
            return
        data = file.read_bytes()
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        mtime = int(file.stat().st_mtime)
        if self._not_modified(etag, mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        content_type = "text/html" if file.suffix.lower() in (".html", ".htm") else (
            mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        extra = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        extra.update((fault or {}).get("headers", {}))
        self._send(200, data, content_type, send_body, extra)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match:
            return etag in [tag.strip() for tag in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return mtime <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _fault(self, fault: Mapping[str, Any], send_body: bool) -> bool:
        """Apply a fault; True when it answered the request itself."""
        if fault.get("delay"):
            time.sleep(float(fault["delay"]))
        if fault.get("redirect"):
            self.send_response(int(fault.get("status", 302)))
            self.send_header("Location", fault["redirect"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        if fault.get("status"):
            status = int(fault["status"])
            body = str(fault.get("body", f"<html><body><h1>{status} {HTTPStatus(status).phrase}</h1></body></html>"))
            self._send(status, body.encode("utf-8"), fault.get("content_type", "text/html; charset=utf-8"),
                       send_body, fault.get("headers", {}))
            return True
        return False

    def _send(self, status: int, data: bytes, content_type: str, send_body: bool,
              headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**self.site.headers, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
