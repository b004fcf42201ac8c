"""The crawl stage against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import pytest

from mumcheck.crawl import CrawlOptions, crawl
from mumcheck.crawl.fetch import FetchOptions
from mumcheck.vocab import load_vocabulary
from tests.conftest import FIXTURES, SITE_DIRS

V = load_vocabulary()
PDF = (FIXTURES / "documents" / "text.pdf").read_bytes()
HEAD = "<html><head><meta charset='utf-8'><title>Управление образования</title></head><body>"


def run(url, tmp_path, **fetch):
    options = CrawlOptions(fetch=FetchOptions(**fetch)) if fetch else CrawlOptions()
    return crawl(url, V, str(tmp_path / "blobs"), options)


def direction_page(code_title: str) -> str:
    return HEAD + f"<h1>{code_title}</h1><h2>Цели и задачи</h2><a href='/doc.pdf'>Приказ</a></body></html>"


SECTION = HEAD + """<h1>{title}</h1><ul>
  <li><a href="/mum/1-1.html">1.1. Система оценки качества подготовки обучающихся</a></li>
  <li><a href="/mum/1-3.html">1.3. Система выявления, поддержки и развития способностей и талантов</a></li>
  <li><a href="/mum/2-4.html">2.4. Система мониторинга качества дошкольного образования</a></li></ul></body></html>"""


def site_files(home_link_text: str, section_title: str = "Раздел") -> dict:
    return {
        "index.html": HEAD + f"<nav><a href='/news/'>Новости</a> <a href='/mum/'>{home_link_text}</a></nav></body></html>",
        "mum/index.html": SECTION.format(title=section_title),
        "mum/1-1.html": direction_page("1.1"), "mum/1-3.html": direction_page("1.3"),
        "mum/2-4.html": direction_page("2.4"), "doc.pdf": PDF,
    }


@pytest.mark.parametrize("wording", [
    "Муниципальные инструменты управления качеством",
    "МУНИЦИПАЛЬНЫЕ МЕХАНИЗМЫ УПРАВЛЕНИЯ КАЧЕСТВОМ ОБРАЗОВАНИЯ",
    "Муниципальные управленческие механизмы",
    "Механизмы управления качеством образования",
    "МСОКО",
])
def test_section_found_from_home_page_by_its_wording(make_site, tmp_path, wording):
    site = make_site(site_files(wording))
    result = run(site.url("/"), tmp_path)
    assert result.section_found and result.section_url == site.url("/mum/")
    assert {p.url for p in result.pages} >= {site.url("/mum/1-1.html"), site.url("/mum/2-4.html")}


def test_start_at_the_section_page_itself(make_site, tmp_path):
    site = make_site(site_files("Новости", section_title="Муниципальные инструменты управления качеством"))
    result = run(site.url("/mum/"), tmp_path)
    assert result.section_url == site.url("/mum/")


def test_section_recognised_by_its_directions_even_with_an_odd_title(make_site, tmp_path):
    site = make_site(site_files("Новости", section_title="Страница"))
    assert run(site.url("/mum/"), tmp_path).section_url == site.url("/mum/")


def test_section_two_menus_deep_under_documents(make_site, tmp_path):
    files = site_files("x")
    files["index.html"] = HEAD + "<nav><a href='/docs/'>Документы</a><a href='/news/'>Новости</a></nav></body></html>"
    files["docs/index.html"] = HEAD + "<h1>Документы</h1><ul><li><a href='/docs/ustav.pdf'>Устав</a></li>" \
        "<li><a href='/mum/'>Муниципальные механизмы управления качеством образования</a></li></ul></body></html>"
    site = make_site(files)
    result = run(site.url("/"), tmp_path)
    assert result.section_url == site.url("/mum/")


def test_menu_heading_without_a_page(tmp_path, serve):
    server = serve(SITE_DIRS["table"])
    result = run(server.url("/"), tmp_path)
    assert result.section_found and result.section_url is None
    assert "МСОКО" in result.section_label
    assert {p.url for p in result.pages} >= {server.url(f"/msoko/{c}/") for c in ("1-1", "1-2", "2-3", "2-4")}


def test_no_section(make_site, tmp_path):
    site = make_site({"index.html": HEAD + "<a href='/news/'>Новости</a></body></html>"})
    result = run(site.url("/"), tmp_path)
    assert not result.section_found and result.pages == ()
    assert result.notes and "не найден" in result.notes[0]


def test_file_cards_are_followed_to_the_file(tmp_path, serve):
    server = serve(SITE_DIRS["tabs"])
    result = run(server.url("/"), tmp_path)
    cards = [f for f in result.fetches if "/file/card" in f.url]
    assert len(cards) >= 40
    good = [f for f in cards if f.ok]
    assert all(not f.is_html and f.via == f.url and "/upload/" in f.final_url and f.sha256 for f in good)
    dead = [f for f in cards if not f.ok]
    assert len(dead) == 1 and dead[0].status == 500


def link_site(make_site, links: str, faults=None, extra=None):
    files = site_files("Муниципальные инструменты управления качеством")
    files["mum/1-1.html"] = HEAD + f"<h1>1.1 Система оценки качества подготовки обучающихся</h1><h2>Цели</h2>{links}</body></html>"
    files.update(extra or {})
    return make_site(files, faults=faults)


def fetch_of(result, url):
    found = result.fetch_for(url)
    assert found is not None, url
    return found


def test_dead_links_carry_their_reason(make_site, tmp_path):
    site = link_site(make_site, "<a href='/gone.pdf'>404</a><a href='/err.pdf'>500</a>"
                               "<a href='http://127.0.0.1:9/x.pdf'>нет сервера</a><a href='/loop.pdf'>петля</a>",
                     faults={"/err.pdf": {"status": 500}, "/loop.pdf": {"redirect": "/loop.pdf"}})
    result = run(site.url("/"), tmp_path, retries=0)
    assert fetch_of(result, site.url("/gone.pdf")).error == "HTTP 404 Not Found"
    assert fetch_of(result, site.url("/err.pdf")).status == 500
    assert "соединение не установлено" in fetch_of(result, "http://127.0.0.1:9/x.pdf").error
    assert "перенаправлений" in fetch_of(result, site.url("/loop.pdf")).error
    assert all(not fetch_of(result, u).ok for u in (site.url("/gone.pdf"), site.url("/loop.pdf")))


def test_redirect_chain_ending_in_a_good_pdf(make_site, tmp_path):
    site = link_site(make_site, "<a href='/old.pdf'>Старый адрес</a>",
                     faults={"/old.pdf": {"redirect": "/mid.pdf", "status": 301}, "/mid.pdf": {"redirect": "/doc.pdf"}})
    fetch = fetch_of(run(site.url("/"), tmp_path), site.url("/old.pdf"))
    assert fetch.ok and fetch.final_url == site.url("/doc.pdf")
    assert fetch.redirects == (site.url("/old.pdf"), site.url("/mid.pdf"))


def test_slow_server_times_out(make_site, tmp_path):
    site = link_site(make_site, "<a href='/slow.pdf'>Медленно</a>", faults={"/slow.pdf": {"delay": 3}},
                     extra={"slow.pdf": PDF})
    fetch = fetch_of(run(site.url("/"), tmp_path, timeout=1.0, retries=0), site.url("/slow.pdf"))
    assert not fetch.ok and "тайм-аут" in fetch.error


def test_document_over_the_size_cap_is_cut(make_site, tmp_path):
    site = link_site(make_site, "<a href='/big.pdf'>Большой</a>", extra={"big.pdf": PDF * 20})
    fetch = fetch_of(run(site.url("/"), tmp_path, max_bytes=len(PDF)), site.url("/big.pdf"))
    assert fetch.truncated and fetch.size <= len(PDF)


def test_cyrillic_file_name_from_content_disposition(make_site, tmp_path):
    site = link_site(make_site, "<a href='/get?id=7'>Приказ</a>", extra={"doc7.bin": PDF},
                     faults=None)
    site.routes["/get?id=7"] = "doc7.bin"
    site.faults["/get"] = {"headers": {"Content-Disposition":
                                       "attachment; filename=\"prikaz.pdf\"; filename*=UTF-8''%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%20%E2%84%96%207.pdf"}}
    fetch = fetch_of(run(site.url("/"), tmp_path), site.url("/get?id=7"))
    assert fetch.ok and fetch.filename == "Приказ № 7.pdf"


def test_each_url_is_fetched_once(tmp_path, serve):
    server = serve(SITE_DIRS["list"])
    run(server.url("/"), tmp_path)
    gets = [target for method, target in server.requests if method == "GET"]
    assert len(gets) == len(set(gets))


def test_page_budget_is_respected_and_said(make_site, tmp_path):
    site = make_site(site_files("Муниципальные инструменты управления качеством"))
    result = crawl(site.url("/"), V, str(tmp_path / "b"), CrawlOptions(max_pages=2))
    assert len(result.pages) == 2
    assert any("лимит страниц" in note for note in result.notes)


def test_site_name_without_cms_decorations():
    from mumcheck.crawl import site_name

    assert site_name("Главная — Управление образования администрации Пермского района") == \
        "Управление образования администрации Пермского района"
    assert site_name("Управление образования | Главная страница") == "Управление образования"
    assert site_name("МКУ «Управление образования» - Официальный сайт") == "МКУ «Управление образования»"
    assert site_name("Главная") is None
    assert site_name("Комитет по образованию г. Сосновый Бор") == "Комитет по образованию г. Сосновый Бор"


def test_a_page_of_the_level_linked_from_an_earlier_one_is_fetched_once_as_a_page(make_site, tmp_path):
    """Pages of a level are taken as each arrives; a link from 1.1 to the 1.3 page (under a name
    that is no direction, and with no section page to be under) must not start a second request
    for a page that is still on the way, nor turn it into a document."""
    titles = {"1-1": "1.1. Система оценки качества подготовки обучающихся",
              "1-2": "1.2. Система работы со школами с низкими результатами обучения",
              "1-3": "1.3. Система выявления, поддержки и развития способностей и талантов",
              "1-4": "1.4. Система работы по самоопределению и профессиональной ориентации"}
    menu = "".join(f"<li><a href='/d/{code}.html'>{title}</a></li>" for code, title in titles.items())
    files = {"index.html": HEAD + f"<nav><ul><li>Муниципальные инструменты управления качеством<ul>{menu}"
                                  "</ul></li></ul></nav></body></html>"}
    for code, title in titles.items():
        files[f"d/{code}.html"] = HEAD + f"<h1>{title}</h1><h2>Цели и задачи</h2>" \
            f"<p><a href='/files/{code}.pdf'>Приказ</a></p></body></html>"
        files[f"files/{code}.pdf"] = PDF
    files["d/1-1.html"] = files["d/1-1.html"].replace("</body>", "<p><a href='/d/1-3.html'>Смотреть</a></p></body>")
    site = make_site(files)
    result = run(site.url("/"), tmp_path)
    assert result.section_found and result.section_url is None
    assert site.requests.count(("GET", "/d/1-3.html")) == 1
    assert site.url("/d/1-3.html") in {page.url for page in result.pages}
    assert result.fetch_for(site.url("/d/1-3.html")).verdict == "ok"
