"""A small interpreter for the rule files: load and validate ``rules/checks.yaml``, evaluate
conditions over a subject's facts, fill message templates."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from mumcheck.model import SEVERITIES, Finding
from mumcheck.ruledata import RuleFileError, line_of, load_yaml, rules_dir

RULES_FILE = "checks.yaml"

# The facts each kind of subject offers to conditions and message templates.
SUBJECT_FACTS: dict[str, dict[str, str]] = {
    "site": {
        "start_url": "адрес, с которого начата проверка",
        "section_url": "адрес страницы раздела (или пусто)",
        "section_found": "раздел найден",
        "section_required": "профиль требует раздел",
        "responsible_found": "найден приказ о назначении ответственного",
        "responsible_required": "профиль требует приказ о назначении ответственного",
        "directions_found": "сколько направлений узнано в разделе",
        "section_documents": "сколько ссылок на документы в разделе",
    },
    "direction": {
        "direction": "код направления (1.1 … 2.4)",
        "title": "название направления",
        "present": "у направления есть вкладка или страница",
        "required": "профиль требует это направление",
        "section_found": "раздел найден",
        "document_count": "число ссылок на документы в направлении",
        "read": "страница или вкладка направления прочитана (нет — видна только ссылка на неё)",
        "structure_read": "в разделе узнано хотя бы одно направление",
        "labels_read": "хотя бы один подзаголовок направления назван этапом цикла",
        "by_content": "число документов, отнесённых к этапам по содержанию (подписи этапа нет)",
        "stages_unfound": "требуемые этапы без документов, через запятую в кавычках",
        "stages_unfound_count": "число требуемых этапов без документов",
    },
    "stage": {
        "direction": "код направления",
        "direction_title": "название направления",
        "direction_present": "у направления есть вкладка или страница",
        "stage": "идентификатор этапа цикла",
        "stage_title": "название подраздела этапа",
        "present": "подраздел этапа есть",
        "state": "missing — нет подраздела, empty — пуст, ok — есть документы",
        "required": "профиль требует этот подраздел в этом направлении",
        "document_count": "число ссылок на документы в подразделе",
        "direction_read": "страница или вкладка направления прочитана",
        "labels_read": "хотя бы один подзаголовок направления назван этапом цикла",
        "by_content": "подраздел подписи не имеет: документы отнесены к нему по содержанию",
    },
    "link": {
        "text": "текст ссылки", "direction": "направление, под которым стоит ссылка",
        "stage": "этап, под которым стоит ссылка",
        "verdict": "ok, dead, skipped, soft404, auth_required, not_document, cloud_storage или tls",
        "status": "HTTP-статус ответа", "error": "причина ошибки по-русски",
        "final_url": "адрес после перенаправлений", "via": "адрес карточки файла, если была",
        "is_html": "по ссылке открылась HTML-страница", "redirects": "число перенаправлений",
        "cloud_service": "облачное хранилище, в которое ведёт ссылка (или пусто)",
        "cloud_item": "папка или файл в облачном хранилище (пусто, если по адресу не понять)",
    },
    "document": {
        "text": "текст ссылки на документ", "direction": "направление", "stage": "этап",
        "kind": "формат документа (pdf, docx …)", "readable": "документ прочитан",
        "supported": "формат читается mumcheck", "is_scan": "скан без текстового слоя",
        "chars": "число символов текста", "pages": "число страниц", "error": "причина, если не прочитан",
        "title": "заголовок документа", "size": "размер в байтах",
        "not_read": "документ не прочитан: формат не читается или нет нужной программы",
        "not_read_reason": "почему не прочитан и как это исправить",
        "doc_kind": "вид документа (order, regulation, analytical_note, recommendations, plan, protocol, report, programme)",
        "doc_date": "дата приказа (ГГГГ-ММ-ДД)", "doc_number": "номер приказа",
    },
    # One subject per document and kind (direction, stage): where its content belongs.
    "placement": {
        "text": "текст ссылки на документ", "kind": "direction — проверка направления, stage — этапа",
        "direction": "направление вкладки, где стоит документ", "stage": "этап подраздела, где стоит документ",
        "direction_title": "название направления вкладки", "stage_title": "название подраздела",
        "best": "направление (код) или этап, к которому документ относится по содержанию",
        "best_title": "название этого направления или подраздела",
        "best_score": "вес признаков лучшего класса", "score_here": "вес признаков класса вкладки",
        "ratio": "во сколько раз лучший класс сильнее класса вкладки (99 — у вкладки признаков нет)",
        "differs": "лучший класс не совпадает с классом вкладки",
        "confidence": "доля лучшего класса в сумме весов (0…1)",
        "expected": "куда перенести: {direction: код} или {stage: этап}",
    },
}
COMMON_FACTS = {"url": "адрес, о котором находка", "page": "страница, на которой стоит ссылка",
                "evidence": "короткое подтверждение (статус, число страниц)"}
OPERATORS = {"not", "in", "lt", "lte", "gt", "gte", "contains", "matches"}
COMBINATORS = {"all", "any", "not"}
_RULE_KEYS = {"id", "severity", "subject", "description", "when", "cases", "message"}


@dataclass(frozen=True)
class Case:
    when: Mapping[str, Any]
    message: str


@dataclass(frozen=True)
class RuleDef:
    id: str
    severity: str
    subject: str
    description: str
    when: Mapping[str, Any]
    cases: tuple[Case, ...]

    def message_for(self, facts: Mapping[str, Any]) -> str | None:
        for case in self.cases:
            if holds(case.when, facts):
                return render(case.message, facts)
        return None


def holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    for key, expected in condition.items():
        if key == "all":
            ok = all(holds(c, facts) for c in expected)
        elif key == "any":
            ok = any(holds(c, facts) for c in expected)
        elif key == "not" and isinstance(expected, Mapping):
            ok = not holds(expected, facts)
        else:
            ok = _matches(facts.get(key), expected)
        if not ok:
            return False
    return True


def _matches(value: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return value in expected
    if isinstance(expected, Mapping):
        return all(_operator(op, value, arg) for op, arg in expected.items())
    return value == expected


def _operator(op: str, value: Any, arg: Any) -> bool:
    if op == "not":
        return not _matches(value, arg)
    if op == "in":
        return value in arg
    if op == "contains":
        return value is not None and str(arg).lower() in str(value).lower()
    if op == "matches":
        return value is not None and re.search(str(arg), str(value), re.I) is not None
    if value is None:
        return False
    return {"lt": value < arg, "lte": value <= arg, "gt": value > arg, "gte": value >= arg}[op]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, facts: Mapping[str, Any]) -> str:
    values = _Blank({k: ("" if v is None else v) for k, v in facts.items()})
    return " ".join(string.Formatter().vformat(template, (), values).split())


# --- loading ---------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def load_rules(directory: str | None = None) -> tuple[RuleDef, ...]:
    raw = load_yaml(RULES_FILE, directory) or {}
    entries = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise RuleFileError(f"{rules_dir(directory) / RULES_FILE}: нужен список «rules:»")
    rules = []
    seen = set()
    for index, entry in enumerate(entries):
        rule = _load_rule(entry, index, directory)
        if rule.id in seen:
            _fail(directory, [index, "id"], f"правило «{rule.id}» описано дважды")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def _fail(directory: str | None, path: list, problem: str) -> None:
    line = line_of(RULES_FILE, ["rules", *path], directory)
    raise RuleFileError(f"{rules_dir(directory) / RULES_FILE}:{line or '?'}: {problem}")


def _load_rule(entry: Any, index: int, directory: str | None) -> RuleDef:
    if not isinstance(entry, dict):
        _fail(directory, [index], "правило должно быть словарём")
    for key in entry:
        if key not in _RULE_KEYS:
            _fail(directory, [index, key], f"неизвестный ключ «{key}»; допустимы: {', '.join(sorted(_RULE_KEYS))}")
    for key in ("id", "severity", "subject", "when"):
        if key not in entry:
            _fail(directory, [index], f"у правила нет обязательного ключа «{key}»")
    if entry["severity"] not in SEVERITIES:
        _fail(directory, [index, "severity"], f"важность «{entry['severity']}» не из {', '.join(SEVERITIES)}")
    subject = entry["subject"]
    if subject not in SUBJECT_FACTS:
        _fail(directory, [index, "subject"], f"неизвестный предмет «{subject}»; допустимы: {', '.join(SUBJECT_FACTS)}")
    facts = set(SUBJECT_FACTS[subject]) | set(COMMON_FACTS)
    _check_condition(entry["when"], facts, directory, [index, "when"])
    cases = []
    if "cases" in entry:
        for case_index, case in enumerate(entry["cases"]):
            if not isinstance(case, dict) or "message" not in case:
                _fail(directory, [index, "cases", case_index], "у варианта нужны ключи when и message")
            _check_condition(case.get("when") or {}, facts, directory, [index, "cases", case_index, "when"])
            _check_template(case["message"], facts, directory, [index, "cases", case_index, "message"])
            cases.append(Case(when=case.get("when") or {}, message=str(case["message"])))
    elif "message" in entry:
        _check_template(entry["message"], facts, directory, [index, "message"])
        cases.append(Case(when={}, message=str(entry["message"])))
    else:
        _fail(directory, [index], "у правила нет ни message, ни cases")
    return RuleDef(id=str(entry["id"]), severity=entry["severity"], subject=subject,
                   description=str(entry.get("description", "")), when=entry["when"] or {}, cases=tuple(cases))


def _check_condition(condition: Any, facts: set[str], directory, path: list) -> None:
    if not isinstance(condition, dict):
        _fail(directory, path, "условие должно быть словарём «факт: значение»")
    for key, value in condition.items():
        if key in ("all", "any"):
            if not isinstance(value, list):
                _fail(directory, path + [key], f"«{key}» ожидает список условий")
            for i, sub in enumerate(value):
                _check_condition(sub, facts, directory, path + [key, i])
        elif key == "not" and isinstance(value, dict) and not set(value) <= OPERATORS:
            _check_condition(value, facts, directory, path + [key])
        elif key not in facts:
            _fail(directory, path + [key], f"неизвестный факт «{key}»; у этого предмета есть: {', '.join(sorted(facts))}")
        elif isinstance(value, dict):
            for op, arg in value.items():
                if op not in OPERATORS:
                    _fail(directory, path + [key, op], f"неизвестный оператор «{op}»; допустимы: {', '.join(sorted(OPERATORS))}")
                if op == "matches":
                    try:
                        re.compile(str(arg))
                    except re.error as exc:
                        _fail(directory, path + [key, op], f"неверное регулярное выражение: {exc}")


def _check_template(template: Any, facts: set[str], directory, path: list) -> None:
    if not isinstance(template, str):
        _fail(directory, path, "сообщение должно быть строкой")
    try:
        parts = [(field, spec, conversion) for _, field, spec, conversion in string.Formatter().parse(template)
                 if field is not None]
    except ValueError as exc:
        _fail(directory, path, f"неверный шаблон сообщения: {exc}")
        return
    if any(spec or conversion for _, spec, conversion in parts):
        _fail(directory, path, "в подстановках сообщения не допускаются формат и преобразование ({факт}, без : и !)")
    names = {field for field, _, _ in parts}
    if "" in names:  # «{}» would need a positional argument when the message is rendered
        _fail(directory, path, "в сообщении пустая подстановка {}: укажите имя факта, например {text}")
    for name in names:
        if name not in facts:
            _fail(directory, path, f"в сообщении неизвестная подстановка {{{name}}}")


# --- evaluation ------------------------------------------------------------------------------
def evaluate(rules: Iterable[RuleDef], subjects: Mapping[str, Iterable[Mapping[str, Any]]],
             ignore: Iterable[str] = (), severity: Mapping[str, str] | None = None) -> list[Finding]:
    ignored = set(ignore)
    regrade = dict(severity or {})
    findings = []
    for rule in rules:
        if _ignored(rule.id, ignored):
            continue
        for facts in subjects.get(rule.subject, ()):
            if not holds(rule.when, facts):
                continue
            message = rule.message_for(facts)
            if message is None:
                continue
            findings.append(Finding(
                rule=rule.id, severity=regrade.get(rule.id, rule.severity), message=message,
                url=facts.get("url"), page=facts.get("page"), direction=facts.get("direction"),
                stage=facts.get("stage"), expected=facts.get("expected"), evidence=facts.get("evidence"),
            ))
    return findings


def _ignored(rule_id: str, ignored: set[str]) -> bool:
    # «link» silences every link.* rule, «link.dead» just that one.
    return rule_id in ignored or any(rule_id.startswith(prefix + ".") for prefix in ignored)
