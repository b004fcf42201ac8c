"""Link extraction and the labels a link hangs under, on the page shapes real sites use."""

from __future__ import annotations

from mumcheck.crawl.parse import decode_html, parse_page
from tests.conftest import SITES

URL = "http://uo.example.ru/mum/index.html"


def page(body: str, head: str = "<meta charset='utf-8'>"):
    return parse_page(f"<html><head>{head}<title>Т</title></head><body>{body}</body></html>".encode("utf-8"), URL)


def links_of(parsed):
    return [(link.url, link.text, link.labels) for block in parsed.blocks for link in block.links]


def test_link_forms_resolved_and_skipped():
    parsed = page("""<h1>Раздел</h1><ul>
      <li><a href="1-1.html">Один</a></li>
      <li><a href="../upload/Приказ № 5.pdf">Два</a></li>
      <li><a href="/upload/%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%20%E2%84%96%205.pdf">Два ещё раз</a></li>
      <li><a href="doc.pdf#page=2">Три</a></li>
      <li><a href="mailto:uo@example.ru">почта</a> <a href="tel:+7342">телефон</a>
          <a href="javascript:void(0)">скрипт</a> <a href="#top">наверх</a> <a>без адреса</a></li></ul>""")
    urls = [u for u, _, _ in links_of(parsed)]
    assert urls == [
        "http://uo.example.ru/mum/1-1.html",
        "http://uo.example.ru/upload/%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%20%E2%84%96%205.pdf",
        "http://uo.example.ru/upload/%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%20%E2%84%96%205.pdf",
        "http://uo.example.ru/mum/doc.pdf",
    ]


def test_headings_give_labels_and_empty_headings_are_blocks():
    parsed = page("<h1>1.3. Таланты</h1><h2>Цели и задачи</h2><ul><li><a href='a.pdf'>Приказ</a></li></ul>"
                  "<h2>Адресные рекомендации</h2><p>Информация будет размещена позднее</p>"
                  "<h2>Показатели</h2><p><a href='b.pdf'>Перечень</a></p>")
    blocks = {b.labels: [l.text for l in b.links] for b in parsed.blocks}
    assert blocks[("1.3. Таланты", "Цели и задачи")] == ["Приказ"]
    assert blocks[("1.3. Таланты", "Адресные рекомендации")] == []
    assert blocks[("1.3. Таланты", "Показатели")] == ["Перечень"]


def test_tabs_and_accordion_labels_follow_the_controls():
    parsed = page("""
      <ul class="nav nav-tabs"><li><a href="#d11" data-toggle="tab">1.1. Оценка качества</a></li>
        <li><a href="#d13">1.3. Таланты</a></li></ul>
      <div class="tab-content">
        <div class="tab-pane" id="d11"><div class="card"><div class="card-header">
          <button data-target="#c1" aria-controls="c1">Цели и задачи</button></div>
          <div id="c1" class="collapse"><a href="/file/card?id=1">Приказ</a></div></div></div>
        <div class="tab-pane" id="d13"><h4>Показатели</h4><a href="/x.pdf">Перечень</a></div>
      </div>""")
    found = {text: (labels, url) for url, text, labels in links_of(parsed)}
    assert found["Приказ"][0] == ("1.1. Оценка качества", "Цели и задачи")
    assert found["Перечень"][0] == ("1.3. Таланты", "Показатели")
    anchors = {b.labels: b.anchors for b in parsed.blocks}
    assert anchors[("1.1. Оценка качества", "Цели и задачи")] == ("d11", "c1")


def test_heading_inside_one_tab_does_not_leak_into_the_next():
    parsed = page("""<a href="#a">2.2 Педагоги</a><a href="#b">2.3 Воспитание</a>
      <div id="a"><h3>Анализ эффективности принятых мер</h3><a href="/1.pdf">Один</a></div>
      <div id="b"><a href="/2.pdf">Два</a></div>""")
    found = {text: labels for _, text, labels in links_of(parsed)}
    assert found["Два"] == ("2.3 Воспитание",)


