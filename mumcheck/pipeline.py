"""The whole check of one municipality: crawl → extract → classify → rules → score → report,
with every run kept in the store. Plain data in, plain data out; the CLI only calls this."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

from mumcheck.classify import classify
from mumcheck.classify.content import load_cues
from mumcheck.classify.structure import load_content_rules
from mumcheck.crawl import CrawlOptions, crawl_async
from mumcheck.model import CrawlResult, Extraction, Fetch, Finding
from mumcheck.profile import DEFAULT_PROFILE, load_profile
from mumcheck.report import build_report
from mumcheck.rules import check, load_rules
from mumcheck.rules.coverage import coverage
from mumcheck.score import estimate
from mumcheck.store import Store, now
from mumcheck import __version__
from mumcheck.urls import normalize
from mumcheck.vocab import load_vocabulary

if TYPE_CHECKING:  # the extractors are imported only when documents are read (not for --no-extract)
    from mumcheck.extract import ExtractorPool

Progress = Callable[[str, int], None]


class SiteUnreachable(RuntimeError):
    """The start page does not open: there is nothing to check."""


@dataclass(frozen=True)
class CheckOptions:
    profile: str = DEFAULT_PROFILE
    db_path: str | None = None
    extract: bool = True
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (rule id, new severity)
    workers: int | None = None
    extract_timeout: float = 120.0
    rules_dir: str | None = None
    ocr: bool = False  # recognise scans and images with tesseract (when installed)


@dataclass(frozen=True)
class CheckResult:
    run_id: int
    report: dict[str, Any]
    findings: tuple[Finding, ...]


def prepare(options: CheckOptions):
    """Load and validate the rule files before any network work (a bad file fails fast)."""
    vocab = load_vocabulary(options.rules_dir)
    profile = load_profile(options.profile, options.rules_dir)
    load_rules(options.rules_dir)
    return vocab, profile


def check_site(start_url: str, options: CheckOptions | None = None, progress: Progress | None = None) -> CheckResult:
    """Check one municipality: the synchronous entry point (its own store and extractor pool)."""
    options = options or CheckOptions()
    prepare(options)

    async def run() -> CheckResult:
        with Store(options.db_path) as store, open_pool(options) as pool:
            return await check_site_async(start_url, options, store, pool, progress)

    return asyncio.run(run())


def open_pool(options: CheckOptions):
    """The extractor process pool for a run (a null context when documents are not read)."""
    if not options.extract:
        return contextlib.nullcontext(None)
    from mumcheck.extract import ExtractorPool

    return contextlib.closing(ExtractorPool(workers=options.workers, timeout=options.extract_timeout,
                                            ocr=options.ocr))


async def check_site_async(start_url: str, options: CheckOptions, store: Store, pool: ExtractorPool | None,
                           progress: Progress | None = None, run_id: int | None = None) -> CheckResult:
    """Check one municipality inside a running event loop, sharing a store and an extractor pool
    with other checks (a region batch runs many of these at once)."""
    start_url = normalize(start_url)
    vocab, profile = prepare(options)
    run_id = run_id or store.begin_run(start_url, profile.id, __version__)
    started = now()
    try:
        crawl, extractions = await _crawl_and_extract(start_url, vocab, options, store, pool, progress)
        _require_start_page(crawl)
        structure = classify(crawl, vocab, profile, extractions, load_cues(options.rules_dir),
                             load_content_rules(options.rules_dir))
        findings = check(structure, crawl, extractions, profile, vocab, ignore=options.ignore,
                         severity=dict(options.severity), rules_directory=options.rules_dir)
        score = estimate(structure, crawl, extractions, profile, findings)
        report = build_report(run_id=run_id, started=started, finished=now(), profile=profile, crawl=crawl,
                              structure=structure, extractions=extractions, findings=findings, score=score,
                              site_title=crawl.site_title,
                              coverage=coverage(structure, extractions, profile, crawl=crawl))
        store.finish_run(run_id, crawl, structure, findings, report)
    except BaseException as exc:
        store.fail_run(run_id, f"{exc.__class__.__name__}: {exc}")
        raise
    return CheckResult(run_id=run_id, report=report, findings=tuple(findings))


async def _crawl_and_extract(start_url: str, vocab, options: CheckOptions, store: Store, pool: ExtractorPool | None,
                             progress: Progress | None) -> tuple[CrawlResult, dict[str, Extraction]]:
    extractions: dict[str, Extraction] = {}
    tasks: dict[str, asyncio.Task] = {}
    previous = store.previous_fetches(start_url)
    if pool is None:  # links only: documents are downloaded and hashed, no file is kept for a reader
        crawl = await crawl_async(start_url, vocab, None, options.crawl, previous, None, progress)
        for fetch in crawl.fetches:
            if fetch.ok and not fetch.is_html and fetch.truncated and fetch.sha256 and fetch.status != 304:
                extractions.setdefault(fetch.sha256, _too_big(fetch, options.crawl.fetch.max_bytes))
        _fill_from_cache(crawl, extractions, store)
        return crawl, extractions
    with tempfile.TemporaryDirectory(prefix="mumcheck-") as blob_dir:
        async def extract_one(fetch: Fetch) -> None:
            result = await pool.extract(fetch.blob, fetch.sha256, fetch.filename or _name_of(fetch),
                                        fetch.content_type)
            store.save_extraction(result)
            extractions[fetch.sha256] = result
            if progress:
                progress("document", len(extractions))

        def on_document(fetch: Fetch) -> None:
            if fetch.sha256 in extractions or fetch.sha256 in tasks:
                return
            if fetch.truncated:
                extractions[fetch.sha256] = _too_big(fetch, options.crawl.fetch.max_bytes)
                return
            cached = store.cached_extraction(fetch.sha256)
            if cached is not None and options.ocr and pool is not None and _ocr_pending(cached):
                cached = None  # read before without OCR: read it again now that OCR is on
            if cached is not None:
                extractions[fetch.sha256] = cached
            elif pool is not None:
                tasks[fetch.sha256] = asyncio.create_task(extract_one(fetch))

        try:
            crawl = await crawl_async(start_url, vocab, blob_dir, options.crawl, previous, on_document, progress)
        finally:  # the blobs go with the folder: extraction must be over by then
            if tasks:
                await asyncio.gather(*tasks.values(), return_exceptions=True)
    _fill_from_cache(crawl, extractions, store)
    return crawl, extractions


def _require_start_page(crawl: CrawlResult) -> None:
    start = crawl.fetch_for(crawl.start_url)
    if start is not None and not start.ok:
        from mumcheck.urls import display

        raise SiteUnreachable(f"сайт не открывается: {display(crawl.start_url)} — {start.error}")


def _ocr_pending(extraction: Extraction) -> bool:
    return extraction.is_scan and extraction.kind in ("pdf", "image") and "ocr" not in extraction.meta


def _fill_from_cache(crawl: CrawlResult, extractions: dict[str, Extraction], store: Store) -> None:
    """Documents that did not change since the last run (answered 304) are read from the cache."""
    wanted = [f.sha256 for f in crawl.fetches
              if f.ok and not f.is_html and f.sha256 and f.sha256 not in extractions]
    extractions.update(store.cached_extractions(wanted))


def _too_big(fetch: Fetch, limit: int) -> Extraction:
    return Extraction(sha256=fetch.sha256 or "", kind="unknown",
                      error=f"файл больше допустимого размера ({limit // 1_048_576} МБ), загрузка прервана",
                      meta={"truncated": True})


def _name_of(fetch: Fetch) -> str | None:
    from mumcheck.urls import filename_of

    return filename_of(fetch.final_url or fetch.url) or None
