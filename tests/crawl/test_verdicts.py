"""Link verdicts beyond ok/dead, each with its negative case, against real servers on 127.0.0.1."""

from __future__ import annotations

import pytest

from mumcheck.crawl import CrawlOptions, crawl
from mumcheck.crawl.cloud import FILE, FOLDER, cloud_link
from mumcheck.crawl.fetch import FetchOptions, Fetcher
from mumcheck.vocab import load_vocabulary
from tests.conftest import FIXTURES
from tests.crawl.conftest import IDN_ASCII, IDN_HOST

V = load_vocabulary()
PDF = (FIXTURES / "documents" / "text.pdf").read_bytes()
HEAD = "<html><head><meta charset='utf-8'><title>Управление образования</title></head><body>"
SECTION = HEAD + """<h1>Муниципальные инструменты управления качеством</h1><ul>
  <li><a href="/mum/1-1.html">1.1. Система оценки качества подготовки обучающихся</a></li>
  <li><a href="/mum/1-3.html">1.3. Система выявления, поддержки и развития способностей и талантов</a></li>
  <li><a href="/mum/2-4.html">2.4. Система мониторинга качества дошкольного образования</a></li></ul></body></html>"""
LOGIN = HEAD.replace("Управление образования", "Вход") + """<h1>Авторизация</h1><form method=post>
  <input name=login><input type=password name=pass><button>Войти</button></form></body></html>"""
NEWS_WITH_LOGIN_WIDGET = HEAD + """<aside><form><input name=l><input type=password name=p><button>Вход</button></form>
  </aside><h1>Новости</h1><p>Итоги конференции педагогов.</p></body></html>"""


def direction_page(code_title: str, body: str = "<h2>Цели и задачи</h2><a href='/doc.pdf'>Приказ</a>") -> str:
    return HEAD + f"<h1>{code_title}</h1>{body}</body></html>"


def site(links: str, extra: dict | None = None) -> dict:
    """A section of three directions; ``links`` stand in 1.1, under «Цели и задачи»."""
    files = {
        "index.html": HEAD + "<nav><a href='/mum/'>Муниципальные инструменты управления качеством</a></nav></body></html>",
        "mum/index.html": SECTION,
        "mum/1-1.html": direction_page("1.1 Система оценки качества подготовки обучающихся",
                                       f"<h2>Цели и задачи</h2>{links}"),
        "mum/1-3.html": direction_page("1.3"), "mum/2-4.html": direction_page("2.4"), "doc.pdf": PDF,
    }
    files.update(extra or {})
    return files


def run(url, tmp_path, **fetch):
    fetch.setdefault("retries", 0)
    return crawl(url, V, str(tmp_path / "blobs"), CrawlOptions(fetch=FetchOptions(**fetch)))


def verdict(result, url):
    found = result.fetch_for(url)
    assert found is not None, f"{url} not checked; checked: {[f.url for f in result.fetches]}"
    return found


# --- soft 404 ---------------------------------------------------------------------------------
def test_page_that_says_not_found_is_soft404(site_server, tmp_path):
    server = site_server(site("<a href='/gone.html'>Приказ об утверждении плана</a>", {
        "gone.html": HEAD + "<h1>Страница не найдена</h1><p>Возможно, она была удалена.</p></body></html>"}))
    fetch = verdict(run(server.url("/"), tmp_path), server.url("/gone.html"))
    assert fetch.verdict == "soft404" and fetch.status == 200
    assert "Страница не найдена" in fetch.error


def test_host_template_for_missing_addresses_is_soft404(site_server, tmp_path):
    template = {"status": 200, "body": HEAD + "<h1>Ой!</h1><p>Такого у нас нет, вернитесь на главную.</p></body></html>"}
    server = site_server(site("<a href='/upload/plan-2023.pdf'>План</a><a href='/about.html'>О нас</a>",
                              {"about.html": HEAD + "<h1>Об управлении</h1><p>Мы работаем с 1990 года, "
                               "адрес: ул. Ленина, 1. Начальник управления — И. И. Иванов.</p></body></html>"}),
                         missing=template)
    result = run(server.url("/"), tmp_path)
    fetch = verdict(result, server.url("/upload/plan-2023.pdf"))
    assert fetch.verdict == "soft404" and "несуществующий адрес" in fetch.error
    assert verdict(result, server.url("/about.html")).verdict != "soft404"
    probes = [t for m, t in server.requests if t.startswith("/mumcheck-")]
    assert len(probes) == 1  # one probe per host, however many links