def test_table_group_rows_and_generic_link_text():
    parsed = page("""<table><tr><th>Позиция</th><th>Документ</th><th>Ссылка</th></tr>
      <tr><td colspan="3"><strong>Цели и задачи</strong></td></tr>
      <tr><td>Наличие целей</td><td>Приказ № 17-Д</td><td><a href="/a.pdf">скачать</a></td></tr>
      <tr><td colspan="3"><strong>Показатели и мониторинг показателей</strong></td></tr>
      <tr><td>Наличие показателей</td><td>Перечень показателей</td><td><a href="/b.pdf">Скачать (PDF)</a></td></tr>
      </table>""")
    found = {url: (text, labels) for url, text, labels in links_of(parsed)}
    assert found["http://uo.example.ru/a.pdf"] == ("Наличие целей — Приказ № 17-Д", ("Цели и задачи",))
    assert found["http://uo.example.ru/b.pdf"][1] == ("Показатели и мониторинг показателей",)
    local = {link.url: link.local for block in parsed.blocks for link in block.links}
    assert local["http://uo.example.ru/a.pdf"] == ("Наличие целей", "Ссылка")


def test_two_column_stage_table_gives_the_row_its_stage():
    parsed = page("""<table><thead><tr><th>Компонент управленческого цикла</th><th>Документы</th></tr></thead>
      <tr><td>Цели и задачи</td><td><a href="/file/card?id=1">Приказ № 1</a><br><a href="/file/card?id=2">Приказ № 2</a></td></tr>
      <tr><td><p>Анализ результатов мониторинга</p></td><td><a href="/file/card?id=3">Справка</a></td></tr>
      </table>""")
    found = {link.text: link.local for block in parsed.blocks for link in block.links}
    assert found["Приказ № 2"] == ("Цели и задачи", "Документы")
    assert found["Справка"] == ("Анализ результатов мониторинга", "Документы")


def test_inline_labels_before_a_link():
    parsed = page("""<p>Цель: <a href="/a.pdf">Приказ № 5</a>, <a href="/b.pdf">Приказ № 6</a></p>
      <p><b>Задачи</b> <a href="/c.pdf">Положение</a></p>
      <ul><li>Показатели — <a href="/d.pdf">Перечень</a></li></ul>
      <p>Читайте <a href="/e.pdf">приказ</a> полностью</p>
      <p>Анализ эффективности принятых мер:</p><p><a href="/f.pdf">Справка</a></p>""")
    found = {link.text: link.local for block in parsed.blocks for link in block.links}
    assert found["Приказ № 5"] == ("Цель",)
    assert found["Приказ № 6"] == ("Цель",)
    assert found["Положение"] == ("Задачи",)
    assert found["Перечень"] == ("Показатели",)
    assert found["приказ"] == ()
    labels = {text: labels for _, text, labels in links_of(parsed)}
    assert labels["Справка"] == ("Анализ эффективности принятых мер:",)


def test_menu_outline_keeps_the_item_above_a_group():
    parsed = page("""<ul><li><a href="/1.3.php">1.3. Таланты</a></li>
      <li>Трек 1. (Неполный цикл)<ul><li><a href="/1.1.1.php">1.1.1. Меры</a></li></ul>
      <li><a>2.4. Дошкольное</a><ul><li><a href="/2.4.1.php">2.4.1. ОП ДО</a></li></ul></li></ul>""")
    outlines = {link.text: link.outline for block in parsed.blocks for link in block.links}
    assert outlines["1.1.1. Меры"] == (("Трек 1. (Неполный цикл)", "1.3. Таланты"),)
    assert outlines["2.4.1. ОП ДО"] == (("2.4. Дошкольное", "Трек 1. (Неполный цикл)"),)
    assert outlines["1.3. Таланты"] == ()


def test_list_item_captions_and_bold_pseudo_headings():
    parsed = page("""<ul><li>Цели и задачи<ul><li><a href="/a.pdf">Приказ</a></li></ul></li></ul>
      <p><strong>Адресные рекомендации</strong></p><p><a href="/b.pdf">Рекомендации</a></p>""")
    found = {text: labels for _, text, labels in links_of(parsed)}
    assert found["Приказ"] == ("Цели и задачи",)
    assert found["Рекомендации"] == ("Адресные рекомендации",)


def test_menus_are_chrome_with_their_headings():
    parsed = page("""<nav><ul><li class="dropdown"><span>МСОКО</span><ul>
      <li><a href="/msoko/1-1/">1.1. Оценка</a></li></ul></li></ul></nav>
      <div id="menu-top"><a href="/news/">Новости</a></div>
      <main><a href="/doc.pdf">Документ</a></main>""")
    assert [(l.url, l.labels) for l in parsed.chrome] == [
        ("http://uo.example.ru/msoko/1-1/", ("МСОКО",)), ("http://uo.example.ru/news/", ())]
    assert [u for u, _, _ in links_of(parsed)] == ["http://uo.example.ru/doc.pdf"]


