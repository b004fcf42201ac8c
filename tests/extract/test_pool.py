"""ExtractorPool: results from worker processes, the per-file time limit, worker limits."""

from __future__ import annotations

import asyncio
import os
import resource
import time

import docx
import pytest

from mumcheck.extract import ExtractorPool, extract_file

from .helpers import LOREM_RU, write_pdf


def _documents(tmp_path):
    files = [write_pdf(tmp_path / f"doc{i}.pdf", [f"Документ {i}. " + LOREM_RU * 2]) for i in range(3)]
    document = docx.Document()
    document.add_paragraph("Протокол заседания")
    document.save(tmp_path / "protocol.docx")
    files.append(tmp_path / "protocol.docx")
    html = tmp_path / "page.html"
    html.write_bytes("<html><body><p>Новости</p></body></html>".encode("cp1251"))
    files.append(html)
    return files


def test_several_files_at_once(tmp_path):
    files = _documents(tmp_path)

    async def run():
        with ExtractorPool(workers=2, timeout=30) as pool:
            return await asyncio.gather(*(pool.extract(str(path), f"sha{i}", path.name)
                                          for i, path in enumerate(files)))

    results = asyncio.run(run())
    for i, (path, result) in enumerate(zip(files, results)):
        assert result == extract_file(str(path), f"sha{i}", path.name)  # same as in-process
        assert result.error is None and result.sha256 == f"sha{i}"
    assert [r.kind for r in results] == ["pdf", "pdf", "pdf", "docx", "html"]
    assert "Документ 1." in results[1].text


def test_hung_file_times_out_and_the_pool_goes_on(tmp_path):
    """A FIFO nobody writes to blocks the worker in open(): a real hang inside a system call."""
    fifo = tmp_path / "stalled.pdf"
    os.mkfifo(fifo)
    files = _documents(tmp_path)

    async def run():
        with ExtractorPool(workers=2, timeout=2.0) as pool:
            await pool.extract(str(files[0]), "warm-up")  # start-up cost stays out of the limit
            started = time.monotonic()
            results = await asyncio.gather(pool.extract(str(fifo), "hung", "stalled.pdf"),
                                           *(pool.extract(str(path), path.name) for path in files))
            elapsed = time.monotonic() - started
            after = await pool.extract(str(files[1]), "after")
            return results, elapsed, after

    (hung, *others), elapsed, after = asyncio.run(run())
    assert "превышено время" in hung.error
    assert hung.kind == "pdf" and hung.meta["timeout"] is True
    assert all(result.error is None for result in others)
    assert [result.sha256 for result in others] == [path.name for path in files]
    assert elapsed < 15
    assert after.error is None and "Документ 1." in after.text


def test_files_queued_behind_a_hung_one_are_read_after_the_restart(tmp_path):
    """One worker: the hung file holds it, the others wait in the pool's queue. Cutting the hung
    file restarts the pool; the waiting files must be read, not dropped or reported as failed."""
    fifo = tmp_path / "stalled.pdf"
    os.mkfifo(fifo)
    files = _documents(tmp_path)

    async def run():
        with ExtractorPool(workers=1, timeout=1.5) as pool:
            await pool.extract(str(files[0]), "warm-up")
            return await asyncio.gather(pool.extract(str(fifo), "hung", "stalled.pdf"),
                                        *(pool.extract(str(path), path.name) for path in files))

    hung, *others = asyncio.run(run())
    assert hung.meta.get("timeout") is True
    assert [(result.sha256, result.error) for result in others] == [(path.name, None) for path in files]


def test_time_limit_counts_from_the_start_of_a_file_not_from_the_queue(tmp_path):
    """One worker, two slow files handed over together: the second waits ~1 s behind the first,
    then runs ~1 s. Both stay under the 1.5 s limit of their own running time."""
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    os.mkfifo(first)
    os.mkfifo(second)
    warm_up = _documents(tmp_path)[0]

    def feed(fifo, after: float) -> None:
        """From ``after`` seconds on, serve every open() of the FIFO for half a second (a reader
        may open the file more than once); until then the worker hangs in open()."""
        time.sleep(after)
        until = time.monotonic() + 0.5
        while time.monotonic() < until:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader at the moment
                time.sleep(0.005)
                continue
            try:
                os.write(fd, b"not a real pdf")
            except BrokenPipeError:  # the reader has already given up on this open
                pass
            os.close(fd)

    async def run():
        with ExtractorPool(workers=1, timeout=1.5) as pool:
            await pool.extract(str(warm_up), "warm-up")
            feeders = [asyncio.to_thread(feed, first, 1.0), asyncio.to_thread(feed, second, 2.0)]
            started = time.monotonic()
            results = await asyncio.gather(pool.extract(str(first), "first", "first.pdf"),
                                           pool.extract(str(second), "second", "second.pdf"), *feeders)
            return results[:2], time.monotonic() - started

    (a, b), elapsed = asyncio.run(run())
    assert elapsed >= 2.0  # the second file really waited for its feeder
    for result in (a, b):
        assert "превышено время" not in (result.error or ""), result.error
        assert not result.meta.get("timeout")


def test_worker_limits(tmp_path):
    async def run():
        with ExtractorPool(workers=1, timeout=30, max_memory_mb=768) as pool:
            await pool.extract(str(_documents(tmp_path)[0]), "warm-up")
            executor = pool._current_executor()
            omp = executor.submit(os.getenv, "OMP_THREAD_LIMIT").result(timeout=30)
            address_space = executor.submit(resource.getrlimit, resource.RLIMIT_AS).result(timeout=30)
            return omp, address_space

    omp, (soft, _hard) = asyncio.run(run())
    assert omp == "1"
    assert soft == 768 * 1024 * 1024


def test_closed_pool_refuses_work(tmp_path):
    pool = ExtractorPool(workers=1)
    pool.close()
    with pytest.raises(RuntimeError):
        asyncio.run(pool.extract(str(tmp_path / "x.pdf"), "sha"))
