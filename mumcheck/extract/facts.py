"""Facts besides text: document kind, order date and number, years covered, signature marks.

The kind patterns and signature phrases are data, in rules/documents.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MONTHS = {"января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
          "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12}
ORDER_HEAD_CHARS = 800  # the date and number of the document itself stand at its top

_NUMBER = r"№\s*['‘’`]?\s*(?P<number>[0-9][\w./-]*(?:\s?-\s?[А-ЯЁA-Z]{1,4}\b)?)"
_NUMERIC_DATE = re.compile(r"(?:\bот\s+)?[«\"]?(?P<day>\d{1,2})[»\"]?\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d\d)\s*"
                           r"(?:г\.?|года)?\s*" + _NUMBER)
_WORDY_DATE = re.compile(r"[«\"]?(?P<day>\d{1,2})[»\"]?\s+(?P<month>" + "|".join(MONTHS) + r")\s+"
                         r"(?P<year>(?:19|20)\d\d)\s*(?:г\.?|года)?\s*" + _NUMBER, re.IGNORECASE)
_RANGE = re.compile(r"(?P<a>20\d\d)\s*(?:[-–—/]|\s+-\s+)\s*(?P<b>20\d\d)\s*(?:гг\.?|годы|годов|год\w*|учебн\w+\s+год\w*|уч\.\s*г)",
                    re.IGNORECASE)
_SINGLE = re.compile(r"\b(?:за|на|в)\s+(?P<a>20\d\d)\s*(?:г\.|год\w*)", re.IGNORECASE)
_INITIALS = re.compile(r"[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.")


@dataclass(frozen=True)
class KindPattern:
    id: str
    label: str
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class DocumentVocabulary:
    head_chars: int
    kinds: tuple[KindPattern, ...]
    tail_chars: int
    positions: re.Pattern
    electronic: tuple[re.Pattern, ...]


@functools.lru_cache(maxsize=4)
def load_document_vocabulary(directory: str | None = None) -> DocumentVocabulary:
    from mumcheck.ruledata import load_yaml

    data = load_yaml("documents.yaml", directory) or {}
    kinds = tuple(KindPattern(item["id"], item["label"],
                              tuple(re.compile(p, re.MULTILINE) for p in item["patterns"]))
                  for item in data.get("kinds", []))
    signature = data.get("signature", {})
    return DocumentVocabulary(
        head_chars=int(data.get("head_chars", 1500)), kinds=kinds,
        tail_chars=int(signature.get("tail_chars", 2000)),
        positions=re.compile(signature.get("signer_positions", r"$^")),
        electronic=tuple(re.compile(p) for p in signature.get("electronic", [])))


def document_facts(text: str, title: str | None = None, vocabulary: DocumentVocabulary | None = None) -> dict:
    """A dict for ``Extraction.meta``: only the facts that were found."""
    vocabulary = vocabulary or load_document_vocabulary()
    head = text[:vocabulary.head_chars]
    facts: dict = {}
    kind = document_kind(head, vocabulary)
    if kind:
        facts["doc_kind"], facts["doc_kind_label"] = kind.id, kind.label
    date, number = order_date_and_number(text[:ORDER_HEAD_CHARS])
    if date:
        facts["doc_date"] = date
    if number:
        facts["doc_number"] = number
    years = years_covered(f"{title or ''}\n{head}")
    if years:
        facts["years"] = years
    facts.update(signature_marks(text[-vocabulary.tail_chars:], vocabulary))
    return facts


def document_kind(head: str, vocabulary: DocumentVocabulary) -> KindPattern | None:
    best: tuple[int, int, KindPattern] | None = None
    for order, kind in enumerate(vocabulary.kinds):
        for pattern in kind.patterns:
            match = pattern.search(head)
            if match and (best is None or (match.start(), order) < best[:2]):
                best = (match.start(), order, kind)
    return best[2] if best else None


def order_date_and_number(head: str) -> tuple[str | None, str | None]:
    """«от 01.07.2022 № 369-Д» → ('2022-07-01', '369-Д'); the first date-and-number in the head."""
    candidates = [m for m in (_NUMERIC_DATE.search(head), _WORDY_DATE.search(head)) if m]
    if not candidates:
        return None, None
    match = min(candidates, key=lambda m: m.start())
    month = match.group("month")
    month = int(month) if month.isdigit() else MONTHS[month.lower()]
    day = int(match.group("day"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None, match.group("number")
    number = re.sub(r"\s*-\s*", "-", match.group("number")).rstrip(".")
    return f"{match.group('year')}-{month:02d}-{day:02d}", number


def years_covered(head: str) -> list[int]:
    years: set[int] = set()
    for match in _RANGE.finditer(head):
        first, last = int(match.group("a")), int(match.group("b"))
        if 0 <= last - first <= 10:
            years.update(range(first, last + 1))
    for match in _SINGLE.finditer(head):
        years.add(int(match.group("a")))
    return sorted(years)


def signature_marks(tail: str, vocabulary: DocumentVocabulary) -> dict:
    marks: dict = {}
    if any(pattern.search(tail) for pattern in vocabulary.electronic):
        marks["signed_electronically"] = True
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    for index in range(len(lines) - 1, -1, -1):
        if vocabulary.positions.search(lines[index]):
            window = " ".join(lines[index:index + 4])
            name = _INITIALS.search(window)
            signer = (window[:name.end()] if name else lines[index]).replace("|", " ")  # antiword's table bars
            marks["signer"] = re.sub(r"\s+", " ", signer).strip()[:200]
            break
    return marks
