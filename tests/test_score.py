"""The score estimate, worked by hand on the perm-2023 profile (points from fioko-2022)."""

from __future__ import annotations

import pytest

from mumcheck.model import (CrawlResult, DirectionNode, DocumentRef, Extraction, Fetch, LinkRef, SiteStructure,
                            StageNode, StageScore)
from mumcheck.profile import load_profile
from mumcheck.score import estimate

BASE = "https://uo.example.ru"
POINTS = {"1.1": 25, "1.2": 15, "1.3": 49, "1.4": 155, "2.1": 20, "2.2": 86, "2.3": 72, "2.4": 20}
STAGES = ("goals", "indicators", "analysis", "recommendations", "measures", "effectiveness")


@pytest.fixture(scope="module")
def profile():
    return load_profile("perm-2023")


def build(spec: dict[str, dict[str, list[str]] | None]):
    """``spec``: direction → None (no tab) or {stage: [document states]}; stages not named hold one
    good document, a stage named with ``None`` has no subsection. States: ok, dead, unreadable, page."""
    directions, fetches, extractions = [], [], {}
    for code in POINTS:
        present = code in spec and spec[code] is not None or code not in spec
        stage_spec = spec.get(code) or {}
        stages = []
        for stage in STAGES:
            states = stage_spec.get(stage, ["ok"])
            refs = []
            for i, state in enumerate(states or []):
                url = f"{BASE}/upload/{code}/{stage}/{i}.pdf"
                refs.append(DocumentRef(link=LinkRef(url=url, text=f"Документ {i}", page=f"{BASE}/mum/{code}"),
                                        direction=code, stage=stage))
                sha = f"sha-{url}"
                if state == "dead":
                    fetches.append(Fetch(url=url, verdict="dead", status=404))
                elif state == "page":
                    fetches.append(Fetch(url=url, verdict="ok", status=200, is_html=True, sha256=sha))
                    extractions[sha] = Extraction(sha256=sha, kind="html", text="Страница", chars=8)
                else:
                    fetches.append(Fetch(url=url, verdict="ok", status=200, sha256=sha, size=100))
                    extractions[sha] = (Extraction(sha256=sha, kind="pdf", error="файл повреждён")
                                        if state == "unreadable" else
                                        Extraction(sha256=sha, kind="pdf", text="Текст", chars=5, pages=1))
            stage_present = present and states is not None
            stages.append(StageNode(stage=stage, present=stage_present, documents=tuple(refs) if stage_present else ()))
        directions.append(DirectionNode(code=code, title=f"Направление {code}", present=present, stages=tuple(stages)))
    structure = SiteStructure(section_found=True, section_url=f"{BASE}/mum/", directions=tuple(directions))
    crawl = CrawlResult(start_url=BASE + "/", section_url=f"{BASE}/mum/", section_found=True, section_label="МУМ",
                        pages=(), fetches=tuple(fetches))
    return structure, crawl, extractions


def score_of(spec, profile):
    return estimate(*build(spec), profile)


def test_full_site_scores_full(profile):
    score = score_of({}, profile)
    assert score.total == 442 and score.max == 442 and score.percent == 100.0
    assert score.zone == "green"
    for code, points in POINTS.items():
        d = score.directions[code]
        assert (d.total, d.max, d.percent) == (points, points, 100.0)
        assert set(d.stages) == set(STAGES)
        assert sum(s.total for s in d.stages.values()) == pytest.approx(points, abs=0.05)
    assert score.provisional is True  # fioko-2022 marks its split and zones unverified


def test_worked_example(profile):
    score = score_of({
        "1.2": {"goals": ["dead", "ok"]},  # one good document is enough for the stage
        "1.3": {"analysis": ["dead"]},  # the only document does not open
        "1.4": {"measures": ["unreadable"]},  # the only document does not read
        "2.1": None,  # no tab at all
        "2.2": {"goals": []},  # empty subsection
        "2.3": {"effectiveness": None},  # no subsection
        "2.4": {"indicators": ["page"]},  # an HTML page is not a document
    }, profile)
    d = score.directions
    assert (d["1.1"].total, d["1.1"].percent) == (25, 100.0)
    assert d["1.2"].total == 15
    # 49 − 49/6 = 40.83…; 155 − 155/6 = 129.16…; 86 − 86/6 = 71.66…; 72 − 12 = 60; 20 − 20/6 = 16.66…
    assert d["1.3"].total == 40.8 and d["1.3"].percent == 83.3
    assert d["1.3"].stages["analysis"].total == 0 and d["1.3"].stages["analysis"].max == 8.17
    assert d["1.3"].stages["goals"].total == 8.17
    assert d["1.4"].total == 129.2 and d["1.4"].stages["measures"].total == 0
    assert (d["2.1"].total, d["2.1"].max, d["2.1"].percent) == (0, 20, 0.0)
    assert all(s.total == 0 and s.max == 3.33 for s in d["2.1"].stages.values())
    assert d["2.2"].total == 71.7 and d["2.2"].stages["goals"].total == 0
    assert d["2.3"].total == 60 and d["2.3"].stages["effectiveness"] == StageScore(total=0, max=12)
    assert d["2.4"].total == 16.7
    # 25 + 15 + 40.833 + 129.167 + 0 + 71.667 + 60 + 16.667 = 358.33 of 442 = 81.07 %
    assert score.total == 358.3
    assert score.max == 442
    assert score.percent == 81.1
    assert score.zone == "green"


