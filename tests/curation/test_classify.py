"""The list's classifier compares words by their stems, so a topic whose papers inflect their words still looks like itself."""

from __future__ import annotations

import importlib.util

import pytest

if importlib.util.find_spec("sklearn") is None:  # found, not imported: importing it costs each test worker a second at collection
    pytest.skip("the classifier needs the [discover] extra (the test extra installs it)", allow_module_level=True)

from dnnpapers.curation.classify import terms  # noqa: E402


@pytest.mark.parametrize("forms", [["exit", "exits", "exiting", "exited"], ["gate", "gated", "gating", "gates"], ["skip", "skipping", "skipped"],
                                   ["classifier", "classifiers"], ["policy", "policies"]])
def test_the_forms_of_a_word_are_one_term(forms):
    assert len({terms(word)[0] for word in forms}) == 1


def test_words_that_only_end_alike_stay_apart():
    assert len({terms(word)[0] for word in ["exit", "exist", "routing", "rotting", "bus", "business"]}) == 6


def test_stop_words_go_neighbours_pair_and_accents_fold():
    assert terms("The early exiting of Transformers") == ["early", "exit", "transformer", "early exit", "exit transformer"]
    assert terms("Réseaux naïfs") == terms("reseaux naifs")
