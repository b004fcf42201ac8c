"""robots.txt, --resolve, crawler traps, and the rules that turn verdicts into findings."""

from __future__ import annotations

import pytest

from mumcheck.crawl import crawl, CrawlOptions
from mumcheck.crawl.fetch import FetchOptions, parse_resolve, validate_fetch_options
from mumcheck.crawl.traps import TrapGuard, trap_reason
from mumcheck.pipeline import CheckOptions, check_site
from tests.crawl.test_verdicts import HEAD, LOGIN, PDF, V, direction_page, site, verdict


def run(url, tmp_path, **fetch):
    fetch.setdefault("retries", 0)
    return crawl(url, V, str(tmp_path / "blobs"), CrawlOptions(fetch=FetchOptions(**fetch)))


ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: BadBot\nDisallow: /\n"


def test_robots_txt_is_honoured_by_default(site_server, tmp_path):
    server = site_server(site("<a href='/private/plan.pdf'>План</a><a href='/doc.pdf'>Приказ</a>",
                              {"robots.txt": ROBOTS, "private/plan.pdf": PDF}))
    result = run(server.url("/"), tmp_path)
    skipped = verdict(result, server.url("/private/plan.pdf"))
    assert skipped.verdict == "skipped" and "robots.txt" in skipped.error
    assert verdict(result, server.url("/doc.pdf")).ok
    assert not any(t.startswith("/private/") for _, t in server.requests)
    assert [t for _, t in server.requests].count("/robots.txt") == 1
    assert any("robots.txt" in note for note in result.notes)


def test_ignore_robots(site_server, tmp_path):
    server = site_server(site("<a href='/private/plan.pdf'>План</a>", {"robots.txt": ROBOTS, "private/plan.pdf": PDF}))
    result = run(server.url("/"), tmp_path, robots=False)
    assert verdict(result, server.url("/private/plan.pdf")).ok
    assert "/robots.txt" not in [t for _, t in server.requests]


def test_resolve_maps_a_cyrillic_host_to_the_fixture_server(site_server, tmp_path):
    server = site_server(site("<a href='/doc.pdf'>Приказ</a>"))
    port = server.httpd.server_address[1]
    result = run(f"http://уо-пример.рф:{port}/", tmp_path, resolve=(f"уо-пример.рф:{port}:127.0.0.1",))
    assert result.section_found
    assert verdict(result, f"http://xn----jtbiqhhhdt.xn--p1ai:{port}/doc.pdf").ok


@pytest.mark.parametrize("entry", ["uo.ru:80", "uo.ru:x:127.0.0.1", ":80:127.0.0.1", "uo.ru:70000:127.0.0.1"])
def test_bad_resolve_entries_are_refused_in_russian(entry):
    with pytest.raises(ValueError, match="ХОСТ:ПОРТ:АДРЕС"):
        parse_resolve([entry])


def test_resolve_keys_are_ascii_hosts():
    assert parse_resolve(["УО-Пример.рф:443:127.0.0.1"]) == {("xn----jtbiqhhhdt.xn--p1ai", 443): "127.0.0.1"}


def test_unreadable_ca_bundle_is_refused_in_russian(tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ValueError, match="не удалось прочитать сертификаты"):
        validate_fetch_options(FetchOptions(ca_bundle=str(bad)))


# --- traps --------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "http://uo.ru/mum/calendar/2024/05/", "http://uo.ru/mum/events/?month=5&year=2024",
    "http://uo.ru/mum/news/?date=2024-05-01", "http://uo.ru/mum/a/b/a/b/a/b/",
    "http://uo.ru/mum/page;jsessionid=0123456789ABCDEF0123", "http://uo.ru/mum/?PHPSESSID=0123456789abcdef0123",
    "http://uo.ru/mum/?" + "&".join(f"f{i}=1" for i in range(12)),
])
def test_trap_addresses(url):
    assert trap_reason(url)


@pytest.mark.parametrize("url", ["http://uo.ru/mum/?year=2023", "http://uo.ru/file/card?id=1047",
                                 "http://uo.ru/mum/1-1/goals/", "http://uo.ru/mum/?page=2"])
