"""Monitoring: what changed between two runs of a site whose files the test changes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from urllib.parse import unquote

from mumcheck.monitor import history, monitor_site
from mumcheck.pipeline import CheckOptions
from mumcheck.urls import resolve
from tests.conftest import SITE_DIRS, load_site_manifest


def _copy_site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE_DIRS["list"], root)
    return root


def test_changes_between_runs(tmp_path, serve, db_path):
    root = _copy_site(tmp_path)
    server = serve(root)
    options = CheckOptions(db_path=db_path)
    first = monitor_site(server.url("/"), options)
    assert first["first_run"] and first["previous_run"] is None

    manifest = load_site_manifest("list")
    good = [d for d in manifest["documents"] if not d.get("defect") and d["href"].startswith("/") and d["stage"]]
    removed, changed = good[0], good[1]
    dead = next(d for d in manifest["documents"] if d.get("defect") == "dead" and d["href"].startswith("/"))
    twin = next(d for d in good if (d["direction"], d["stage"]) == (dead["direction"], dead["stage"]))
    path_of = lambda href: root / unquote(href).lstrip("/")  # noqa: E731
    path_of(removed["href"]).unlink()                                       # a link breaks
    with path_of(changed["href"]).open("ab") as pdf:                        # a file changes (same text)
        pdf.write(b"\n% revised\n")
    shutil.copy(path_of(twin["href"]), path_of(dead["href"]))              # the 404 is fixed

    changes = monitor_site(server.url("/"), options)
    url = lambda href: resolve(server.url("/"), href)  # noqa: E731
    assert [(f["rule"], f["url"]) for f in changes["new_findings"]] == [("link.dead", url(removed["href"]))]
    assert [(f["rule"], f["url"]) for f in changes["fixed_findings"]] == [("link.dead", url(dead["href"]))]
    assert changes["documents"]["changed"] == [url(changed["href"])]
    assert changes["documents"]["removed"] == []  # the broken link is still on the page: it is a finding
    assert changes["pages"] == {"appeared": [], "vanished": []}
    assert changes["previous_run"]["id"] == first["run"]["id"]

    unchanged = monitor_site(server.url("/"), options)
    assert unchanged["new_findings"] == [] and unchanged["fixed_findings"] == []
    assert unchanged["documents"] == {"added": [], "removed": [], "changed": []}
    assert unchanged["stats"]["not_modified"] >= 40  # conditional requests: unchanged files not downloaded

    runs = history(server.url("/"), db_path)
    assert [r["id"] for r in runs] == [unchanged["run"]["id"], changes["run"]["id"], first["run"]["id"]]


def test_document_added_and_page_vanished(tmp_path, serve, db_path):
    root = _copy_site(tmp_path)
    server = serve(root)
    options = CheckOptions(db_path=db_path)
    monitor_site(server.url("/"), options)
    section = root / "mum" / "index.html"
    text = section.read_text(encoding="utf-8")
    assert 'href="2-4.html"' in text
    section.write_text(text.replace('href="2-4.html"', 'href="2-4-old.html"'), encoding="utf-8")
    page = root / "mum" / "2-3.html"
    copy = root / "upload" / "Копия плана.pdf"
    manifest = load_site_manifest("list")
    original = next(d for d in manifest["documents"] if (d["direction"], d["stage"]) == ("2.3", "measures")
                    and not d.get("defect") and d["kind"] == "pdf")
    shutil.copy(root / unquote(original["href"]).lstrip("/"), copy)
    page.write_text(page.read_text(encoding="utf-8").replace(
        f'href="{original["href"]}"', f'href="{original["href"]}">План</a></li><li><a href="/upload/Копия плана.pdf"', 1),
        encoding="utf-8")
    changes = monitor_site(server.url("/"), options)
    assert changes["pages"]["vanished"] == [server.url("/mum/2-4.html")]
    assert any(f["rule"] == "link.dead" and f["url"] == server.url("/mum/2-4-old.html") for f in changes["new_findings"])
    assert changes["documents"]["added"] == [resolve(server.url("/"), "/upload/Копия плана.pdf")]


def test_monitor_exit_status_only_for_new_findings(tmp_path, serve):
    root = _copy_site(tmp_path)
    server = serve(root)
    db = str(tmp_path / "db")
    command = [sys.executable, "-m", "mumcheck", "monitor", server.url("/"), "--db", db, "-q"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert first.returncode == 1  # the first run: every error is new
    second = subprocess.run(command + ["-f", "json"], capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr  # the same errors again: nothing new
    assert json.loads(second.stdout)[0]["new_findings"] == []
    (root / "mum" / "1-3.html").unlink()
    third = subprocess.run(command + ["-f", "junit"], capture_output=True, text=True, timeout=120)
    assert third.returncode == 1
    assert "<failure" in third.stdout and "link.dead" in third.stdout
    shown = subprocess.run([sys.executable, "-m", "mumcheck", "history", server.url("/"), "--db", db],
                           capture_output=True, text=True)
    assert shown.returncode == 0 and len(shown.stdout.strip().splitlines()) == 4
