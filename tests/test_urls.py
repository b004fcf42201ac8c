from mumcheck.urls import display, filename_of, is_skipped, is_under, normalize, resolve

BASE = "http://uo.example.ru/mum/index.html"


def test_relative_and_parent_links():
    assert resolve(BASE, "1-1.html") == "http://uo.example.ru/mum/1-1.html"
    assert resolve(BASE, "../upload/a.pdf") == "http://uo.example.ru/upload/a.pdf"
    assert resolve(BASE, "/upload/a.pdf") == "http://uo.example.ru/upload/a.pdf"
    assert resolve(BASE, "//cdn.example.ru/x.pdf") == "http://cdn.example.ru/x.pdf"


def test_cyrillic_and_spaces_raw_or_encoded_give_one_url():
    raw = resolve(BASE, "/upload/Приказ № 5.pdf")
    encoded = resolve(BASE, "/upload/%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%20%E2%84%96%205.pdf")
    assert raw == encoded
    assert " " not in raw and raw.isascii()
    assert filename_of(raw) == "Приказ № 5.pdf"
    assert display(raw) == "http://uo.example.ru/upload/Приказ № 5.pdf"


def test_fragment_dropped_query_kept():
    assert resolve(BASE, "page.html#tab-2") == "http://uo.example.ru/mum/page.html"
    assert resolve(BASE, "/file/card?id=12&utm_source=x") == "http://uo.example.ru/file/card?id=12&utm_source=x"
    assert resolve(BASE, "#top") is None


def test_never_fetched_schemes():
    for href in ("mailto:uo@example.ru", "tel:+73422368441", "javascript:void(0)", "data:text/plain,hi",
                 "file:///C:/docs/a.pdf", "MAILTO:x@y.ru"):
        assert is_skipped(href)
        assert resolve(BASE, href) is None
    assert resolve(BASE, "") is None
    assert resolve(BASE, "   ") is None


def test_host_case_default_port_and_idn():
    assert normalize("HTTP://UO.Example.RU:80/a") == "http://uo.example.ru/a"
    assert normalize("https://uo.example.ru:443") == "https://uo.example.ru/"
    assert normalize("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
    assert normalize("http://ПРЕЗИДЕНТ.рф/mum/") == "http://xn--d1abbgf6aiiy.xn--p1ai/mum/"


def test_backslashes_and_whitespace_are_tolerated():
    assert resolve(BASE, "  ..\\upload\\a.pdf ") == "http://uo.example.ru/upload/a.pdf"


def test_is_under_section_folder():
    assert is_under("http://uo.example.ru/mum/1-1.html", "http://uo.example.ru/mum/")
    assert not is_under("http://uo.example.ru/news/1.html", "http://uo.example.ru/mum/")
    assert not is_under("http://other.ru/mum/1.html", "http://uo.example.ru/mum/")
