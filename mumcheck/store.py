"""The only module that touches SQL: every run is kept in SQLite (the standard library's sqlite3).

Tables: ``runs`` (one per check, with the whole report as JSON), ``pages``, ``fetches`` (status,
ETag, Last-Modified and sha256 of every URL requested — the next run sends conditional requests
from them), ``links``, ``findings``, and ``documents`` (extracted text keyed by sha256: the cache
that lets a file linked five times, or unchanged since last night, be read once).
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from mumcheck.model import CrawlResult, Extraction, Fetch, Finding, SiteStructure

SCHEMA_VERSION = 1

# The tables as sqlite-utils created them when the store was built on it: the same text lands in
# sqlite_master, so files written before and after it was dropped are alike.
_META = '''CREATE TABLE IF NOT EXISTS "meta" (
   "key" TEXT PRIMARY KEY,
   "value" TEXT
)'''

_SCHEMA = ('''CREATE TABLE IF NOT EXISTS "runs" (
   "id" INTEGER PRIMARY KEY,
   "started" TEXT,
   "finished" TEXT,
   "status" TEXT,
   "start_url" TEXT,
   "section_url" TEXT,
   "profile" TEXT,
   "tool_version" TEXT,
   "score_total" REAL,
   "score_max" REAL,
   "score_percent" REAL,
   "zone" TEXT,
   "errors" INTEGER,
   "warnings" INTEGER,
   "infos" INTEGER,
   "report" TEXT
)''', '''CREATE TABLE IF NOT EXISTS "pages" (
   "run_id" INTEGER REFERENCES "runs"("id"),
   "url" TEXT,
   "title" TEXT,
   "depth" INTEGER,
   "trail" TEXT,
   "encoding" TEXT
)''', '''CREATE TABLE IF NOT EXISTS "fetches" (
   "run_id" INTEGER REFERENCES "runs"("id"),
   "url" TEXT,
   "verdict" TEXT,
   "status" INTEGER,
   "final_url" TEXT,
   "content_type" TEXT,
   "size" INTEGER,
   "sha256" TEXT,
   "etag" TEXT,
   "last_modified" TEXT,
   "error" TEXT,
   "redirects" TEXT,
   "via" TEXT,
   "is_html" INTEGER,
   "truncated" INTEGER,
   "filename" TEXT
)''', '''CREATE TABLE IF NOT EXISTS "links" (
   "run_id" INTEGER REFERENCES "runs"("id"),
   "url" TEXT,
   "page" TEXT,
   "text" TEXT,
   "direction" TEXT,
   "stage" TEXT
)''', '''CREATE TABLE IF NOT EXISTS "findings" (
   "run_id" INTEGER REFERENCES "runs"("id"),
   "rule" TEXT,
   "severity" TEXT,
   "message" TEXT,
   "url" TEXT,
   "page" TEXT,
   "direction" TEXT,
   "stage" TEXT,
   "expected" TEXT,
   "evidence" TEXT
)''', '''CREATE TABLE IF NOT EXISTS "documents" (
   "sha256" TEXT PRIMARY KEY,
   "kind" TEXT,
   "text" TEXT,
   "pages" INTEGER,
   "chars" INTEGER,
   "is_scan" INTEGER,
   "error" TEXT,
   "title" TEXT,
   "meta" TEXT,
   "extracted" TEXT
)''', '''CREATE TABLE IF NOT EXISTS "batches" (
   "id" INTEGER PRIMARY KEY,
   "digest" TEXT,
   "profile" TEXT,
   "started" TEXT,
   "finished" TEXT,
   "status" TEXT
)''', '''CREATE TABLE IF NOT EXISTS "batch_items" (
   "batch_id" INTEGER REFERENCES "batches"("id"),
   "position" INTEGER,
   "name" TEXT,
   "url" TEXT,
   "profile" TEXT,
   "status" TEXT,
   "run_id" INTEGER,
   "error" TEXT,
   PRIMARY KEY ("batch_id", "position")
)''', '''CREATE INDEX IF NOT EXISTS "idx_pages_run_id"
    ON "pages" ("run_id")''', '''CREATE INDEX IF NOT EXISTS "idx_fetches_run_id_url"
    ON "fetches" ("run_id", "url")''', '''CREATE INDEX IF NOT EXISTS "idx_links_run_id"
    ON "links" ("run_id")''', '''CREATE INDEX IF NOT EXISTS "idx_findings_run_id"
    ON "findings" ("run_id")''', '''CREATE INDEX IF NOT EXISTS "idx_runs_start_url_status"
    ON "runs" ("start_url", "status")''')

_RUN_TABLES = ("pages", "fetches", "links", "findings")
_FETCH_COLUMNS = tuple(f.name for f in fields(Fetch) if f.name != "blob")
_FINDING_COLUMNS = tuple(f.name for f in fields(Finding))


def _insert(table: str, columns: Iterable[str]) -> str:
    columns = tuple(columns)
    return f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'


_INSERT_PAGE = _insert("pages", ("run_id", "url", "title", "depth", "trail", "encoding"))
_INSERT_FETCH = _insert("fetches", ("run_id",) + _FETCH_COLUMNS)
_INSERT_LINK = _insert("links", ("run_id", "url", "page", "text", "direction", "stage"))
_INSERT_FINDING = _insert("findings", ("run_id",) + _FINDING_COLUMNS)
_INSERT_BATCH_ITEM = _insert("batch_items", ("batch_id", "position", "name", "url", "profile", "status"))
_DOCUMENT_COLUMNS = ("sha256", "kind", "text", "pages", "chars", "is_scan", "error", "title", "meta", "extracted")
# an upsert that updates the existing row in place (as sqlite-utils' upsert did), keeping its rowid
_UPSERT_DOCUMENT = (_insert("documents", _DOCUMENT_COLUMNS) + " ON CONFLICT(sha256) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in _DOCUMENT_COLUMNS[1:]))
_RUN_LIST_COLUMNS = ("id, started, finished, status, start_url, profile, score_total, score_max, score_percent, "
                     "zone, errors, warnings, infos")


class StoreError(RuntimeError):
    """The database cannot be opened or is not a mumcheck database."""


def default_db_path() -> Path:
    base = os.environ.get("MUMCHECK_DB")
    if base:
        return Path(base)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "mumcheck" / "mumcheck.db"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict[str, Any]:
    return dict(zip([column[0] for column in cursor.description], row))


class Store:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # autocommit: every statement commits by itself unless inside _transaction()
            self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.db.row_factory = _dict_row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._create()
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"База данных {self.path} не открывается: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- SQL helpers -------------------------------------------------------------------------
    def _one(self, sql: str, args: Iterable[Any] = ()) -> dict[str, Any] | None:
        return self.db.execute(sql, tuple(args)).fetchone()

    def _all(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return self.db.execute(sql, tuple(args)).fetchall()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:  # an error may already have ended it
                self.db.execute("ROLLBACK")
            raise

    def _update(self, table: str, keys: dict[str, Any], values: dict[str, Any], missing: str) -> None:
        if not values:
            return
        sets = ", ".join(f"{_quote(column)} = ?" for column in values)
        where = " and ".join(f"{column} = ?" for column in keys)
        cursor = self.db.execute(f'update "{table}" set {sets} where {where}',
                                 [_plain(v) for v in values.values()] + list(keys.values()))
        if cursor.rowcount == 0:
            raise StoreError(f"{missing} не найден в базе {self.path}")

    # --- schema ----------------------------------------------------------------------------
    def _create(self) -> None:
        tables = {row["name"] for row in self._all("select name from sqlite_master where type = 'table'")}
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path} — база SQLite другой программы, а не mumcheck; укажите другой файл (--db)")
        if "meta" not in tables:
            self.db.execute(_META)
            self.db.execute("insert into meta (key, value) values ('schema_version', ?)", (str(SCHEMA_VERSION),))
        else:
            self._check_version()
        for statement in _SCHEMA:  # IF NOT EXISTS: also adds tables a file from an older mumcheck lacks
            self.db.execute(statement)

    def _check_version(self) -> None:
        row = self._one("select value from meta where key = 'schema_version'")
        if row is None:
            raise StoreError(f"В базе {self.path} нет версии схемы; укажите другой файл (--db)")
        version = int(row["value"])
        if version > SCHEMA_VERSION:
            raise StoreError(f"База {self.path} создана более новой версией mumcheck (схема {version}); "
                             "обновите mumcheck")

    # --- runs ------------------------------------------------------------------------------
    def begin_run(self, start_url: str, profile: str, tool_version: str) -> int:
        cursor = self.db.execute("insert into runs (started, status, start_url, profile, tool_version) "
                                 "values (?, 'running', ?, ?, ?)", (now(), start_url, profile, tool_version))
        return int(cursor.lastrowid)

    def fail_run(self, run_id: int, reason: str) -> None:
        self._update("runs", {"id": run_id},
                     {"status": "failed", "finished": now(), "report": json.dumps({"error": reason})},
                     f"Запуск № {run_id}")

    def finish_run(self, run_id: int, crawl: CrawlResult, structure: SiteStructure, findings: Iterable[Finding],
                   report: dict[str, Any]) -> None:
        """Write a run's results. The run becomes «done» only by the last statement, so readers
        (which look at finished runs only) never see half of it; rows of a run that was cut short
        are replaced when it is written again."""
        findings = list(findings)
        with self._transaction():  # one transaction: one commit for all the rows
            self._write_run(run_id, crawl, structure, findings, report)

    def _write_run(self, run_id: int, crawl: CrawlResult, structure: SiteStructure, findings: list[Finding],
                   report: dict[str, Any]) -> None:
        self._delete_run_rows(run_id)
        self.db.executemany(_INSERT_PAGE, ((run_id, p.url, p.title, p.depth, json.dumps(p.trail, ensure_ascii=False),
                                            p.encoding) for p in crawl.pages))
        self.db.executemany(_INSERT_FETCH, (_fetch_row(run_id, f) for f in crawl.fetches))
        self.db.executemany(_INSERT_LINK, ((run_id, d.link.url, d.link.page, d.link.text, d.direction, d.stage)
                                           for d in structure.all_documents()))
        self.db.executemany(_INSERT_FINDING, (_finding_row(run_id, f) for f in findings))
        self._update("runs", {"id": run_id}, _run_summary(structure, findings, report), f"Запуск № {run_id}")

    def _delete_run_rows(self, run_id: int) -> None:
        for table in _RUN_TABLES:
            self.db.execute(f"delete from {table} where run_id = ?", (run_id,))

    def load_report(self, run_id: int) -> dict[str, Any]:
        row = self._one("select status, report from runs where id = ?", (run_id,))
        if row is None:
            raise StoreError(f"Запуск № {run_id} не найден в базе {self.path}")
        if row["status"] != "done" or not row["report"]:
            raise StoreError(f"Запуск № {run_id} не завершён (состояние: {row['status']})")
        return json.loads(row["report"])

    def runs(self, start_url: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        where, args = ("where start_url = ?", [start_url]) if start_url else ("", [])
        limit = -1 if limit is None else limit  # sqlite-utils took None for «no limit»
        return self._all(f"select {_RUN_LIST_COLUMNS} from runs {where} order by id desc limit ?", args + [limit])

    def last_run_id(self) -> int | None:
        row = self._one("select id from runs where status = 'done' order by id desc limit 1")
        return row["id"] if row else None

    def previous_fetches(self, start_url: str) -> dict[str, Fetch]:
        """Fetches of the last finished run from the same start URL, for conditional requests."""
        rows = self._all("select * from fetches where run_id = (select id from runs where start_url = ? "
                         "and status = 'done' order by id desc limit 1)", (start_url,))
        return {row["url"]: _fetch_of(row) for row in rows}

    def discard_run(self, run_id: int) -> None:
        """Forget a run that was cut short (its rows and the run itself)."""
        self._delete_run_rows(run_id)
        self.db.execute("delete from runs where id = ? and status != 'done'", (run_id,))

    def run_row(self, run_id: int) -> dict[str, Any]:
        row = self._one("select * from runs where id = ?", (run_id,))
        if row is None:
            raise StoreError(f"Запуск № {run_id} не найден в базе {self.path}")
        return row

    def previous_done_run(self, start_url: str, before: int) -> int | None:
        row = self._one("select id from runs where start_url = ? and status = 'done' and id < ? "
                        "order by id desc limit 1", (start_url, before))
        return row["id"] if row else None

    def run_documents(self, run_id: int) -> dict[str, str | None]:
        """URL → sha256 of every link of a run that led to a document (None where it failed)."""
        rows = self._all("select l.url, f.sha256, f.verdict, f.is_html from links l left join fetches f "
                         "on f.run_id = l.run_id and f.url = l.url where l.run_id = ?", (run_id,))
        return {row["url"]: (row["sha256"] if row["verdict"] == "ok" and not row["is_html"] else None) for row in rows}

    def run_pages(self, run_id: int) -> set[str]:
        return {row["url"] for row in self._all("select url from pages where run_id = ?", (run_id,))}

    # --- region batches ----------------------------------------------------------------------
    def open_batch(self, digest: str, profile: str, items: list[tuple[str, str, str | None]]) -> tuple[int, bool]:
        """The unfinished batch with the same list (resumed: True), or a new one."""
        row = self._one("select id from batches where digest = ? and status = 'running' order by id desc limit 1",
                        (digest,))
        if row:
            return row["id"], True
        cursor = self.db.execute("insert into batches (digest, profile, started, status) values (?, ?, ?, 'running')",
                                 (digest, profile, now()))
        batch_id = int(cursor.lastrowid)
        self.db.executemany(_INSERT_BATCH_ITEM, ((batch_id, position, name, url, item_profile, "pending")
                                                 for position, (name, url, item_profile) in enumerate(items)))
        return batch_id, False

    def batch(self, batch_id: int) -> dict[str, Any]:
        row = self._one("select * from batches where id = ?", (batch_id,))
        if row is None:
            raise StoreError(f"Пакет № {batch_id} не найден в базе {self.path}")
        return row

    def batch_items(self, batch_id: int) -> list[dict[str, Any]]:
        return self._all("select * from batch_items where batch_id = ? order by position", (batch_id,))

    def set_batch_item(self, batch_id: int, position: int, **fields: Any) -> None:
        self._update("batch_items", {"batch_id": batch_id, "position": position}, fields,
                     f"Пункт {position} пакета № {batch_id}")

    def finish_batch(self, batch_id: int) -> None:
        self._update("batches", {"id": batch_id}, {"status": "done", "finished": now()}, f"Пакет № {batch_id}")

    # --- the extraction cache --------------------------------------------------------------
    def cached_extraction(self, sha256: str) -> Extraction | None:
        row = self._one("select * from documents where sha256 = ?", (sha256,))
        return _extraction_of(row) if row else None

    def cached_extractions(self, sha256s: Iterable[str]) -> dict[str, Extraction]:
        """sha256 → cached extraction, for those of ``sha256s`` that are in the cache (one query
        per 500, not one per document)."""
        wanted = list(dict.fromkeys(sha256s))
        found: dict[str, Extraction] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._all(f"select * from documents where sha256 in ({marks})", chunk):
                found[row["sha256"]] = _extraction_of(row)
        return found

    def save_extraction(self, extraction: Extraction) -> None:
        if extraction.meta.get("timeout") or extraction.meta.get("crashed") or extraction.meta.get("internal"):
            return  # the worker timed out, died or hit a bug of ours: not a fact about the file
        self.db.execute(_UPSERT_DOCUMENT, (
            extraction.sha256, extraction.kind, extraction.text, extraction.pages, extraction.chars,
            int(extraction.is_scan), extraction.error, extraction.title,
            json.dumps(extraction.meta, ensure_ascii=False, default=str), now()))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plain(value: Any) -> Any:
    # as sqlite-utils stored them, for the open-ended set_batch_item(**fields)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=repr, ensure_ascii=False)
    return value


def _run_summary(structure: SiteStructure, findings: list[Finding], report: dict[str, Any]) -> dict[str, Any]:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    score = report.get("score") or {}
    return {
        "finished": report["run"]["finished"], "status": "done", "section_url": structure.section_url,
        "score_total": score.get("total"), "score_max": score.get("max"),
        "score_percent": score.get("percent"), "zone": score.get("zone"),
        "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
        "report": json.dumps(report, ensure_ascii=False),
    }


def _fetch_row(run_id: int, fetch: Fetch) -> tuple:
    # getattr, not asdict: asdict's deep copy costs more than the insert
    values = {name: getattr(fetch, name) for name in _FETCH_COLUMNS}
    values["redirects"] = json.dumps(list(fetch.redirects), ensure_ascii=False)
    values["is_html"] = int(fetch.is_html)
    values["truncated"] = int(fetch.truncated)
    return (run_id, *values.values())


def _finding_row(run_id: int, finding: Finding) -> tuple:
    values = {name: getattr(finding, name) for name in _FINDING_COLUMNS}
    values["expected"] = json.dumps(finding.expected, ensure_ascii=False) if finding.expected else None
    return (run_id, *values.values())


def _extraction_of(row: dict[str, Any]) -> Extraction:
    return Extraction(sha256=row["sha256"], kind=row["kind"], text=row["text"] or "", pages=row["pages"],
                      chars=row["chars"] or 0, is_scan=bool(row["is_scan"]), error=row["error"],
                      title=row["title"], meta=json.loads(row["meta"] or "{}"))


def _fetch_of(row: dict[str, Any]) -> Fetch:
    return Fetch(url=row["url"], verdict=row["verdict"], status=row["status"], final_url=row["final_url"],
                 content_type=row["content_type"], size=row["size"], sha256=row["sha256"], etag=row["etag"],
                 last_modified=row["last_modified"], error=row["error"],
                 redirects=tuple(json.loads(row["redirects"] or "[]")), via=row["via"], is_html=bool(row["is_html"]),
                 truncated=bool(row["truncated"]), filename=row["filename"])
