"""The domain's words, as real sites write them."""

import pytest

from mumcheck.classify import stage_of_heading
from mumcheck.profile import load_profile
from mumcheck.vocab import load_vocabulary, normalize_text

V = load_vocabulary()
P = load_profile("perm-2023")


def test_normalize():
    assert normalize_text("1.3.  Система  выявления, поддержки…") == "система выявления поддержки"
    assert normalize_text("II. Механизмы УПРАВЛЕНИЯ качеством") == "механизмы управления качеством"
    assert normalize_text("Раздел 4. Ёлки") == "елки"


@pytest.mark.parametrize("text", [
    "Муниципальные инструменты управления качеством",
    "МУНИЦИПАЛЬНЫЕ ИНСТРУМЕНТЫ УПРАВЛЕНИЯ КАЧЕСТВОМ ОБРАЗОВАНИЯ",
    "Муниципальные механизмы управления качеством образования",
    "Муниципальные управленческие механизмы",
    "Механизмы управления качеством образования",
    "МСОКО",
    "Муниципальная система оценки качества образования (МСОКО)",
    "Муниципальные инструменты управления  качеством ",
    "Муниципальные инструмнты управления качеством",  # a typo
])
def test_section_names_real_sites_use(text):
    assert V.is_section_name(text)


@pytest.mark.parametrize("text", [
    "I. Механизмы управления качеством образовательных результатов",
    "II. Механизмы управления качеством образовательной деятельности",
    "Новости", "Документы", "Оценка качества образования", "Муниципальные услуги",
])
def test_not_the_section(text):
    assert not V.is_section_name(text)


@pytest.mark.parametrize("text, code", [
    ("1.1. Система оценки качества подготовки обучающихся", "1.1"),
    ("Система работы со школами с низкими результатами обучения и/или школами, функционирующими в неблагоприятных социальных условиях", "1.2"),
    ("1.3 Система выявления, поддержки и развития способностей и талантов у детей и молодёжи", "1.3"),
    ("Система работы по самоопределению и профессиональной ориентации обучающихся", "1.4"),
    ("2.1. Система мониторинга эффективности руководителей всех образовательных организаций", "2.1"),
    ("Система обеспечения профессионального развития педагогических работников", "2.2"),
    ("2.3. Система организации воспитания и социализации обучающихся", "2.3"),
    ("1.3.5 Система организации воспитания обучающихся", "2.3"),  # copied numbering: the text decides
    ("Система мониторинга качества дошкольного образования", "2.4"),
    ("2.2", "2.2"),
    ("Направление 1.4", "1.4"),
])
def test_directions(text, code):
    assert V.direction_of(text) == code


@pytest.mark.parametrize("text", ["Цели и задачи", "Новости", "Показатели и мониторинг показателей",
                                  "I. Механизмы управления качеством образовательных результатов"])
def test_not_directions(text):
    assert V.direction_of(text) is None


@pytest.mark.parametrize("heading, stage", [
    ("Цели и задачи", "goals"),
    ("1. Цели", "goals"),
    ("Показатели и мониторинг показателей", "indicators"),
    ("Показатели, методы сбора информации, мониторинг показателей", "indicators"),
    ("Методы сбора и обработки информации", "indicators"),
    ("Мониторинг показателей", "indicators"),
    ("Анализ результатов мониторинга", "analysis"),
    ("Адресные рекомендации по результатам анализа", "recommendations"),
    ("Мероприятия, меры, управленческие решения", "measures"),
    ("Меры и мероприятия, управленческие решения", "measures"),
    ("Управленческие решения", "measures"),
    ("Анализ эффективности принятых мер", "effectiveness"),
    ("АНАЛИЗ ЭФФЕКТИВНОСТИ ПРИНЯТЫХ МЕР", "effectiveness"),
    ("Новости", None),
    ("Положение о МСОКО", None),
])
def test_stage_headings(heading, stage):
    assert stage_of_heading(heading, V, P) == stage


# --- official names, cycles, validation ---------------------------------------------------------
def test_official_names_per_year():
    assert V.official_name("2.3", 2022) == "Система организации воспитания обучающихся"
    assert V.official_name("2.3", 2021) == "Система организации воспитания и социализации обучающихся"
    assert V.direction("2.3").official[2021][0] == "2.5"  # 2021 numbered it otherwise
    assert V.official_name("1.4", 2030) == V.direction("1.4").title


@pytest.mark.parametrize("heading, cycle, components", [
    ("Трек 1. Система оценки качества подготовки обучающихся (Полный цикл)", "full", 9),
    ("Трек 2. Воспитание (Неполный цикл)", "partial", 3),
    ("НЕПОЛНЫЙ УПРАВЛЕНЧЕСКИЙ ЦИКЛ", "partial", 3),
])
def test_full_and_partial_cycle_headings(heading, cycle, components):
    found = V.cycle_of(heading)
    assert found.id == cycle and len(found.components) == components
    if cycle == "partial":
        assert found.components == ("measures", "decisions", "effectiveness")


def test_plain_heading_names_no_cycle():
    assert V.cycle_of("Цели и задачи") is None


@pytest.mark.parametrize("name, old, new, problem", [
    ("directions.yaml", "    block: 1\n", "    blok: 1\n", "неизвестный ключ «blok»"),
    ("stages.yaml", "    priority: 80\n", "    prority: 80\n", "неизвестный ключ «prority»"),
    ("stages.yaml", "    components: [measures, decisions, effectiveness]", "    components: [measures, decision]",
     "неизвестный этап «decision»"),
])
def test_unknown_keys_refused_with_file_and_line(tmp_path, name, old, new, problem):
    import shutil

    from mumcheck.ruledata import RuleFileError, rules_dir

    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if new.splitlines()[0] in l)
    with pytest.raises(RuleFileError) as info:
        load_vocabulary(str(folder))
    assert str(info.value).startswith(f"{path}:{line}:") and problem in str(info.value)


@pytest.mark.parametrize("heading, stage", [
    ("Цели и зодачи", "goals"),
    ("Анализ эфективности принятых мер", "effectiveness"),
    ("Адрессные рекомендаций по результатам анализа", "recommendations"),
    ("Мероприятя, мерры, управленчиские решения", "measures"),
    ("Контакты", None),
    ("Положение о МСОКО", None),
    ("Новости образования", None),
])
def test_stage_headings_with_typos(heading, stage):
    assert stage_of_heading(heading, V, P) == stage


@pytest.mark.parametrize("text, code", [
    ("Система выявления, поддержки и развития способнстей и таланов у детей", "1.3"),
    ("Система мониторинга качества дошкольнго образования", "2.4"),
    ("Система обеспечения професионального развития педагогческих работников", "2.2"),
])
def test_directions_with_typos(text, code):
    assert V.direction_of(text) == code


def test_typo_fallback_does_not_invent_directions():
    for text in ("Система оплаты труда работников образовательных организаций района",
                 "Муниципальные инструменты управления качеством", "Информация о деятельности управления"):
        assert V.direction_of(text) is None, text