def test_honest_404_host_and_good_pages_are_not_soft404(site_server, tmp_path):
    server = site_server(site("<a href='/doc.pdf'>Приказ</a>"))
    result = run(server.url("/"), tmp_path)
    assert verdict(result, server.url("/doc.pdf")).verdict == "ok"
    assert all(f.verdict in ("ok", "skipped") for f in result.fetches)


def test_direction_page_that_says_not_found_is_not_walked(site_server, tmp_path):
    files = site("<a href='/doc.pdf'>Приказ</a>")
    files["mum/1-3.html"] = HEAD + "<h1>404 — страница не найдена</h1></body></html>"
    server = site_server(files)
    result = run(server.url("/"), tmp_path)
    assert verdict(result, server.url("/mum/1-3.html")).verdict == "soft404"
    assert server.url("/mum/1-3.html") not in {p.url for p in result.pages}


# --- login --------------------------------------------------------------------------------------
def test_login_required(site_server, tmp_path):
    server = site_server(site(
        "<a href='/secret.pdf'>Приказ 1</a><a href='/forbidden.pdf'>Приказ 2</a>"
        "<a href='/private/plan.docx'>План</a><a href='/lk/doc'>Справка</a>",
        {"login/index.html": LOGIN, "idp/index.html": HEAD + "<h1>Госуслуги</h1><div id=app></div></body></html>"}),
        faults={"/secret.pdf": {"status": 401}, "/forbidden.pdf": {"status": 403},
                "/private/plan.docx": {"redirect": "/login/?back=/private/plan.docx"}})
    server.faults["/lk/doc"] = {"redirect": f"http://esia.gosuslugi.ru:{server.httpd.server_address[1]}/idp/"}
    result = run(server.url("/"), tmp_path, resolve=(f"esia.gosuslugi.ru:{server.httpd.server_address[1]}:127.0.0.1",))
    for path in ("/secret.pdf", "/forbidden.pdf", "/private/plan.docx", "/lk/doc"):
        assert verdict(result, server.url(path)).verdict == "auth_required", path
    assert "401" in verdict(result, server.url("/secret.pdf")).error
    assert "форма входа" in verdict(result, server.url("/private/plan.docx")).error
    assert "Госуслуги" in verdict(result, server.url("/lk/doc")).error


def test_page_with_a_login_widget_is_not_a_login_page(site_server, tmp_path):
    files = site("<a href='/doc.pdf'>Приказ</a>", {"news/1.html": NEWS_WITH_LOGIN_WIDGET})
    files["mum/1-1.html"] = direction_page("1.1 Система оценки качества подготовки обучающихся",
                                           "<h2>Цели и задачи</h2><a href='/doc.pdf'>Приказ</a>"
                                           "<h2>Полезные ссылки</h2><a href='/news/1.html'>Новости конференции</a>")
    server = site_server(files)
    assert verdict(run(server.url("/"), tmp_path), server.url("/news/1.html")).verdict == "ok"


# --- not a document -----------------------------------------------------------------------------
def test_document_promised_but_a_page_comes_back(site_server, tmp_path):
    page = HEAD + "<h1>Документы управления</h1><p>Список документов.</p></body></html>"
    server = site_server(site(
        "<a href='/plan.pdf'>План мероприятий</a><a href='/news/2.html'>Скачать</a>"
        "<a href='/news/3.html'>Постановление администрации № 12</a><a href='/empty.docx'>Положение</a>",
        {"news/2.html": page, "news/3.html": page, "empty.docx": b""}),
        faults={"/plan.pdf": {"status": 200, "content_type": "application/pdf", "body": page}})
    result = run(server.url("/"), tmp_path)
    for path in ("/plan.pdf", "/news/2.html", "/news/3.html", "/empty.docx"):
        assert verdict(result, server.url(path)).verdict == "not_document", path
    assert "Документы управления" in verdict(result, server.url("/plan.pdf")).error
    assert "пустой" in verdict(result, server.url("/empty.docx")).error


def test_a_document_served_as_html_is_a_document(site_server, tmp_path):
    files = site("<a href='/get?id=5'>Приказ</a>", {"files/5.bin": PDF,
                 "about.html": HEAD + "<h1>Об управлении</h1></body></html>"})
    files["index.html"] = files["index.html"].replace("</nav>", "</nav><a href='/about.html'>О нас</a>")
    server = site_server(files, manifest={"routes": {"/get?id=5": "files/5.bin"}},
                         faults={"/get": {"headers": {"Content-Type": "text/html; charset=utf-8"}}})
    fetch = verdict(run(server.url("/"), tmp_path), server.url("/get?id=5"))
    assert fetch.verdict == "ok" and not fetch.is_html and fetch.sha256


