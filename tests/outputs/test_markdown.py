"""Markdown helpers: literal text, safe links, GitHub's anchors."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dnnpapers.outputs.markdown import Md, Slugger, anchor, link, plain, text, url

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def inline_text(markdown: str) -> str:
    """What a reader sees of one paragraph: its text, with no markup left."""
    tokens = MD.parseInline(markdown)[0].children
    assert all(t.type in ("text", "softbreak") for t in tokens), [t.type for t in tokens]
    return "".join(t.content for t in tokens)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_any_text_renders_literally(value):
    assert inline_text(text(value)) == " ".join(value.split())


def test_text_is_already_markup_once():
    once = text("a|b")
    assert text(once) == once and isinstance(once, Md)


def test_link_target_cannot_break_out():
    rendered = MD.renderInline(link("x", "https://e.org/a_(b)|c<d>"))
    assert rendered == '<a href="https://e.org/a_%28b%29%7Cc%3Cd%3E">x</a>'
    assert url("https://e.org/ok") == "https://e.org/ok"


def test_anchors_follow_github():
    # The old hand-written page's table of contents, made by markdown-toc for GitHub.
    assert anchor("People & Lab") == "people--lab"
    assert anchor("Big Event Timeline(cite > 100 / Best Paper...)") == "big-event-timelinecite--100--best-paper"
    assert anchor("早退") == "早退"
    assert anchor("Dynamic Neural Network Survey") == "dynamic-neural-network-survey"
    assert anchor("Early exiting · 早退") == "early-exiting--早退"
    assert anchor("Token级动态网络（扩展节点）") == "token级动态网络扩展节点"
    assert anchor("snake_case") == "snake_case"


def test_repeated_headings_get_numbered_anchors():
    slugger = Slugger()
    assert [slugger.slug(h) for h in ["Notes", "Notes", "Notes-1", "Notes"]] == ["notes", "notes-1", "notes-1-1", "notes-2"]


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.text(alphabet=st.sampled_from("\\`*_[]<>&|~${}#123; a"), max_size=30))
def test_plain_gives_back_the_text_that_text_escaped(value):
    """A Jekyll page's title is its heading's words: plain() undoes text() exactly (whitespace aside, which text folds)."""
    assert plain(text(value)) == " ".join(value.split())


_TRICKY = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.text(alphabet=st.sampled_from("\\`*_[]<>&|~${}()\"' \t\n\u00a0\u2028aé早"), max_size=30)


@given(_TRICKY)
def test_literal_and_url_skip_the_translation_only_when_it_would_change_nothing(value):
    """literal() and url() translate only text holding a character their tables change: the same strings as always translating."""
    from dnnpapers.outputs.markdown import _SPECIAL, _URL_TABLE, literal

    assert literal(value) == " ".join(value.split()).translate(_SPECIAL)
    assert url(value) == value.translate(_URL_TABLE)
