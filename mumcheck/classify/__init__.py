"""Classify stage: which direction and which cycle stage each page part and document serves
(:mod:`mumcheck.classify.structure`), and what a document's content says (:mod:`~.content`)."""

from mumcheck.classify.structure import (
                                         ContentRules,
                                         Placement,
                                         classify,
                                         menu_contexts,
                                         place_labels,
                                         placement_of,
                                         stage_of_heading,
                                         stage_of_link_text,
                                         stages_of_heading,
)

__all__ = ["ContentRules", "Placement", "classify", "menu_contexts", "place_labels", "placement_of",
           "stage_of_heading", "stage_of_link_text", "stages_of_heading"]
