"""Readable paper ids."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from dnnpapers.model.keys import ascii_fold, paper_key, surname
from dnnpapers.model.models import SLUG


def test_key_uses_surname_year_and_the_name_before_a_colon():
    assert paper_key("Weijie Liu", 2020, "FastBERT: a Self-distilling BERT") == "liu2020fastbert"


def test_key_skips_stopwords_and_folds_accents():
    assert paper_key("Maciej Wołczyk", 2021, "Zero Time Waste") == "wolczyk2021zero"
    assert paper_key("Víctor Campos", 2017, "Skip RNN: Learning to Skip") == "campos2017skip"
    assert paper_key("Someone", 2020, "A Panda? No, It's a Sloth") == "someone2020panda"


def test_particles_belong_to_the_surname():
    assert surname("Bert De Brabandere") == "De Brabandere"
    assert paper_key("Bert De Brabandere", 2016, "Dynamic Filter Networks") == "debrabandere2016dynamic"


def test_taken_keys_get_a_letter():
    taken = {"yu2018slimmable"}
    assert paper_key("Jiahui Yu", 2018, "Slimmable Neural Networks", taken) == "yu2018slimmableb"


def test_ascii_fold():
    assert ascii_fold("Görmez Ł ß") == "Gormez L ss"


@given(st.text(min_size=1), st.integers(1950, 2100), st.text())
def test_every_key_is_a_valid_id(author, year, title):
    assert re.match(SLUG, paper_key(author, year, title))
