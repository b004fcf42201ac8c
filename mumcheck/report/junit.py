"""JUnit XML for CI dashboards: one test suite per direction (and one for the section as a whole),
a passing test case per stage without errors, and a failing test case per error finding."""

from __future__ import annotations

from typing import Any, Mapping
from xml.etree import ElementTree as ET

from mumcheck.report import view

SECTION_SUITE = "Раздел в целом"


def render_junit(report: Mapping[str, Any], color: bool = False) -> str:
    titles = view.stage_titles(report)
    by_direction = dict(view.grouped_findings(report))
    root = ET.Element("testsuites", name=f"mumcheck: {report['site']['start_url']}")
    suites = [(None, SECTION_SUITE, [])] + [
        (d["code"], f"{d['code']} {d['title']}", [s for s, _ in view.stage_cells(report, d)])
        for d in view.directions(report)]
    for code, name, stages in suites:
        findings = by_direction.get(code, [])
        errors = [f for f in findings if f["severity"] == "error"]
        suite = ET.SubElement(root, "testsuite", name=name, tests="0", failures="0", errors="0", skipped="0")
        classname = f"mum.{code}" if code else "mum.section"
        whole = [f for f in errors if not f.get("stage")]  # e.g. no tab at all: no stage passes
        for stage in stages if not whole else ():
            if not any(f.get("stage") == stage for f in errors):
                ET.SubElement(suite, "testcase", classname=classname, name=f"{titles.get(stage, stage)}: без ошибок")
        if code is None and not errors:
            ET.SubElement(suite, "testcase", classname=classname, name="Раздел, приказ об ответственном: без ошибок")
        for finding in errors:
            case = ET.SubElement(suite, "testcase", classname=classname, name=_case_name(finding, titles))
            failure = ET.SubElement(case, "failure", message=finding["message"], type=finding["rule"])
            failure.text = _details(finding)
        warnings = [f for f in findings if f["severity"] != "error"]
        if warnings:
            ET.SubElement(suite, "system-out").text = "\n".join(
                f"{view.SEVERITY_NAMES[f['severity']]}: {f['message']}" + (f" {f['url']}" if f.get("url") else "")
                for f in warnings)
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(len(errors)))
    root.set("tests", str(sum(int(s.get("tests")) for s in root)))
    root.set("failures", str(sum(int(s.get("failures")) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case_name(finding: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    stage = titles.get(finding.get("stage") or "", "")
    target = finding.get("url") or ""
    return " ".join(p for p in (finding["rule"], f"«{stage}»" if stage else "", target) if p)


def _details(finding: Mapping[str, Any]) -> str:
    lines = [finding["message"]]
    for label, key in (("Ссылка", "url"), ("Страница", "page"), ("Подтверждение", "evidence")):
        if finding.get(key):
            lines.append(f"{label}: {finding[key]}")
    return "\n".join(lines)
