"""Texts that leave the list: exports that keep "et al.", Markdown that Jekyll leaves alone, bot bodies that notify no one."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from dnnpapers.csl import csl_json
from dnnpapers.export import bibtex
from dnnpapers.models import Paper
from dnnpapers.paperlist import load_list
from dnnpapers.ris import ris
from test_csl_ris import _pandoc

# The shipped list's own entry: one named author, then "et al.".
ALMAHAIRI = "almahairi2015dynamic"
COMPLETE = Paper(id="author2020x", title="Synthetic entry", authors=["Test Author", "Other Author"], year=2020, venue="arXiv",
                 arxiv="2001.90071", tags=["survey"])

# APA's name settings (apa.csl): "First et al." in citations from three names on; the reference list names up
# to 19, then "…" and the last (et-al-use-last), which is where an explicit "et al." must not become a name.
APA_NAMES = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>APA names</title><id>apa-names</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation et-al-min="3" et-al-use-first="1">
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=", "><names variable="author"><name form="short" and="symbol" delimiter=", " initialize-with=". "/></names>
      <date variable="issued"><date-part name="year"/></date></group>
    </layout>
  </citation>
  <bibliography et-al-min="21" et-al-use-first="19" et-al-use-last="true">
    <layout><group delimiter=" "><names variable="author"><name name-as-sort-order="all" and="symbol" sort-separator=", "
      initialize-with=". " delimiter=", " delimiter-precedes-last="always"/></names>
      <date variable="issued" prefix="(" suffix=")."><date-part name="year"/></date><text variable="title"/></group></layout>
  </bibliography>
</style>
"""


@pytest.fixture(scope="module")
def shipped():
    return load_list(REPO)


def test_csl_json_ends_an_et_al_author_list_in_the_literal_others(shipped):
    by_id = {item["id"]: item for item in json.loads(csl_json(shipped.papers))}
    assert by_id[ALMAHAIRI]["author"] == [{"family": "Almahairi", "given": "Amjad"}, {"literal": "others"}]
    (complete,) = json.loads(csl_json([COMPLETE]))
    assert complete["author"] == [{"family": "Author", "given": "Test"}, {"family": "Author", "given": "Other"}]  # no marker


@pytest.mark.parametrize("kind", ["csl.json", "bib"])
def test_pandoc_cites_an_et_al_entry_as_et_al_from_both_exports(tmp_path, shipped, kind):
    text = csl_json(shipped.papers) if kind == "csl.json" else bibtex(shipped)
    default = _pandoc(tmp_path, text, f"refs.{kind}", ALMAHAIRI)  # pandoc's own style: Chicago author-date
    assert "(Almahairi et al. 2016)" in default and "Almahairi, Amjad et al. 2016." in default, default
    (tmp_path / "apa-names.csl").write_text(APA_NAMES, encoding="utf-8")
    apa = _pandoc(tmp_path, text, f"refs.{kind}", ALMAHAIRI, csl="apa-names.csl")
    assert "(Almahairi et al., 2016)" in apa, apa


def test_ris_ends_an_et_al_author_list_in_others_that_rispy_reads_as_the_last_author(shipped):
    import rispy

    by_id = {r["id"]: r for r in rispy.loads(ris(shipped.papers))}
    assert by_id[ALMAHAIRI]["authors"] == ["Almahairi, Amjad", "others"]
    assert rispy.loads(ris([COMPLETE]))[0]["authors"] == ["Author, Test", "Author, Other"]  # a complete list gets no marker
