"""The benchmarks' static server: what it answers and how long it holds each answer."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from fastserver import ServerProcess  # noqa: E402


def _get(url: str, method: str = "GET", headers: dict | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture()
def served(tmp_path):
    (tmp_path / "a" / "docs").mkdir(parents=True)
    (tmp_path / "a" / "index.html").write_text("<h1>Главная</h1>", encoding="utf-8")
    (tmp_path / "a" / "docs" / "приказ.pdf").write_bytes(b"%PDF-1.4 test")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.html").write_text("<h1>Другой сайт</h1>", encoding="utf-8")
    with ServerProcess([tmp_path / "a", tmp_path / "b"], latency=0.05, headers={"X-Test": "1"}) as servers:
        yield servers


def test_files_conditional_requests_and_counts(served):
    base = served.urls[0]
    status, headers, body = _get(base + "/docs/%D0%BF%D1%80%D0%B8%D0%BA%D0%B0%D0%B7.pdf")
    assert (status, body) == (200, b"%PDF-1.4 test")
    assert headers["Content-Type"] == "application/pdf" and headers["X-Test"] == "1"
    head = _get(base + "/docs/%D0%BF%D1%80%D0%B8%D0%BA%D0%B0%D0%B7.pdf", "HEAD")
    assert head[0] == 200 and head[2] == b"" and head[1]["Content-Length"] == str(len(body))
    assert _get(base + "/docs/%D0%BF%D1%80%D0%B8%D0%BA%D0%B0%D0%B7.pdf",
                headers={"If-None-Match": headers["ETag"]})[0] == 304
    assert _get(base + "/")[2] == "<h1>Главная</h1>".encode("utf-8")
    assert _get(base + "/missing.pdf")[0] == 404
    assert _get(served.urls[1] + "/")[2] == "<h1>Другой сайт</h1>".encode("utf-8")
    assert served.requests(0) == 5 and served.requests(1) == 1  # the count itself is not counted


def test_each_answer_is_held_for_the_latency(served):
    started = time.monotonic()
    _get(served.urls[0] + "/")
    assert time.monotonic() - started >= 0.05
    first, last = served.times(0)
    assert 0 < first <= last
