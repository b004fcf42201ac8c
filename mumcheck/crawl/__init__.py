"""Crawl stage: find the МУМ section, walk its pages, check every link, download documents.

``crawl(start_url, …)`` → :class:`~mumcheck.model.CrawlResult`. Documents are streamed to files
named by their sha256 in ``blob_dir``; ``on_document`` is called for each as soon as it has arrived
(the pipeline starts extraction there, overlapped with the rest of the crawl). With ``blob_dir``
None documents are downloaded and hashed but not kept (a links-only check), and ``on_document`` is
not called.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field, replace
from typing import Awaitable, Callable, Mapping
from urllib.parse import urlsplit

from mumcheck.crawl.cloud import cloud_link
from mumcheck.crawl.fetch import Body, Fetcher, FetchOptions
from mumcheck.crawl.parse import ParsedPage, parse_page
from mumcheck.crawl.traps import TrapGuard
from mumcheck.crawl.verdicts import PageLook, login_reason, look_at, same_template, says_not_found
from mumcheck.model import CrawlResult, Fetch, LinkRef, Page
from mumcheck.urls import is_under, normalize, same_host
from mumcheck.vocab import Vocabulary

DOCUMENT_EXTENSIONS = frozenset({
    "pdf", "doc", "docx", "rtf", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "zip", "rar",
    "7z", "jpg", "jpeg", "png", "tif", "tiff", "gif", "bmp", "txt", "csv", "sig", "xml",
})
DOWNLOAD_WORDS = ("скачать", "загрузить", "download", "открыть файл", "просмотреть файл")
MIN_DIRECTION_LINKS = 3

OnDocument = Callable[[Fetch], Awaitable[None] | None]


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 300
    max_depth: int = 3
    max_documents: int = 3000
    max_hub_pages: int = 12
    site_timeout: float = 1800.0
    fetch: FetchOptions = field(default_factory=FetchOptions)


def extension_of(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


_HOME_WORDS = re.compile(r"^(главная( страница)?|home|официальный сайт)$", re.I)


def site_name(title: str) -> str | None:
    """The authority's name from a home page title: «Главная — Управление образования …» → the
    name, without the «Главная»/«Официальный сайт» parts CMSs add."""
    parts = [p.strip() for p in re.split(r"\s+[-—–|»]\s+|\s*\|\s*", title) if p.strip()]
    kept = [p for p in parts if not _HOME_WORDS.match(p)]
    return " — ".join(kept) or None


def looks_like_document_url(url: str) -> bool:
    return extension_of(url) in DOCUMENT_EXTENSIONS


def crawl(start_url: str, vocab: Vocabulary, blob_dir: str | None, options: CrawlOptions | None = None,
          previous: Mapping[str, Fetch] | None = None, on_document: OnDocument | None = None,
          progress: Callable[[str, int], None] | None = None) -> CrawlResult:
    """Synchronous entry point: runs :func:`crawl_async` on a fresh event loop."""
    return asyncio.run(crawl_async(start_url, vocab, blob_dir, options, previous, on_document, progress))


async def crawl_async(start_url: str, vocab: Vocabulary, blob_dir: str | None, options: CrawlOptions | None = None,
                      previous: Mapping[str, Fetch] | None = None, on_document: OnDocument | None = None,
                      progress: Callable[[str, int], None] | None = None) -> CrawlResult:
    options = options or CrawlOptions()
    start_url = normalize(start_url)
    started = time.monotonic()
    async with Fetcher(options.fetch, blob_dir, previous) as fetcher:
        walk = _SiteWalk(start_url, vocab, options, fetcher, on_document, progress)
        try:
            async with asyncio.timeout(options.site_timeout):
                await walk.run()
        except TimeoutError:
            walk.notes.append(f"Проверка сайта остановлена по лимиту времени ({options.site_timeout:.0f} с); "
                              "часть ссылок не проверена.")
            walk.cancel_pending()
        walk.notes.extend(walk.traps.notes())
        if fetcher.robots_skipped:
            walk.notes.append(f"Файл robots.txt сайта запрещает обход части адресов — не проверено: "
                              f"{len(fetcher.robots_skipped)}, например {fetcher.robots_skipped[0]} "
                              "(проверить всё же: --ignore-robots).")
        return replace(walk.result(time.monotonic() - started), bytes_received=fetcher.bytes_received)


class _SiteWalk:
    def __init__(self, start_url, vocab, options, fetcher, on_document, progress):
        self.start_url = start_url
        self.vocab: Vocabulary = vocab
        self.options: CrawlOptions = options
        self.fetcher: Fetcher = fetcher
        self.on_document = on_document
        self.progress = progress or (lambda what, n: None)
        self.fetches: dict[str, Fetch] = {}
        self.pages: dict[str, Page] = {}
        self.parsed: dict[str, ParsedPage] = {}
        self.links_checked = 0
        self.looks: dict[str, PageLook] = {}
        self.traps = TrapGuard()
        self.resource_tasks: dict[str, asyncio.Task] = {}
        self.notes: list[str] = []
        self.section_url: str | None = None
        self.section_found = False
        self.section_label: str | None = None
        self.site_title: str | None = None
        self.documents = 0
        self.level_pages: set[str] = set()  # pages of the level being walked (some still on the way)

    # --- the whole walk --------------------------------------------------------------------
    async def run(self) -> None:
        start = await self._get_page(self.start_url)
        if start is None and self.start_url in self.fetches and self.fetches[self.start_url].ok:
            self.notes.append("По стартовому адресу открывается не страница сайта, а файл.")
            return
        if start is None:
            self.notes.append("Стартовая страница не открылась: раздел не удалось найти.")
            return
        self.site_title = site_name(start.title or "") or site_name(start.headline or "")
        roots = await self._find_section(self.start_url, start)
        if roots is None:
            return
        await self._walk_section(roots)
        if self.resource_tasks:
            await asyncio.gather(*self.resource_tasks.values(), return_exceptions=True)

    def result(self, seconds: float) -> CrawlResult:
        pages = tuple(sorted(self.pages.values(), key=lambda p: (p.depth, p.url)))
        fetches = tuple(sorted(self.fetches.values(), key=lambda f: f.url))
        return CrawlResult(
            start_url=self.start_url, section_url=self.section_url, section_found=self.section_found,
            section_label=self.section_label, pages=pages, fetches=fetches, seconds=seconds,
            notes=tuple(self.notes), site_title=self.site_title,
        )

    def cancel_pending(self) -> None:
        for task in self.resource_tasks.values():
            task.cancel()

    # --- finding the section ---------------------------------------------------------------
    async def _find_section(self, url: str, page: ParsedPage) -> list[tuple[str, int, tuple[str, ...]]] | None:
        """Roots of the section walk: (url, depth, trail). None when no section is found."""
        if self._is_section_page(page):
            return self._enter_section(url, page.headline or page.title)
        frontier = [(url, page)]
        seen = {url}
        hub_pages = 0
        while frontier:
            next_frontier = []
            for page_url, parsed in frontier:
                roots = await self._section_from_links(page_url, parsed)
                if roots is not None:
                    return roots
                for link in self._all_links(parsed):
                    if (self.vocab.is_hub(link.text) and link.url not in seen and same_host(link.url, page_url)
                            and hub_pages < self.options.max_hub_pages):
                        seen.add(link.url)
                        hub_pages += 1
                        hub = await self._get_page(link.url)
                        if hub is not None:
                            next_frontier.append((link.url, hub))
            frontier = next_frontier
        self.notes.append("Раздел «Муниципальные инструменты управления качеством» не найден "
                          "ни на стартовой странице, ни в меню второго уровня.")
        return None

    def _enter_section(self, url: str, label: str) -> list[tuple[str, int, tuple[str, ...]]]:
        self.section_found, self.section_url, self.section_label = True, url, label
        return [(url, 0, ())]

    def _is_section_page(self, page: ParsedPage) -> bool:
        if self.vocab.is_section_name(page.headline) or self.vocab.is_section_name(page.title):
            return True
        codes = {self.vocab.direction_of(link.text) for block in page.blocks for link in block.links}
        labels = {self.vocab.direction_of(label) for block in page.blocks for label in block.labels}
        return len((codes | labels) - {None}) >= MIN_DIRECTION_LINKS

    async def _section_from_links(self, page_url: str, page: ParsedPage):
        for link in self._all_links(page):
            if self.vocab.is_section_name(link.text) and not looks_like_document_url(link.url):
                target = await self._get_page(link.url)
                if target is not None:
                    return self._enter_section(link.url, link.text)
        # A menu heading without a page of its own, whose items are the directions.
        by_heading: dict[str, list[LinkRef]] = {}
        for link in self._all_links(page):
            heading = next((label for label in link.labels if self.vocab.is_section_name(label)), None)
            if heading and self.vocab.direction_of(link.text):
                by_heading.setdefault(heading, []).append(link)
        for heading, links in by_heading.items():
            if len({self.vocab.direction_of(l.text) for l in links}) >= MIN_DIRECTION_LINKS:
                self.section_found, self.section_url, self.section_label = True, None, heading
                return [(l.url, 1, (heading, l.text)) for l in links]
        return None

    @staticmethod
    def _all_links(page: ParsedPage) -> list[LinkRef]:
        return list(page.chrome) + [link for block in page.blocks for link in block.links]

    # --- walking the section ---------------------------------------------------------------
    async def _walk_section(self, roots: list[tuple[str, int, tuple[str, ...]]]) -> None:
        queue: list[tuple[str, int, tuple[str, ...]]] = list(roots)
        queued = {url for url, _, _ in roots}
        while queue:
            batch, queue = queue, []
            # the whole level is requested at once; each page is then taken in order as soon as it
            # is in, so its documents start while later pages of the level are still on the way
            self.level_pages = {url for url, _, _ in batch}
            fetching = [asyncio.ensure_future(self._get_page(url)) for url, _, _ in batch]
            try:
                for (url, depth, trail), pending in zip(batch, fetching):
                    page = await pending
                    if page is None or (depth > 0 and self._not_a_real_page(url)):
                        continue
                    if len(self.pages) >= self.options.max_pages:
                        self.notes.append(f"Достигнут лимит страниц ({self.options.max_pages}); "
                                          "остальные страницы раздела не проверены.")
                        await asyncio.gather(*fetching)  # already requested: their answers are kept
                        return
                    self._take_page(url, depth, trail, page, queue, queued)
            finally:
                for pending in fetching:
                    pending.cancel()  # only those still running, when the walk is cut short

    def _take_page(self, url: str, depth: int, trail: tuple[str, ...], page: ParsedPage,
                   queue: list[tuple[str, int, tuple[str, ...]]], queued: set[str]) -> None:
        """Keep a page of the section: its sub-pages go to the next level, its other links are checked."""
        self.pages[url] = Page(url=url, title=page.headline or page.title, trail=trail, depth=depth,
                               blocks=page.blocks, encoding=page.encoding, chrome=page.chrome,
                               breadcrumbs=page.breadcrumbs)
        self.progress("page", len(self.pages))
        for link in page.chrome:  # the site menu: its items under the section are pages of it
            if link.outline and link.url not in queued and self._follows(link, depth) and not self._trap(link.url):
                queued.add(link.url)
                queue.append((link.url, depth + 1, trail + (link.text,)))
        for link in (l for block in page.blocks for l in block.links):
            if not self._follows(link, depth):
                self._check_resource(link.url, self._promises_document(link, trail))
            elif link.url not in queued:
                queued.add(link.url)
                if self.traps.is_trap(link.url):
                    self.fetches.setdefault(link.url, Fetch(
                        url=link.url, verdict="skipped", error="адрес похож на ловушку для обходчика"))
                    continue
                queue.append((link.url, depth + 1, trail + (link.text,)))

    def _trap(self, url: str) -> bool:
        if not self.traps.is_trap(url):
            return False
        self.fetches.setdefault(url, Fetch(url=url, verdict="skipped", error="адрес похож на ловушку для обходчика"))
        return True

    def _not_a_real_page(self, url: str) -> bool:
        """A page of the section that is really a login form or a «not found» page: its link is
        then judged like any other link."""
        fetch, look = self.fetches[url], self.looks.get(url)
        if look is None:
            return False
        verdict, reason = _page_verdict(look, fetch.final_url)
        if verdict is None:
            return False
        self.fetches[url] = replace(fetch, verdict=verdict, error=reason)
        return True

    def _promises_document(self, link: LinkRef, trail: tuple[str, ...]) -> bool:
        """The link's address, name or place says a document is behind it."""
        if looks_like_document_url(link.url) or any(word in link.text.lower() for word in DOWNLOAD_WORDS):
            return True
        return any(self.vocab.components_of(label) and not self.vocab.direction_of(label)
                   for label in trail + link.labels)

    def _follows(self, link: LinkRef, depth: int) -> bool:
        """A link is walked as a page of the section (rather than checked as a document)."""
        if depth >= self.options.max_depth or looks_like_document_url(link.url):
            return False
        if not same_host(link.url, self.start_url) or _is_file_card(link.url):
            return False
        if self.section_url and is_under(link.url, self.section_url):
            return True
        if self.vocab.direction_of(link.text) or self.vocab.components_of(link.text):
            return True
        # a menu item nested under the section or a direction («2.4 …» → «Повышение качества ОП ДО»)
        return any(self.vocab.direction_of(caption) or self.vocab.is_section_name(caption)
                   for caption, _before in link.outline)

    async def _get_page(self, url: str) -> ParsedPage | None:
        """Fetch and parse a page once; a non-HTML answer is kept as a document."""
        if url in self.parsed:
            return self.parsed[url]
        if url in self.fetches:
            return None
        body = await self.fetcher.get(url)
        self.fetches[url] = body.fetch
        if not body.fetch.ok:
            return None
        if body.content is None:
            await self._document_arrived(body.fetch)
            return None
        parsed = parse_page(body.content, body.fetch.final_url or url, body.charset)
        self.parsed[url] = parsed
        self.looks[url] = look_at(body.content, body.charset)
        return parsed

    # --- links and documents ---------------------------------------------------------------
    def _check_resource(self, url: str, promised: bool = False) -> None:
        if url in self.resource_tasks or url in self.fetches or url in self.level_pages:
            return
        if self.documents >= self.options.max_documents:
            if self.documents == self.options.max_documents:
                self.notes.append(f"Достигнут лимит документов ({self.options.max_documents}); "
                                  "остальные ссылки не проверены.")
                self.documents += 1
            return
        self.documents += 1
        self.resource_tasks[url] = asyncio.create_task(self._fetch_resource(url, promised))
        self.progress("queued", len(self.resource_tasks))

    async def _fetch_resource(self, url: str, promised: bool = False) -> None:
        cloud = cloud_link(url)
        if cloud is not None:  # never downloaded: experts need a direct link to a file
            self.fetches[url] = Fetch(url=url, verdict="cloud_storage", error=cloud.describe())
            self._checked()
            return
        old = self.fetcher.previous.get(url)
        body = await self.fetcher.get(url, revalidate=url if old is not None and old.via is None else None)
        fetch = body.fetch
        landed = cloud_link(fetch.final_url) if fetch.ok and fetch.final_url else None
        if landed is not None:
            fetch = replace(fetch, verdict="cloud_storage", error=landed.describe(), blob=None)
        elif fetch.ok and fetch.is_html and body.content is not None:
            fetch = await self._judge_html(fetch, body, promised)
        elif fetch.ok and not fetch.is_html and promised and fetch.size == 0:
            fetch = replace(fetch, verdict="not_document", error="вместо документа пришёл пустой ответ")
        self.fetches[url] = fetch
        self._checked()
        if fetch.ok and not fetch.is_html:
            await self._document_arrived(fetch)

    def _checked(self) -> None:
        self.links_checked += 1
        self.progress("link", self.links_checked)

    async def _judge_html(self, fetch: Fetch, body: Body, promised: bool) -> Fetch:
        """An HTML answer to a link: login form, «not found» page, file card, or a page where a
        document was promised."""
        look = look_at(body.content or b"", body.charset)
        verdict, reason = _page_verdict(look, fetch.final_url)
        if verdict is None:
            probe = await self.fetcher.missing_page(fetch.final_url or fetch.url)
            if probe is not None and same_template(look, probe):
                verdict = "soft404"
                reason = (f"сервер ответил {fetch.status}, но страница такая же, как его ответ на заведомо "
                          f"несуществующий адрес («{look.headline or look.title}»)")
        if verdict is not None:
            return replace(fetch, verdict=verdict, error=reason)
        inner = await self._through_card(fetch, body)
        if inner is not fetch:
            if inner.ok and inner.is_html and promised:
                return replace(inner, verdict="not_document",
                               error="карточка файла ведёт на веб-страницу, а не на документ")
            return inner
        if promised:
            name = look.headline or look.title
            return replace(fetch, verdict="not_document", error="вместо документа открывается веб-страница"
                           + (f" «{name[:120]}»" if name else ""))
        return fetch

    async def _through_card(self, fetch: Fetch, body: Body) -> Fetch:
        """A «file card» page (``/file/card?id=N``) stands between the link and the file: follow it."""
        parsed = parse_page(body.content or b"", fetch.final_url or fetch.url, body.charset)
        target = _download_link(parsed, fetch.final_url or fetch.url)
        if target is None:
            return fetch
        old = self.fetcher.previous.get(fetch.url)
        same_file = old is not None and old.final_url == target
        file_body = await self.fetcher.get(target, keep_html=False, revalidate=fetch.url if same_file else None)
        inner = file_body.fetch
        return replace(inner, url=fetch.url, via=fetch.final_url or fetch.url,
                       redirects=fetch.redirects + ((fetch.final_url or fetch.url),) + inner.redirects)

    async def _document_arrived(self, fetch: Fetch) -> None:
        if self.on_document is None or not fetch.blob:
            return
        outcome = self.on_document(fetch)
        if asyncio.iscoroutine(outcome):
            await outcome


def _page_verdict(look: PageLook, final_url: str | None) -> tuple[str | None, str | None]:
    """(verdict, reason) for a page that is a login form or says it was not found."""
    reason = login_reason(look, final_url)
    if reason:
        return "auth_required", reason
    phrase = says_not_found(look)
    if phrase:
        return "soft404", f"сервер ответил 200, но страница сообщает: «{phrase[:120]}»"
    return None, None


def _is_file_card(url: str) -> bool:
    parts = urlsplit(url)
    return "card" in parts.path.lower() or "download" in parts.path.lower() or "getfile" in parts.path.lower()


def _download_link(page: ParsedPage, page_url: str) -> str | None:
    """The one file a card page offers: a link to a document-like URL, or one named «Скачать»."""
    candidates = []
    for block in page.blocks:
        for link in block.links:
            text = link.text.lower()
            if looks_like_document_url(link.url) or any(word in text for word in DOWNLOAD_WORDS):
                candidates.append(link.url)
    unique = list(dict.fromkeys(candidates))
    return unique[0] if len(unique) >= 1 and len(unique) <= 2 else None
