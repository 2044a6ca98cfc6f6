"""Exports: BibTeX that real parsers, BibTeX and biber accept; JSON with resolved labels."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import bibtexparser
import pybtex.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string

from conftest import REPO, write_list
from dnnpapers.outputs.export import _TEX, bib_entry, bibtex, json_export, tex
from dnnpapers.model.models import Paper
from dnnpapers.access.loading import load_list

HOSTILE = Paper(
    id="evil2020x",
    title="A & B 50% x_y {z} é 中文 ~^\\ $5 #1 \"q\" @at",
    authors=["Víctor Campos", "Bert De Brabandere", "张三", "et al."],
    year=2020,
    venue="arXiv",
    arxiv="2001.00001",
    tags=["survey"],
)


def untex(value: str) -> str:
    """Undo ``tex`` exactly (for checking that nothing was lost)."""
    for char, escaped in sorted(_TEX.items(), key=lambda item: -len(item[1])):
        value = value.replace(escaped, char)
    return value


@pytest.fixture(scope="module")
def shipped_bib() -> str:
    return bibtex(load_list(REPO))


def test_one_entry_per_paper_and_every_entry_parses(shipped_bib):
    library = bibtexparser.parse_string(shipped_bib)
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys)) == len(load_list(REPO).papers)
    pybtex.errors.set_strict_mode(True)
    assert list(parse_string(shipped_bib, "bibtex").entries) == keys


def test_keys_are_the_ids_and_arxiv_papers_carry_eprint(shipped_bib):
    entry = bibtexparser.parse_string(shipped_bib).entries_dict["huang2017multiscale"]
    assert entry.entry_type == "inproceedings"
    assert (entry["booktitle"], entry["year"], entry["eprint"], entry["archivePrefix"]) == ("ICLR", "2018", "1703.09844", "arXiv")
    assert entry["author"] == "Huang, Gao and others"
    survey = bibtexparser.parse_string(shipped_bib).entries_dict["han2021dynamic"]
    assert (survey.entry_type, survey["journal"], survey["doi"]) == ("article", "TPAMI", "10.1109/TPAMI.2021.3117837")


def test_unpublished_papers_are_misc_with_the_arxiv_year(shipped_bib):
    entry = bibtexparser.parse_string(shipped_bib).entries_dict["graves2016adaptive"]
    assert entry.entry_type == "misc" and entry["year"] == "2016"
    assert (entry["howpublished"], entry["eprint"], entry["archivePrefix"]) == ("arXiv preprint", "1603.08983", "arXiv")  # the id once


def test_special_characters_survive_exactly():
    text = bib_entry(HOSTILE)
    (entry,) = bibtexparser.parse_string(text).entries
    assert untex(entry["title"]) == HOSTILE.title  # no word of it needs its case kept, so no braces of ours
    assert entry["author"] == "Campos, Víctor and De Brabandere, Bert and 张三 and others"
    assert tex("a{b}c").count("{") == tex("a{b}c").count("}")


@pytest.mark.parametrize(
    ("title", "braced"),
    [
        ("FastBERT: a Self-distilling BERT with Adaptive Inference Time", "{FastBERT}: a Self-distilling {BERT} with Adaptive Inference Time"),
        ("Multi-Scale Dense Networks for Resource Efficient Image Classification", "Multi-Scale Dense Networks for Resource Efficient Image Classification"),
        ("Dynamic ViT with 3D MoE layers (ResNet-50)", "Dynamic {ViT} with {3D} {MoE} layers ({ResNet-50})"),
    ],
)
def test_only_words_whose_case_matters_are_braced(title, braced):
    from dnnpapers.outputs.export import bib_title

    assert bib_title(title) == braced


def test_verbatim_fields_are_not_latex_escaped():
    paper = HOSTILE.model_copy(update={"arxiv": None, "url": "https://e.org/a_b%20{c}", "doi": "10.1000/x_y"})
    (entry,) = bibtexparser.parse_string(bib_entry(paper)).entries
    assert entry["url"] == "https://e.org/a_b%20%7Bc%7D" and entry["doi"] == "10.1000/x_y"


def _tex_tools_required() -> bool:
    return os.environ.get("DNNPAPERS_REQUIRE_TEX") == "1"


@pytest.mark.parametrize("tool", ["bibtex", "biber"])
def test_bibtex_and_biber_accept_the_export(tool, tmp_path, shipped_bib):
    if shutil.which(tool) is None:
        if _tex_tools_required():
            pytest.fail(f"{tool} is required here (DNNPAPERS_REQUIRE_TEX=1) but not installed")
        pytest.skip(f"{tool} not installed (CI installs it)")
    (tmp_path / "refs.bib").write_text(shipped_bib + "\n" + bib_entry(HOSTILE), encoding="utf-8")
    if tool == "bibtex":
        (tmp_path / "refs.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n")
        done = subprocess.run(["bibtex", "refs"], cwd=tmp_path, capture_output=True, text=True, check=False)
        log = (tmp_path / "refs.blg").read_text(encoding="utf-8", errors="replace")
        assert done.returncode == 0, log
        assert "Warning--" not in log and "error message" not in log, log
        assert (tmp_path / "refs.bbl").read_text(encoding="utf-8").count("\\bibitem{") == len(load_list(REPO).papers) + 1
    else:
        done = subprocess.run(["biber", "--tool", "--validate-datamodel", "refs.bib", "-O", "out.bib"], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "ERROR" not in done.stdout and "WARN" not in done.stdout, done.stdout


def test_json_resolves_labels_and_carries_metrics(tmp_path):
    root = write_list(tmp_path, [{"id": "a2020x", "title": "X", "authors": ["A B"], "year": 2020, "tags": ["early-exit"]}])
    (root / "data" / "metrics.yaml").write_text("metrics:\n  a2020x: {citations: 7, fetched: 2026-11-01}\n")
    data = json.loads(json_export(load_list(root)))
    (paper,) = data["papers"]
    assert paper["tags"] == [{"slug": "early-exit", "en": "Early exiting", "zh": "早退"}]
    assert paper["metrics"] == {"citations": 7, "fetched": "2026-11-01"}
    assert {"slug": "early-exit", "en": "Early exiting", "zh": "早退", "parent": "dynamic-depth", "depth": 1} in data["topics"]


NAMES = Paper(
    id="names2020x",
    title="Synthetic entry for hard author names",
    authors=["Laurens van der Maaten", "Martin Luther King Jr.", "Google Brain and DeepMind", "Bert De Brabandere"],
    year=2020,
    venue="arXiv",
    tags=["survey"],
)


def test_names_with_particles_suffixes_and_the_word_and_parse_as_bibtex_reads_them():
    pybtex.errors.set_strict_mode(True)
    (entry,) = parse_string(bib_entry(NAMES), "bibtex").entries.values()
    people = entry.persons["author"]
    assert len(people) == 4
    van, king, org, de = people
    assert (van.prelast_names, van.last_names, van.first_names) == (["van", "der"], ["Maaten"], ["Laurens"])
    assert (king.last_names, king.lineage_names, king.first_names, king.middle_names) == (["King"], ["Jr."], ["Martin"], ["Luther"])
    assert org.last_names == ["{Google Brain and DeepMind}"]
    assert de.last_names == ["De", "Brabandere"] or (de.prelast_names, de.last_names) == (["De"], ["Brabandere"])


def test_bibtex_itself_typesets_the_hard_names(tmp_path):
    if shutil.which("bibtex") is None:
        if _tex_tools_required():
            pytest.fail("bibtex is required here (DNNPAPERS_REQUIRE_TEX=1) but not installed")
        pytest.skip("bibtex not installed (CI installs it)")
    (tmp_path / "refs.bib").write_text(bib_entry(NAMES), encoding="utf-8")
    (tmp_path / "refs.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n")
    done = subprocess.run(["bibtex", "refs"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (tmp_path / "refs.blg").read_text(errors="replace")
    bbl = " ".join((tmp_path / "refs.bbl").read_text(encoding="utf-8").split())
    assert "Laurens van~der Maaten, Martin~Luther King, Jr., {Google Brain and DeepMind}, and Bert De~Brabandere" in bbl  # one author, braces kept for LaTeX


def _bib_title_whole(title: str) -> str:
    """bib_title as it was before its words were cached: every word of the title worked out each time."""
    from dnnpapers.outputs.export import _EDGES, _TEX_TABLE, _keeps_case

    words = []
    for word in " ".join(title.split()).split(" "):
        if not _keeps_case(word):
            words.append(word.translate(_TEX_TABLE))
            continue
        before, core, after = _EDGES.match(word).groups()
        if core and _keeps_case(core):
            words.append(before.translate(_TEX_TABLE) + "{" + core.translate(_TEX_TABLE) + "}" + after.translate(_TEX_TABLE))
        else:
            words.append(word.translate(_TEX_TABLE))
    return " ".join(words)


_TITLE_WORDS = st.text(alphabet="aBcDxyZ3D-/(){}_&%$#~^\\:'\"é中ß", min_size=1, max_size=8) | st.sampled_from(["BERT", "ViT", "MoE", "ResNet-50", "(3D)", "x_y", "{z}", "FastBERT:", "bert", "Bert"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_TITLE_WORDS, min_size=0, max_size=8).flatmap(lambda words: st.lists(st.sampled_from([" ", "  ", "\t", "\n", " \u00a0"]), min_size=len(words), max_size=len(words)).map(lambda gaps: "".join(w + g for w, g in zip(words, gaps)))), min_size=1, max_size=4))
def test_a_title_worked_out_a_cached_word_at_a_time_is_the_title_worked_out_whole(titles):
    from dnnpapers.outputs.export import bib_title

    for title in titles + titles:  # (the second time every word comes from the cache)
        assert bib_title(title) == _bib_title_whole(title)


def test_each_name_is_worked_out_once_and_each_entry_still_names_its_own_authors():
    names = HOSTILE.model_copy(update={"id": "other2020x", "authors": ["Víctor Campos", "Ann Other", "et al."]})
    first, second = bib_entry(HOSTILE), bib_entry(names)
    assert "author = {Campos, Víctor and De Brabandere, Bert and 张三 and others}" in first
    assert "author = {Campos, Víctor and Other, Ann and others}" in second
    assert bib_entry(HOSTILE) == first


@settings(max_examples=60, deadline=None)
@given(entry=__import__("strategies").papers(1), checked=st.booleans(), added=st.one_of(st.none(), st.dates()),
       metrics=st.one_of(st.none(), st.fixed_dictionaries({"fetched": st.dates(), "citations": st.one_of(st.none(), st.integers(0, 10**6)),
                                                           "stars": st.one_of(st.none(), st.integers(0, 10**5)), "archived": st.one_of(st.none(), st.booleans())})))
def test_a_papers_json_item_made_without_pydantic_is_pydantics_own_dump(entry, checked, added, metrics):
    """papers.json (and a render after an edit) makes each item from the fields; pydantic's dump is the reference."""
    from dnnpapers.model.models import PaperMetrics
    from dnnpapers.model.records import PAPER_DEFAULTS
    from dnnpapers.outputs.export import paper_entry

    paper = Paper(**entry, venue_checked=checked, code_checked=not checked, added=added)
    fetched = PaperMetrics(**metrics) if metrics else None
    item = paper_entry(paper, {tag: {"slug": tag} for tag in paper.tags}, fetched, list(Paper.model_fields), PAPER_DEFAULTS, list(PaperMetrics.model_fields))
    expected = paper.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    expected["tags"] = [{"slug": tag} for tag in paper.tags]
    if fetched:
        expected["metrics"] = fetched.model_dump(mode="json", exclude_none=True)
    assert json.dumps(item, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def _bib_entry_as_it_was(paper: Paper) -> str:
    """bib_entry before its lines were made at once and a venue's line once a venue (the oracle)."""
    from dnnpapers.model.fields import venue_name
    from dnnpapers.outputs.export import JOURNALS, _bib_name, bib_title, tex, verbatim

    name = venue_name(paper.venue) if paper.published else ""
    fields = [("title", bib_title(paper.title)), ("author", " and ".join(_bib_name(a) for a in paper.authors))]
    if not paper.published:
        kind = "misc"
        if paper.arxiv:
            fields.append(("howpublished", "arXiv preprint"))
    elif name in JOURNALS:
        kind = "article"
        fields.append(("journal", tex(name)))
    else:
        kind = "inproceedings"
        fields.append(("booktitle", tex(name)))
    fields.append(("year", str(paper.venue_year or paper.year)))
    if paper.arxiv:
        fields += [("eprint", tex(paper.arxiv)), ("archivePrefix", "arXiv")]
    if paper.doi:
        fields.append(("doi", verbatim(paper.doi)))
    link = f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else paper.url
    if link:
        fields.append(("url", verbatim(link)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{paper.id},\n{body}\n}}\n"


@settings(max_examples=80, deadline=None)
@given(__import__("strategies").papers(1), st.sampled_from([None, "arXiv", "TPAMI 2021", "Findings of EMNLP 2021", "A & B_{x} 2019", "Nature 2020"]),
       st.none() | st.sampled_from(["https://example.org/{a}\\b", "https://example.org/plain"]))
def test_a_bibtex_entry_made_a_line_at_a_time_is_the_entry_as_it_was(entry, venue, url):
    entry = {**entry, "venue": venue, "year": min(entry["year"], 2019)} if venue else {k: v for k, v in entry.items() if k != "venue"}
    if url and not entry.get("arxiv"):
        entry["url"] = url
    paper = Paper(**entry)
    for _ in range(2):  # (the second time a venue's line comes from the cache)
        assert bib_entry(paper) == _bib_entry_as_it_was(paper)


_JSON_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20) | st.text(alphabet=st.sampled_from('"\\\x00\x1f\x7f\n\t/<>&\u2028\u2029é早🗣'), max_size=12)
_JSON_ITEMS = st.recursive(st.none() | st.booleans() | st.integers(-10**20, 10**20) | _JSON_TEXT,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_TEXT, inner, max_size=4), max_leaves=12)


@settings(max_examples=80, deadline=None)
@given(st.lists(_JSON_ITEMS, max_size=5), st.booleans())
def test_one_json_encoder_for_a_files_items_encodes_each_as_json_dumps_does(items, sort_keys):
    """papers.json and papers.csl.json encode their items with one C encoder made once a file: the same text as json.dumps."""
    from dnnpapers.outputs.export import item_encoder

    encode = item_encoder(sort_keys)
    for item in items:
        assert encode(item) == json.dumps(item, ensure_ascii=False, sort_keys=sort_keys)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30) | st.text(alphabet=st.sampled_from("\\{}&%$#_~^ \t\n\u00a0aé"), max_size=20))
def test_tex_and_verbatim_skip_their_replacements_only_when_they_would_change_nothing(value):
    from dnnpapers.outputs.export import _TEX_TABLE, verbatim

    assert tex(value) == " ".join(value.split()).translate(_TEX_TABLE)
    assert verbatim(value) == value.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
