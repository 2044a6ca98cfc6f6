"""init: a new list that passes check and render --check at once."""

from __future__ import annotations

import pytest

from conftest import REPO
from dnnpapers.cli import app
from dnnpapers.errors import DnnpapersError
from dnnpapers.scaffold import init_list


def test_a_new_list_passes_check_and_render_check(tmp_path, runner):
    root = tmp_path / "new"
    result = runner.invoke(app, ["init", str(root), "--title", "Efficient Transformers"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0
    assert runner.invoke(app, ["render", "--check", "--root", str(root)]).exit_code == 0
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Efficient Transformers\n\n```sh\npip install dnnpapers && dnnpapers render")
    for name in (".github/workflows/list.yml", ".github/workflows/refresh.yml", ".github/ISSUE_TEMPLATE/add-paper.yml", ".pre-commit-config.yaml", "generated/materials.md"):
        assert (root / name).is_file(), name


def test_init_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(DnnpapersError, match="not an empty folder"):
        init_list(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_the_scaffold_taxonomy_is_this_lists():
    # When data/taxonomy.yaml changes: cp data/taxonomy.yaml src/dnnpapers/scaffold/taxonomy.yaml
    assert (REPO / "src/dnnpapers/scaffold/taxonomy.yaml").read_bytes() == (REPO / "data/taxonomy.yaml").read_bytes()


def test_a_failure_midway_leaves_nothing_half_made(tmp_path, monkeypatch):
    from dnnpapers import render

    def broken(*args, **kwargs):
        raise DnnpapersError("render failed on purpose")

    monkeypatch.setattr(render, "render", broken)
    with pytest.raises(DnnpapersError, match="on purpose"):
        init_list(tmp_path / "new")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("title", ["Efficient: Transformers", "# Heading?", "a: b\nmilestone_citations: 1", "x\x07y"])
def test_titles_can_neither_break_page_yaml_nor_inject_keys(tmp_path, title):
    from dnnpapers.paperlist import load_list

    if not title.isprintable():
        with pytest.raises(DnnpapersError, match="--title: give one line of text"):
            init_list(tmp_path / "new", title=title)
        assert list(tmp_path.iterdir()) == []
        return
    init_list(tmp_path / "new", title=title, title_zh=f"{title}（中文）")
    page = load_list(tmp_path / "new").page
    assert (page.title, page.title_zh, page.milestone_citations) == (title, f"{title}（中文）", 100)


def test_a_tool_spec_with_spaces_is_quoted_for_pip_in_every_written_command(tmp_path):
    import yaml

    init_list(tmp_path / "new", tool="dnnpapers @ git+https://example.org/dnnpapers")
    workflow = yaml.safe_load((tmp_path / "new" / ".github/workflows/list.yml").read_text(encoding="utf-8"))
    runs = [step.get("run") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "pip install 'dnnpapers @ git+https://example.org/dnnpapers'" in runs