# --- cloud storage ------------------------------------------------------------------------------
@pytest.mark.parametrize("url, service, item", [
    ("https://disk.yandex.ru/d/AbCdEf123", "Яндекс Диск", None),
    ("https://disk.yandex.ru/client/disk/МУМ", "Яндекс Диск", FOLDER),
    ("https://yadi.sk/i/AbCdEf123", "Яндекс Диск", FILE),
    ("https://drive.google.com/drive/folders/1AbC", "Google Диск", FOLDER),
    ("https://drive.google.com/file/d/1AbC/view?usp=sharing", "Google Диск", FILE),
    ("https://docs.google.com/document/d/1AbC/edit", "Google Диск", FILE),
    ("https://cloud.mail.ru/public/AbCd/Xy12/Приказ.pdf", "Облако Mail.ru", FILE),
    ("https://www.dropbox.com/sh/abc/def", "Dropbox", FOLDER),
    ("https://www.dropbox.com/s/abc/plan.pdf?dl=0", "Dropbox", FILE),
    ("https://1drv.ms/f/s!AbCdEf", "OneDrive", FOLDER),
    ("https://1drv.ms/b/s!AbCdEf", "OneDrive", FILE),
    ("https://cloud.uo-school.ru/s/AbCdEfGh12345", "Nextcloud", None),
    ("https://cloud.uo-school.ru/index.php/s/AbCdEfGh12345/download", "Nextcloud", FILE),
])
def test_cloud_links_recognised_by_address(url, service, item):
    cloud = cloud_link(url)
    assert cloud is not None and (cloud.service, cloud.item) == (service, item)


@pytest.mark.parametrize("url", ["https://uo.example.ru/upload/plan.pdf", "https://yandex.ru/search?text=мум",
                                 "https://uo.example.ru/s/news/", "https://docs.cntd.ru/document/123"])
def test_ordinary_links_are_not_cloud(url):
    assert cloud_link(url) is None


def test_cloud_links_are_not_downloaded(site_server, tmp_path):
    server = site_server(site("", {"i/AbC.pdf": PDF, "d/folder/index.html": HEAD + "<h1>Папка</h1></body></html>"}))
    port = server.httpd.server_address[1]
    links = (f"<a href='http://disk.yandex.ru:{port}/d/folder/'>План</a>"
             f"<a href='http://drive.google.com:{port}/drive/folders/1AbC'>Папка</a>"
             "<a href='/short'>Короткая ссылка</a>")
    (server.root / "mum" / "1-1.html").write_text(direction_page("1.1 Система оценки качества подготовки обучающихся",
                                                                 f"<h2>Цели и задачи</h2>{links}"), encoding="utf-8")
    server.faults["/short"] = {"redirect": f"http://yadi.sk:{port}/i/AbC.pdf"}
    hosts = ("disk.yandex.ru", "drive.google.com", "yadi.sk")
    result = run(server.url("/"), tmp_path, resolve=tuple(f"{h}:{port}:127.0.0.1" for h in hosts))
    assert verdict(result, f"http://disk.yandex.ru:{port}/d/folder/").verdict == "cloud_storage"
    folder = verdict(result, f"http://drive.google.com:{port}/drive/folders/1AbC")
    assert folder.verdict == "cloud_storage" and folder.error == "Google Диск, папка"
    assert not any(t.startswith(("/d/", "/drive/")) for _, t in server.requests)  # never fetched
    short = verdict(result, server.url("/short"))
    assert short.verdict == "cloud_storage" and short.error == "Яндекс Диск, файл" and short.blob is None


# --- TLS ----------------------------------------------------------------------------------------
def test_self_signed_certificate_is_a_tls_warning_not_dead(site_server, self_signed, tmp_path):
    secure = site_server({"doc.pdf": PDF}, tls=self_signed)
    server = site_server(site(f"<a href='{secure.url('/doc.pdf')}'>Приказ</a>"))
    fetch = verdict(run(server.url("/"), tmp_path), secure.url("/doc.pdf"))
    assert fetch.verdict == "tls"
    assert "самоподписанный" in fetch.error and "Минцифры" in fetch.error and "--ca-bundle" in fetch.error


