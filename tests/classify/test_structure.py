"""Structure read from the evidence a person uses: the menu's nesting (not the numbers), labels
on the page and of the link itself, and content where the labels say nothing."""

from __future__ import annotations

from pathlib import Path

from mumcheck.classify import classify
from mumcheck.classify.content import classify_document, load_cues
from mumcheck.crawl.parse import parse_page
from mumcheck.model import CrawlResult, Extraction, Fetch, Page
from mumcheck.profile import load_profile
from mumcheck.rules import check
from mumcheck.vocab import load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
KONAKOVO_MENU = (ROOT / "fixtures" / "real-sites" / "konakovo-menu.html").read_text(encoding="utf-8")
VOCAB, PROFILE, BOOK = load_vocabulary(), load_profile("perm-2023"), load_cues()
BASE = "http://konakovo.test/"


def _page(url: str, body: str, trail: tuple[str, ...] = (), depth: int = 1) -> Page:
    html = f'<html><head><meta charset="utf-8"><title>УО</title></head><body>{body}</body></html>'
    parsed = parse_page(html.encode("utf-8"), url)
    return Page(url=url, title=parsed.headline, trail=trail, depth=depth, blocks=parsed.blocks,
                chrome=parsed.chrome, breadcrumbs=parsed.breadcrumbs)


def _crawl(pages: list[Page], section_url: str | None = None) -> CrawlResult:
    documents = {link.url for page in pages for link in page.links if link.url.endswith(".pdf")}
    fetches = tuple(Fetch(url=url, verdict="ok", status=200, sha256=url) for url in sorted(documents))
    return CrawlResult(start_url=BASE, section_url=section_url, section_found=True, section_label="МУМ",
                       pages=tuple(pages), fetches=fetches)


def _konakovo_site() -> list[Page]:
    """Every page of the real menu, the menu on each (as on that site), with one document."""
    menu = parse_page(KONAKOVO_MENU.encode("utf-8"), BASE)
    pages = []
    for link in (link for block in menu.blocks for link in block.links):
        if link.url.endswith("oldIndex.php"):
            continue
        name = link.url.rsplit("/", 1)[-1]
        # the page names itself by its menu caption, number included, with a misleading trail:
        # the crawler reached it from the page of the direction its number names
        body = f'{KONAKOVO_MENU}<div class="content"><h1>{link.text}</h1><p><a href="/files/{name}.pdf">Документ</a></p></div>'
        trail = ("Муниципальные механизмы управления качеством образования", "1.1.Система оценки качества подготовки обучающихся") \
            if name.startswith("1.1.") else ("Муниципальные механизмы управления качеством образования",)
        pages.append(_page(link.url, body, trail=trail + (link.text,)))
    return pages


def _where(structure, url_end: str) -> tuple[str | None, str | None]:
    for direction in structure.directions:
        for stage in direction.stages:
            for doc in stage.documents:
                if doc.link.url.endswith(url_end):
                    return direction.code, stage.stage
    return None, None


def test_konakovo_cycle_pages_go_under_the_direction_they_hang_under_not_their_number():
    structure = classify(_crawl(_konakovo_site()), VOCAB, PROFILE)
    # «Трек 1 … (Неполный цикл)» hangs under 1.3 but numbers its pages 1.1.x
    assert _where(structure, "1.1.1.mers.php.pdf") == ("1.3", "measures")
    assert _where(structure, "1.1.2.ypravreshen.php.pdf") == ("1.3", "measures")
    assert _where(structure, "1.1.3.analiz.php.pdf") == ("1.3", "effectiveness")
    # «Трек 1 … (Полный цикл)» hangs under 2.3 but numbers its pages 1.3.x
    assert _where(structure, "1.3.1.celi.php.pdf") == ("2.3", "goals")
    assert _where(structure, "1.3.5.analizrezmonit.php.pdf") == ("2.3", "analysis")
    assert _where(structure, "1.3.6.adresrekomporezanaliz.php.pdf") == ("2.3", "recommendations")
    assert _where(structure, "1.3.9.analizeffektiv.php.pdf") == ("2.3", "effectiveness")
    assert structure.direction("1.3").cycles == ("partial",)
    assert any("1.3" in note and "по месту в меню" in note for note in structure.notes)


def test_konakovo_thematic_pages_of_2_4_stay_under_2_4():
    structure = classify(_crawl(_konakovo_site()), VOCAB, PROFILE)
    themes = [doc for doc in structure.unplaced if "/files/2.4." in doc.link.url]
    assert len(themes) == 5 and {doc.direction for doc in themes} == {"2.4"}
    direction = structure.direction("2.4")
    assert direction.present and direction.read
    # their labels are topics, not stages: the direction is said to be unreadable, not empty
    findings = check(structure, _crawl(_konakovo_site()), {}, PROFILE, VOCAB)
    assert not [f for f in findings if f.rule == "structure.stage_missing" and f.direction == "2.4"]
    assert [f.rule for f in findings if f.direction == "2.4"] == ["structure.stages_unrecognised"]


