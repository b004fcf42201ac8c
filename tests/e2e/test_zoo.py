"""The layout zoo (fixtures/zoo/): small municipal sites in the layouts real sites use, written
blind from real material by someone who had not read mumcheck's code, each with a broken twin.

On every complete site each document must stand under its right direction and stage and no
structure or placement finding may be made (a finding is an accusation); on the twins the
planted defects must be found.
"""

from __future__ import annotations

import pytest

from benchmarks.structure.measure import build_zoo, check_zoo_site, summarize_zoo


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zoo")
    sites = build_zoo(folder / "sites")
    outcomes = [check_zoo_site(site, str(folder / f"{site.name}.db")) for site in sites]
    return outcomes, summarize_zoo(outcomes)


def test_the_zoo_is_large_enough(zoo):
    _, summary = zoo
    assert summary["complete_sites"] >= 16 and summary["twins"] >= 16
    assert summary["errors"] == []


def test_every_document_of_a_complete_site_is_under_its_direction_and_stage(zoo):
    outcomes, summary = zoo
    wrong = [f"{o.name}: {line}" for o in outcomes if o.complete for line in o.misplaced]
    assert summary["placed_share"] == 1.0, (summary, wrong[:40])


def test_no_structure_or_placement_finding_on_a_complete_site(zoo):
    outcomes, _ = zoo
    false = [f"{o.name}: {line}" for o in outcomes if o.complete for line in o.false_findings]
    assert false == []


def test_planted_defects_are_found_on_the_twins(zoo):
    outcomes, summary = zoo
    missed = [f"{o.name}: {line}" for o in outcomes if not o.complete for line in o.missed]
    assert summary["defects_share"] >= 0.9, (summary, missed)
