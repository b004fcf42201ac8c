"""Which direction and which cycle component a document serves, judged by its content.

Cue phrases with weights come from ``rules/directions.yaml`` and ``rules/stages.yaml``
(``document_cues``). Text and phrases are compared word by word after Russian Snowball stemming,
so «адресные рекомендации» matches «адресных рекомендаций». Where a phrase stands matters: the
link text, the title and the opening of the document weigh most (``document_zones``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping

import snowballstemmer

from mumcheck.ruledata import RuleFileError, line_of, load_yaml, rules_dir

_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+")
ABBREVIATION_MARK = "§"
_STEMMER = snowballstemmer.stemmer("russian")
_CUE_KEYS = {"phrase", "weight"}
_ZONE_NAMES = ("head", "first_page", "rest")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # Snowball, not pymorphy3 lemmas: measured on the tuning corpus, lemmas lost recall (direction
    # 0.937 → 0.912) and on the blind one stage precision (0.835 → 0.809); the one real fault of
    # stemming, abbreviations folding into prepositions («ДОО» → «до»), is handled in stems_of.
    return _STEMMER.stemWord(word)


def stems_of(text: str, abbreviations: frozenset[str] = frozenset()) -> list[str]:
    """Words of a text as stems; an abbreviation of the cue book written in capitals («ДОО»,
    «ВсОШ») stays a token of its own, so that «ДОО» is never the preposition «до»."""
    found = []
    for word in _WORD.findall(text or ""):
        if abbreviations and _abbreviated(word):
            upper = word.upper().replace("Ё", "Е")
            if upper in abbreviations:
                found.append(ABBREVIATION_MARK + upper)
                continue
        found.append(stem(word.lower().replace("ё", "е")))
    return found


def _abbreviated(word: str) -> bool:
    """Written as an abbreviation: two or more letters, all capitals or a capital inside (ВсОШ)."""
    return len(word) >= 2 and (word.isupper() or any(char.isupper() for char in word[1:]))


def cue_stems(phrase: str) -> tuple[str, ...]:
    """A cue phrase as stems; its words written in capitals are abbreviations, matched only as
    the same abbreviation in capitals."""
    return tuple(ABBREVIATION_MARK + word.upper().replace("Ё", "Е") if _abbreviated(word) and not word.isdigit()
                 else stem(word.lower().replace("ё", "е")) for word in _WORD.findall(phrase))


@dataclass(frozen=True)
class Cue:
    phrase: str
    stems: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Zone:
    weight: float
    cap: int


@dataclass(frozen=True)
class CueBook:
    """Cue phrases per direction code and per cycle component, and how zones are weighed."""

    directions: dict[str, tuple[Cue, ...]]
    components: dict[str, tuple[Cue, ...]]
    zones: dict[str, Zone]
    abbreviations: frozenset[str] = frozenset()  # cue words written in capitals («ДОО», «ВСОШ»)
    head_chars: int = 400
    first_page_chars: int = 2500
    max_chars: int = 40000


@dataclass(frozen=True)
class ContentClass:
    """Scores of one document per direction and per cycle component, with the phrases found."""

    directions: dict[str, float]
    components: dict[str, float]
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class key → phrases, best first

    def best_direction(self) -> str | None:
        return _best(self.directions)

    def best_component(self) -> str | None:
        return _best(self.components)

    def stage_scores(self, covers: Mapping[str, Iterable[str]]) -> dict[str, float]:
        """Scores of a profile's subsections: each is as strong as the best component it covers."""
        return {stage: max((self.components.get(c, 0.0) for c in comps), default=0.0)
                for stage, comps in covers.items()}

    def confidence(self, scores: Mapping[str, float]) -> float:
        """Share of the best class in the total (0 … 1); 0 when nothing was found."""
        total = sum(scores.values())
        return round(max(scores.values()) / total, 2) if total else 0.0


def _best(scores: Mapping[str, float]) -> str | None:
    if not scores or max(scores.values()) <= 0:
        return None
    return max(scores, key=lambda key: (scores[key], -list(scores).index(key)))


def classify_document(text: str, book: CueBook, title: str | None = None, link_text: str | None = None) -> ContentClass:
    counts = {name: _phrase_counts(words, _first_stems(book)) for name, words in
              _zone_stems(text or "", title, link_text, book).items()}
    found = set().union(*counts.values())
    evidence: dict[str, tuple[str, ...]] = {}
    directions = {code: _score(cues, counts, found, book, evidence, f"direction:{code}")
                  for code, cues in book.directions.items()}
    components = {comp: _score(cues, counts, found, book, evidence, f"stage:{comp}")
                  for comp, cues in book.components.items()}
    return ContentClass(directions=directions, components=components, evidence=evidence)


def _zone_stems(text: str, title: str | None, link_text: str | None, book: CueBook) -> dict[str, list[str]]:
    text = text[: book.max_chars]
    head = " . ".join(part for part in (link_text, title, text[: book.head_chars]) if part)
    abbreviations = book.abbreviations
    return {"head": stems_of(head, abbreviations),
            "first_page": stems_of(text[book.head_chars: book.first_page_chars], abbreviations),
            "rest": stems_of(text[book.first_page_chars:], abbreviations)}


