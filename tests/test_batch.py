"""Region batches: CSV variants, a site that is down, resuming after a real kill."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from urllib.parse import unquote

import pytest
import yaml

from mumcheck.batch import BatchOptions, RegionFileError, parse_region, read_region, run_batch
from mumcheck.pipeline import CheckOptions
from tests.conftest import SITE_DIRS, load_site_manifest


@pytest.mark.parametrize("text", [
    "name,url\nПермь,https://uo-perm.ru\nОчёр,ocher-uo.ru/\n",
    "name;url\r\nПермь;https://uo-perm.ru\r\nОчёр;ocher-uo.ru/\r\n",
    "Название;Адрес сайта\nПермь;https://uo-perm.ru\n\nОчёр;ocher-uo.ru/\n",
    'url,name,profile\nhttps://uo-perm.ru,"Пермь",\nocher-uo.ru/,"Очёр",fioko-2022\n',
])
def test_csv_variants(text):
    municipalities = parse_region(text)
    assert [(m.name, m.url) for m in municipalities] == [("Пермь", "https://uo-perm.ru"), ("Очёр", "http://ocher-uo.ru/")]


def test_windows_1251_file_with_bom_free_excel_semicolons(tmp_path):
    path = tmp_path / "region.csv"
    path.write_bytes("name;url;profile\nЧайковский городской округ;chaik-uo.ru;perm-2023\n".encode("cp1251"))
    [m] = read_region(path)
    assert (m.name, m.url, m.profile, m.line) == ("Чайковский городской округ", "http://chaik-uo.ru", "perm-2023", 2)
    path.write_bytes(b"\xef\xbb\xbf" + "name,url\nЁлки,elki.ru\n".encode("utf-8"))
    assert read_region(path)[0].name == "Ёлки"


@pytest.mark.parametrize("text, message", [
    ("", "файл пуст"),
    ("город,сайт2\nПермь,x.ru\n", "нужны столбцы name и url"),
    ("name,url\nПермь,\n", ":2: у «Пермь» не указан адрес"),
    ("name,url\nПермь,perm.ru\nЕщё Пермь,http://PERM.ru/\n", ":3: адрес http://PERM.ru/ уже встречался в строке 2"),
    ("name,url\n", "нет ни одного муниципалитета"),
])
def test_bad_csv_says_where_and_why(text, message):
    with pytest.raises(RegionFileError, match=message):
        parse_region(text)


def test_batch_summary_and_a_site_that_is_down(serve, db_path):
    servers = {name: serve(SITE_DIRS[name]) for name in ("list", "table")}
    text = "name,url\n" + "".join(f"{name},{s.url('/')}\n" for name, s in servers.items()) + "Лежит,http://127.0.0.1:9/\n"
    summary = run_batch(parse_region(text), BatchOptions(check=CheckOptions(db_path=db_path), concurrency=3))
    assert [m["name"] for m in summary["municipalities"]] == ["list", "table", "Лежит"]  # the CSV's order
    down = summary["municipalities"][2]
    assert down["status"] == "failed" and "не открывается" in down["error"] and down["score"] is None
    for entry in summary["municipalities"][:2]:
        manifest = load_site_manifest(entry["name"])
        expected_errors = sum(1 for f in manifest["expected_findings"]
                              if f["rule"] in ("link.dead", "structure.stage_missing", "structure.direction_missing"))
        assert entry["status"] == "done" and entry["findings"]["error"] == expected_errors
    assert sum(summary["zones"].values()) == 2
    expected_avg = round((summary["municipalities"][0]["score"]["directions"]["2.2"]["percent"]
                          + summary["municipalities"][1]["score"]["directions"]["2.2"]["percent"]) / 2, 1)
    assert summary["directions"]["2.2"] == expected_avg


def _slow_faults(name: str, delay: float) -> dict:
    manifest = load_site_manifest(name)
    return {unquote(doc["href"]): {"delay": delay} for doc in manifest["documents"] if doc["href"].startswith("/")}


def test_interrupted_batch_resumes_without_refetching(tmp_path, serve):
    db = tmp_path / "region.db"
    fast = [serve(SITE_DIRS["list"]), serve(SITE_DIRS["tabs"])]
    slow = serve(SITE_DIRS["table"], faults=_slow_faults("table", 0.5))
    csv_path = tmp_path / "region.csv"
    csv_path.write_text("name,url\n" + "".join(f"М{i},{s.url('/')}\n" for i, s in enumerate(fast + [slow])),
                        encoding="utf-8")
    command = [sys.executable, "-m", "mumcheck", "batch", str(csv_path), "--db", str(db), "--concurrency", "1",
               "-f", "json", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if db.exists() and _item_states(db).count("done") == 2 and len(slow.requests) > 5:
            break
    else:
        process.kill()
        pytest.fail("the batch did not reach the slow municipality in time")
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _item_states(db) == ["done", "done", "running"]

    for server in fast:
        server.requests.clear()
    slow.faults.clear()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 1, finished.stderr
    summary = json.loads(finished.stdout)
    assert summary["run"]["resumed"] is True
    assert [m["status"] for m in summary["municipalities"]] == ["done", "done", "done"]
    assert all(server.requests == [] for server in fast)  # finished ones are not fetched again
    with sqlite3.connect(db) as conn:
        runs = conn.execute("select start_url, status from runs").fetchall()
        findings_per_run = conn.execute("select run_id, count(*) from findings group by run_id").fetchall()
    assert sorted(status for _, status in runs) == ["done", "done", "done"]  # no half run left behind
    assert len({url for url, _ in runs}) == 3
    assert len(findings_per_run) == 3


def _item_states(db) -> list[str]:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return [row[0] for row in conn.execute("select status from batch_items order by position")]
    except sqlite3.OperationalError:
        return []


def test_batch_cli_writes_index_and_reports(tmp_path, serve):
    server = serve(SITE_DIRS["demo"])
    csv_path = tmp_path / "r.csv"
    csv_path.write_text(f"name,url\nДемо,{server.url('/')}\nЛежит,127.0.0.1:9\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "mumcheck", "batch", str(csv_path), "--db", str(tmp_path / "db"),
                           "-o", str(out), "-f", "html", "-f", "json", "-f", "csv", "-q"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    summary = json.loads((out / "index.json").read_text(encoding="utf-8"))
    report_path = summary["municipalities"][0]["report"]
    assert (out / report_path).is_file() and summary["municipalities"][1]["report"] is None
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Рейтинг муниципалитетов" in html and f'href="{report_path}"' in html and "Лежит" in html
    assert (out / "index.csv").read_text(encoding="utf-8").splitlines()[0].startswith("Муниципалитет,Адрес")


def test_unreadable_region_file_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "mumcheck", "batch", str(tmp_path / "nope.csv")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "не читается" in proc.stderr
