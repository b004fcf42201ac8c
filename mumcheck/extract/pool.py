"""ExtractorPool: run extract_file in worker processes with a time and memory limit."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from mumcheck.model import Extraction

from .common import failure
from .core import HEAD_SIZE, extract_file
from .sniff import sniff_kind

MSG_TIMEOUT = "Обработка файла прервана: превышено время ожидания ({:g} с)"
MSG_CRASH = "Обработка файла прервана: процесс-обработчик аварийно завершился"
CRASH_RETRIES = 1  # resubmissions after a pool crash that we did not cause ourselves
QUEUED_PER_WORKER = 3  # files handed to the pool per worker: one running, the rest queued behind it

_started = None  # in a worker: the pool's shared table of start times, one slot per file in flight


def _init_worker(max_memory_mb: int | None, started=None, owner: int | None = None) -> None:
    """Runs once in every worker process."""
    global _started
    _started = started
    if owner:
        threading.Thread(target=_exit_with, args=(owner,), name="mumcheck-owner-watch", daemon=True).start()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    if max_memory_mb:
        import resource

        limit = max_memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _exit_with(owner: int) -> None:
    """Leave when the process that owns the pool is gone. A killed mumcheck (SIGKILL, an OOM kill)
    runs no clean-up, and the workers would otherwise wait on the pool's queue for ever, keeping
    the forkserver alive with them."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # a process of another user took the number: ours is gone
            os._exit(0)


def _run(path: str, sha256: str, filename: str | None, content_type: str | None, ocr: bool = False,
         slot: int | None = None) -> Extraction:
    if slot is not None and _started is not None:
        _started[slot] = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process of the machine
    return extract_file(path, sha256, filename, content_type, ocr=ocr)


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class ExtractorPool:
    """A process pool for ``extract_file``.

    A few files per worker are handed over at once, so a worker never idles while the next file
    makes its way through the pool's queues (small documents read ≈ 1.6× faster than one at a
    time). The time limit counts from the moment a worker starts a file, not from when it was
    queued: each worker stamps the start in a shared table. When a file runs over ``timeout``
    seconds its worker cannot be told apart from the others, so the whole pool is killed and
    rebuilt; the other files that were in flight are resubmitted.
    """

    def __init__(self, workers: int | None = None, timeout: float = 60.0, max_memory_mb: int = 1024,
                 ocr: bool = False):
        self.workers = workers or os.cpu_count() or 1
        self.ocr = ocr  # scans and images go through tesseract (when installed)
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self._started = _mp_context().Array("d", self.workers * QUEUED_PER_WORKER, lock=False)
        self._executor: ProcessPoolExecutor | None = self._new_executor()
        self._generation = 0
        self._killed: set[int] = set()  # generations we terminated on purpose
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self._free_slots = list(range(self.workers * QUEUED_PER_WORKER))

    # --- public ---------------------------------------------------------------------------

    async def extract(self, path: str, sha256: str, filename: str | None = None,
                      content_type: str | None = None) -> Extraction:
        async with self._semaphore():
            slot = self._free_slots.pop()
            try:
                return await self._extract_in(slot, path, sha256, filename, content_type)
            finally:
                self._free_slots.append(slot)

    async def _extract_in(self, slot: int, path: str, sha256: str, filename: str | None,
                          content_type: str | None) -> Extraction:
        crashes = 0
        while True:
            generation, executor = self._generation, self._current_executor()
            self._started[slot] = 0.0
            try:
                future = executor.submit(_run, path, sha256, filename, content_type, self.ocr, slot)
                return await self._result_in_time(asyncio.wrap_future(future), slot)
            except asyncio.TimeoutError:
                self._restart(generation, on_purpose=True)
                kind = _guess_kind(path, filename, content_type)
                return failure(sha256, kind, MSG_TIMEOUT.format(self.timeout), timeout=True)
            except BrokenProcessPool:
                # Files still waiting in the pool share the fate of the one that broke it, but
                # only a file that had started can be the culprit.
                if generation not in self._killed and self._started[slot]:
                    crashes += 1
                    if crashes > CRASH_RETRIES:
                        kind = _guess_kind(path, filename, content_type)
                        return failure(sha256, kind, MSG_CRASH, crashed=True)
                self._restart(generation, on_purpose=False)

    async def _result_in_time(self, result: asyncio.Future, slot: int) -> Extraction:
        """The file's result, or TimeoutError once it has run ``timeout`` seconds in a worker."""
        while True:
            started = self._started[slot]
            left = self.timeout if not started else started + self.timeout - time.monotonic()
            if left <= 0:
                result.cancel()
                raise asyncio.TimeoutError
            done, _ = await asyncio.wait({result}, timeout=left)
            if done:
                if result.cancelled():  # still queued when a restart shut the old pool down
                    raise BrokenProcessPool("the pool was restarted before this file started")
                return result.result()

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            _shutdown(executor, kill=False)

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    async def __aenter__(self) -> ExtractorPool:
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.close()

    # --- internals ------------------------------------------------------------------------

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp_context(),
                                   initializer=_init_worker, initargs=(self.max_memory_mb, self._started, os.getpid()))

    def _current_executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            raise RuntimeError("ExtractorPool is closed")
        return self._executor

    def _restart(self, generation: int, on_purpose: bool) -> None:
        """Replace the executor of ``generation`` unless someone already did."""
        if generation != self._generation or self._executor is None:
            return
        if on_purpose:
            self._killed.add(generation)
        old, self._executor = self._executor, self._new_executor()
        self._generation += 1
        _shutdown(old, kill=True)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.workers * QUEUED_PER_WORKER))
        return self._slots[1]


def _guess_kind(path: str, filename: str | None, content_type: str | None) -> str:
    """The file's kind for an error report; reads only regular files (a FIFO could block)."""
    try:
        if not os.path.isfile(path):
            return sniff_kind(b"", filename, content_type)
        with open(path, "rb") as fh:
            return sniff_kind(fh.read(HEAD_SIZE), filename, content_type)
    except OSError:
        return "unknown"


def _shutdown(executor: ProcessPoolExecutor, kill: bool) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    if kill:
        for process in processes:
            if process.is_alive():
                process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=1)