def test_ordinary_addresses_are_not_traps(url):
    assert trap_reason(url) is None


def test_endless_query_variants_of_one_page_are_cut():
    guard = TrapGuard()
    cut = [guard.is_trap(f"http://uo.ru/mum/list?page={n}") for n in range(40)]
    assert not any(cut[:25]) and all(cut[25:])
    assert "бесконечные варианты" in guard.notes()[0]


def test_calendar_in_the_section_is_not_walked(site_server, tmp_path):
    calendar = HEAD + "<h1>Календарь</h1><a href='/mum/calendar/?month=2024-06'>Следующий месяц</a></body></html>"
    files = site("<a href='/doc.pdf'>Приказ</a>", {"mum/calendar/index.html": calendar})
    files["mum/index.html"] = files["mum/index.html"].replace(
        "</ul>", "<li><a href='/mum/calendar/?month=2024-05'>Календарь мероприятий</a></li>"
                 "<li><a href='/mum/x/x/x/'>Архив</a></li></ul>")
    server = site_server(files)
    result = run(server.url("/"), tmp_path)
    assert not any("calendar" in t or "/x/x/" in t for _, t in server.requests)
    assert verdict(result, server.url("/mum/calendar/?month=2024-05")).verdict == "skipped"
    notes = " ".join(result.notes)
    assert "календарь" in notes and "повторяющиеся части пути" in notes


# --- rules: verdicts become findings with Russian messages -------------------------------------
def test_verdicts_become_findings(site_server, tmp_path, self_signed):
    secure = site_server({"doc.pdf": PDF}, tls=self_signed)
    links = ("<a href='/gone.html'>Приказ 1</a><a href='/secret.pdf'>Приказ 2</a>"
             "<a href='/plan.pdf'>Приказ 3</a><a href='https://disk.yandex.ru/client/disk/МУМ'>Приказ 4</a>"
             f"<a href='{secure.url('/doc.pdf')}'>Приказ 5</a><a href='/doc.pdf'>Приказ 6</a>")
    server = site_server(site(links, {"gone.html": HEAD + "<h1>Страница не найдена</h1></body></html>",
                                      "plan.pdf": HEAD + "<h1>План</h1></body></html>"}),
                         faults={"/secret.pdf": {"status": 401}})
    result = check_site(server.url("/"), CheckOptions(db_path=str(tmp_path / "db.sqlite"), extract=False))
    by_url = {f.url: f for f in result.findings if f.rule.startswith("link.")}
    expected = {server.url("/gone.html"): ("link.soft404", "error"),
                server.url("/secret.pdf"): ("link.auth_required", "error"),
                server.url("/plan.pdf"): ("link.not_document", "warning"),
                "https://disk.yandex.ru/client/disk/%D0%9C%D0%A3%D0%9C": ("link.cloud_storage", "warning"),
                secure.url("/doc.pdf"): ("link.tls", "warning")}
    assert {u: (f.rule, f.severity) for u, f in by_url.items()} == expected
    assert server.url("/doc.pdf") not in by_url
    assert "папку в облачном хранилище (Яндекс Диск)" in by_url["https://disk.yandex.ru/client/disk/%D0%9C%D0%A3%D0%9C"].message
    for finding in by_url.values():
        assert finding.direction == "1.1" and finding.stage == "goals"
        assert "Приказ" in finding.message
    # The report names each verdict for the document, validates, and counts none of them as evidence.
    import json

    import jsonschema

    from tests.conftest import REPO

    documents = {doc["url"]: doc["status"] for d in result.report["directions"] for s in d["stages"]
                 for doc in s["documents"]}
    assert {u: documents[u] for u in expected} == {
        server.url("/gone.html"): "soft404", server.url("/secret.pdf"): "auth_required",
        server.url("/plan.pdf"): "not_document",
        "https://disk.yandex.ru/client/disk/%D0%9C%D0%A3%D0%9C": "cloud_storage", secure.url("/doc.pdf"): "tls"}
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(result.report, schema)
