"""Crawler traps: addresses that generate endless pages (calendars, ever-growing query strings,
repeating path segments, session ids). Such pages are not walked; the crawl says so in its notes."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from urllib.parse import parse_qsl, urlsplit

MAX_QUERY_CHARS = 200
MAX_QUERY_PARAMS = 8
MAX_QUERIES_PER_PATH = 25
MAX_SEGMENT_REPEATS = 2
MAX_PATH_SEGMENTS = 15

_SESSION_PARAMS = re.compile(r"^(phpsessid|jsessionid|sessionid|session_id|sid|sessid|aspsessionid\w*|cfid|cftoken|"
                             r"bitrix_sessid|s)$", re.I)
_SESSION_VALUE = re.compile(r"^[0-9a-f]{16,}$|^[0-9A-Za-z_-]{24,}$")
_CALENDAR_PATH = re.compile(r"(^|/)(calendar|kalendar|kalendar-sobytiy|events?/\d{4}|archive/\d{4}/\d{1,2})(/|$)", re.I)
_CALENDAR_PARAMS = frozenset({"month", "year", "day", "date", "week", "cal", "calendar", "d", "m", "y",
                              "arrfilter_date", "set_filter_date"})
_FULL_DATE = re.compile(r"^\d{4}[-./]\d{1,2}([-./]\d{1,2})?$|^(\d{1,2}[-./])?\d{1,2}[-./]\d{4}$")
_YEAR_PARAMS = frozenset({"year", "y"})


def trap_reason(url: str) -> str | None:
    """Why an address looks like a crawler trap, in Russian; None when it does not."""
    parts = urlsplit(url)
    if ";jsessionid=" in parts.path.lower():
        return "идентификатор сессии в адресе"
    params = parse_qsl(parts.query, keep_blank_values=True)
    for name, value in params:
        if _SESSION_PARAMS.match(name) and _SESSION_VALUE.match(value):
            return "идентификатор сессии в адресе"
    if _CALENDAR_PATH.search(parts.path) or _is_calendar_query(params):
        return "календарь (страницы по датам бесконечны)"
    if len(parts.query) > MAX_QUERY_CHARS or len(params) > MAX_QUERY_PARAMS:
        return "слишком длинная строка параметров"
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS or any(n > MAX_SEGMENT_REPEATS for n in Counter(segments).values()):
        return "повторяющиеся части пути"
    return None


def _is_calendar_query(params: list[tuple[str, str]]) -> bool:
    """A full date in a date parameter, or a year together with a month or day (a year alone is
    an ordinary archive filter)."""
    names = {name.lower() for name, value in params if value.strip().isdigit() or _FULL_DATE.match(value)}
    if any(name.lower() in _CALENDAR_PARAMS and _FULL_DATE.match(value) for name, value in params):
        return True
    return bool(names & _YEAR_PARAMS) and bool(names & (_CALENDAR_PARAMS - _YEAR_PARAMS))


class TrapGuard:
    """Remembers what was cut, and how many query variants each path has produced."""

    def __init__(self) -> None:
        self.queries: dict[str, set[str]] = defaultdict(set)
        self.cut: dict[str, list[str]] = defaultdict(list)  # reason → URLs

    def is_trap(self, url: str) -> bool:
        reason = trap_reason(url)
        parts = urlsplit(url)
        if reason is None and parts.query:
            variants = self.queries[f"{parts.netloc}{parts.path}"]
            variants.add(parts.query)
            if len(variants) > MAX_QUERIES_PER_PATH:
                reason = "бесконечные варианты параметров одной страницы"
        if reason is None:
            return False
        self.cut[reason].append(url)
        return True

    def notes(self) -> list[str]:
        return [f"Не обходились страницы-ловушки ({reason}): {len(urls)}, например {urls[0]}."
                for reason, urls in self.cut.items()]
