"""Profiles: what a site must show and how it is scored (``rules/profiles/*.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from mumcheck.ruledata import RuleFileError, line_of, load_yaml, rules_dir

DEFAULT_PROFILE = "perm-2023"
_PROFILE_KEYS = {"id", "title", "extends", "source", "verified", "unverified", "requires", "stages", "points",
                 "zones", "rules", "positions"}
_POSITION_KEYS = {"id", "direction", "stage", "title", "points", "evidence", "verified"}
DIRECTION_CODES = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4")


@dataclass(frozen=True)
class ProfileStage:
    id: str
    title: str
    covers: tuple[str, ...]


@dataclass(frozen=True)
class Position:
    """A ФИОКО evaluation position («Позиция оценивания»): what an expert looks for in one tab."""

    id: str
    direction: str
    stage: str  # the profile's subsection (tab) where its evidence must stand
    title: str
    points: float | None  # None when the sources give no number
    evidence: tuple[str, ...] = ()  # phrases that show it in a document; empty: any document of the tab
    verified: bool = False


@dataclass(frozen=True)
class Profile:
    id: str
    title: str
    source: str
    verified: bool
    unverified_note: str
    requires_section: bool
    requires_responsible: bool
    directions: tuple[str, ...]
    stage_requirements: dict[str, tuple[str, ...]]  # direction → stage ids it must show
    stages: tuple[ProfileStage, ...]
    direction_points: dict[str, float]
    block_points: dict[str, float]
    total_points: float
    zones: tuple[tuple[str, float], ...]  # (zone, from percent), highest first
    zones_verified: bool
    rule_overrides: dict[str, dict[str, Any]]  # rule id → {severity: …} or {enabled: false}
    positions: tuple[Position, ...] = ()  # listed ФИОКО positions; see mumcheck.rules.coverage
    stage_points: dict[str, dict[str, float]] = field(default_factory=dict)  # direction → stage → max, where known

    def stage(self, stage_id: str) -> ProfileStage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def required_stages(self, direction: str) -> tuple[str, ...]:
        return self.stage_requirements.get(direction, ())

    def zone_of(self, percent: float) -> str:
        for zone, start in self.zones:
            if percent >= start:
                return zone
        return self.zones[-1][0] if self.zones else "red"


def available_profiles(directory: str | None = None) -> list[str]:
    folder = rules_dir(directory) / "profiles"
    return sorted(p.stem for p in folder.glob("*.yaml"))


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _raw_profile(name: str, directory: str | None, chain: tuple[str, ...] = ()) -> dict:
    if not re.fullmatch(r"[\w.-]+", name):
        raise RuleFileError(f"Недопустимое имя профиля: {name!r}")
    if name in chain:
        raise RuleFileError(f"profiles/{name}.yaml: профиль наследует сам себя ({' → '.join(chain + (name,))})")
    filename = f"profiles/{name}.yaml"
    if not (rules_dir(directory) / filename).is_file():
        known = ", ".join(available_profiles(directory))
        raise RuleFileError(f"Профиль «{name}» не найден. Доступные профили: {known}")
    raw = load_yaml(filename, directory) or {}
    if not isinstance(raw, dict):
        raise RuleFileError(f"{filename}: профиль должен быть словарём YAML")
    for key in raw:
        if key not in _PROFILE_KEYS:
            line = line_of(filename, [key], directory)
            raise RuleFileError(f"{rules_dir(directory) / filename}:{line or '?'}: неизвестный ключ «{key}»; "
                                f"допустимы: {', '.join(sorted(_PROFILE_KEYS))}")
    parent = raw.get("extends")
    if parent:
        return _merge(_raw_profile(str(parent), directory, chain + (name,)), raw)
    return raw


@lru_cache(maxsize=16)
def load_profile(name: str = DEFAULT_PROFILE, directory: str | None = None) -> Profile:
    raw = _raw_profile(name, directory)
    where = f"{rules_dir(directory)}/profiles/{name}.yaml"
    try:
        return _build(name, raw)
    except _PositionError as exc:
        line = line_of(f"profiles/{name}.yaml", ["positions", exc.index], directory)
        raise RuleFileError(f"{where}:{line or '?'}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleFileError(f"{where}: профиль неполон или неверен ({exc})") from exc


def _build(name: str, raw: dict) -> Profile:
    requires = raw.get("requires", {})
    stages = tuple(ProfileStage(id=s["id"], title=s["title"], covers=tuple(s.get("covers", [s["id"]])))
                   for s in raw["stages"])
    stage_ids = {s.id for s in stages}
    requirements: dict[str, tuple[str, ...]] = {}
    for group in requires.get("stages", []) or []:
        for stage in group["stages"]:
            if stage not in stage_ids:
                raise ValueError(f"этап «{stage}» не описан в stages профиля")
        for direction in group["directions"]:
            requirements[str(direction)] = tuple(group["stages"])
    for rule_id, override in (raw.get("rules") or {}).items():
        if not isinstance(override, dict) or not set(override) <= {"severity", "enabled"}:
            raise ValueError(f"rules.{rule_id}: допустимы только ключи severity и enabled")
        if "severity" in override and override["severity"] not in ("error", "warning", "info"):
            raise ValueError(f"rules.{rule_id}: важность «{override['severity']}» не из error, warning, info")
    positions = _positions(raw.get("positions") or [], stage_ids)
    points = raw.get("points", {})
    zones_raw = raw.get("zones", {}) or {}
    zones = tuple(sorted(((z["zone"], float(z["from"])) for z in zones_raw.get("thresholds", [])),
                         key=lambda z: -z[1]))
    return Profile(
        id=raw.get("id", name), title=raw.get("title", name), source=raw.get("source", ""),
        verified=bool(raw.get("verified", False)), unverified_note=raw.get("unverified", ""),
        requires_section=bool(requires.get("section", True)),
        requires_responsible=bool(requires.get("responsible_order", False)),
        directions=tuple(str(d) for d in requires.get("directions", [])),
        stage_requirements=requirements, stages=stages,
        direction_points={str(k): float(v) for k, v in (points.get("directions") or {}).items()},
        block_points={str(k): float(v) for k, v in (points.get("blocks") or {}).items()},
        total_points=float(points.get("total", 0)),
        zones=zones, zones_verified=bool(zones_raw.get("verified", False)),
        rule_overrides={str(k): dict(v) for k, v in (raw.get("rules") or {}).items()},
        positions=positions,
        stage_points={str(code): {str(st): float(v) for st, v in (stages or {}).items()}
                      for code, stages in (points.get("stages") or {}).items()},
    )


class _PositionError(ValueError):
    def __init__(self, index: int, problem: str):
        super().__init__(problem)
        self.index = index


def _positions(raw: list, stage_ids: set[str]) -> tuple[Position, ...]:
    if not isinstance(raw, list):
        raise ValueError("positions: ожидается список позиций")
    positions, seen = [], set()
    for index, item in enumerate(raw):
        where = "позиция"
        if not isinstance(item, dict):
            raise _PositionError(index, f"{where}: позиция должна быть словарём")
        unknown = set(item) - _POSITION_KEYS
        if unknown:
            raise _PositionError(index, f"{where}: неизвестный ключ «{sorted(unknown)[0]}»; допустимы: {', '.join(sorted(_POSITION_KEYS))}")
        for key in ("id", "direction", "stage", "title"):
            if key not in item:
                raise _PositionError(index, f"{where}: нет обязательного ключа «{key}»")
        if str(item["direction"]) not in DIRECTION_CODES:
            raise _PositionError(index, f"{where}: неизвестное направление «{item['direction']}»")
        if item["stage"] not in stage_ids:
            raise _PositionError(index, f"{where}: этап «{item['stage']}» не описан в stages профиля")
        if str(item["id"]) in seen:
            raise _PositionError(index, f"{where}: позиция «{item['id']}» описана дважды")
        seen.add(str(item["id"]))
        points = item.get("points")
        if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float))):
            raise _PositionError(index, f"{where}: points должно быть числом")
        evidence = item.get("evidence") or []
        if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
            raise _PositionError(index, f"{where}: evidence — список фраз")
        positions.append(Position(id=str(item["id"]), direction=str(item["direction"]), stage=item["stage"],
                                  title=str(item["title"]), points=None if points is None else float(points),
                                  evidence=tuple(evidence), verified=bool(item.get("verified", False))))
    return tuple(positions)
