"""The domain's words: how sites name the section, the directions and the cycle stages.

Loaded from ``rules/section.yaml``, ``rules/directions.yaml`` and ``rules/stages.yaml``; used by
crawl (to find the section) and classify (to place pages and documents). Pure functions over
normalised text, no I/O after loading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from mumcheck.ruledata import RuleFileError, line_of, load_yaml, rules_dir

_NUMBERING = re.compile(r"^\s*(?:раздел\s+|направление\s+)?(?:[ivx]+\.|\d+(?:\.\d+)*\.?)\s*", re.I)
_CODE = re.compile(r"(?<![\d.])([12])\.([1-4])(?![\d])")
_NON_WORD = re.compile(r"[^\w]+")


def normalize_text(text: str) -> str:
    """Lower case, ё→е, punctuation to spaces, leading numbering («1.3.», «II.», «Раздел 4») dropped."""
    text = (text or "").lower().replace("ё", "е").replace("\xa0", " ")
    text = _NUMBERING.sub("", text.strip())
    return " ".join(_NON_WORD.sub(" ", text).split())


def words_of(text: str) -> list[str]:
    return normalize_text(text).split()


FUZZY_THRESHOLD = 86  # rapidfuzz score over stemmed words for a heading no pattern matched
STRONG_FUZZY = 90  # a heading this close to a stage's name is that stage, whatever patterns say


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("russian")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def stemmed(words: list[str]) -> str:
    """Words reduced to their Russian stems (Snowball), so inflected forms compare equal."""
    return " ".join(_stem(word) for word in words)


def has_stems(words: list[str], stems: list[str]) -> bool:
    return all(any(word.startswith(stem) for word in words) for stem in stems)


@dataclass(frozen=True)
class Direction:
    code: str
    block: int
    title: str
    names: tuple[str, ...]
    cues: tuple[tuple[str, ...], ...]
    official: dict[int, tuple[str, str]] = field(default_factory=dict, compare=False, hash=False)  # year → (code, name)


@dataclass(frozen=True)
class StageDef:
    id: str
    title: str
    priority: int
    patterns: tuple[re.Pattern, ...]
    names: tuple[str, ...] = ()  # plain wordings, for fuzzy matching of headings with typos


@dataclass(frozen=True)
class CycleDef:
    """A grouping of subsections real sites use: «Полный цикл» (nine components), «Неполный цикл»."""

    id: str
    title: str
    patterns: tuple[re.Pattern, ...]
    components: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    section_names: tuple[str, ...]
    section_not_names: tuple[str, ...]
    hubs: tuple[str, ...]
    directions: tuple[Direction, ...]
    stages: tuple[StageDef, ...]
    blocks: dict[int, str]
    cycles: tuple[CycleDef, ...] = ()

    def cycle_of(self, text: str) -> CycleDef | None:
        """The cycle a heading like «Трек 2. Воспитание (Неполный цикл)» announces, or None."""
        norm = normalize_text(text)
        for cycle in self.cycles:
            if any(p.search(norm) for p in cycle.patterns):
                return cycle
        return None

    def official_name(self, code: str, year: int) -> str:
        """The direction's name in the ФИОКО criteria of that year (the latest known one otherwise)."""
        direction = self.direction(code)
        if year in direction.official:
            return direction.official[year][1]
        return direction.title

    # --- the section -------------------------------------------------------------------
    def is_section_name(self, text: str) -> bool:
        norm = normalize_text(text)
        if not norm or len(norm) > 160:
            return False
        if any(normalize_text(bad) in norm for bad in self.section_not_names):
            return False
        for name in self.section_names:
            target = normalize_text(name)
            if len(target) <= 5:  # abbreviations: a whole word, e.g. «МСОКО»
                if target in norm.split():
                    return True
                continue
            if target in norm or fuzz.ratio(norm, target) >= 88:
                return True
            if len(norm) > len(target) and fuzz.partial_ratio(target, norm) >= 92:
                return True
        return False

    def is_hub(self, text: str) -> bool:
        norm = normalize_text(text)
        return any(norm == normalize_text(hub) for hub in self.hubs)

    # --- directions --------------------------------------------------------------------
    def direction_of(self, text: str) -> str | None:
        """Direction code named by a heading or link text, or None."""
        words = words_of(text)
        if words and len(words) <= 40:
            matches = [d for d in self.directions if any(has_stems(words, list(cue)) for cue in d.cues)]
            if len(matches) == 1:
                return matches[0].code
            if len(matches) > 1:
                return max(matches, key=lambda d: self._name_similarity(text, d)).code
            fuzzy = self._fuzzy_direction(words)
            if fuzzy:
                return fuzzy
        # a bare number names a direction only when nothing else does: «1.3.5. Анализ результатов
        # мониторинга» under 2.3 is 2.3's (sites copy blocks with their numbering)
        return self.code_in(text) if len(words) <= 2 and not self.components_of(text) else None

    def _fuzzy_direction(self, words: list[str]) -> str | None:
        """A direction named with typos («способнстей и таланов»): stemmed words, fuzzy-compared
        with the direction's names; only long, close matches count."""
        if len(words) < 4:
            return None
        label = stemmed(words)
        best, best_score = None, 0.0
        for direction in self.directions:
            for name in direction.names:
                score = fuzz.token_sort_ratio(label, stemmed(words_of(name)))
                if score > best_score:
                    best, best_score = direction.code, score
        return best if best_score >= FUZZY_THRESHOLD else None

    def code_in(self, text: str) -> str | None:
        match = _CODE.search(text or "")
        if match:
            code = f"{match.group(1)}.{match.group(2)}"
            if any(d.code == code for d in self.directions):
                return code
        return None

    def _name_similarity(self, text: str, direction: Direction) -> float:
        norm = normalize_text(text)
        return max(fuzz.token_set_ratio(norm, normalize_text(name)) for name in direction.names)

    def direction(self, code: str) -> Direction:
        for d in self.directions:
            if d.code == code:
                return d
        raise KeyError(code)

    # --- stages ------------------------------------------------------------------------
    def components_of(self, text: str) -> list[tuple[str, int]]:
        """Cycle components a heading names, with where each match starts, in priority order;
        a heading no pattern matches is compared fuzzily (typos) with the stages' names."""
        norm = normalize_text(text)
        if not norm or len(norm) > 200:
            return []
        score, stage_id = self._fuzzy_component(norm)
        if score >= STRONG_FUZZY:  # the whole heading is a stage's name, give or take typos
            return [(stage_id, 0)]
        return self._component_patterns(norm) or ([(stage_id, 0)] if score >= FUZZY_THRESHOLD else [])

    def _fuzzy_component(self, norm: str) -> tuple[float, str]:
        words = norm.split()
        if not 2 <= len(words) <= 12:
            return 0.0, ""
        label = stemmed(words)
        return max((fuzz.token_sort_ratio(label, stemmed(words_of(name))), stage.id)
                   for stage in self.stages for name in stage.names)

    def _component_patterns(self, norm: str) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        for stage in self.stages:
            for pattern in stage.patterns:
                match = pattern.search(norm)
                if match:
                    found.append((stage.id, match.start()))
                    norm = norm[: match.start()] + " " * (match.end() - match.start()) + norm[match.end():]
                    break
        return found


