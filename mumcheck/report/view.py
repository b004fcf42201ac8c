"""What every renderer reads off the report dict: the state of each stage, comments on documents,
Russian names. Works from the dict alone (a stored run is that dict, read back from JSON)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

ZONE_NAMES = {"red": "красная", "orange": "оранжевая", "yellow": "жёлтая", "green": "зелёная"}
SEVERITY_NAMES = {"error": "ОШИБКА", "warning": "ВНИМАНИЕ", "info": "СВЕДЕНИЯ"}
SEVERITIES = ("error", "warning", "info")
# Contract's short names, for directions a run did not see at all (section not found).
DIRECTION_TITLES = {
    "1.1": "Система оценки качества подготовки обучающихся",
    "1.2": "Система работы со школами с низкими результатами обучения и/или школами, функционирующими "
           "в неблагоприятных социальных условиях",
    "1.3": "Система выявления, поддержки и развития способностей и талантов у детей и молодежи",
    "1.4": "Система работы по самоопределению и профессиональной ориентации обучающихся",
    "2.1": "Система мониторинга эффективности руководителей всех образовательных организаций",
    "2.2": "Система обеспечения профессионального развития педагогических работников",
    "2.3": "Система организации воспитания обучающихся",
    "2.4": "Система мониторинга качества дошкольного образования",
}
BLOCK_TITLES = {
    "1": "Механизмы управления качеством образовательных результатов",
    "2": "Механизмы управления качеством образовательной деятельности",
}

# States of a stage (a cell of the matrix), worst first.
STATES = ("missing", "empty", "broken", "misplaced", "scan", "ok")
STATE_NAMES = {
    "ok": "есть документы", "missing": "подраздела нет", "empty": "нет документов, которые засчитают",
    "broken": "битая ссылка или нечитаемый документ", "misplaced": "документ не в той вкладке",
    "scan": "скан без текста",
}
DOC_COMMENTS = {
    "dead": "НЕ ОТКРЫВАЕТСЯ", "unreadable": "НЕ ЧИТАЕТСЯ: файл повреждён, зашифрован или слишком велик",
    "soft404": "НЕ ОТКРЫВАЕТСЯ: сайт отвечает «страница не найдена»",
    "auth_required": "НЕ ОТКРЫВАЕТСЯ: требуется вход на сайт",
    "not_document": "ВМЕСТО ДОКУМЕНТА открывается веб-страница",
    "cloud_storage": "ссылка на облачное хранилище, а не на файл на сайте",
    "tls": "браузер может не доверять сертификату сайта",
    "no_text": "скан без текстового слоя", "page": "HTML-страница, а не документ",
    "unchecked": "не проверялась", "skipped": "не проверялась (запрещено robots.txt)",
}
# Link states after which an expert cannot open the document.
BROKEN_STATUSES = frozenset({"dead", "unreadable", "soft404", "auth_required", "not_document", "cloud_storage", "tls"})


def stage_titles(report: Mapping[str, Any]) -> dict[str, str]:
    return dict(report.get("profile", {}).get("stages", {}))


def misplaced(report: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """URL → the placement finding that says the document belongs elsewhere."""
    return {f["url"]: f for f in report["findings"] if f["rule"].startswith("placement.") and f.get("url")}


def directions(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every direction the report knows, in order: those the site showed, then those it only scored."""
    shown = [dict(d) for d in report["directions"]]
    codes = {d["code"] for d in shown}
    for code in report["score"].get("directions", {}):
        if code not in codes:
            shown.append({"code": code, "title": DIRECTION_TITLES.get(code, ""), "url": None, "present": False,
                          "stages": []})
    return sorted(shown, key=lambda d: tuple(int(p) if p.isdigit() else 0 for p in d["code"].split(".")))


def direction_title(report: Mapping[str, Any], code: str | None) -> str:
    for d in directions(report):
        if d["code"] == code:
            return d["title"] or DIRECTION_TITLES.get(code, "")
    return DIRECTION_TITLES.get(code or "", "")


def document_state(doc: Mapping[str, Any], wrong_place: Mapping[str, Any]) -> str:
    if doc["status"] in BROKEN_STATUSES:
        return "broken"
    if doc["url"] in wrong_place:
        return "misplaced"
    if doc["status"] == "no_text":
        return "scan"
    return "ok" if doc["status"] == "ok" else "empty"


def stage_state(stage: Mapping[str, Any] | None, wrong_place: Mapping[str, Any]) -> str:
    """The worst state among a stage's documents; «empty» when none of them would count."""
    if stage is None or not stage.get("present", True):
        return "missing"
    states = {document_state(d, wrong_place) for d in stage["documents"]}
    if not states:
        return "empty"
    for state in ("broken", "misplaced", "scan"):
        if state in states:
            return state
    return "ok" if "ok" in states else "empty"


def stage_cells(report: Mapping[str, Any], direction: Mapping[str, Any]) -> Iterator[tuple[str, dict | None]]:
    """(stage id, stage dict or None) for every stage of the profile, in its order."""
    by_id = {s["stage"]: s for s in direction.get("stages", [])} if direction.get("present") else {}
    for stage_id in stage_titles(report):
        yield stage_id, by_id.get(stage_id)


def document_comment(doc: Mapping[str, Any], wrong_place: Mapping[str, Any],
                     titles: Mapping[str, str] | None = None) -> str:
    """A short Russian comment on a document, as a coordinator would write it in the ФИОКО form."""
    parts = [doc.get("title") or ""]
    if doc["status"] in DOC_COMMENTS:
        note = DOC_COMMENTS[doc["status"]]
        if doc["status"] == "dead" and doc.get("http_status"):
            note += f" (HTTP {doc['http_status']})"
        parts.append(note)
    finding = wrong_place.get(doc["url"])
    if finding is not None:
        parts.append("ДРУГАЯ ВКЛАДКА: " + expected_text(finding, titles))
    return " — ".join(p for p in parts if p)


def expected_text(finding: Mapping[str, Any], titles: Mapping[str, str] | None = None) -> str:
    expected = finding.get("expected") or {}
    if expected.get("direction"):
        return f"по содержанию относится к направлению {expected['direction']}"
    if expected.get("stage"):
        return f"по содержанию относится к этапу «{(titles or {}).get(expected['stage'], expected['stage'])}»"
    return "по содержанию относится к другой вкладке"


def counts(findings: list[Mapping[str, Any]]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES}


def grouped_findings(report: Mapping[str, Any]) -> list[tuple[str | None, list[Mapping[str, Any]]]]:
    """Findings by direction: the section as a whole first, then 1.1 … 2.4; errors first in each."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    groups: dict[str | None, list] = {}
    for finding in report["findings"]:
        groups.setdefault(finding.get("direction"), []).append(finding)
    keys = sorted(groups, key=lambda k: (k is not None, k or ""))
    return [(k, sorted(groups[k], key=lambda f: order.get(f["severity"], 9))) for k in keys]


def fmt_points(value: float) -> str:
    """Points the Russian way: «4,17», «25»."""
    return f"{value:g}".replace(".", ",")