def test_two_column_stage_table_places_every_document():
    rows = "".join(f'<tr><td>{label}</td><td><a href="/file/card?id={i}">Приказ № {i}</a></td></tr>'
                   for i, label in enumerate(["Цели и задачи", "Показатели и мониторинг показателей",
                                              "Анализ результатов мониторинга", "Адресные рекомендации",
                                              "Мероприятия, меры, управленческие решения",
                                              "Анализ эффективности принятых мер"]))
    body = f"""<h1>1.4. Система работы по самоопределению и профессиональной ориентации обучающихся</h1>
      <table><tr><th>Компонент управленческого цикла</th><th>Документы</th></tr>{rows}</table>"""
    page = _page(BASE + "mum/1-4", body)
    structure = classify(_crawl([page]), VOCAB, PROFILE)
    stages = {stage.stage: [d.link.text for d in stage.documents] for stage in structure.direction("1.4").stages}
    assert stages == {"goals": ["Приказ № 0"], "indicators": ["Приказ № 1"], "analysis": ["Приказ № 2"],
                      "recommendations": ["Приказ № 3"], "measures": ["Приказ № 4"], "effectiveness": ["Приказ № 5"]}


def test_shared_label_serves_both_stages_and_link_text_prefixes_name_stages():
    body = """<h1>2.2. Система обеспечения профессионального развития педагогических работников</h1>
      <h3>Цели и задачи. Показатели</h3><p><a href="/a.pdf">Приказ № 1</a></p>
      <h3>Документы</h3><p><a href="/b.pdf">Анализ результатов мониторинга: справка за 2023 год</a></p>"""
    structure = classify(_crawl([_page(BASE + "mum/2-2", body)]), VOCAB, PROFILE)
    direction = structure.direction("2.2")
    [goals] = [s for s in direction.stages if s.stage == "goals"]
    [indicators] = [s for s in direction.stages if s.stage == "indicators"]
    assert goals.documents[0].stages == ("goals", "indicators") and indicators.present
    assert _where(structure, "/b.pdf") == ("2.2", "analysis")


def test_unlabelled_documents_are_placed_by_content_and_reported_once():
    texts = {
        "a.pdf": "Приказ. Об утверждении целей и задач. Цели и задачи муниципальной системы выявления и поддержки "
                 "одарённых детей. Стратегическая цель: развитие способностей и талантов. Задачи: выявление.",
        "b.pdf": "Анализ эффективности принятых мер. Оценка эффективности мер по поддержке талантов: "
                 "положительная динамика числа победителей олимпиад до и после реализации мер в ДОО и ОО.",
    }
    body = "<h1>1.3. Система выявления, поддержки и развития способностей и талантов у детей и молодежи</h1>" + "".join(
        f'<p><a href="/{name}">Документ {i}</a></p>' for i, name in enumerate(texts))
    crawl = _crawl([_page(BASE + "mum/1-3", body)])
    extractions = {BASE + name: Extraction(sha256=BASE + name, kind="pdf", text=text, chars=len(text))
                   for name, text in texts.items()}
    structure = classify(crawl, VOCAB, PROFILE, extractions, BOOK)
    assert _where(structure, "/a.pdf") == ("1.3", "goals")
    assert _where(structure, "/b.pdf") == ("1.3", "effectiveness")
    findings = check(structure, crawl, extractions, PROFILE, VOCAB)
    rules = [f.rule for f in findings if f.direction == "1.3"]
    assert rules == ["structure.stages_unrecognised"]
    assert "«Показатели и мониторинг показателей»" in findings[[f.rule for f in findings].index(
        "structure.stages_unrecognised")].message


def test_preschool_abbreviations_are_not_the_preposition_do():
    """«до и после реализации мер» is in most effectiveness analyses; it is not «ДОО»/«ДОУ»."""
    text = ("Анализ эффективности принятых мер по развитию способностей и талантов у детей и молодежи. "
            "Сравнение показателей до и после реализации мер: число участников олимпиад выросло, "
            "до начала мероприятий — 120, после — 164. Динамика положительная. До 2025 года меры продолжить.")
    content = classify_document(text, BOOK)
    assert content.best_direction() == "1.3"
    assert content.directions["2.4"] == 0
    assert classify_document("Мониторинг качества дошкольного образования в ДОО и ДОУ", BOOK).best_direction() == "2.4"


def test_links_on_every_page_are_the_site_furniture_not_documents():
    footer = '<div class="bottom"><a href="/privacy.pdf">Политика обработки персональных данных</a> Просмотров: 404</div>'
    pages = [_page(BASE + f"mum/{code}", f"<h1>{title}</h1><h3>Цели и задачи</h3><p><a href='/{code}.pdf'>Приказ</a></p>{footer}")
             for code, title in (("1-3", "1.3. Система выявления, поддержки и развития способностей и талантов"),
                                 ("1-4", "1.4. Система работы по самоопределению и профессиональной ориентации"),
                                 ("2-1", "2.1. Система мониторинга эффективности руководителей"))]
    structure = classify(_crawl(pages), VOCAB, PROFILE)
    urls = {doc.link.url for doc in structure.all_documents()}
    assert BASE + "1-3.pdf" in urls and BASE + "privacy.pdf" not in urls


def test_breadcrumbs_place_a_page_reached_by_another_way():
    body = """<div class="breadcrumbs"><a href="/">Главная</a> › <a href="/mum/">МУМ</a> ›
      <a href="/mum/2-3/">2.3. Система организации воспитания и социализации обучающихся</a> › <span>Цели</span></div>
      <h1>1.3.1. Цели</h1><p><a href="/celi.pdf">Приказ № 4</a></p>"""
    page = _page(BASE + "mum/2-3/celi/", body,
                 trail=("1.3. Система выявления, поддержки и развития способностей и талантов у детей и молодежи",))
    assert page.breadcrumbs[-1] == "Цели" and len(page.breadcrumbs) == 4
    structure = classify(_crawl([page]), VOCAB, PROFILE)
    assert _where(structure, "/celi.pdf") == ("2.3", "goals")
