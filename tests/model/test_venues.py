"""Venue names and years from the services' words."""

from __future__ import annotations

import pytest

from dnnpapers.model.venues import dblp_year, resolve, short_name, venue_from_text


def test_dblp_year_beats_semantic_scholars_preprint_year():
    venue = resolve(("International Conference on Learning Representations", "ICLR"), "International Conference on Learning Representations", 2024, "conf/iclr/Ji00C0Z0C0LZY0J25")
    assert str(venue) == "ICLR 2025"


def test_corr_keys_are_not_venue_years():
    assert dblp_year("journals/corr/abs-2102-04906") is None
    assert dblp_year("journals/pami/HanHSYWW22") == 2022


def test_arxiv_comment_names_the_venue():
    assert str(venue_from_text(None, "Accepted to NeurIPS 2020 (spotlight)")) == "NeurIPS 2020"
    assert str(venue_from_text("CVPR'19")) == "CVPR 2019"
    assert venue_from_text("20 pages, 3 figures") is None
    assert str(resolve((), "arXiv.org", 2021, None, None, "To appear at ICLR 2022")) == "ICLR 2022"


def test_long_names_become_short_ones():
    assert short_name("Advances in Neural Information Processing Systems") == "NeurIPS"
    assert short_name("Proceedings of the AAAI Conference on Artificial Intelligence") == "AAAI"
    assert short_name("IEEE Transactions on Pattern Analysis and Machine Intelligence") == "TPAMI"
    assert short_name("ArXiv") is None and short_name("", None) is None


def test_no_year_anywhere_means_no_venue():
    assert resolve(("ICLR",), "ICLR", None, None) is None


@pytest.mark.parametrize(("text", "year"), [("NIPS'98", 1998), ("Accepted at ICLR'18", 2018), ("ICML 2021 workshop", 2021), ("CVPR'99 oral", 1999)])
def test_a_two_digit_year_is_never_read_as_the_future(text, year):
    assert venue_from_text(text).year == year