def test_ca_bundle_and_insecure_open_the_tls_link(site_server, self_signed, tmp_path):
    secure = site_server({"doc.pdf": PDF}, tls=self_signed)
    server = site_server(site(f"<a href='{secure.url('/doc.pdf')}'>Приказ</a>"))
    trusted = verdict(run(server.url("/"), tmp_path / "a", ca_bundle=self_signed[0]), secure.url("/doc.pdf"))
    assert trusted.ok and trusted.sha256
    assert verdict(run(server.url("/"), tmp_path / "b", verify=False), secure.url("/doc.pdf")).ok


def test_idn_host_over_tls_through_resolve(site_server, self_signed, tmp_path):
    secure = site_server(site("<a href='/upload/Приказ № 5.pdf'>Приказ № 5</a>", {"upload/Приказ № 5.pdf": PDF}),
                         tls=self_signed)
    port = secure.httpd.server_address[1]
    start = f"https://{IDN_HOST}:{port}/"
    result = run(start, tmp_path, ca_bundle=self_signed[0], resolve=(f"{IDN_HOST}:{port}:127.0.0.1",))
    assert result.section_found
    fetch = verdict(result, f"https://{IDN_ASCII}:{port}/upload/%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%20%E2%84%96%205.pdf")
    assert fetch.ok and fetch.sha256


# --- retries, HEAD, redirects, Cyrillic ---------------------------------------------------------
def test_429_then_200_is_ok_after_retry_after(site_server, tmp_path):
    server = site_server(site("<a href='/doc.pdf'>Приказ</a>"),
                         faults={"/doc.pdf": {"status": 429, "times": 1, "headers": {"Retry-After": "1"}}})
    fetch = verdict(run(server.url("/"), tmp_path, retries=2), server.url("/doc.pdf"))
    assert fetch.ok and fetch.sha256
    assert [t for m, t in server.requests if t == "/doc.pdf"] == ["/doc.pdf", "/doc.pdf"]


def test_retries_are_bounded(site_server, tmp_path):
    server = site_server(site("<a href='/busy.pdf'>Приказ</a>"),
                         faults={"/busy.pdf": {"status": 503, "headers": {"Retry-After": "3600"}}})
    fetch = verdict(run(server.url("/"), tmp_path, retries=2, max_retry_wait=0.05), server.url("/busy.pdf"))
    assert fetch.verdict == "dead" and fetch.status == 503
    assert sum(1 for _, t in server.requests if t == "/busy.pdf") == 3


def test_backoff_grows_with_jitter_and_is_capped(tmp_path):
    fetcher = Fetcher(FetchOptions(backoff=0.5, max_retry_wait=3.0), tmp_path)
    for attempt, base in ((1, 0.5), (2, 1.0), (3, 2.0)):
        pauses = {fetcher._retry_pause(attempt, None) for _ in range(20)}
        assert all(base <= p <= base * 1.5 for p in pauses) and len(pauses) > 1
    assert fetcher._retry_pause(9, None) == 3.0
    assert fetcher._retry_pause(1, 7.0) == 3.0 and fetcher._retry_pause(1, 2.0) == 2.0


def test_server_refusing_head_is_fine(site_server, tmp_path):
    import httpx

    server = site_server(site("<a href='/doc.pdf'>Приказ</a>"), faults={"/doc.pdf": {"head_status": 405}})
    assert httpx.head(server.url("/doc.pdf")).status_code == 405  # the fault is real
    assert verdict(run(server.url("/"), tmp_path), server.url("/doc.pdf")).ok


def test_redirect_chain_to_a_good_pdf_and_cyrillic_address(site_server, tmp_path):
    server = site_server(site("<a href='/old.pdf'>Приказ</a><a href='/upload/Положение о МСОКО.pdf'>Положение</a>",
                              {"upload/Положение о МСОКО.pdf": PDF}),
                         faults={"/old.pdf": {"redirect": "/mid.pdf", "status": 301}, "/mid.pdf": {"redirect": "/doc.pdf"}})
    result = run(server.url("/"), tmp_path)
    chained = verdict(result, server.url("/old.pdf"))
    assert chained.ok and chained.final_url == server.url("/doc.pdf") and len(chained.redirects) == 2
    cyrillic = [f for f in result.fetches if "upload" in f.url]
    assert len(cyrillic) == 1 and cyrillic[0].ok and "%D0%9F" in cyrillic[0].url
