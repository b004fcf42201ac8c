"""The SQLite store: runs, the fetch history for conditional requests, the extraction cache."""

from __future__ import annotations

import re
import sqlite3

import pytest

from mumcheck.model import (CrawlResult, DirectionNode, DocumentRef, Extraction, Fetch, Finding, LinkRef, Page,
                            SiteStructure, StageNode)
from mumcheck.store import Store, StoreError

START = "https://uo.example.ru/"
SECTION = "https://uo.example.ru/mum/"


def crawl_of(*fetches: Fetch, start: str = START) -> CrawlResult:
    page = Page(url=SECTION, title="МУМ", trail=("Муниципальные инструменты управления качеством",), depth=1)
    return CrawlResult(start_url=start, section_url=SECTION, section_found=True, section_label="МУМ",
                       pages=(page,), fetches=fetches, seconds=1.5)


def structure_of(*urls: str) -> SiteStructure:
    refs = tuple(DocumentRef(link=LinkRef(url=u, text=f"Документ {i}", page=SECTION), direction="1.3", stage="goals")
                 for i, u in enumerate(urls))
    stage = StageNode(stage="goals", present=True, url=SECTION + "#goals", documents=refs)
    direction = DirectionNode(code="1.3", title="Способности и таланты", present=True, url=SECTION, stages=(stage,))
    return SiteStructure(section_found=True, section_url=SECTION, directions=(direction,))


def report_of(run_id: int, total: float = 10.0) -> dict:
    return {"tool": {"name": "mumcheck", "version": "test"},
            "run": {"id": run_id, "started": "2024-01-01T00:00:00+00:00", "finished": "2024-01-01T00:01:00+00:00",
                    "profile": "perm-2023"},
            "site": {"start_url": START, "section_url": SECTION}, "directions": [], "findings": [],
            "score": {"total": total, "max": 442.0, "percent": round(100 * total / 442, 1), "zone": "red"},
            "stats": {"pages": 1, "links": 1, "documents": 1, "bytes": 10, "seconds": 1.5},
            "text": "Кириллица «в кавычках»"}


FINDINGS = [
    Finding(rule="link.dead", severity="error", message="Ссылка не открывается", url=START + "a.pdf", page=SECTION,
            direction="1.3", stage="goals", evidence="HTTP 404"),
    Finding(rule="placement.wrong_stage", severity="warning", message="Документ не в том подразделе",
            url=START + "b.pdf", direction="1.3", stage="goals", expected={"stage": "analysis"}),
    Finding(rule="structure.responsible_missing", severity="warning", message="Нет приказа"),
]


def fetch(url: str, **kw) -> Fetch:
    return Fetch(**{"url": url, "verdict": "ok", "status": 200, "sha256": "s-" + url, "etag": '"e1"',
                    "last_modified": "Mon, 01 Jan 2024 00:00:00 GMT", "size": 10, **kw})


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "sub" / "m.db") as s:
        yield s


def count(store: Store, table: str, run_id: int | None = None) -> int:
    where, args = ("where run_id = ?", (run_id,)) if run_id is not None else ("", ())
    return store.db.execute(f"select count(*) from {table} {where}", args).fetchone()["count(*)"]


def finish(store: Store, *fetches: Fetch, start: str = START, findings=FINDINGS, total: float = 10.0) -> int:
    run_id = store.begin_run(start, "perm-2023", "test")
    store.finish_run(run_id, crawl_of(*fetches, start=start), structure_of(*(f.url for f in fetches)),
                     findings, report_of(run_id, total))
    return run_id


def test_begin_and_finish(store):
    run_id = store.begin_run(START, "perm-2023", "0.1.0")
    [row] = store.runs()
    assert row["id"] == run_id and row["status"] == "running" and row["finished"] is None
    assert row["start_url"] == START and row["profile"] == "perm-2023"
    with pytest.raises(StoreError, match="не завершён"):
        store.load_report(run_id)

    store.finish_run(run_id, crawl_of(fetch(START + "a.pdf")), structure_of(START + "a.pdf"), FINDINGS,
                     report_of(run_id, 42.0))
    [row] = store.runs()
    assert row["status"] == "done"
    assert row["finished"] == "2024-01-01T00:01:00+00:00"
    assert (row["errors"], row["warnings"], row["infos"]) == (1, 2, 0)
    assert (row["score_total"], row["score_max"], row["zone"]) == (42.0, 442.0, "red")
    assert store.last_run_id() == run_id


def test_load_report_round_trip(store):
    run_id = finish(store, fetch(START + "a.pdf"))
    assert store.load_report(run_id) == report_of(run_id)


def test_load_report_unknown_run(store):
    with pytest.raises(StoreError, match="№ 999 не найден"):
        store.load_report(999)


def test_failed_run(store):
    run_id = store.begin_run(START, "perm-2023", "test")
    store.fail_run(run_id, "ConnectionError: сайт недоступен")
    [row] = store.runs()
    assert row["status"] == "failed" and row["finished"]
    with pytest.raises(StoreError, match="failed"):
        store.load_report(run_id)
    assert store.last_run_id() is None


