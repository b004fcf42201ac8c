"""Where the rule files live and how they are read (with a clear error naming file and line)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent


# libyaml's loader when PyYAML was built with it: the same safe subset, ten times faster
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleFileError(ValueError):
    """A rule or profile file is missing or malformed; the message names the file and line."""


def rules_dir(override: str | os.PathLike | None = None) -> Path:
    """The folder of rule files: an explicit one, else the copy inside an installed wheel,
    else the repository's ``rules/`` when running from a source checkout."""
    if override:
        return Path(override)
    env = os.environ.get("MUMCHECK_RULES")
    if env:
        return Path(env)
    bundled = PACKAGE_DIR / "_rules"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / "rules"


def load_yaml(name: str, directory: str | os.PathLike | None = None) -> Any:
    path = rules_dir(directory) / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"{path}: файл правил не читается ({exc.strerror})") from exc
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RuleFileError(f"{where}: ошибка YAML: {getattr(exc, 'problem', exc)}") from exc


def line_of(name: str, key_path: list[str | int], directory: str | os.PathLike | None = None) -> int | None:
    """Line (1-based) of a node in a YAML file, for error messages; None if not found.

    A path that ends at a mapping key gives the key's line: a block value (a nested mapping or
    list) starts only on the next line."""
    path = rules_dir(directory) / name
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if node is None:
        return None
    mark = node.start_mark
    for key in key_path:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            if pair is None:
                return None
            mark, node = pair[0].start_mark, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            mark = node.start_mark
        else:
            return None
    return mark.line + 1
