"""The rule interpreter: conditions, message templates, evaluation and rule-file validation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mumcheck.model import SEVERITIES
from mumcheck.ruledata import RuleFileError, rules_dir
from mumcheck.rules.engine import RULES_FILE, evaluate, holds, load_rules, render

CONTRACT_RULE_IDS = {
    "structure.section_missing", "structure.direction_missing", "structure.stage_missing",
    "structure.responsible_missing", "link.dead", "link.soft404", "link.auth_required", "link.not_document",
    "link.cloud_storage", "doc.no_text", "doc.unreadable", "placement.wrong_direction", "placement.wrong_stage",
    "link.tls",  # issue 4: certificate problems are a warning of their own, not link.dead
    "doc.not_read",  # issue 5: a format not read (RAR, 7z) or DOC without antiword/catdoc: info
    # issue 12: a direction whose labels name no stage (one warning instead of six stage_missing),
    # and a direction whose page did not open (its stages are not judged)
    "structure.stages_unrecognised", "structure.direction_unread", "structure.unreadable",
}


# --- holds ------------------------------------------------------------------------------------
class TestHolds:
    def test_empty_condition_holds(self):
        assert holds({}, {"x": 1})

    def test_scalar_equality(self):
        assert holds({"verdict": "dead"}, {"verdict": "dead"})
        assert not holds({"verdict": "dead"}, {"verdict": "ok"})
        assert holds({"is_scan": True}, {"is_scan": True})
        assert not holds({"is_scan": True}, {"is_scan": False})

    def test_all_keys_must_hold(self):
        facts = {"a": 1, "b": 2}
        assert holds({"a": 1, "b": 2}, facts)
        assert not holds({"a": 1, "b": 3}, facts)

    def test_missing_fact_is_none(self):
        assert holds({"absent": None}, {})
        assert not holds({"absent": 0}, {})

    def test_list_means_one_of(self):
        assert holds({"state": ["missing", "empty"]}, {"state": "empty"})
        assert holds({"state": ["missing", "empty"]}, {"state": "missing"})
        assert not holds({"state": ["missing", "empty"]}, {"state": "ok"})

    def test_not_operator(self):
        assert holds({"verdict": {"not": "ok"}}, {"verdict": "dead"})
        assert not holds({"verdict": {"not": "ok"}}, {"verdict": "ok"})
        # not with a list: none of
        assert holds({"state": {"not": ["missing", "empty"]}}, {"state": "ok"})
        assert not holds({"state": {"not": ["missing", "empty"]}}, {"state": "empty"})

    def test_in_operator(self):
        assert holds({"status": {"in": [401, 403]}}, {"status": 403})
        assert not holds({"status": {"in": [401, 403]}}, {"status": 404})

    @pytest.mark.parametrize("op,arg,value,expected", [
        ("lt", 400, 399, True), ("lt", 400, 400, False),
        ("lte", 400, 400, True), ("lte", 400, 401, False),
        ("gt", 0, 1, True), ("gt", 0, 0, False),
        ("gte", 400, 400, True), ("gte", 400, 399, False),
    ])
    def test_comparisons(self, op, arg, value, expected):
        assert holds({"status": {op: arg}}, {"status": value}) is expected

    @pytest.mark.parametrize("op", ["lt", "lte", "gt", "gte"])
    def test_comparison_with_missing_value_is_false(self, op):
        assert not holds({"status": {op: 400}}, {"status": None})
        assert not holds({"status": {op: 400}}, {})

    def test_range_with_two_operators(self):
        condition = {"status": {"gte": 400, "lt": 500}}
        assert holds(condition, {"status": 404})
        assert not holds(condition, {"status": 500})
        assert not holds(condition, {"status": 399})

    def test_contains_is_case_insensitive(self):
        assert holds({"text": {"contains": "ПРИКАЗ"}}, {"text": "Скачать приказ № 5"})
        assert not holds({"text": {"contains": "план"}}, {"text": "Скачать приказ № 5"})
        assert not holds({"text": {"contains": "x"}}, {"text": None})

    def test_matches_is_a_case_insensitive_search(self):
        assert holds({"url": {"matches": r"disk\.yandex"}}, {"url": "https://DISK.YANDEX.ru/d/abc"})
        assert holds({"text": {"matches": r"^приказ"}}, {"text": "Приказ № 5"})
        assert not holds({"text": {"matches": r"^приказ"}}, {"text": "Это приказ"})
        assert not holds({"text": {"matches": "."}}, {"text": None})

    def test_all_combinator(self):
        condition = {"all": [{"a": 1}, {"b": {"gt": 1}}]}
        assert holds(condition, {"a": 1, "b": 2})
        assert not holds(condition, {"a": 1, "b": 1})

    def test_any_combinator(self):
        condition = {"any": [{"is_scan": True}, {"readable": True, "chars": 0}]}
        assert holds(condition, {"is_scan": True, "readable": True, "chars": 100})
        assert holds(condition, {"is_scan": False, "readable": True, "chars": 0})
        assert not holds(condition, {"is_scan": False, "readable": True, "chars": 100})
        assert not holds({"any": []}, {})

    def test_not_combinator(self):
        condition = {"not": {"verdict": "ok", "is_html": False}}
        assert holds(condition, {"verdict": "ok", "is_html": True})
        assert not holds(condition, {"verdict": "ok", "is_html": False})

    def test_nested_combinators_with_other_keys(self):
        condition = {"verdict": "ok", "any": [{"status": {"in": [401, 403]}}, {"not": {"final_url": None}}]}
        assert holds(condition, {"verdict": "ok", "status": 200, "final_url": "https://x/login"})
        assert holds(condition, {"verdict": "ok", "status": 403, "final_url": None})
        assert not holds(condition, {"verdict": "ok", "status": 200, "final_url": None})
        assert not holds(condition, {"verdict": "dead", "status": 403, "final_url": None})


# --- render -----------------------------------------------------------------------------------
class TestRender:
    def test_fills_placeholders(self):
        assert render("Ссылка «{text}» ({error})", {"text": "План", "error": "HTTP 404"}) == "Ссылка «План» (HTTP 404)"

    def test_missing_and_none_become_empty(self):
        assert render("a{missing}b", {}) == "ab"
        assert render("a {x} b", {"x": None}) == "a b"

    def test_whitespace_collapsed(self):
        # folded YAML messages and empty placeholders leave runs of spaces and newlines
        assert render("  Нет  {x}\n подраздела  ", {"x": ""}) == "Нет подраздела"

    def test_numbers(self):
        assert render("{pages} стр.", {"pages": 3}) == "3 стр."


# --- evaluate ---------------------------------------------------------------------------------
DEAD_LINK = {"text": "План", "verdict": "dead", "status": 404, "error": "HTTP 404", "url": "https://a.ru/p.pdf",
             "page": "https://a.ru/mum/", "direction": "1.3", "stage": "goals", "evidence": "HTTP 404"}
OK_LINK = {**DEAD_LINK, "verdict": "ok", "status": 200, "url": "https://a.ru/ok.pdf"}


class TestEvaluate:
    def test_fires_with_facts_copied_to_finding(self):
        findings = evaluate(load_rules(), {"link": [DEAD_LINK, OK_LINK]})
        assert len(findings) == 1
        f = findings[0]
        assert f.rule == "link.dead"
        assert f.severity == "error"
        assert (f.url, f.page, f.direction, f.stage, f.evidence) == (
            DEAD_LINK["url"], DEAD_LINK["page"], "1.3", "goals", "HTTP 404")
        assert "«План»" in f.message and "HTTP 404" in f.message
        assert f.expected is None

    def test_ignore_by_id(self):
        assert evaluate(load_rules(), {"link": [DEAD_LINK]}, ignore=["link.dead"]) == []

    def test_ignore_by_group_prefix(self):
        assert evaluate(load_rules(), {"link": [DEAD_LINK]}, ignore=["link"]) == []

    def test_ignore_other_group_or_partial_word_does_not_silence(self):
        for ignore in (["doc"], ["lin"], ["link.dea"], ["structure.stage_missing"]):
            assert [f.rule for f in evaluate(load_rules(), {"link": [DEAD_LINK]}, ignore=ignore)] == ["link.dead"], ignore

    def test_severity_regrade(self):
        findings = evaluate(load_rules(), {"link": [DEAD_LINK]}, severity={"link.dead": "info"})
        assert [(f.rule, f.severity) for f in findings] == [("link.dead", "info")]
        # a regrade of another rule leaves this one alone
        findings = evaluate(load_rules(), {"link": [DEAD_LINK]}, severity={"doc.no_text": "error"})
        assert findings[0].severity == "error"

    def test_cases_choose_message(self):
        base = {"direction": "1.3", "direction_present": True, "direction_read": True, "labels_read": True,
                "required": True, "stage": "goals",
                "stage_title": "Цели и задачи", "url": None, "page": None}
        missing = evaluate(load_rules(), {"stage": [{**base, "state": "missing", "present": False}]})
        empty = evaluate(load_rules(), {"stage": [{**base, "state": "empty", "present": True}]})
        ok = evaluate(load_rules(), {"stage": [{**base, "state": "ok", "present": True}]})
        assert [f.rule for f in missing] == [[f.rule for f in empty][0]] == ["structure.stage_missing"]
        assert missing[0].message != empty[0].message
        assert "«Цели и задачи»" in missing[0].message and "1.3" in missing[0].message
        assert ok == []

    def test_subject_kinds_do_not_mix(self):
        # link facts given as documents fire nothing
        assert evaluate(load_rules(), {"document": [DEAD_LINK]}) == []


# --- load_rules -------------------------------------------------------------------------------
def test_real_rules_load():
    rules = load_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    assert set(ids) <= CONTRACT_RULE_IDS
    assert {"structure.section_missing", "structure.direction_missing", "structure.stage_missing",
            "structure.responsible_missing", "link.dead", "doc.no_text", "doc.unreadable"} <= set(ids)
    for rule in rules:
        assert rule.severity in SEVERITIES
        assert rule.cases
        for case in rule.cases:
            assert re.search(r"[А-Яа-яЁё]{4,}", case.message), rule.id


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


def _corrupt(tmp_path: Path, old: str, new: str) -> tuple[str, Path]:
    """A copy of the real rules with the first ``old`` in checks.yaml replaced by ``new``."""
    folder = _copy_rules(tmp_path)
    path = folder / RULES_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the real checks.yaml changed: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(folder), path


def _line_of(path: Path, needle: str) -> int:
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} found on lines {lines}"
    return lines[0]


def _error(folder: str) -> str:
    with pytest.raises(RuleFileError) as info:
        load_rules(folder)
    return str(info.value)


def _assert_names(message: str, path: Path, line: int) -> None:
    assert message.startswith(f"{path}:{line}: "), message


def test_unknown_key(tmp_path):
    folder, path = _corrupt(tmp_path, "    description: В разделе нет вкладки",
                            "    descripton: В разделе нет вкладки")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "descripton:"))
    assert "неизвестный ключ «descripton»" in message
    assert "description" in message  # the allowed keys are listed


def test_unknown_subject(tmp_path):
    folder, path = _corrupt(tmp_path, "    subject: direction\n", "    subject: region\n")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "subject: region"))
    assert "неизвестный предмет «region»" in message
    assert "direction" in message and "document" in message


def test_unknown_fact_nested_in_any(tmp_path):
    folder, path = _corrupt(tmp_path, "        - {is_scan: true}", "        - {is_scanned: true}")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "is_scanned"))
    assert "неизвестный факт «is_scanned»" in message
    assert "is_scan" in message  # the subject's facts are listed


def test_unknown_fact_in_flow_when(tmp_path):
    folder, path = _corrupt(tmp_path, "when: {verdict: dead}", "when: {verdikt: dead}")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "verdikt"))
    assert "«verdikt»" in message


def test_unknown_operator(tmp_path):
    folder, path = _corrupt(tmp_path, "    when: {verdict: dead}\n",
                            "    when:\n      verdict: dead\n      status:\n        between: [400, 599]\n")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "between:"))
    assert "неизвестный оператор «between»" in message
    assert "matches" in message


def test_bad_regex(tmp_path):
    folder, path = _corrupt(tmp_path, "    when: {verdict: dead}\n",
                            "    when:\n      verdict: dead\n      text: {matches: 'скан(ы'}\n")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "скан(ы"))
    assert "неверное регулярное выражение" in message


def test_unknown_placeholder_in_case_message(tmp_path):
    folder, path = _corrupt(tmp_path, "В направлении {direction} нет подраздела «{stage_title}»",
                            "В направлении {direction} нет подраздела «{stage_name}»")
    message = _error(folder)
    line = _line_of(path, "{stage_name}") - 1  # the folded scalar starts on the «message: >-» line
    assert "message: >-" in path.read_text(encoding="utf-8").splitlines()[line - 1]
    _assert_names(message, path, line)
    assert "{stage_name}" in message


def test_unknown_placeholder_in_rule_message(tmp_path):
    folder, path = _corrupt(tmp_path, "Ссылка «{text}» не открывается", "Ссылка «{link_text}» не открывается")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "{link_text}") - 1)
    assert "{link_text}" in message


def test_empty_placeholder_is_rejected(tmp_path):
    # «{}» would need a positional argument when the message is rendered
    folder, path = _corrupt(tmp_path, "Ссылка «{text}» не открывается", "Ссылка «{}» не открывается")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "«{}»") - 1)
    assert "пустая подстановка" in message


def test_bad_severity(tmp_path):
    folder, path = _corrupt(tmp_path, "    severity: warning\n", "    severity: fatal\n")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "severity: fatal"))
    assert "«fatal»" in message and "error, warning, info" in message


def test_duplicate_id(tmp_path):
    folder, path = _corrupt(tmp_path, "  - id: link.dead\n", "  - id: structure.stage_missing\n")
    message = _error(folder)
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "id: structure.stage_missing" in line]
    assert len(lines) == 2
    _assert_names(message, path, lines[1])  # the second definition is the one at fault
    assert "«structure.stage_missing» описано дважды" in message


def test_missing_required_key(tmp_path):
    folder, path = _corrupt(tmp_path, "    subject: link\n", "")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "id: link.dead"))
    assert "«subject»" in message


def test_yaml_syntax_error(tmp_path):
    folder, path = _corrupt(tmp_path, "    severity: error\n    subject: link\n",
                            "    severity: error\n   subject: link  # mis-indented\n")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "subject: link  # mis-indented"))
    assert "ошибка YAML" in message


def test_rules_not_a_list(tmp_path):
    folder = _copy_rules(tmp_path)
    (folder / RULES_FILE).write_text("rules: {}\n", encoding="utf-8")
    message = _error(str(folder))
    assert str(folder / RULES_FILE) in message and "rules:" in message


def test_missing_rules_file(tmp_path):
    folder = _copy_rules(tmp_path)
    (folder / RULES_FILE).unlink()
    message = _error(str(folder))
    assert str(folder / RULES_FILE) in message and "не читается" in message


def test_valid_copy_loads_the_same_rules(tmp_path):
    folder = _copy_rules(tmp_path)
    assert [r.id for r in load_rules(str(folder))] == [r.id for r in load_rules()]


def test_unknown_key_with_block_value_points_at_the_key(tmp_path):
    folder, path = _corrupt(tmp_path, "    cases:\n      - when: {state: missing}",
                            "    variants:\n      - when: {state: missing}")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "variants:"))
    assert "неизвестный ключ «variants»" in message


def test_unknown_fact_with_block_value_points_at_the_fact(tmp_path):
    folder, path = _corrupt(tmp_path, "    when: {verdict: dead}\n",
                            "    when:\n      verdict: dead\n      http_status:\n        gte: 400\n")
    message = _error(folder)
    _assert_names(message, path, _line_of(path, "http_status:"))
    assert "неизвестный факт «http_status»" in message


def test_format_specs_in_messages_are_refused_at_load(tmp_path):
    import shutil

    from mumcheck.ruledata import RuleFileError
    from mumcheck.rules.engine import load_rules
    from tests.conftest import REPO

    target = tmp_path / "rules"
    shutil.copytree(REPO / "rules", target)
    checks = target / "checks.yaml"
    checks.write_text(checks.read_text(encoding="utf-8").replace("({error})", "({error!r})"), encoding="utf-8")
    with pytest.raises(RuleFileError, match="формат и преобразование"):
        load_rules(str(target))