def test_broken_html_still_parses():
    parsed = page("<ul><li><a href='/a.pdf'>Один<li><a href='/b.pdf'>Два</ul><h2>Цели<p><a href=/c.pdf>Три")
    assert [t for _, t, _ in links_of(parsed)] == ["Один", "Два", "Три"]


def test_a_malformed_address_costs_only_its_own_link():
    """urlsplit() refuses "//host\\[x" (a bracket that is not an IPv6 address); the page's other
    links must still be found."""
    parsed = page("<h2>Цели</h2><p><a href='//uo.example.ru\\[x'>Битая</a> <a href='/a.pdf'>Приказ</a>"
                  "<a href='#цели'>К началу</a></p>")
    assert ("http://uo.example.ru/a.pdf", "Приказ", ("Цели",)) in links_of(parsed)


def test_a_declared_charset_that_yields_no_text_is_passed_over():
    """utf-7 and unicode_escape can decode to lone surrogates, which no parser takes: the page is
    read with the next candidate instead of failing the check."""
    for charset, junk in (("utf-7", b"+2AA-"), ("unicode_escape", b"\\ud800")):
        body = (b"<html><head><meta charset='" + charset.encode() + b"'></head><body><h2>Goals</h2>"
                b"<a href='/a.pdf'>" + junk + b"</a></body></html>")
        parsed = parse_page(body, URL)
        assert [(u, labels) for u, _, labels in links_of(parsed)] == [("http://uo.example.ru/a.pdf", ("Goals",))]
        assert parsed.encoding == "utf-8"


def test_windows_1251_declared_only_in_meta():
    body = SITES.joinpath("list", "index.html").read_bytes()
    text, encoding = decode_html(body, header_charset=None)
    assert encoding == "windows-1251"
    assert "Муниципальные инструменты управления качеством" in text
    parsed = parse_page(body, "http://127.0.0.1/")
    assert any("Муниципальные инструменты" in l.text for l in parsed.chrome + parsed.blocks[0].links) or \
        any("Муниципальные инструменты" in l.text for b in parsed.blocks for l in b.links)


def test_encoding_fallbacks():
    assert decode_html("Цели".encode("utf-8"))[1] == "utf-8"
    assert decode_html("Цели".encode("cp1251"))[1] == "windows-1251"
    assert decode_html(b"\xef\xbb\xbf" + "Цели".encode("utf-8")) == ("Цели", "utf-8")
    assert decode_html("Цели".encode("cp1251"), header_charset="windows-1251")[0] == "Цели"


def test_link_text_inside_block_elements():
    parsed = page("<div class='files'><a href='/a.pdf'><div class='t'>Приказ № 1</div><span>PDF, 200 КБ</span></a></div>")
    assert [t for _, t, _ in links_of(parsed)] == ["Приказ № 1 PDF, 200 КБ"]


def test_empty_and_bodiless_documents():
    for body in (b"", b"  \n", b"<!-- nothing else -->", b"<!DOCTYPE html>"):
        parsed = parse_page(body, URL)
        assert (parsed.title, parsed.headline, parsed.blocks, parsed.chrome) == ("", "", (), ())
    fragment = parse_page("<a href='/a.pdf'>Приказ № 5</a>".encode("utf-8"), URL)
    assert links_of(fragment) == [("http://uo.example.ru/a.pdf", "Приказ № 5", ())]


def test_scripts_and_templates_are_left_out():
    parsed = page("<h2>Цели<script>var a = '<h3>';</script>и задачи</h2>"
                  "<template><a href='/t.pdf'>Шаблон</a></template><noscript><a href='/n.pdf'>Без JS</a></noscript>"
                  "<p><a href='/a.pdf'>Приказ&nbsp;№&nbsp;5 &amp; приложение</a></p>")
    assert links_of(parsed) == [("http://uo.example.ru/a.pdf", "Приказ № 5 & приложение", ("Цели и задачи",))]


def test_markup_inside_text_separates_words():
    # a comment, or a <!DOCTYPE> from a whole page pasted into the content, between two words
    parsed = page("<h2>Цели<!-- x -->и задачи</h2><h3>Показатели<!DOCTYPE html>мониторинга</h3>"
                  "<a href='/a.pdf'>Приказ</a>")
    assert links_of(parsed) == [("http://uo.example.ru/a.pdf", "Приказ", ("Цели и задачи", "Показатели мониторинга"))]


def test_very_deep_nesting():
    parsed = page("<div>" * 3000 + "<h2>Глубоко</h2><a href='/deep.pdf'>Документ</a>")
    assert links_of(parsed) == [("http://uo.example.ru/deep.pdf", "Документ", ("Глубоко",))]
