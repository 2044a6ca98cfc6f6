"""Rules across entries, and the helpers they share with other commands."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dnnpapers.model.rules import normalise_title, suggest


def test_titles_that_differ_only_in_case_spacing_and_final_punctuation_are_one():
    assert normalise_title("Dynamic Neural Networks:  A Survey.") == normalise_title("dynamic neural networks: a survey")


def test_titles_that_differ_in_words_stay_apart():
    assert normalise_title("Dynamic Neural Networks: A Survey") != normalise_title("Dynamic Neural Networks: A Review")


@given(st.text())
def test_normalising_twice_changes_nothing(title):
    assert normalise_title(normalise_title(title)) == normalise_title(title)


def test_suggest_prefers_a_case_insensitive_match_then_a_close_one():
    slugs = ["early-exit", "layer-skip", "survey"]
    assert suggest("Layer-Skip", slugs) == " (did you mean 'layer-skip'?)"
    assert suggest("early-exits", slugs) == " (did you mean 'early-exit'?)"
    assert suggest("quantum", slugs) == ""


def test_titles_differing_only_by_invisible_or_compatibility_characters_are_one_title():
    from dnnpapers.model.rules import normalise_title

    plain = normalise_title("FastBERT: a Self-distilling BERT")
    assert normalise_title("Fast\u200bBERT: a Self-distilling BERT") == plain  # zero-width space
    assert normalise_title("\u202aFastBERT: a Self-distilling BERT\u202c") == plain  # bidi embedding
    assert normalise_title("ＦａｓｔＢＥＲＴ: a Self-distilling BERT") == plain  # full-width letters
    assert normalise_title("FastBERT: a Self-distilling BERT.") == plain
