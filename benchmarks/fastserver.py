"""A static web server for benchmarks: many sites on their own ports, one asyncio process.

The tests' ``mumcheck.siteserver.SiteServer`` is built for fault injection (a thread per connection,
``http.server`` header parsing): it spends about 2 ms of CPU on each answer, and with 50 sites in one
process those answers queue behind one GIL. Real municipal sites sit behind nginx or Apache, whose
cost per answer is negligible next to the network, so a benchmark served by SiteServer measures the
fixture server as much as mumcheck. This server keeps every file in memory with its ETag and
Last-Modified computed once, answers GET/HEAD with keep-alive, 304 for conditional requests, 404 for
anything else, and holds each answer for ``latency`` seconds. The hold is timed by a thread that
sleeps until each answer is due (``time.sleep`` overshoots by tens of microseconds): asyncio's own
timers wake up only on whole milliseconds of ``epoll`` timeout, which would add about half a
millisecond to every answer and make every client look slower than the latency it is given.

    with ServerProcess([site_a, site_b], latency=0.03) as servers:
        servers.urls            # one base URL per folder
        servers.requests(0)     # requests served by the first site so far

``python benchmarks/fastserver.py FOLDER… --latency 0.03`` serves folders from a shell.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import heapq
import threading
import json
import mimetypes
import subprocess
import sys
import time
import urllib.request
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

COUNT_PATH = "/__bench__/requests"  # answered with the number of requests served; not counted itself
TIMES_PATH = "/__bench__/times"  # answered with [first, last] arrival time (time.time()) of counted requests
STATUS_TEXT = {200: "OK", 304: "Not Modified", 404: "Not Found", 400: "Bad Request"}


class Site:
    def __init__(self, root: Path, latency: float, headers: dict[str, str]):
        self.latency = latency
        self.extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.requests = 0
        self.first = self.last = 0.0
        self.files: dict[str, tuple[bytes, str, str, float, str]] = {}
        for file in sorted(Path(root).rglob("*")):
            if not file.is_file():
                continue
            data = file.read_bytes()
            mtime = int(file.stat().st_mtime)
            content_type = "text/html" if file.suffix.lower() in (".html", ".htm") else (
                mimetypes.guess_type(file.name)[0] or "application/octet-stream")
            entry = (data, '"' + hashlib.sha1(data).hexdigest()[:16] + '"', formatdate(mtime, usegmt=True),
                     mtime, content_type)
            path = "/" + file.relative_to(root).as_posix()
            self.files[path] = entry
            if file.name == "index.html":
                self.files[path[: -len("index.html")]] = entry

    def answer(self, method: str, target: str, headers: dict[str, str]) -> bytes:
        if target == COUNT_PATH:
            return self._response(200, str(self.requests).encode(), "text/plain", {}, method)
        if target == TIMES_PATH:
            return self._response(200, json.dumps([self.first, self.last]).encode(), "text/plain", {}, method)
        self.requests += 1
        self.last = time.time()
        self.first = self.first or self.last
        entry = self.files.get(unquote(urlsplit(target).path))
        if entry is None:
            return self._response(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html", {}, method)
        data, etag, last_modified, mtime, content_type = entry
        if self._not_modified(headers, etag, mtime):
            return self._response(304, b"", None, {"ETag": etag}, method)
        return self._response(200, data, content_type, {"ETag": etag, "Last-Modified": last_modified}, method)

    @staticmethod
    def _not_modified(headers: dict[str, str], etag: str, mtime: float) -> bool:
        if "if-none-match" in headers:
            return etag in [tag.strip() for tag in headers["if-none-match"].split(",")]
        if "if-modified-since" in headers:
            try:
                return mtime <= parsedate_to_datetime(headers["if-modified-since"]).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _response(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str],
                  method: str) -> bytes:
        head = [f"HTTP/1.1 {status} {STATUS_TEXT.get(status, '')}\r\nServer: mumcheck-bench\r\n"
                f"Content-Length: {len(body) if status != 304 else 0}\r\n{self.extra}"]
        if content_type:
            head.append(f"Content-Type: {content_type}\r\n")
        head.extend(f"{name}: {value}\r\n" for name, value in headers.items())
        head.append("\r\n")
        payload = "".join(head).encode("latin-1")
        return payload + body if method != "HEAD" and status != 304 else payload


class Clock:
    """Runs callbacks on the event loop at monotonic times, woken by a precise sleep in a thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.due: list[tuple[float, int, tuple]] = []
        self.ready = threading.Condition()
        self.counter = 0
        threading.Thread(target=self._run, name="bench-clock", daemon=True).start()

    def at(self, when: float, callback, *args) -> None:
        with self.ready:
            self.counter += 1
            heapq.heappush(self.due, (when, self.counter, (callback, args)))
            self.ready.notify()

    def _run(self) -> None:
        while True:
            with self.ready:
                while not self.due:
                    self.ready.wait()
                when = self.due[0][0]
                wait = when - time.monotonic()
                if wait > 0.002:  # far: a condition wait (a new, earlier answer may arrive meanwhile)
                    self.ready.wait(wait - 0.002)
                    continue
            if wait > 0:
                time.sleep(wait)
            with self.ready:
                now = time.monotonic()
                batch = []
                while self.due and self.due[0][0] <= now:
                    batch.append(heapq.heappop(self.due)[2])
            if batch:
                self.loop.call_soon_threadsafe(_run_all, batch)