@pytest.mark.parametrize("present,percent,zone", [
    (("1.4", "1.3", "2.2"), 65.6, "yellow"),  # 290 of 442
    (("1.4", "1.1", "1.2"), 44.1, "orange"),  # 195 of 442
    (("1.4",), 35.1, "orange"),  # 155 of 442
    (("2.2", "2.3"), 35.7, "orange"),  # 158
    (("2.2",), 19.5, "red"),  # 86
    ((), 0.0, "red"),
])
def test_zones(profile, present, percent, zone):
    score = score_of({code: None for code in POINTS if code not in present}, profile)
    assert score.total == sum(POINTS[c] for c in present)
    assert score.percent == percent
    assert score.zone == zone


def test_zone_boundary_is_inclusive(profile):
    # 1.4 with four of six stages + 1.3 + 2.3 + 2.1: 103.33 + 49 + 72 + 20 = 244.33 → 55.3 % — yellow
    score = score_of({"1.1": None, "1.2": None, "2.2": None, "2.4": None,
                      "1.4": {"goals": None, "indicators": []}}, profile)
    assert score.total == 244.3 and score.percent == 55.3 and score.zone == "yellow"


def test_unfetched_document_earns_nothing(profile):
    # a link that was not fetched at all (no Fetch) earns nothing
    structure, crawl, extractions = build({})
    only_2_4 = tuple(f for f in crawl.fetches if "/2.4/goals/" not in f.url)
    crawl = CrawlResult(start_url=crawl.start_url, section_url=crawl.section_url, section_found=True,
                        section_label="МУМ", pages=(), fetches=only_2_4)
    score = estimate(structure, crawl, extractions, profile)
    assert score.directions["2.4"].stages["goals"].total == 0
    assert score.directions["2.4"].total == 16.7


# --- ФИОКО's nine steps, by hand -----------------------------------------------------------------
def test_worked_example_blocks_and_components(profile):
    """Steps 2–9 on the worked example above: 1.3 has its «analysis» component at 0."""
    score = score_of({
        "1.2": {"goals": ["dead", "ok"]},
        "1.3": {"analysis": ["dead"]},
        "1.4": {"measures": ["unreadable"]},
        "2.1": None,
        "2.2": {"goals": []},
        "2.3": {"effectiveness": None},
        "2.4": {"indicators": ["page"]},
    }, profile)
    # steps 2–3: each component (stage) of 1.3 is 49/6 = 8.17 points; «analysis» earned 0 → 0 %
    analysis = score.directions["1.3"].stages["analysis"]
    assert (analysis.total, analysis.max, analysis.percent, analysis.evidence) == (0, 8.17, 0.0, ())
    goals = score.directions["1.3"].stages["goals"]
    assert (goals.total, goals.percent) == (8.17, 100.0)
    assert goals.evidence == (f"{BASE}/upload/1.3/goals/0.pdf",)
    # only the document that opens is evidence
    assert score.directions["1.2"].stages["goals"].evidence == (f"{BASE}/upload/1.2/goals/1.pdf",)
    # steps 6–7: block 1 = 25 + 15 + 40.83 + 129.17 = 210 of 244 = 86.07 %;
    #            block 2 = 0 + 71.67 + 60 + 16.67 = 148.33 of 198 = 74.92 %
    b1, b2 = score.blocks["1"], score.blocks["2"]
    assert b1.title == "Механизмы управления качеством образовательных результатов"
    assert b2.title == "Механизмы управления качеством образовательной деятельности"
    assert (b1.total, b1.max, b1.percent, b1.directions) == (210.0, 244, 86.1, ("1.1", "1.2", "1.3", "1.4"))
    assert (b2.total, b2.max, b2.percent, b2.directions) == (148.3, 198, 74.9, ("2.1", "2.2", "2.3", "2.4"))
    # steps 8–9: total = sum of the blocks; index 358.33 / 442 = 81.1 %
    assert score.total == 358.3 and score.percent == 81.1 and score.zone == "green"