def test_runs_newest_first_filter_and_limit(store):
    first = finish(store)
    other = finish(store, start="https://other.example.ru/")
    third = finish(store)
    assert [r["id"] for r in store.runs()] == [third, other, first]
    assert [r["id"] for r in store.runs(START)] == [third, first]
    assert [r["id"] for r in store.runs(limit=1)] == [third]
    assert "report" not in store.runs()[0]


def test_rows_written(store):
    run_id = finish(store, fetch(START + "a.pdf", redirects=(START + "old.pdf",), is_html=False),
                    fetch(START + "b.pdf", verdict="dead", status=404, sha256=None))
    assert count(store, "pages", run_id) == 1
    assert count(store, "fetches", run_id) == 2
    assert count(store, "links", run_id) == 2
    rows = store.db.execute("select * from findings where run_id = ? order by rowid", (run_id,)).fetchall()
    assert [r["rule"] for r in rows] == [f.rule for f in FINDINGS]
    assert rows[1]["expected"] == '{"stage": "analysis"}'
    assert rows[0]["expected"] is None


def test_previous_fetches_of_last_finished_run(store):
    old = fetch(START + "a.pdf", etag='"old"')
    finish(store, old, fetch(START + "gone.pdf"))
    new = fetch(START + "a.pdf", etag='"new"', redirects=(START + "r1", START + "r2"), is_html=True,
                truncated=True, filename="a.pdf", final_url=START + "r2", via=START + "card")
    finish(store, new)
    # later runs that did not finish are ignored
    store.begin_run(START, "perm-2023", "test")
    failed = store.begin_run(START, "perm-2023", "test")
    store.fail_run(failed, "oops")
    # a finished run of another site is ignored
    finish(store, fetch(START + "a.pdf", etag='"other"'), start="https://other.example.ru/")

    previous = store.previous_fetches(START)
    assert list(previous) == [START + "a.pdf"]
    assert previous[START + "a.pdf"] == new  # every field survives, blob aside


def test_previous_fetches_blob_not_kept(store):
    finish(store, fetch(START + "a.pdf", blob="/tmp/x/blob"))
    assert store.previous_fetches(START)[START + "a.pdf"].blob is None


def test_previous_fetches_none(store):
    assert store.previous_fetches(START) == {}
    run_id = store.begin_run(START, "perm-2023", "test")
    store.fail_run(run_id, "oops")
    assert store.previous_fetches(START) == {}


def test_finish_twice_does_not_duplicate(store):
    run_id = store.begin_run(START, "perm-2023", "test")
    for _ in range(2):
        store.finish_run(run_id, crawl_of(fetch(START + "a.pdf")), structure_of(START + "a.pdf"), FINDINGS,
                         report_of(run_id))
    for table, expected in (("pages", 1), ("fetches", 1), ("links", 1), ("findings", len(FINDINGS))):
        assert count(store, table, run_id) == expected, table
    assert len(store.runs()) == 1


def test_extraction_cache(store):
    extraction = Extraction(sha256="abc", kind="pdf", text="Приказ о назначении", pages=3, chars=19,
                            is_scan=False, title="Приказ", meta={"producer": "LibreOffice", "fonts": 2})
    assert store.cached_extraction("abc") is None
    store.save_extraction(extraction)
    cached = store.cached_extraction("abc")
    assert cached == extraction
    assert cached.meta == {"producer": "LibreOffice", "fonts": 2}
    # saved again (e.g. re-extracted): one row, the new values
    store.save_extraction(Extraction(sha256="abc", kind="pdf", text="", pages=3, chars=0, is_scan=True))
    assert store.cached_extraction("abc").is_scan is True
    assert count(store, "documents") == 1


def test_failed_extraction_of_a_file_is_cached(store):
    # a corrupt file stays corrupt: no need to try again
    broken = Extraction(sha256="bad", kind="pdf", error="файл повреждён")
    store.save_extraction(broken)
    assert store.cached_extraction("bad") == broken
    assert not store.cached_extraction("bad").readable


@pytest.mark.parametrize("meta", [{"timeout": True}, {"crashed": True}])
def test_transient_failures_not_cached(store, meta):
    store.save_extraction(Extraction(sha256="t", kind="pdf", error="Обработка файла прервана", meta=meta))
    assert store.cached_extraction("t") is None


def test_reopen_keeps_data(tmp_path):
    path = tmp_path / "m.db"
    with Store(path) as s:
        run_id = finish(s, fetch(START + "a.pdf"))
        s.save_extraction(Extraction(sha256="abc", kind="docx", text="x", chars=1))
    with Store(path) as s:
        assert s.load_report(run_id)["run"]["id"] == run_id
        assert s.cached_extraction("abc").kind == "docx"


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"This is not an SQLite database, just some text.\n" * 100)
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert str(path) in message
    assert re.search(r"[А-Яа-яЁё]{4,}", message) and "не открывается" in message


def test_directory_as_database(tmp_path):
    with pytest.raises(StoreError, match="не открывается"):
        Store(tmp_path)


def test_database_is_sqlite_with_schema_version(tmp_path):
    path = tmp_path / "m.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select value from meta where key='schema_version'").fetchone() == ("1",)


def test_a_foreign_sqlite_database_is_refused(tmp_path):
    import sqlite3

    from mumcheck.store import Store, StoreError

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table invoices (id integer)")
    with pytest.raises(StoreError, match="другой программы"):
        Store(path)
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("select name from sqlite_master where type='table'")] == ["invoices"]
