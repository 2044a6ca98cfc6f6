"""Code links found in arXiv's texts: one repository, one canonical address, however the authors wrote it."""

from __future__ import annotations

import pytest

from dnnpapers.model.repositories import choose_code, github_repository


@pytest.mark.parametrize("text, url", [
    ("Code is available at https://github.com/Foo/bar.", "https://github.com/Foo/bar"),
    ("Code: \\url{https://github.com/a/b.git}", "https://github.com/a/b"),
    ("see github.com/owner/repo/tree/main/sub, too", "https://github.com/owner/repo"),
    ("at https://github.com/owner/\n    repo today", "https://github.com/owner/repo"),
    ("at https://github.com/owner/my-\n    repo today", "https://github.com/owner/my-repo"),
    ("at https://github.com/owner/repo\n    and more", "https://github.com/owner/repo"),
    ("(https://gitlab.com/g/sub/proj/-/tree/main).", "https://gitlab.com/g/sub/proj"),
])
def test_a_repository_link_becomes_its_canonical_address(text, url):
    assert choose_code(text) == (url, [url])


def test_of_several_repositories_the_one_called_code_is_chosen_and_otherwise_none():
    text = "We build on https://github.com/x/base. Our code is released at https://github.com/y/ours."
    assert choose_code(text)[0] == "https://github.com/y/ours"
    assert choose_code("Code: https://github.com/x/a and https://github.com/x/b")[0] is None


def test_site_pages_and_accounts_are_not_repositories():
    assert choose_code("https://github.com/topics/x and https://github.com/someone") == (None, [])
    assert github_repository("https://github.com/a/b/") == "a/b"
