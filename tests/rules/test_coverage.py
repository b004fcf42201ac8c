"""Coverage of ФИОКО positions by the documents of the right tab."""

from __future__ import annotations

from mumcheck.model import (CrawlResult, DirectionNode, DocumentRef, Extraction, Fetch, LinkRef, SiteStructure,
                            StageNode)
from mumcheck.profile import load_profile
from mumcheck.rules.coverage import coverage, positions_of

STAGES = ("goals", "indicators", "analysis", "recommendations", "measures", "effectiveness")
GOALS_TEXT = ("Цели и задачи: достижение планируемых результатов освоения программы начального общего образования; "
              "оценка функциональной грамотности обучающихся; объективность процедур оценки качества образования.")


def _structure(documents: dict[tuple[str, str], list[str]], present=("1.1",)) -> SiteStructure:
    nodes = []
    for code in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"):
        stages = tuple(StageNode(stage=st, present=True, documents=tuple(
            DocumentRef(LinkRef(url=u, text="документ", page="http://x/"), code, st) for u in documents.get((code, st), [])))
            for st in STAGES)
        nodes.append(DirectionNode(code=code, title=code, present=code in present, stages=stages))
    return SiteStructure(section_found=True, section_url="http://x/", directions=tuple(nodes))


def _doc(text, **kw) -> Extraction:
    return Extraction(sha256="s", kind="pdf", text=text, chars=len(text), **kw)


def test_positions_with_evidence_in_their_tab_are_covered():
    profile = load_profile("fioko-2021")
    result = coverage(_structure({("1.1", "goals"): ["http://x/g.pdf"]}), {"http://x/g.pdf": _doc(GOALS_TEXT)}, profile)
    state = {row["id"]: row["state"] for row in result["positions"]}
    assert state["1.1-goals-noo"] == "covered" and state["1.1-goals-fg"] == "covered"
    assert state["1.1-goals-objectivity"] == "covered"
    assert state["1.1-goals-soo"] == "missing" and state["1.1-indicators-noo"] == "missing"
    row = next(r for r in result["positions"] if r["id"] == "1.1-goals-fg")
    assert row["documents"] == ["http://x/g.pdf"] and row["evidence"] == "функциональной грамотности"
    assert result["directions"]["1.1"] == {"positions": 8, "covered": 3, "points": 12.0, "max": 35.0}
    assert result["total"]["covered"] == 3 and result["profile"] == "fioko-2021" and result["verified"] is False


def test_evidence_in_another_tab_does_not_count():
    profile = load_profile("fioko-2021")
    result = coverage(_structure({("1.1", "analysis"): ["http://x/g.pdf"]}), {"http://x/g.pdf": _doc(GOALS_TEXT)}, profile)
    assert result["total"]["covered"] == 0


def test_scan_only_tab_is_unverifiable_and_dead_link_is_missing():
    profile = load_profile("fioko-2021")
    structure = _structure({("1.1", "goals"): ["http://x/scan.pdf"], ("1.1", "indicators"): ["http://x/dead.pdf"]})
    crawl = CrawlResult(start_url="http://x/", section_url="http://x/", section_found=True, section_label=None,
                        pages=(), fetches=(Fetch(url="http://x/scan.pdf", verdict="ok", sha256="a"),
                                           Fetch(url="http://x/dead.pdf", verdict="dead", status=404)))
    result = coverage(structure, {"a": _doc("", is_scan=True)}, profile, crawl=crawl)
    states = {row["stage"]: row["state"] for row in result["positions"]}
    assert states == {"goals": "unverifiable", "indicators": "missing"}


def test_profile_without_positions_gets_one_per_direction_and_subsection():
    profile = load_profile("perm-2023")
    positions = positions_of(profile)
    assert len(positions) == 8 * 6
    assert round(sum(p.points for p in positions)) == 442
    result = coverage(_structure({("1.1", "goals"): ["http://x/g.pdf"]}), {"http://x/g.pdf": _doc(GOALS_TEXT)}, profile)
    assert result["directions"]["1.1"]["covered"] == 1
    assert result["directions"]["1.1"]["points"] == round(25 / 6, 2)
    assert result["directions"]["1.2"]["covered"] == 0  # the direction has no tab at all
