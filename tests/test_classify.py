"""Classification of documents by content and the placement facts built on it."""

from __future__ import annotations

import shutil

import pytest

from mumcheck.classify.content import classify_document, load_cues, stems_of
from mumcheck.model import DocumentRef, Extraction, Fetch, LinkRef
from mumcheck.profile import load_profile
from mumcheck.ruledata import RuleFileError, rules_dir
from mumcheck.rules.engine import evaluate, load_rules
from mumcheck.rules.placement import document_placement_facts
from mumcheck.vocab import load_vocabulary

BOOK = load_cues()
PROFILE = load_profile("perm-2023")
VOCAB = load_vocabulary()
PLACEMENT_RULES = tuple(r for r in load_rules() if r.id.startswith("placement."))

RECOMMENDATIONS_1_4 = (
    "Адресные рекомендации по итогам мониторинга профориентационной работы\n"
    "Руководителям школ рекомендовано заключить договоры с предприятиями о профессиональных пробах, "
    "рекомендуется назначить ответственного за профориентацию. Адресных рекомендаций получили 6 школ. "
    "Самоопределение обучающихся обсуждено на совещании.")


def _placed(text: str, direction: str, stage: str, link: str = "Документ", **extraction) -> list:
    url = "http://127.0.0.1/doc.pdf"
    ref = DocumentRef(LinkRef(url=url, text=link, page="http://127.0.0.1/"), direction, stage)
    fetch = Fetch(url=url, verdict="ok", status=200, sha256="x")
    data = Extraction(sha256="x", kind="pdf", text=text, chars=len(text), **extraction)
    facts = document_placement_facts(ref, fetch, data, PROFILE, VOCAB, BOOK)
    return evaluate(PLACEMENT_RULES, {"placement": facts})


def test_inflected_forms_match_the_same_stems():
    assert stems_of("адресных рекомендаций") == stems_of("Адресные рекомендации")
    assert stems_of("одарённых детей") == stems_of("одаренные дети")


def test_scores_per_direction_and_stage_with_evidence():
    result = classify_document(RECOMMENDATIONS_1_4, BOOK)
    assert result.best_direction() == "1.4"
    assert result.best_component() == "recommendations"
    assert "адресные рекомендации" in result.evidence["stage:recommendations"]
    assert 0 < result.confidence(result.directions) <= 1


def test_title_and_first_page_weigh_more_than_the_rest():
    filler = "Прочие сведения о работе за год. " * 120  # pushes the tail past the first page
    early = classify_document("Аналитическая справка. " + filler, BOOK).components["analysis"]
    late = classify_document(filler + " Аналитическая справка.", BOOK).components["analysis"]
    assert early > late > 0


def test_link_text_counts_as_the_title():
    plain = classify_document("Текст без признаков.", BOOK)
    named = classify_document("Текст без признаков.", BOOK, link_text="План мероприятий («дорожная карта»)")
    assert plain.components["measures"] == 0 < named.components["measures"]


def test_document_in_the_right_tab_gives_nothing():
    assert _placed(RECOMMENDATIONS_1_4, "1.4", "recommendations") == []


def test_wrong_direction_names_where_it_belongs():
    [finding] = _placed(RECOMMENDATIONS_1_4, "2.2", "recommendations")
    assert finding.rule == "placement.wrong_direction"
    assert finding.expected == {"direction": "1.4"}
    assert (finding.direction, finding.stage) == ("2.2", "recommendations")
    assert "профориентац" in finding.evidence and "1.4" in finding.message and "перенесите" in finding.message


def test_wrong_stage_names_where_it_belongs():
    [finding] = _placed(RECOMMENDATIONS_1_4, "1.4", "goals")
    assert finding.rule == "placement.wrong_stage"
    assert finding.expected == {"stage": "recommendations"}
    assert "рекомендац" in finding.evidence


def test_document_serving_two_stages_is_not_misplaced_in_either():
    order = ("ПРИКАЗ Об утверждении целей, задач и показателей профориентационной работы. "
             "1. Утвердить цели и задачи профориентации обучающихся: цель — осознанный выбор профессии. "
             "2. Утвердить перечень показателей (единица измерения, периодичность): показатели самоопределения.")
    assert _placed(order, "1.4", "goals") == []
    assert _placed(order, "1.4", "indicators") == []
    assert [f.rule for f in _placed(order, "1.4", "effectiveness")] == ["placement.wrong_stage"]


def test_weak_evidence_gives_nothing():
    assert _placed("Профориентация.", "2.2", "goals") == []


@pytest.mark.parametrize("extraction", [{"is_scan": True}, {"error": "файл повреждён"}])
def test_scans_and_unreadable_documents_are_not_judged(extraction):
    assert _placed(RECOMMENDATIONS_1_4, "2.2", "goals", **extraction) == []


def test_unplaced_document_is_not_judged():
    assert _placed(RECOMMENDATIONS_1_4, None, None) == []


def _copy_rules(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


@pytest.mark.parametrize("bad, problem", [
    ("      - {phrase: ВПР, weight: много}\n", "неотрицательное число"),
    ("      - {phrase: ВПР, wieght: 2}\n", "неизвестный ключ «wieght»"),
    ("      - {phrase: '...', weight: 2}\n", "нет слов"),
])
def test_bad_cue_refused_with_file_and_line(tmp_path, bad, problem):
    folder = _copy_rules(tmp_path)
    path = folder / "directions.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "document_cues:" in line) + 1
    lines.insert(at, bad)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(RuleFileError) as error:
        load_cues(str(folder))
    assert f"directions.yaml:{at + 1}:" in str(error.value) and problem in str(error.value)


def test_partial_cycle_requires_only_its_stages():
    """A direction whose subsections are a «Трек … (Неполный цикл)» must show only measures and the
    effectiveness analysis; the other directions still need all six subsections."""
    from mumcheck.model import Block, CrawlResult, Fetch, LinkRef, Page
    from mumcheck.classify import classify
    from mumcheck.rules import check

    def page(url, title, sections):
        blocks = []
        for labels, href in sections:
            link = LinkRef(url=href, text="Документ", page=url, labels=labels)
            blocks.append(Block(labels=labels, links=(link,)))
        return Page(url=url, title=title, trail=(title,), depth=1, blocks=tuple(blocks))

    track = "Трек 1. Профилактика правонарушений (Неполный цикл)"
    pages = (
        page("http://x/2-3", "2.3 Система организации воспитания обучающихся", [
            ((track, "Меры, мероприятия"), "http://x/a.pdf"),
            ((track, "Управленческие решения"), "http://x/b.pdf"),
            ((track, "Анализ эффективности принятых мер"), "http://x/c.pdf")]),
        page("http://x/2-4", "2.4 Система мониторинга качества дошкольного образования", [
            (("Меры, мероприятия",), "http://x/d.pdf")]),
    )
    fetches = tuple(Fetch(url=f"http://x/{n}.pdf", verdict="ok", status=200, sha256=None) for n in "abcd")
    crawl = CrawlResult(start_url="http://x/", section_url="http://x/", section_found=True, section_label="МУМ",
                        pages=pages, fetches=fetches)
    structure = classify(crawl, VOCAB, PROFILE)
    assert structure.direction("2.3").cycles == ("partial",)
    missing = {(f.direction, f.stage) for f in check(structure, crawl, {}, PROFILE, VOCAB) if f.rule == "structure.stage_missing"}
    assert not {m for m in missing if m[0] == "2.3"}
    assert {m for m in missing if m[0] == "2.4"} == {("2.4", s) for s in ("goals", "indicators", "analysis",
                                                                          "recommendations", "effectiveness")}