def _compile_stage(raw: dict) -> StageDef:
    return StageDef(
        id=raw["id"],
        title=raw["title"],
        priority=int(raw.get("priority", 50)),
        patterns=tuple(re.compile(p) for p in raw["headings"]),
        names=(raw["title"], *raw.get("names", [])),
    )


_KEYS = {
    "directions.yaml": ({"directions", "blocks"}, "directions",
                        {"code", "block", "title", "names", "cues", "document_cues", "official"}),
    "stages.yaml": ({"stages", "document_zones", "cycles", "content_placement"}, "stages",
                    {"id", "title", "priority", "headings", "names", "document_cues"}),
}


def _validate(name: str, doc, directory: str | None) -> None:
    """Unknown keys and wrong shapes are refused with the file and line."""
    top, listed, entry_keys = _KEYS[name]

    def fail(path: list, problem: str) -> None:
        line = line_of(name, path, directory)
        raise RuleFileError(f"{rules_dir(directory) / name}:{line or '?'}: {problem}")

    if not isinstance(doc, dict):
        fail([], "файл должен быть словарём YAML")
    for key in doc:
        if key not in top:
            fail([key], f"неизвестный ключ «{key}»; допустимы: {', '.join(sorted(top))}")
    if not isinstance(doc.get(listed), list):
        fail([], f"нужен список «{listed}:»")
    for index, entry in enumerate(doc[listed]):
        if not isinstance(entry, dict):
            fail([listed, index], "элемент списка должен быть словарём")
        for key in entry:
            if key not in entry_keys:
                fail([listed, index, key], f"неизвестный ключ «{key}»; допустимы: {', '.join(sorted(entry_keys))}")
    for index, entry in enumerate(doc.get("cycles") or []):
        if not isinstance(entry, dict) or set(entry) - {"id", "title", "headings", "components"}:
            fail(["cycles", index], "цикл описывается ключами id, title, headings, components")
        unknown = set(entry.get("components") or []) - {s["id"] for s in doc["stages"]}
        if unknown:
            fail(["cycles", index, "components"], f"неизвестный этап «{sorted(unknown)[0]}»")


def _official(raw: list) -> dict[int, tuple[str, str]]:
    return {int(year): (str(item.get("code", "")), " ".join(str(item["name"]).split()))
            for item in raw or [] for year in item.get("years", [])}


@lru_cache(maxsize=4)
def load_vocabulary(rules_dir: str | None = None) -> Vocabulary:
    section = load_yaml("section.yaml", rules_dir)["section"]
    directions_doc = load_yaml("directions.yaml", rules_dir)
    stages_doc = load_yaml("stages.yaml", rules_dir)
    _validate("directions.yaml", directions_doc, rules_dir)
    _validate("stages.yaml", stages_doc, rules_dir)
    directions = tuple(
        Direction(
            code=str(d["code"]),
            block=int(d["block"]),
            title=" ".join(str(d["title"]).split()),
            names=tuple(d.get("names", [])) or (d["title"],),
            cues=tuple(tuple(c) for c in d["cues"]),
            official=_official(d.get("official")),
        )
        for d in directions_doc["directions"]
    )
    stages = tuple(sorted((_compile_stage(s) for s in stages_doc["stages"]), key=lambda s: s.priority))
    return Vocabulary(
        section_names=tuple(section["names"]),
        section_not_names=tuple(section.get("not_names", [])),
        hubs=tuple(section.get("hubs", [])),
        directions=directions,
        stages=stages,
        blocks={int(b["number"]): b["title"] for b in directions_doc.get("blocks", [])},
        cycles=tuple(CycleDef(id=c["id"], title=c["title"], patterns=tuple(re.compile(p) for p in c["headings"]),
                              components=tuple(c["components"])) for c in stages_doc.get("cycles") or []),
    )
