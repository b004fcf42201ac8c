"""The command line as a user and a CI job meet it: demo, exit statuses, stored runs, help."""

from __future__ import annotations

import json
import os

from tests.conftest import SITE_DIRS, load_site_manifest
from tests.e2e.test_fixture_sites import run_cli


def test_demo_writes_the_contract_json(tmp_path):
    out = tmp_path / "demo.json"
    proc = run_cli("demo", "--format", "json", "--output", str(out), "--db", str(tmp_path / "db.sqlite"))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    manifest = load_site_manifest("demo")
    rules = sorted(f["rule"] for f in report["findings"])
    assert rules == sorted(item["rule"] for item in manifest["expected_findings"])
    assert report["site"]["start_url"].startswith("http://127.0.0.1:")
    assert report["score"]["zone"] in ("red", "orange", "yellow", "green")
    assert 0 < report["score"]["total"] < report["score"]["max"] == 442


def test_demo_prints_a_readable_report(tmp_path):
    proc = run_cli("demo", "--db", str(tmp_path / "db.sqlite"))
    assert proc.returncode == 1
    out = proc.stdout
    assert "Оценка (предварительная)" in out
    assert "Что исправить" in out
    assert "не открывается" in out and "скан без текстового слоя" in out
    assert "\x1b[" not in out  # no colours when not on a terminal


def test_fail_on_never_exits_zero(tmp_path, serve):
    server = serve(SITE_DIRS["list"])
    proc = run_cli("check", server.url("/"), "--fail-on", "never", "--db", str(tmp_path / "db.sqlite"), "-q")
    assert proc.returncode == 0, proc.stderr


def test_ignored_rules_are_not_reported(tmp_path, serve):
    server = serve(SITE_DIRS["list"])
    out = tmp_path / "r.json"
    proc = run_cli("check", server.url("/"), "--ignore", "link", "--ignore", "structure.stage_missing",
                   "-f", "json", "-o", str(out), "--db", str(tmp_path / "db.sqlite"), "-q")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert proc.returncode == 0
    assert not [f for f in report["findings"] if f["rule"].startswith("link.") or f["rule"] == "structure.stage_missing"]


def test_stored_run_renders_again_without_crawling(tmp_path, serve):
    db = str(tmp_path / "db.sqlite")
    server = serve(SITE_DIRS["table"])
    first = tmp_path / "first.json"
    run_cli("check", server.url("/"), "-f", "json", "-o", str(first), "--db", db, "-q")
    server.stop()  # the site is gone: `report` must not need it
    again = tmp_path / "again.json"
    proc = run_cli("report", "last", "-f", "json", "-o", str(again), "--db", db)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(again.read_text(encoding="utf-8")) == json.loads(first.read_text(encoding="utf-8"))
    listing = run_cli("runs", "--db", db)
    assert listing.returncode == 0 and server.base_url in listing.stdout


def test_section_missing_is_an_error(make_site, tmp_path):
    site = make_site({"index.html": "<html><head><meta charset='utf-8'><title>Управление образования</title></head>"
                                    "<body><h1>Новости</h1><a href='/news/'>Новости</a></body></html>"})
    out = tmp_path / "r.json"
    proc = run_cli("check", site.url("/"), "-f", "json", "-o", str(out), "--db", str(tmp_path / "db"), "-q")
    assert proc.returncode == 1
    rules = [f["rule"] for f in json.loads(out.read_text(encoding="utf-8"))["findings"]]
    assert rules == ["structure.section_missing"]


def test_bad_arguments_exit_2_with_one_line(tmp_path):
    proc = run_cli("check", "http://127.0.0.1:9/", "--profile", "no-such-profile", "--db", str(tmp_path / "db"))
    assert proc.returncode == 2
    assert "Профиль «no-such-profile» не найден" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert run_cli("check").returncode == 2
    assert run_cli("report", "nonsense", "--db", str(tmp_path / "db")).returncode == 2


def test_unreadable_database_exits_2(tmp_path):
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    proc = run_cli("runs", "--db", str(bad))
    assert proc.returncode == 2
    assert "не открывается" in proc.stderr


def test_help_answers_the_question():
    top = run_cli("--help")
    assert top.returncode == 0
    for command in ("check", "demo", "report", "rules", "runs"):
        assert command in top.stdout
    check = run_cli("check", "--help")
    assert "--fail-on" in check.stdout and "--profile" in check.stdout and "Коды выхода" not in check.stdout


def test_rules_lists_every_contract_rule():
    proc = run_cli("rules", "--profile", "perm-2023")
    assert proc.returncode == 0
    for rule in ("structure.section_missing", "structure.direction_missing", "structure.stage_missing",
                 "structure.responsible_missing", "link.dead", "doc.no_text", "doc.unreadable"):
        assert rule in proc.stdout
    assert "Цели и задачи" in proc.stdout


def test_unreachable_site_exits_2_and_says_why(tmp_path):
    proc = run_cli("check", "http://127.0.0.1:9/", "--db", str(tmp_path / "db"))
    assert proc.returncode == 2
    assert "сайт не открывается" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_sigterm_stops_a_check_cleanly(tmp_path):
    """A cancelled CI job sends SIGTERM: the check stops at once with 128 + 15, and the run it
    had begun is marked failed in the database (not left «running»)."""
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from mumcheck.siteserver import SiteServer

    db = tmp_path / "db.sqlite"
    with SiteServer(SITE_DIRS["demo"], latency=0.3) as server:
        process = subprocess.Popen([sys.executable, "-m", "mumcheck", "check", server.url("/"), "--db", str(db), "-q"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(server.requests) < 3 and time.monotonic() < deadline:  # the crawl is under way
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 128 + signal.SIGTERM
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from runs").fetchall() == [("failed",)]


def test_closed_output_streams_are_not_a_crash():
    """`mumcheck rules >&-` in a script: nothing to write to is not a reason for a traceback."""
    import shlex
    import subprocess
    import sys

    proc = subprocess.run(f"{shlex.quote(sys.executable)} -m mumcheck rules >&-", shell=True,
                          capture_output=False, stderr=subprocess.PIPE, text=True, timeout=60)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def test_extraction_workers_do_not_outlive_a_killed_check(tmp_path):
    """SIGKILL runs no clean-up: the pool's processes must notice and leave on their own."""
    import signal
    import subprocess
    import sys
    import time

    from mumcheck.siteserver import SiteServer

    with SiteServer(SITE_DIRS["demo"], latency=0.3) as server:
        process = subprocess.Popen([sys.executable, "-m", "mumcheck", "check", server.url("/"),
                                    "--db", str(tmp_path / "db.sqlite"), "-q"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        helpers: set[int] = set()
        while len(helpers) < 3 and time.monotonic() < deadline:  # forkserver and its workers
            helpers = _descendants(process.pid)
            time.sleep(0.1)
        assert len(helpers) >= 3
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in helpers):
            time.sleep(0.2)
        left = [pid for pid in helpers if os.path.exists(f"/proc/{pid}")
                and "Z" not in open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]]
        assert left == []
