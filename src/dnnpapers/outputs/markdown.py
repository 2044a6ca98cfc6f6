"""Markdown text that GitHub shows literally, links that stay links, and GitHub's heading anchors.

Everything that comes from data goes through ``text()``; only helpers here
build markup, and they return ``Md`` so templates can tell the two apart.
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup

__all__ = ["Md", "text", "literal", "plain", "inert", "link", "literal_link", "url", "Slugger", "anchor"]


class Md(Markup):
    """Markdown that is already safe: templates output it as it is.

    A ``Markup`` so that Jinja's autoescaping passes it through and escapes
    everything else (through ``finalize``, with Markdown rules, not HTML ones).
    Build it with f-strings: ``Md + str`` would HTML-escape the str.
    """


# CommonMark lets any ASCII punctuation be backslash-escaped. These are the ones that can
# start markup inside a paragraph or table cell (emphasis, code, links, HTML, entities,
# tables, strikethrough, GitHub math).
# Braces become character references: the pages may be served by Jekyll (GitHub Pages), whose Liquid
# reads `{{`, `{%` (and kramdown `{:`) in any text before Markdown sees it; a backslash does not stop it.
_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_[]<>&|~$"} | {"{": "&#123;", "}": "&#125;"})
#: Any character ``_SPECIAL`` changes: most text has none, and a search for them costs a third of the translation
#: (whose table maps to strings, so str.translate takes its slow path, a dictionary look-up a character).
_ANY_SPECIAL = re.compile("[" + re.escape("".join(map(chr, _SPECIAL))) + "]")


def text(value: object) -> Md:
    """``value`` as Markdown that renders literally, on one line (safe in a table cell)."""
    if isinstance(value, Md):
        return value
    return Md(literal(value))


def literal(value: object) -> str:
    """``text(value)`` of data (never Md) as a plain str: for the cells a format pattern joins by the
    thousand, which no template has to tell from data (an Md is one more object for the collector)."""
    line = " ".join(str(value).split())
    return line.translate(_SPECIAL) if _ANY_SPECIAL.search(line) else line


_ESCAPED = re.compile(r"\\([\\`*_\[\]<>&|~$])|&#123;|&#125;")


def plain(markdown: str) -> str:
    """The text ``text()`` was given back from what it made (a heading's words for a page's title)."""
    return _ESCAPED.sub(lambda m: m[1] or ("{" if m[0] == "&#123;" else "}"), markdown)


# GitHub turns text into live things after Markdown: @user and @org/team (a notification), #1, GH-1,
# owner/repo#1 (a cross-reference, a backlink on that issue), commit SHAs, bare URLs, www. and e-mail
# addresses. Escapes do not stop it (it reads the rendered text), so each gets a zero-width space where
# its syntax needs a character: after '@', '#', 'GH-', inside '://' and 'www.', every 6 hex digits of a
# SHA-like word (Renovate's bot breaks '@' and '#1' the same way). Code spans would be safe too, but
# they change how the text looks.
_ZWSP = "\u200b"
_LIVE = re.compile(r"@|#(?=\d)|(?<![A-Za-z0-9])GH-(?=\d)|:/(?=/)|(?<![A-Za-z0-9])www(?=\.)", re.IGNORECASE)
_SHA_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{7,}(?![0-9A-Za-z])")


def inert(value: object) -> Md:
    """Untrusted text (a service's titles, names, venues) for a GitHub issue or pull-request body.

    Literal Markdown on one line, as ``text()``, and nothing GitHub would make live: no mention,
    reference, link, image or HTML. The one function for text a bot posts with the repository's token.
    """
    plain = _SHA_LIKE.sub(lambda m: _ZWSP.join(m[0][i:i + 6] for i in range(0, len(m[0]), 6)), str(value))
    return text(_LIVE.sub(lambda m: m[0] + _ZWSP, plain))  # before escaping: its brace references (&#123;) stay whole


_URL_UNSAFE = {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "|": "%7C", " ": "%20", '"': "%22", "`": "%60", "\\": "%5C",
               "{": "%7B", "}": "%7D"}  # braces: Liquid, as in text()


_URL_TABLE = str.maketrans(_URL_UNSAFE)
_ANY_URL_UNSAFE = re.compile("[" + re.escape("".join(_URL_UNSAFE)) + "]")  # (as _ANY_SPECIAL: most links have none)


def url(target: str) -> str:
    """A link target that cannot end the link or a table cell early, nor start a Liquid tag."""
    return target.translate(_URL_TABLE) if _ANY_URL_UNSAFE.search(target) else target


def link(label: object, target: str) -> Md:
    return Md(literal_link(label, target))


def literal_link(label: object, target: str) -> str:
    """``link(label, target)`` as a plain str (see ``literal``)."""
    return f"[{label if isinstance(label, Md) else literal(label)}]({url(target)})"


_REMOVED = {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sm", "Sc", "Sk", "So", "Cc", "Co", "Cf", "Cn", "Zs", "Zl", "Zp"}


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading's text (before de-duplication).

    As github-slugger does: lower-case, drop punctuation, symbols and separators
    (but not letters, '-', '_' or ' '), then turn each space into '-'.
    """
    kept = (c for c in heading.lower() if c in " -" or c.isalpha() or unicodedata.category(c) not in _REMOVED)
    return "".join(kept).replace(" ", "-")


class Slugger:
    """Unique anchors for a page's headings in order, with GitHub's '-1', '-2' suffixes."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    def slug(self, heading: str) -> str:
        base = result = anchor(heading)
        while result in self.occurrences:
            self.occurrences[base] += 1
            result = f"{base}-{self.occurrences[base]}"
        self.occurrences[result] = 0
        return result