def test_misplaced_document_earns_nothing(profile):
    from mumcheck.model import Finding

    structure, crawl, extractions = build({"2.2": {"goals": ["ok"], "analysis": ["ok", "ok"]}})
    wrong = [Finding(rule="placement.wrong_stage", severity="warning", message="…",
                     url=f"{BASE}/upload/2.2/goals/0.pdf", direction="2.2", stage="goals",
                     expected={"stage": "measures"}),
             Finding(rule="placement.wrong_direction", severity="warning", message="…",
                     url=f"{BASE}/upload/2.2/analysis/0.pdf", direction="2.2", stage="analysis",
                     expected={"direction": "2.3"}),
             Finding(rule="link.dead", severity="error", message="…", url=f"{BASE}/upload/2.2/analysis/1.pdf")]
    score = estimate(structure, crawl, extractions, profile, wrong)
    d = score.directions["2.2"]
    assert d.stages["goals"].total == 0  # its only document belongs elsewhere
    assert d.stages["analysis"].total == 14.33  # the other document still counts; only placement findings matter
    assert d.stages["analysis"].evidence == (f"{BASE}/upload/2.2/analysis/1.pdf",)
    assert d.total == 71.7


def test_section_not_found_scores_every_direction_at_zero(profile):
    structure = SiteStructure(section_found=False, section_url=None, directions=())
    crawl = CrawlResult(start_url=BASE + "/", section_url=None, section_found=False, section_label=None,
                        pages=(), fetches=())
    score = estimate(structure, crawl, {}, profile)
    assert set(score.directions) == set(POINTS)
    assert all(d.total == 0 and d.max == POINTS[c] for c, d in score.directions.items())
    assert (score.blocks["1"].max, score.blocks["2"].max) == (244, 198)
    assert (score.total, score.max, score.percent, score.zone) == (0, 442, 0.0, "red")


YEAR_PROFILE = """\
# a year whose maxima differ (the 2021 review had 902 points, block 1 = 480, direction 1.1 = 149)
id: fioko-2021
title: Критерии ФИОКО, оценка МУМ 2021 года (для теста)
extends: fioko-2022
points:
  total: 902
  blocks: {"1": 480, "2": 422}
  directions: {"1.1": 149, "1.2": 60, "1.3": 120, "1.4": 151, "2.1": 100, "2.2": 120, "2.3": 120, "2.4": 82}
zones:
  verified: false
  thresholds: [{zone: green, from: 90}, {zone: yellow, from: 70}, {zone: orange, from: 50}, {zone: red, from: 0}]
"""


@pytest.fixture
def year_profile(tmp_path):
    import shutil
    from pathlib import Path

    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules)
    (rules / "profiles" / "fioko-2021.yaml").write_text(YEAR_PROFILE, encoding="utf-8")
    return load_profile("fioko-2021", str(rules))


def test_profile_whose_maxima_differ_by_year(profile, year_profile):
    spec = {"1.1": {"goals": []}, "2.4": None}  # 1.1 lacks one component, 2.4 has no tab
    # 2021: 1.1 = 149 − 149/6 = 124.17; block 1 = 480 − 24.83 = 455.17 (94.8 %);
    #       block 2 = 422 − 82 = 340 (80.6 %); total 795.17 of 902 = 88.2 % → yellow (green from 90)
    old = score_of(spec, year_profile)
    assert old.directions["1.1"].stages["goals"] == StageScore(total=0, max=24.83, percent=0.0)
    assert (old.directions["1.1"].total, old.directions["1.1"].max, old.directions["1.1"].percent) == (124.2, 149, 83.3)
    assert (old.blocks["1"].total, old.blocks["1"].max, old.blocks["1"].percent) == (455.2, 480, 94.8)
    assert (old.blocks["2"].total, old.blocks["2"].max, old.blocks["2"].percent) == (340, 422, 80.6)
    assert (old.total, old.max, old.percent, old.zone) == (795.2, 902, 88.2, "yellow")
    # 2022, the same site: 442 − 25/6 − 20 = 417.83 of 442 = 94.5 % → green (from 75)
    new = score_of(spec, profile)
    assert (new.total, new.max, new.percent, new.zone) == (417.8, 442, 94.5, "green")
    assert (new.blocks["1"].total, new.blocks["1"].max) == (239.8, 244)
