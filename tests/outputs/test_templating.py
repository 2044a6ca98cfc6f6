"""A list's own templates run sandboxed: no shell, no files outside the list, no runaway render."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import invoke, write_list

MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}


def _render(root, **env):
    return invoke(["render", "--root", str(root)], **env)


def _with_template(tmp_path, text: str, name: str = "materials.md.j2"):
    root = write_list(tmp_path, [])
    (root / "templates").mkdir()
    (root / "templates" / name).write_text(text, encoding="utf-8")
    return root


def _fails_in_one_line(done, *fragments):
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert all(f in done.stderr for f in fragments), done.stderr


def test_a_template_cannot_reach_python_globals_to_run_a_command(tmp_path):
    proof = tmp_path / "pwned"
    root = _with_template(tmp_path, "{{ cycler.__init__.__globals__.os.popen('touch " + str(proof) + "').read() }}\n")
    done = _render(root)
    _fails_in_one_line(done, "materials.md.j2")
    assert not proof.exists()
    assert not (root / "generated").exists()


def test_a_template_linking_outside_the_list_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the page")
    root = write_list(tmp_path / "list", [])
    (root / "templates").mkdir()
    (root / "templates" / "materials.md.j2").write_text('{% include "leak.j2" %}\n', encoding="utf-8")
    (root / "templates" / "leak.j2").symlink_to(secret)
    done = _render(root)
    _fails_in_one_line(done, "templates/leak.j2: leads outside the list")
    assert not (root / "generated").exists()


def test_a_macro_calling_itself_is_stopped(tmp_path):
    root = _with_template(tmp_path, "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}\n")
    _fails_in_one_line(_render(root), "recursed too deep")


def test_runaway_output_is_stopped(tmp_path):
    line = "x" * 200
    root = _with_template(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}" + line + "{% endfor %}{% endfor %}\n")
    _fails_in_one_line(_render(root), "output passed 64 MiB")


def test_a_template_that_runs_too_long_is_stopped(tmp_path):
    """The loop runs until the limit fires, so the limit's length is the test's cost: a quarter of a second (it was
    1 s); the stop and its one-line message are the same."""
    root = _with_template(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    _fails_in_one_line(_render(root, DNNPAPERS_TEMPLATE_SECONDS="0.25"), "the template ran longer than 0.25 s; stopped")


def test_an_ordinary_override_still_renders(tmp_path):
    root = _with_template(tmp_path, "# {{ title }}\n\n{{ topics | length }} topics\n")
    done = _render(root)
    assert done.returncode == 0, done.stderr
    assert (root / "generated" / "materials.md").read_text(encoding="utf-8").endswith("topics\n")


@pytest.mark.parametrize("bad", ["abc", "-1"])
def test_a_bad_time_limit_is_named(tmp_path, bad):
    root = _with_template(tmp_path, "x\n")
    _fails_in_one_line(_render(root, DNNPAPERS_TEMPLATE_SECONDS=bad), "DNNPAPERS_TEMPLATE_SECONDS")


def test_the_sandbox_renders_the_built_in_templates_to_the_same_bytes(tmp_path):
    from importlib import resources

    plain = write_list(tmp_path / "plain", [{"id": "a2020x", "title": "A | *title*", "authors": ["A B"], "year": 2020, "tags": ["early-exit"]}])
    boxed = write_list(tmp_path / "boxed", [{"id": "a2020x", "title": "A | *title*", "authors": ["A B"], "year": 2020, "tags": ["early-exit"]}])
    (boxed / "templates").mkdir()
    for name in ("materials.md.j2", "_macros.md.j2", "readme.md.j2"):
        (boxed / "templates" / name).write_text((resources.files("dnnpapers.outputs") / "templates" / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert _render(plain).returncode == 0 and _render(boxed).returncode == 0
    for name in ("generated/materials.md", "generated/materials.zh.md", "README.md"):
        assert (plain / name).read_bytes() == (boxed / name).read_bytes(), name


def test_a_list_lays_out_its_rows_and_cards_with_format_templates(tmp_path):
    from dnnpapers.access.loading import load_list
    from dnnpapers.outputs.render import MATERIALS, build
    from dnnpapers.outputs.site import SITE

    root = write_list(tmp_path, [MSD])
    (root / "templates").mkdir()
    (root / "templates" / "paper_row.md").write_text("| {date} | {paper} | {notes} | {focus} |\n", encoding="utf-8")
    (root / "templates" / "site_paper.html").write_text('<div class="mine" data-id="{id}" id="{id}">{title}</div>\n', encoding="utf-8")
    outputs = build(load_list(root))
    assert "| 2018 ICLR | [Multi-Scale Dense Networks](https://arxiv.org/abs/1703.09844) |  |  |" in outputs[MATERIALS].decode()
    assert '<div class="mine" data-id="huang2017multiscale" id="huang2017multiscale"><a href="https://arxiv.org/abs/1703.09844">Multi-Scale Dense Networks</a></div>' in outputs[SITE].decode()


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("| {paper.__class__} |", "{paper.__class__} is not one of its fields"),
        ("| {date[0]} |", "{date[0]} is not one of its fields"),
        ("| {date!r} |", "{date!r} is not one of its fields"),
        ("| {date:>40} |", "{date:>40} is not one of its fields"),
        ("| {title} |", "{title} is not one of its fields"),
        ("| {date |", "templates/paper_row.md: "),
    ],
)
def test_a_row_template_reaches_only_its_fields(pattern, message, tmp_path):
    from dnnpapers.errors import DnnpapersError
    from dnnpapers.access.loading import load_list
    from dnnpapers.outputs.render import build

    root = write_list(tmp_path, [MSD])
    (root / "templates").mkdir()
    (root / "templates" / "paper_row.md").write_text(pattern + "\n", encoding="utf-8")
    with pytest.raises(DnnpapersError) as found:
        build(load_list(root))
    assert message in str(found.value) and str(found.value).startswith("templates/paper_row.md: ")


_PIECES = st.lists(st.text(alphabet="ab\n<é🏆", max_size=8) | st.sampled_from(["\x000\x00", "\n\n\nx", "x\n\n\n", "a\n\n\nb", "\n", ""]), min_size=1, max_size=4)
_AROUND = st.sampled_from(["", "\n", "\n\n", "\n\n\n", "x", "x\n", "\nx", "{% if true %}\n{% endif %}\n"])


@settings(max_examples=300, deadline=None)
@given(_PIECES, st.lists(_AROUND, min_size=5, max_size=5), st.sampled_from(["", "\x001\x00", "a\n\n\n\nb"]))
def test_a_page_with_its_pieces_spliced_in_as_bytes_is_the_page_rendered_whole(pieces, around, data):
    """Blank-line runs folded at a piece's edges, pieces of nothing but newlines, a marker in the data: the same bytes."""
    import jinja2
    from markupsafe import Markup

    from dnnpapers.outputs.templating import render_bytes, render_template

    body = "".join(f"{around[i % len(around)]}{{{{ p[{i}] }}}}" for i in range(len(pieces))) + around[-1] + "{{ data }}" + around[0]
    env = jinja2.Environment(loader=jinja2.DictLoader({"page": body}), autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    encoded = [piece.encode("utf-8") for piece in pieces]
    whole = render_template(env, "page", {"p": [Markup(piece) for piece in pieces], "data": data}).encode("utf-8")
    assert render_bytes(env, "page", lambda piece: {"p": [piece(i) for i in range(len(pieces))], "data": data}, encoded) == whole