def _run_all(batch: list) -> None:
    for callback, args in batch:
        callback(*args)


class Connection(asyncio.Protocol):
    def __init__(self, site: Site):
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.busy = False  # an answer is waiting for its latency timer; clients here do not pipeline

    def connection_made(self, transport) -> None:
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            import socket
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._next()

    def _next(self) -> None:
        if self.busy or b"\r\n\r\n" not in self.buffer:
            return
        raw, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = raw.decode("latin-1").split("\r\n")
        try:
            method, target, _version = lines[0].split(" ", 2)
        except ValueError:
            self.transport.close()
            return
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        response = self.site.answer(method, target, headers)
        close = headers.get("connection", "").lower() == "close"
        self.busy = True
        if self.site.latency > 0:
            self.site.clock.at(time.monotonic() + self.site.latency, self._send, response, close)
        else:
            self._send(response, close)

    def _send(self, response: bytes, close: bool) -> None:
        self.busy = False
        if self.transport.is_closing():
            return
        self.transport.write(response)
        if close:
            self.transport.close()
        else:
            self._next()


async def serve(roots: list[Path], latency: float, headers: dict[str, str], host: str = "127.0.0.1") -> None:
    loop = asyncio.get_running_loop()
    clock = Clock(loop)
    ports = []
    for root in roots:
        site = Site(root, latency, headers)
        site.clock = clock
        server = await loop.create_server(lambda site=site: Connection(site), host, 0, backlog=1024)
        ports.append(server.sockets[0].getsockname()[1])
    print(json.dumps(ports), flush=True)
    await asyncio.Event().wait()


class ServerProcess:
    """The server in a child process, so that its CPU does not count against the measured command."""

    def __init__(self, roots: list[Path], latency: float = 0.0, headers: dict[str, str] | None = None):
        self.command = [sys.executable, __file__, *map(str, roots), "--latency", str(latency)]
        for name, value in (headers or {}).items():
            self.command += ["--header", f"{name}: {value}"]
        self.process: subprocess.Popen | None = None
        self.urls: list[str] = []

    def start(self) -> "ServerProcess":
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True)
        ports = json.loads(self.process.stdout.readline())
        self.urls = [f"http://127.0.0.1:{port}" for port in ports]
        return self

    def requests(self, index: int = 0) -> int:
        with urllib.request.urlopen(self.urls[index] + COUNT_PATH) as answer:
            return int(answer.read())

    def times(self, index: int = 0) -> tuple[float, float]:
        """Arrival time (``time.time()``) of the first and the last counted request."""
        with urllib.request.urlopen(self.urls[index] + TIMES_PATH) as answer:
            first, last = json.loads(answer.read())
            return first, last

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--header", action="append", default=[], help="'Name: value' sent with every answer")
    args = parser.parse_args()
    headers = dict(h.split(":", 1) for h in args.header)
    try:
        asyncio.run(serve(args.roots, args.latency, {k.strip(): v.strip() for k, v in headers.items()}))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
