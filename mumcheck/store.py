"""The only module that touches SQL: every run is kept in SQLite (through sqlite-utils).

Tables: ``runs`` (one per check, with the whole report as JSON), ``pages``, ``fetches`` (status,
ETag, Last-Modified and sha256 of every URL requested — the next run sends conditional requests
from them), ``links``, ``findings``, and ``documents`` (extracted text keyed by sha256: the cache
that lets a file linked five times, or unchanged since last night, be read once).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from mumcheck.model import CrawlResult, Extraction, Fetch, Finding, SiteStructure

SCHEMA_VERSION = 1


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


class Store:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.db = sqlite_utils.Database(connection)
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

    # --- schema ----------------------------------------------------------------------------
    def _create(self) -> None:
        db = self.db
        tables = db.table_names()
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path} — база SQLite другой программы, а не mumcheck; укажите другой файл (--db)")
        if "meta" not in tables:
            db["meta"].insert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")
        else:
            version = int(db["meta"].get("schema_version")["value"])
            if version > SCHEMA_VERSION:
                raise StoreError(f"База {self.path} создана более новой версией mumcheck (схема {version}); "
                                 "обновите mumcheck")
        db["runs"].create({
            "id": int, "started": str, "finished": str, "status": str, "start_url": str, "section_url": str,
            "profile": str, "tool_version": str, "score_total": float, "score_max": float, "score_percent": float,
            "zone": str, "errors": int, "warnings": int, "infos": int, "report": str,
        }, pk="id", if_not_exists=True)
        db["pages"].create({"run_id": int, "url": str, "title": str, "depth": int, "trail": str, "encoding": str},
                           foreign_keys=[("run_id", "runs", "id")], if_not_exists=True)
        db["fetches"].create({
            "run_id": int, "url": str, "verdict": str, "status": int, "final_url": str, "content_type": str,
            "size": int, "sha256": str, "etag": str, "last_modified": str, "error": str, "redirects": str,
            "via": str, "is_html": int, "truncated": int, "filename": str,
        }, foreign_keys=[("run_id", "runs", "id")], if_not_exists=True)
        db["links"].create({"run_id": int, "url": str, "page": str, "text": str, "direction": str, "stage": str},
                           foreign_keys=[("run_id", "runs", "id")], if_not_exists=True)
        db["findings"].create({
            "run_id": int, "rule": str, "severity": str, "message": str, "url": str, "page": str,
            "direction": str, "stage": str, "expected": str, "evidence": str,
        }, foreign_keys=[("run_id", "runs", "id")], if_not_exists=True)
        db["documents"].create({
            "sha256": str, "kind": str, "text": str, "pages": int, "chars": int, "is_scan": int, "error": str,
            "title": str, "meta": str, "extracted": str,
        }, pk="sha256", if_not_exists=True)
        db["batches"].create({"id": int, "digest": str, "profile": str, "started": str, "finished": str,
                              "status": str}, pk="id", if_not_exists=True)
        db["batch_items"].create({"batch_id": int, "position": int, "name": str, "url": str, "profile": str,
                                  "status": str, "run_id": int, "error": str},
                                 pk=("batch_id", "position"), foreign_keys=[("batch_id", "batches", "id")],
                                 if_not_exists=True)
        for table, columns in (("pages", ["run_id"]), ("fetches", ["run_id", "url"]), ("links", ["run_id"]),
                               ("findings", ["run_id"]), ("runs", ["start_url", "status"])):
            db[table].create_index(columns, if_not_exists=True)

    # --- runs ------------------------------------------------------------------------------
    def begin_run(self, start_url: str, profile: str, tool_version: str) -> int:
        table = self.db["runs"]
        table.insert({"started": now(), "status": "running", "start_url": start_url, "profile": profile,
                      "tool_version": tool_version})
        return int(table.last_pk)

    def fail_run(self, run_id: int, reason: str) -> None:
        self.db["runs"].update(run_id, {"status": "failed", "finished": now(), "report": json.dumps({"error": reason})})

    def finish_run(self, run_id: int, crawl: CrawlResult, structure: SiteStructure, findings: Iterable[Finding],
                   report: dict[str, Any]) -> None:
        """Write a run's results. The run becomes «done» only by the last statement, so readers
        (which look at finished runs only) never see half of it; rows of a run that was cut short
        are replaced when it is written again."""
        findings = list(findings)
        with self.db.atomic():  # one transaction: one commit for all the rows, not one per chunk
            self._write_run(run_id, crawl, structure, findings, report)

    def _write_run(self, run_id: int, crawl: CrawlResult, structure: SiteStructure, findings: list[Finding],
                   report: dict[str, Any]) -> None:
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        score = report.get("score") or {}
        for table in ("pages", "fetches", "links", "findings"):
            self.db[table].delete_where("run_id = ?", [run_id])
        self.db["pages"].insert_all(
            ({"run_id": run_id, "url": p.url, "title": p.title, "depth": p.depth,
              "trail": json.dumps(p.trail, ensure_ascii=False), "encoding": p.encoding} for p in crawl.pages))
        self.db["fetches"].insert_all(_fetch_row(run_id, f) for f in crawl.fetches)
        self.db["links"].insert_all(
            ({"run_id": run_id, "url": d.link.url, "page": d.link.page, "text": d.link.text,
              "direction": d.direction, "stage": d.stage} for d in structure.all_documents()))
        self.db["findings"].insert_all(
            ({**asdict(f), "run_id": run_id,
              "expected": json.dumps(f.expected, ensure_ascii=False) if f.expected else None} for f in findings))
        self.db["runs"].update(run_id, {
            "finished": report["run"]["finished"], "status": "done", "section_url": structure.section_url,
            "score_total": score.get("total"), "score_max": score.get("max"),
            "score_percent": score.get("percent"), "zone": score.get("zone"),
            "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
            "report": json.dumps(report, ensure_ascii=False),
        })

    def load_report(self, run_id: int) -> dict[str, Any]:
        try:
            row = self.db["runs"].get(run_id)
        except sqlite_utils.db.NotFoundError:
            raise StoreError(f"Запуск № {run_id} не найден в базе {self.path}") from None
        if row["status"] != "done" or not row["report"]:
            raise StoreError(f"Запуск № {run_id} не завершён (состояние: {row['status']})")
        return json.loads(row["report"])

    def runs(self, start_url: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        where, args = ("start_url = ?", [start_url]) if start_url else (None, [])
        return list(self.db["runs"].rows_where(where, args, order_by="id desc", limit=limit,
                                               select="id, started, finished, status, start_url, profile, "
                                                      "score_total, score_max, score_percent, zone, errors, warnings, infos"))

    def last_run_id(self) -> int | None:
        rows = list(self.db["runs"].rows_where("status = 'done'", order_by="id desc", limit=1, select="id"))
        return rows[0]["id"] if rows else None

    def previous_fetches(self, start_url: str) -> dict[str, Fetch]:
        """Fetches of the last finished run from the same start URL, for conditional requests."""
        rows = list(self.db["runs"].rows_where("start_url = ? and status = 'done'", [start_url],
                                               order_by="id desc", limit=1, select="id"))
        if not rows:
            return {}
        return {row["url"]: _fetch_of(row) for row in self.db["fetches"].rows_where("run_id = ?", [rows[0]["id"]])}

    def discard_run(self, run_id: int) -> None:
        """Forget a run that was cut short (its rows and the run itself)."""
        for table in ("pages", "fetches", "links", "findings"):
            self.db[table].delete_where("run_id = ?", [run_id])
        self.db["runs"].delete_where("id = ? and status != 'done'", [run_id])

    def run_row(self, run_id: int) -> dict[str, Any]:
        try:
            return dict(self.db["runs"].get(run_id))
        except sqlite_utils.db.NotFoundError:
            raise StoreError(f"Запуск № {run_id} не найден в базе {self.path}") from None

    def previous_done_run(self, start_url: str, before: int) -> int | None:
        rows = list(self.db["runs"].rows_where("start_url = ? and status = 'done' and id < ?", [start_url, before],
                                               order_by="id desc", limit=1, select="id"))
        return rows[0]["id"] if rows else None

    def run_documents(self, run_id: int) -> dict[str, str | None]:
        """URL → sha256 of every link of a run that led to a document (None where it failed)."""
        rows = self.db.query(
            "select l.url, f.sha256, f.verdict, f.is_html from links l left join fetches f "
            "on f.run_id = l.run_id and f.url = l.url where l.run_id = ?", [run_id])
        return {row["url"]: (row["sha256"] if row["verdict"] == "ok" and not row["is_html"] else None) for row in rows}

    def run_pages(self, run_id: int) -> set[str]:
        return {row["url"] for row in self.db["pages"].rows_where("run_id = ?", [run_id], select="url")}

    # --- region batches ----------------------------------------------------------------------
    def open_batch(self, digest: str, profile: str, items: list[tuple[str, str, str | None]]) -> tuple[int, bool]:
        """The unfinished batch with the same list (resumed: True), or a new one."""
        rows = list(self.db["batches"].rows_where("digest = ? and status = 'running'", [digest],
                                                  order_by="id desc", limit=1))
        if rows:
            return rows[0]["id"], True
        table = self.db["batches"]
        table.insert({"digest": digest, "profile": profile, "started": now(), "status": "running"})
        batch_id = int(table.last_pk)
        self.db["batch_items"].insert_all(
            {"batch_id": batch_id, "position": position, "name": name, "url": url, "profile": item_profile,
             "status": "pending"} for position, (name, url, item_profile) in enumerate(items))
        return batch_id, False

    def batch(self, batch_id: int) -> dict[str, Any]:
        return dict(self.db["batches"].get(batch_id))

    def batch_items(self, batch_id: int) -> list[dict[str, Any]]:
        return list(self.db["batch_items"].rows_where("batch_id = ?", [batch_id], order_by="position"))

    def set_batch_item(self, batch_id: int, position: int, **fields: Any) -> None:
        self.db["batch_items"].update((batch_id, position), fields)

    def finish_batch(self, batch_id: int) -> None:
        self.db["batches"].update(batch_id, {"status": "done", "finished": now()})

    # --- the extraction cache --------------------------------------------------------------
    def cached_extraction(self, sha256: str) -> Extraction | None:
        try:
            row = self.db["documents"].get(sha256)
        except sqlite_utils.db.NotFoundError:
            return None
        return _extraction_of(row)

    def cached_extractions(self, sha256s: Iterable[str]) -> dict[str, Extraction]:
        """sha256 → cached extraction, for those of ``sha256s`` that are in the cache (one query
        per 500, not one per document)."""
        wanted = list(dict.fromkeys(sha256s))
        found: dict[str, Extraction] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.db.query(f"select * from documents where sha256 in ({marks})", chunk):
                found[row["sha256"]] = _extraction_of(row)
        return found

    def save_extraction(self, extraction: Extraction) -> None:
        if extraction.meta.get("timeout") or extraction.meta.get("crashed") or extraction.meta.get("internal"):
            return  # the worker timed out, died or hit a bug of ours: not a fact about the file
        self.db["documents"].upsert({
            "sha256": extraction.sha256, "kind": extraction.kind, "text": extraction.text,
            "pages": extraction.pages, "chars": extraction.chars, "is_scan": int(extraction.is_scan),
            "error": extraction.error, "title": extraction.title,
            "meta": json.dumps(extraction.meta, ensure_ascii=False, default=str), "extracted": now(),
        }, pk="sha256")


_FETCH_COLUMNS = tuple(f.name for f in fields(Fetch) if f.name != "blob")


def _fetch_row(run_id: int, fetch: Fetch) -> dict[str, Any]:
    # a shallow copy: every field is a plain value (asdict's deep copy costs more than the insert)
    row = {name: getattr(fetch, name) for name in _FETCH_COLUMNS}
    row["run_id"] = run_id
    row["redirects"] = json.dumps(list(fetch.redirects), ensure_ascii=False)
    row["is_html"] = int(fetch.is_html)
    row["truncated"] = int(fetch.truncated)
    return row


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