_FIRST_STEMS: dict[int, tuple[CueBook, dict[str, tuple[tuple[str, ...], ...]]]] = {}


def _first_stems(book: CueBook) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every cue phrase of the book under its first stem: one pass over a text finds them all."""
    cached = _FIRST_STEMS.get(id(book))
    if cached is not None and cached[0] is book:
        return cached[1]
    phrases: dict[str, set[tuple[str, ...]]] = {}
    for cues in (*book.directions.values(), *book.components.values()):
        for cue in cues:
            phrases.setdefault(cue.stems[0], set()).add(cue.stems)
    index = {first: tuple(sorted(group)) for first, group in phrases.items()}
    _FIRST_STEMS[id(book)] = (book, index)
    return index


def _phrase_counts(words: list[str], by_first: dict[str, tuple[tuple[str, ...], ...]]) -> dict[tuple[str, ...], int]:
    """How often each cue phrase occurs in the words (overlapping occurrences count)."""
    counts: dict[tuple[str, ...], int] = {}
    for i, word in enumerate(words):
        for phrase in by_first.get(word, ()):
            if len(phrase) == 1 or tuple(words[i:i + len(phrase)]) == phrase:
                counts[phrase] = counts.get(phrase, 0) + 1
    return counts


def _score(cues: tuple[Cue, ...], counts: dict[str, dict[tuple[str, ...], int]], found: set, book: CueBook,
           evidence: dict, key: str) -> float:
    total = 0.0
    matched: list[tuple[float, str]] = []
    for cue in cues:
        if cue.stems not in found:
            continue
        points = 0.0
        for name in _ZONE_NAMES:
            zone = book.zones[name]
            points += cue.weight * zone.weight * min(counts[name].get(cue.stems, 0), zone.cap)
        if points:
            total += points
            matched.append((points, cue.phrase))
    evidence[key] = tuple(phrase for _, phrase in sorted(matched, key=lambda item: -item[0]))
    return round(total, 2)


# --- loading ---------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def load_cues(directory: str | None = None) -> CueBook:
    directions_doc = load_yaml("directions.yaml", directory) or {}
    stages_doc = load_yaml("stages.yaml", directory) or {}
    directions = {
        str(d["code"]): _cues(d.get("document_cues"), "directions.yaml", ["directions", i, "document_cues"], directory)
        for i, d in enumerate(directions_doc.get("directions", []))
    }
    components = {
        str(s["id"]): _cues(s.get("document_cues"), "stages.yaml", ["stages", i, "document_cues"], directory)
        for i, s in enumerate(stages_doc.get("stages", []))
    }
    raw_zones = stages_doc.get("document_zones") or {}
    zones = {}
    for name in _ZONE_NAMES:
        zone = raw_zones.get(name) or {}
        if not isinstance(zone, dict) or not set(zone) <= {"weight", "cap"}:
            _fail("stages.yaml", ["document_zones", name], "зона описывается ключами weight и cap", directory)
        zones[name] = Zone(weight=_number(zone.get("weight", 1), "stages.yaml", ["document_zones", name], directory),
                           cap=int(_number(zone.get("cap", 3), "stages.yaml", ["document_zones", name], directory)))
    limits = {key: int(_number(raw_zones.get(key, default), "stages.yaml", ["document_zones", key], directory))
              for key, default in (("head_chars", 400), ("first_page_chars", 2500), ("max_chars", 40000))}
    abbreviations = frozenset(word[len(ABBREVIATION_MARK):] for cues in (*directions.values(), *components.values())
                              for cue in cues for word in cue.stems if word.startswith(ABBREVIATION_MARK))
    return CueBook(directions=directions, components=components, zones=zones, abbreviations=abbreviations, **limits)


def _cues(raw: Any, filename: str, path: list, directory: str | None) -> tuple[Cue, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        _fail(filename, path, "document_cues должен быть списком фраз", directory)
    cues = []
    for index, item in enumerate(raw):
        if isinstance(item, str):
            item = {"phrase": item, "weight": 1}
        if not isinstance(item, dict) or "phrase" not in item:
            _fail(filename, path + [index], "фраза описывается как {phrase: …, weight: …}", directory)
        unknown = set(item) - _CUE_KEYS
        if unknown:
            _fail(filename, path + [index], f"неизвестный ключ «{sorted(unknown)[0]}»; допустимы: phrase, weight", directory)
        weight = _number(item.get("weight", 1), filename, path + [index], directory)
        stems = cue_stems(str(item["phrase"]))
        if not stems:
            _fail(filename, path + [index], f"в фразе «{item['phrase']}» нет слов", directory)
        cues.append(Cue(phrase=str(item["phrase"]), stems=stems, weight=weight))
    return tuple(cues)


def _number(value: Any, filename: str, path: list, directory: str | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        _fail(filename, path, f"ожидается неотрицательное число, а не «{value}»", directory)
    return float(value)


def _fail(filename: str, path: list, problem: str, directory: str | None) -> None:
    line = line_of(filename, path, directory)
    raise RuleFileError(f"{rules_dir(directory) / filename}:{line or '?'}: {problem}")
