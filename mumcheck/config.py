"""Project configuration: ``mumcheck.toml`` (or ``[tool.mumcheck]`` in ``pyproject.toml``) in the
current directory selects the profile, silences rules and re-grades them::

    profile = "perm-2023"
    ignore = ["link.cloud_storage", "doc"]      # a rule id or a group (the part before the dot)
    [severity]
    "placement.wrong_stage" = "info"

Command-line flags override it (``--profile``), or add to it (``--ignore``). Unknown keys, wrong
types and references to unknown rules or profiles are refused with the file, line and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mumcheck.model import SEVERITIES
from mumcheck.ruledata import RuleFileError

CONFIG_FILE = "mumcheck.toml"
_KEYS = {"profile": "строка — имя профиля", "ignore": "список правил или групп",
         "severity": "таблица «правило = важность»"}


class ConfigError(RuleFileError):
    """The configuration file is wrong; the message names the file and line."""


@dataclass(frozen=True)
class Config:
    profile: str | None = None
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    source: str | None = None  # the file it was read from, or None when there is none


def find_config(directory: str | Path | None = None) -> tuple[Path, str | None] | None:
    """(file, table) of the configuration in ``directory``: mumcheck.toml first, else a pyproject.toml
    with ``[tool.mumcheck]``; None when there is neither."""
    folder = Path(directory or ".")
    if (folder / CONFIG_FILE).is_file():
        return folder / CONFIG_FILE, None
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = None  # not ours to judge unless it holds our table; reported below if it does
        if data is None and "[tool.mumcheck]" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject, "tool.mumcheck"
        if data and "mumcheck" in (data.get("tool") or {}):
            return pyproject, "tool.mumcheck"
    return None


def load_config(directory: str | Path | None = None, rules_directory: str | None = None) -> Config:
    """The configuration of ``directory`` (default: the current one), validated against the rule
    files and profiles; an empty Config when there is no configuration."""
    found = find_config(directory)
    if found is None:
        return Config()
    path, table = found
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: файл настроек не читается ({exc})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"{path}:{line.group(1) if line else '?'}: ошибка TOML: {exc}") from exc
    if table:
        data = data.get("tool", {}).get("mumcheck", {})
    return _validate(data, path, text, table, rules_directory)


def _validate(data: dict[str, Any], path: Path, text: str, table: str | None, rules_directory) -> Config:
    def fail(key: str, problem: str, section: str | None = None) -> None:
        raise ConfigError(f"{path}:{_line(text, key, section or table) or '?'}: {problem}")

    for key in data:
        if key not in _KEYS:
            fail(key, f"неизвестный ключ «{key}»; допустимы: " + "; ".join(f"{k} ({v})" for k, v in _KEYS.items()))
    profile = data.get("profile")
    if profile is not None:
        if not isinstance(profile, str):
            fail("profile", f"profile должен быть строкой — именем профиля, а не {profile!r}")
        from mumcheck.profile import available_profiles

        known = available_profiles(rules_directory)
        if profile not in known:
            fail("profile", f"профиль «{profile}» не найден; доступные: {', '.join(known)}")
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(item, str) for item in ignore):
        fail("ignore", "ignore должен быть списком строк, например [\"link.cloud_storage\", \"doc\"]")
    known_rules = _rule_ids(rules_directory)
    for item in ignore:
        if not _refers_to_rule(item, known_rules):
            fail("ignore", f"в ignore неизвестное правило или группа «{item}»; правила: {', '.join(sorted(known_rules))}")
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        fail("severity", "severity должен быть таблицей [severity] с парами \"правило\" = \"важность\"")
    section = f"{table}.severity" if table else "severity"
    for rule, level in severity.items():
        if rule not in known_rules:
            fail(rule, f"в severity неизвестное правило «{rule}»", section)
        if level not in SEVERITIES:
            fail(rule, f"важность «{level}» правила {rule} не из {', '.join(SEVERITIES)}", section)
    return Config(profile=profile, ignore=tuple(ignore), severity=dict(severity), source=str(path))


def _rule_ids(rules_directory: str | None) -> set[str]:
    from mumcheck.rules.engine import load_rules

    return {rule.id for rule in load_rules(rules_directory)}


def _refers_to_rule(name: str, known: set[str]) -> bool:
    return name in known or any(rule.startswith(name + ".") for rule in known)


def _line(text: str, key: str, section: str | None) -> int | None:
    """Line of ``key = …`` inside ``[section]`` (top level when None); TOML parsers give no lines."""
    current = None
    pattern = re.compile(r'^\s*(?:"%s"|\'%s\'|%s)\s*=' % ((re.escape(key),) * 3))
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
        if header:
            current = header.group(1).strip()
            continue
        if current == section and pattern.match(line):
            return number
    return None
