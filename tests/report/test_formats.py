"""Every report format, from reports the pipeline made of the fixture sites (served over HTTP).

Golden files (tests/report/golden/) hold the json, csv, markdown and junit renderings of the «tabs»
fixture site with the volatile parts normalised (port, run id, dates, seconds, version); rewrite
them with MUMCHECK_UPDATE_GOLDEN=1 after a deliberate change and review the diff."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from mumcheck.report import EXTENSIONS, FORMATS, render
from mumcheck.report import tables, view
from tests.conftest import SITE_DIRS

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"
GOLDEN_FORMATS = {"json": "tabs.json", "csv": "tabs.csv", "markdown": "tabs.md", "junit": "tabs.junit.xml"}


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FORMATS))
def test_golden(golden_report, fmt):
    path = GOLDEN / GOLDEN_FORMATS[fmt]
    text = render(golden_report, fmt)
    if os.environ.get("MUMCHECK_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert path.is_file(), f"no golden file {path.name}: run with MUMCHECK_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"{fmt} differs from {path.name}"


@pytest.mark.parametrize("name", sorted(SITE_DIRS))
def test_every_report_validates_against_the_schema(site_reports, name):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    report, _ = site_reports[name]
    stored = json.loads(render(report, "json"))  # what «mumcheck report RUN» reads back
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(stored)]
    assert not errors, errors[:5]


def test_schema_rejects_a_broken_report(golden_report):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(golden_report))
    broken["score"]["zone"] = "purple"
    del broken["findings"][0]["severity"]
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(broken))
    assert len(errors) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_every_site_from_the_stored_dict(site_reports, fmt):
    for name, (report, _) in site_reports.items():
        out = render(json.loads(render(report, "json")), fmt)
        assert out, (name, fmt)
        assert (isinstance(out, bytes)) == (fmt == "xlsx")


def test_score_blocks_in_report(golden_report):
    score = golden_report["score"]
    assert set(score["blocks"]) == {"1", "2"}
    assert score["blocks"]["1"]["directions"] == ["1.1", "1.2", "1.3", "1.4"]
    assert score["blocks"]["1"]["max"] + score["blocks"]["2"]["max"] == score["max"]
    assert round(score["blocks"]["1"]["total"] + score["blocks"]["2"]["total"], 1) == pytest.approx(score["total"], abs=0.1)
    assert "не балл эксперта" in score["note"]


# --- csv and the ФИОКО form -------------------------------------------------------------------
def _form_rows(report) -> list[list[str]]:
    text = render(report, "csv-form")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_fioko_form(golden_report):
    rows = _form_rows(golden_report)
    header = rows[0]
    assert header[:6] == ["Позиция оценивания", "Максимальный балл", "Ссылка 1", "Комментарий 1", "Ссылка 2",
                          "Комментарий 2"]
    assert len(header) % 2 == 0
    by_position = {r[0]: r for r in rows[1:]}
    assert by_position["1. Механизмы управления качеством образовательных результатов"][1] == "244"
    assert by_position["2. Механизмы управления качеством образовательной деятельности"][1] == "198"
    # positions: 2 blocks + 8 directions + 8 × 6 stages
    assert len(rows) - 1 == 2 + 8 + 8 * 6
    directions = [r for r in rows[1:] if r[0][:4] in {f"{c}." for c in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4")}]
    assert [r[1] for r in directions] == ["25", "15", "49", "155", "20", "86", "72", "20"]
    # every link found on the site is in the form, in its position; broken ones are marked
    report = golden_report
    wrong = view.misplaced(report)
    listed = {cell for r in rows[1:] for cell in r[2::2] if cell}
    found = {d["url"] for direction in report["directions"] for s in direction["stages"] for d in s["documents"]}
    assert listed == found
    comments = {r[i]: r[i + 1] for r in rows[1:] for i in range(2, len(r) - 1, 2) if r[i]}
    dead = [d for direction in report["directions"] for s in direction["stages"] for d in s["documents"]
            if d["status"] == "dead"]
    assert dead, "the tabs site has dead links"
    for doc in dead:
        assert "НЕ ОТКРЫВАЕТСЯ" in comments[doc["url"]]
    for url in wrong:
        if url in comments:
            assert "ДРУГАЯ ВКЛАДКА" in comments[url]


def test_fioko_form_lists_documents_that_count_first(golden_report):
    table = tables.fioko_form(golden_report)
    rank = {"ok": 0, "scan": 1, "empty": 2, "misplaced": 3, "broken": 4}
    for row in table.rows:
        states = [c.state for c in row[2::2] if c.state]
        assert states == sorted(states, key=rank.get)


def test_mum_table_csv(golden_report):
    rows = list(csv.reader(io.StringIO(render(golden_report, "csv-table")[1:])))
    assert rows[0][0] == "Направление" and rows[0][-1] == "Баллы (оценка)"
    assert rows[0][2:-1] == list(golden_report["profile"]["stages"].values())
    assert [r[0][:3] for r in rows[1:]] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"]


def test_csv_has_three_tables(golden_report):
    text = render(golden_report, "csv")
    assert [line for line in text.lstrip("\ufeff").splitlines() if line.startswith("# ")] == [
        "# Таблица МУМ", "# Форма ФИОКО", "# Замечания"]


# --- xlsx -------------------------------------------------------------------------------------
def test_xlsx(golden_report, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "report.xlsx"
    path.write_bytes(render(golden_report, "xlsx"))
    book = load_workbook(path)
    assert book.sheetnames == ["Оценка", "Таблица МУМ", "Форма ФИОКО", "Замечания"]
    summary = {row[0]: row[1] for row in book["Оценка"].iter_rows(values_only=True)}
    assert summary["Оценка, баллов"] == golden_report["score"]["total"]
    assert summary["Максимум"] == 442
    assert summary["Зона"] == view.ZONE_NAMES[golden_report["score"]["zone"]]
    assert "не балл эксперта" in summary["Примечание"]

    form = book["Форма ФИОКО"]
    header = [c.value for c in form[1]]
    assert header[:4] == ["Позиция оценивания", "Максимальный балл", "Ссылка 1", "Комментарий 1"]
    values = [[c.value for c in row] for row in form.iter_rows(min_row=2)]
    assert values[0][:2] == ["1. Механизмы управления качеством образовательных результатов", 244]
    assert isinstance(values[2][1], float)  # a position's max points is a number Excel can sum
    dead = {d["url"] for direction in golden_report["directions"] for s in direction["stages"]
            for d in s["documents"] if d["status"] == "dead"}
    marked = {}
    for row in form.iter_rows(min_row=2):
        for link, comment in zip(row[2::2], row[3::2]):
            if link.value:
                marked[link.value] = (comment.value, link.fill.fgColor.rgb, link.hyperlink.target if link.hyperlink else None)
    for url in dead:
        comment, fill, target = marked[url]
        assert "НЕ ОТКРЫВАЕТСЯ" in comment and fill.endswith("FF9999") and target == url

    findings = book["Замечания"]
    assert [c.value for c in findings[1]] == list(tables.FINDINGS_HEADER)
    assert findings.max_row - 1 == len(golden_report["findings"])
    messages = {row[4] for row in findings.iter_rows(min_row=2, values_only=True)}
    assert messages == {f["message"] for f in golden_report["findings"]}

    mum = book["Таблица МУМ"]
    assert mum.max_row == 1 + 8


# --- junit ------------------------------------------------------------------------------------
def test_junit(golden_report):
    root = ET.fromstring(render(golden_report, "junit").encode("utf-8"))
    suites = root.findall("testsuite")
    assert suites[0].get("name") == "Раздел в целом"
    assert [s.get("name")[:3] for s in suites[1:]] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"]
    errors = [f for f in golden_report["findings"] if f["severity"] == "error"]
    failures = [c for s in suites for c in s.findall("testcase") if c.find("failure") is not None]
    assert len(failures) == len(errors) == int(root.get("failures")) > 0
    assert {c.find("failure").get("message") for c in failures} == {f["message"] for f in errors}
    for suite in suites:
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == sum(1 for c in suite.findall("testcase") if c.find("failure") is not None)


# --- markdown ---------------------------------------------------------------------------------
def test_markdown(golden_report):
    text = render(golden_report, "markdown")
    score = golden_report["score"]
    assert f"из {view.fmt_points(score['max'])} баллов" in text
    assert "| Направление |" in text
    for f in golden_report["findings"]:
        if f["severity"] == "error":
            assert f["message"].replace("*", "\\*").replace("_", "\\_") in text


# --- the CLI: several formats into a folder, and a stored run rendered again --------------------
def test_report_command_renders_a_stored_run(tmp_path):
    from mumcheck.cli import main
    from mumcheck.siteserver import SiteServer

    db = str(tmp_path / "runs.db")
    runner = CliRunner()
    with SiteServer(SITE_DIRS["list"]) as server:
        checked = runner.invoke(main, ["check", server.url("/"), "--db", db, "--quiet", "-f", "json",
                                       "-o", str(tmp_path / "first.json")])
    assert checked.exit_code == 1, checked.output
    out = tmp_path / "out"
    formats = ["html", "csv", "xlsx", "junit", "markdown", "json"]
    result = runner.invoke(main, ["report", "last", "--db", db, *sum((["-f", f] for f in formats), []), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"mumcheck-report.{EXTENSIONS[f]}" for f in formats)
    assert (out / "mumcheck-report.xlsx").read_bytes()[:2] == b"PK"
    assert json.loads((out / "mumcheck-report.json").read_text(encoding="utf-8")) == json.loads(
        (tmp_path / "first.json").read_text(encoding="utf-8"))
    single = runner.invoke(main, ["report", "last", "--db", db, "-f", "html", "-o", str(tmp_path / "one.html")])
    assert single.exit_code == 1
    assert (tmp_path / "one.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
