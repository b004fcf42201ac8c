"""Region batch: check every municipality of a CSV list in one run, many hosts at once, and
resume an interrupted batch without re-checking the municipalities already done."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from mumcheck import __version__
from mumcheck.pipeline import CheckOptions, SiteUnreachable, check_site_async, open_pool, prepare
from mumcheck.ruledata import RuleFileError
from mumcheck.store import Store, now
from mumcheck.urls import normalize

NAME_COLUMNS = ("name", "название", "наименование", "муниципалитет", "муниципальное образование", "мо")
URL_COLUMNS = ("url", "адрес", "сайт", "ссылка", "адрес сайта")
PROFILE_COLUMNS = ("profile", "профиль")
ZONES = ("red", "orange", "yellow", "green")

BatchProgress = Callable[[int, int, dict[str, Any]], None]


class RegionFileError(ValueError):
    """The region's CSV cannot be read; the message says where and why, in Russian."""


@dataclass(frozen=True)
class Municipality:
    name: str
    url: str
    profile: str | None = None
    line: int = 0


@dataclass(frozen=True)
class BatchOptions:
    check: CheckOptions = field(default_factory=CheckOptions)
    concurrency: int = 8  # municipalities checked at once (each on its own host)


def decode_region_file(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1251")


def read_region(path: str | Path) -> list[Municipality]:
    """Municipalities of a region CSV: columns ``name,url`` (and optional ``profile``), UTF-8 or
    windows-1251, separated by commas or, as Excel saves them, by semicolons."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RegionFileError(f"файл {path} не читается: {exc.strerror}") from exc
    return parse_region(decode_region_file(data), str(path))


def parse_region(text: str, source: str = "CSV") -> list[Municipality]:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise RegionFileError(f"{source}: файл пуст — нужна строка заголовка name,url и строки муниципалитетов")
    delimiter = max((";", ",", "\t"), key=lambda d: lines[0].count(d))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader)]
    name_col, url_col = _column(header, NAME_COLUMNS), _column(header, URL_COLUMNS)
    profile_col = _column(header, PROFILE_COLUMNS)
    if name_col is None or url_col is None:
        raise RegionFileError(f"{source}:1: в заголовке нужны столбцы name и url (есть: {', '.join(header)})")
    municipalities: list[Municipality] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        name, url = cells[name_col].strip(), cells[url_col].strip()
        if not url:
            raise RegionFileError(f"{source}:{line}: у «{name or '?'}» не указан адрес сайта")
        if "://" not in url:
            url = "http://" + url
        if not re.match(r"https?://[^/\s]+", url):
            raise RegionFileError(f"{source}:{line}: «{url}» — не адрес сайта")
        key = normalize(url)
        if key in seen:
            raise RegionFileError(f"{source}:{line}: адрес {url} уже встречался в строке {seen[key]}")
        seen[key] = line
        profile = cells[profile_col].strip() if profile_col is not None else ""
        municipalities.append(Municipality(name=name or url, url=url, profile=profile or None, line=line))
    if not municipalities:
        raise RegionFileError(f"{source}: в файле нет ни одного муниципалитета")
    return municipalities


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if cell in names:
            return index
    return None


def batch_digest(municipalities: list[Municipality], options: CheckOptions) -> str:
    """What identifies a batch for resuming: its list and profile (not the file's name)."""
    text = "\n".join(f"{m.name}\t{normalize(m.url)}\t{m.profile or ''}" for m in municipalities)
    return hashlib.sha256(f"{options.profile}\n{text}".encode("utf-8")).hexdigest()


def run_batch(municipalities: list[Municipality], options: BatchOptions | None = None,
              progress: BatchProgress | None = None) -> dict[str, Any]:
    """Check every municipality and return the region summary (the contract's shape).

    Each municipality's outcome is stored as it finishes; run again after an interruption and
    the finished ones are taken from the database instead of being checked again."""
    options = options or BatchOptions()
    prepare(options.check)
    for profile in {m.profile for m in municipalities if m.profile}:
        prepare(replace(options.check, profile=profile))
    return asyncio.run(_run_batch(municipalities, options, progress))


async def _run_batch(municipalities, options: BatchOptions, progress) -> dict[str, Any]:
    with Store(options.check.db_path) as store, open_pool(options.check) as pool:
        batch_id, resumed = store.open_batch(batch_digest(municipalities, options.check), options.check.profile,
                                             [(m.name, normalize(m.url), m.profile) for m in municipalities])
        items = store.batch_items(batch_id)
        limit = asyncio.Semaphore(options.concurrency)
        done_count = sum(1 for item in items if item["status"] in ("done", "failed"))

        async def one(item: dict[str, Any], municipality: Municipality) -> None:
            nonlocal done_count
            if item["status"] in ("done", "failed"):
                return
            async with limit:
                outcome = await _check_one(store, pool, batch_id, item, municipality, options.check)
            done_count += 1
            if progress:
                progress(done_count, len(items), outcome)

        await asyncio.gather(*(one(item, m) for item, m in zip(items, municipalities)))
        store.finish_batch(batch_id)
        return region_summary(store, batch_id, resumed)


async def _check_one(store: Store, pool, batch_id: int, item: dict[str, Any], municipality: Municipality,
                     options: CheckOptions) -> dict[str, Any]:
    if item["run_id"]:
        store.discard_run(item["run_id"])  # cut short last time: its rows go, the check starts over
    check_options = replace(options, profile=municipality.profile) if municipality.profile else options
    run_id = store.begin_run(normalize(municipality.url), check_options.profile, __version__)
    store.set_batch_item(batch_id, item["position"], status="running", run_id=run_id, error=None)
    try:
        await check_site_async(municipality.url, check_options, store, pool, run_id=run_id)
    except (SiteUnreachable, RuleFileError) as exc:
        store.set_batch_item(batch_id, item["position"], status="failed", error=str(exc))
        return {"name": municipality.name, "status": "failed", "error": str(exc)}
    except Exception as exc:  # one municipality's trouble never stops the region
        error = f"внутренняя ошибка при проверке ({exc.__class__.__name__}: {exc})"
        store.set_batch_item(batch_id, item["position"], status="failed", error=error)
        return {"name": municipality.name, "status": "failed", "error": error}
    store.set_batch_item(batch_id, item["position"], status="done")
    return {"name": municipality.name, "status": "done", "run_id": run_id}


def region_summary(store: Store, batch_id: int, resumed: bool = False) -> dict[str, Any]:
    batch = store.batch(batch_id)
    municipalities = []
    for item in store.batch_items(batch_id):
        entry: dict[str, Any] = {"name": item["name"], "url": item["url"], "status": item["status"],
                                 "score": None, "findings": {"error": 0, "warning": 0, "info": 0}, "report": None,
                                 "run_id": item["run_id"]}
        if item["status"] == "done":
            report = store.load_report(item["run_id"])
            entry["score"] = report["score"]
            entry["site_title"] = report["site"].get("title")
            for finding in report["findings"]:
                entry["findings"][finding["severity"]] += 1
            entry["findings_by_rule"] = _count_by_rule(report["findings"])
        else:
            entry["error"] = item["error"] or "проверка не завершена"
        municipalities.append(entry)
    return {
        "tool": {"name": "mumcheck", "version": __version__},
        "run": {"id": batch_id, "started": batch["started"], "finished": batch["finished"] or now(),
                "profile": batch["profile"], "resumed": resumed},
        "municipalities": municipalities,
        "zones": _zone_counts(municipalities),
        "directions": _direction_averages(municipalities),
    }


def _count_by_rule(findings: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
    return counts


def _zone_counts(municipalities: list[dict[str, Any]]) -> dict[str, int]:
    counts = {zone: 0 for zone in ZONES}
    for entry in municipalities:
        if entry["score"]:
            counts[entry["score"]["zone"]] = counts.get(entry["score"]["zone"], 0) + 1
    return counts


def _direction_averages(municipalities: list[dict[str, Any]]) -> dict[str, float]:
    sums: dict[str, list[float]] = {}
    for entry in municipalities:
        for code, direction in ((entry["score"] or {}).get("directions") or {}).items():
            sums.setdefault(code, []).append(direction["percent"])
    return {code: round(sum(values) / len(values), 1) for code, values in sorted(sums.items())}


def _slug(position: int, name: str) -> str:
    safe = re.sub(r"[^\w-]+", "-", name.lower()).strip("-")[:60] or "municipality"
    return f"{position + 1:03d}-{safe}"


def write_region_outputs(summary: dict[str, Any], folder: str | Path, formats: tuple[str, ...],
                         municipality_format: str, db_path: str | None = None) -> list[Path]:
    """Write ``index.<ext>`` for the region and one report per municipality into ``folder``;
    each municipality's entry in the summary gets the relative path of its report."""
    from mumcheck.report import render
    from mumcheck.report.region import render_region

    extensions = {"text": "txt", "json": "json", "markdown": "md", "csv": "csv", "html": "html",
                  "junit": "xml", "xlsx": "xlsx"}
    folder = Path(folder)
    (folder / "municipalities").mkdir(parents=True, exist_ok=True)
    written = []
    with Store(db_path) as store:
        for position, entry in enumerate(summary["municipalities"]):
            if entry["status"] != "done":
                continue
            relative = f"municipalities/{_slug(position, entry['name'])}.{extensions[municipality_format]}"
            content = render(store.load_report(entry["run_id"]), municipality_format)
            path = folder / relative
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            entry["report"] = relative
            written.append(path)
    for fmt in formats:
        path = folder / f"index.{extensions[fmt]}"
        path.write_text(render_region(summary, fmt), encoding="utf-8")
        written.append(path)
    return written
