"""init: a new list that passes check and render --check at once, in a new folder or a fresh clone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from conftest import REPO
from dnnpapers.cli import app
from dnnpapers.errors import DnnpapersError, ProblemsFound
from dnnpapers.access.loading import load_list
from dnnpapers.curation.scaffold import default_tool, init_list

TOOL = "dnnpapers @ git+https://example.org/dnnpapers@v0.1.0"


def test_a_new_list_passes_check_and_render_check(tmp_path, runner):
    root = tmp_path / "new"
    result = runner.invoke(app, ["init", str(root), "--title", "Efficient Transformers", "--tool", TOOL])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0
    assert runner.invoke(app, ["render", "--check", "--root", str(root)]).exit_code == 0
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# Efficient Transformers\n\n```sh\npip install '{TOOL}' && dnnpapers render")
    for name in (".github/workflows/list.yml", ".github/workflows/refresh.yml", ".github/ISSUE_TEMPLATE/add-paper.yml", ".pre-commit-config.yaml", "generated/materials.md", "CONTRIBUTING.md"):
        assert (root / name).is_file(), name


def test_contributing_says_how_to_propose_a_paper_and_what_a_pull_request_must_pass(tmp_path):
    init_list(tmp_path / "new", title="Efficient Transformers", tool=TOOL)
    text = (tmp_path / "new" / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert text.startswith("# Contributing to Efficient Transformers")
    assert '"Add a paper" form' in text and "dnnpapers add" in text and "dnnpapers check" in text and "dnnpapers render --check" in text


def test_init_refuses_a_folder_with_other_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(DnnpapersError, match="holds keep.txt"):
        init_list(tmp_path, tool=TOOL)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_a_fresh_clone_with_only_git_is_fine(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path / "clone")], check=True)
    init_list(tmp_path / "clone", tool=TOOL)
    assert (tmp_path / "clone" / ".git" / "HEAD").is_file()
    assert len(load_list(tmp_path / "clone").taxonomy.by_slug) == 35


def test_a_readme_license_and_gitignore_need_yes_and_are_replaced_kept_and_extended(tmp_path):
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / "README.md").write_text("# placeholder\n")
    (clone / "LICENSE").write_text("MIT\n")
    (clone / ".gitignore").write_text("*.pyc")
    with pytest.raises(DnnpapersError, match="give --yes"):
        init_list(clone, tool=TOOL)
    assert sorted(p.name for p in clone.iterdir()) == [".gitignore", "LICENSE", "README.md"]
    init_list(clone, tool=TOOL, yes=True)
    assert (clone / "LICENSE").read_text() == "MIT\n"
    assert "<!-- dnnpapers:begin -->" in (clone / "README.md").read_text(encoding="utf-8")
    assert (clone / ".gitignore").read_text().startswith("*.pyc\n# dnnpapers\n")


def test_an_empty_taxonomy_or_a_file_of_ones_own(tmp_path):
    init_list(tmp_path / "empty", tool=TOOL, taxonomy="empty")
    assert load_list(tmp_path / "empty").taxonomy.by_slug == {}
    own = tmp_path / "topics.yaml"
    own.write_text("taxonomy:\n  - slug: efficient-attention\n    en: Efficient attention\n    zh: 高效注意力\n", encoding="utf-8")
    init_list(tmp_path / "own", tool=TOOL, taxonomy=str(own), title_zh="高效Transformer")
    paper_list = load_list(tmp_path / "own")
    assert list(paper_list.taxonomy.by_slug) == ["efficient-attention"] and paper_list.page.title_zh == "高效Transformer"


def test_a_broken_taxonomy_file_is_reported_at_its_line_and_nothing_is_made(tmp_path):
    own = tmp_path / "topics.yaml"
    own.write_text("taxonomy:\n  - slug: Bad Slug\n    en: X\n    zh: Y\n", encoding="utf-8")
    with pytest.raises(ProblemsFound, match="topics.yaml:2"):
        init_list(tmp_path / "new", tool=TOOL, taxonomy=str(own))
    assert not (tmp_path / "new").exists()


def test_without_tool_an_editable_install_makes_the_user_choose(tmp_path):
    if default_tool() is not None:
        pytest.skip("this dnnpapers came from an index or a URL, which a list's CI can reach")
    with pytest.raises(DnnpapersError, match="--tool: this dnnpapers was installed from a local folder"):
        init_list(tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_the_scaffold_taxonomy_is_this_lists():
    # When data/taxonomy.yaml changes: cp data/taxonomy.yaml src/dnnpapers/curation/scaffold/taxonomy.yaml
    assert (REPO / "src/dnnpapers/curation/scaffold/taxonomy.yaml").read_bytes() == (REPO / "data/taxonomy.yaml").read_bytes()


def test_a_failure_midway_leaves_nothing_half_made(tmp_path, monkeypatch):
    from dnnpapers.outputs import render

    def broken(*args, **kwargs):
        raise DnnpapersError("render failed on purpose")

    monkeypatch.setattr(render, "render", broken)
    with pytest.raises(DnnpapersError, match="on purpose"):
        init_list(tmp_path / "new", tool=TOOL)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("title", ["Efficient: Transformers", "# Heading?", "a: b\nmilestone_citations: 1", "x\x07y"])
def test_titles_can_neither_break_page_yaml_nor_inject_keys(tmp_path, title):
    if not title.isprintable():
        with pytest.raises(DnnpapersError, match="--title: give one line of text"):
            init_list(tmp_path / "new", title=title, tool=TOOL)
        assert list(tmp_path.iterdir()) == []
        return
    init_list(tmp_path / "new", title=title, title_zh=f"{title}（中文）", tool=TOOL)
    page = load_list(tmp_path / "new").page
    assert (page.title, page.title_zh, page.milestone_citations) == (title, f"{title}（中文）", 100)


def test_a_tool_spec_with_spaces_is_quoted_for_pip_in_every_written_command(tmp_path):
    import yaml

    init_list(tmp_path / "new", tool="dnnpapers @ git+https://example.org/dnnpapers")
    workflow = yaml.safe_load((tmp_path / "new" / ".github/workflows/list.yml").read_text(encoding="utf-8"))
    runs = [step.get("run") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "pip install 'dnnpapers @ git+https://example.org/dnnpapers'" in runs
    discover = yaml.safe_load((tmp_path / "new" / ".github/workflows/discover.yml").read_text(encoding="utf-8"))
    runs = [step.get("run") for job in discover["jobs"].values() for step in job["steps"]]
    assert "pip install 'dnnpapers[discover] @ git+https://example.org/dnnpapers'" in runs


_PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def _pages_workflow(root) -> tuple[dict, dict[str, list[dict]]]:
    """The Pages workflow as GitHub reads it (YAML; PyYAML reads the key `on` as True) and each job's steps."""
    import yaml

    workflow = yaml.safe_load((root / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"push", "workflow_dispatch"} and workflow[True]["push"] == {"branches": ["main"]}
    steps = {name: job["steps"] for name, job in workflow["jobs"].items()}
    uses = [step["uses"] for job in steps.values() for step in job if "uses" in step]
    assert uses and all(_PINNED.match(action) for action in uses), uses  # every action pinned to a commit
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert [step["uses"].split("@")[0] for step in steps["deploy"]] == ["actions/deploy-pages"]
    return workflow, steps


def _actions(steps: list[dict]) -> list[str]:
    return [step["uses"].split("@")[0] if "uses" in step else step["run"].split()[0] + " " + step["run"].split()[1] for step in steps]


def test_init_pages_site_publishes_the_searchable_page_with_upload_and_deploy(tmp_path, runner):
    result = runner.invoke(app, ["init", str(tmp_path / "new"), "--tool", TOOL, "--pages", "site"])
    assert result.exit_code == 0, result.output
    _, steps = _pages_workflow(tmp_path / "new")
    assert _actions(steps["build"]) == ["actions/checkout", "actions/setup-python", "pip install", "dnnpapers render",
                                        "actions/configure-pages", "actions/upload-pages-artifact"]
    assert steps["build"][-1]["with"] == {"path": "generated/site"}
    assert not (tmp_path / "new" / "site").exists()
    assert "jekyll" not in (tmp_path / "new" / "data" / "page.yaml").read_text(encoding="utf-8")


def test_init_pages_jekyll_makes_a_jekyll_site_that_render_writes_into_and_the_workflow_that_builds_it(tmp_path, runner):
    root = tmp_path / "new"
    result = runner.invoke(app, ["init", str(root), "--tool", TOOL, "--pages", "jekyll"])
    assert result.exit_code == 0, result.output
    _, steps = _pages_workflow(root)
    assert _actions(steps["build"]) == ["actions/checkout", "actions/setup-python", "pip install", "dnnpapers render",
                                        "actions/configure-pages", "actions/jekyll-build-pages", "actions/upload-pages-artifact"]
    assert steps["build"][5]["with"] == {"source": "./site", "destination": "./_site"}
    assert steps["build"][6]["with"] == {"path": "_site"}
    assert load_list(root).page.jekyll.dir == "site"
    config = yaml.safe_load((root / "site" / "_config.yml").read_text(encoding="utf-8"))
    assert config["markdown"] == "kramdown" and config["kramdown"] == {"input": "GFM"}
    assert (root / "site" / "papers" / "materials.md").is_file() and (root / "site" / "_data" / "papers.json").read_text(encoding="utf-8") == "[]\n"
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0
    assert runner.invoke(app, ["render", "--check", "--root", str(root)]).exit_code == 0


def test_init_pages_takes_only_site_or_jekyll(tmp_path, runner):
    result = runner.invoke(app, ["init", str(tmp_path / "new"), "--tool", TOOL, "--pages", "hugo"])
    assert result.exit_code == 2 and "'hugo' is not one of 'site', 'jekyll'" in result.output
    assert not (tmp_path / "new").exists()


def _build_system() -> dict:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]


_BUILD = _build_system()


def _backend_installed() -> bool:
    """Whether this environment holds every distribution pyproject's [build-system] requires, at a version it allows
    (the test extra asks for them)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    for text in _BUILD["requires"]:
        requirement = Requirement(text)
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            return False
        if not requirement.specifier.contains(version, prereleases=True):
            return False
    return True


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """dnnpapers built as a wheel from this checkout, as a release would be."""
    import shutil

    out, source = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("source")
    # Built from a copy of what a release holds: setuptools keeps its work in the source's build/ folder, and two
    # test workers building from the checkout at once (each with this module's tests) trip over each other there.
    shutil.copy(REPO / "pyproject.toml", source / "pyproject.toml")
    shutil.copy(REPO / "README.md", source / "README.md")
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    if _backend_installed():
        # The build backend pyproject names, called as PEP 517 has a frontend call it (what `python -m build
        # --no-isolation` does), in a process of its own: pip's isolated build would first fetch and install the
        # backend into a fresh environment, ~3 s waiting on the index and 2 CPU-seconds, for the same wheel.
        hook = "import sys, importlib; print(importlib.import_module(sys.argv[1]).build_wheel(sys.argv[2]))"
        done = subprocess.run([sys.executable, "-c", hook, _BUILD["build-backend"], str(out)], cwd=source, capture_output=True, text=True, timeout=300)
    else:  # an environment without the backend's version: pip builds it in isolation
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("dnnpapers-*.whl")
    return built


def test_the_wheel_carries_the_templates_and_the_scaffold(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("dnnpapers/outputs/templates/materials.md.j2", "dnnpapers/curation/scaffold/taxonomy.yaml", "dnnpapers/curation/scaffold/CONTRIBUTING.md", "dnnpapers/curation/scaffold/workflows/list.yml",
                   "dnnpapers/curation/scaffold/workflows/pages-jekyll.yml", "dnnpapers/curation/scaffold/jekyll/_config.yml", "dnnpapers/curation/scaffold/jekyll/index.md"):
        assert needed in names, needed


def _wheelhouse(folder, requirements: list[str]):
    """Wheels of the installed distributions that ``requirements`` need, their dependencies followed as pip would
    (markers, extras), each packed back from its installed files: an index holding exactly what the tool declares.
    The install below resolves against it offline, so it costs no PyPI round trips (7 of its 8 CPU-seconds) and
    still fails when the tool leaves out a dependency it imports (the wheelhouse holds only declared ones)."""
    import base64
    import hashlib
    import zipfile
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    folder.mkdir()
    todo, seen = [Requirement(text) for text in requirements], set()
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # the tool's own extras ([discover], [test]): the install line asks for none
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        dist = metadata.distribution(name)
        extras = {"", *requirement.extras}
        for text in dist.requires or []:
            needed = Requirement(text)
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in extras):
                needed.marker = None
                todo.append(needed)
        info = next(str(file).split("/")[0] for file in dist.files if str(file).split("/")[0].endswith(".dist-info"))
        tags = [line.split(":", 1)[1].strip().split("-") for line in (dist.read_text("WHEEL") or "").splitlines() if line.startswith("Tag:")]
        tag = "-".join(".".join(dict.fromkeys(parts)) for parts in zip(*tags))  # py2-none-any + py3-none-any: py2.py3-none-any
        records = []
        with zipfile.ZipFile(folder / f"{name.replace('-', '_')}-{dist.version}-{tag}.whl", "w") as packed:
            for file in dist.files:
                text = str(file)
                if text.startswith("..") or "__pycache__" in text or text.split("/")[-1] in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json"):
                    continue
                data = file.locate().read_bytes()
                packed.writestr(text, data)
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                records.append(f"{text},sha256={digest},{len(data)}\n")
            packed.writestr(f"{info}/RECORD", "".join(records) + f"{info}/RECORD,,\n")


def test_the_written_workflows_install_line_installs_a_working_dnnpapers(tmp_path, wheel):
    import yaml

    root = tmp_path / "list"
    init_list(root, tool=f"dnnpapers @ {wheel.as_uri()}")
    workflow = yaml.safe_load((root / ".github/workflows/list.yml").read_text(encoding="utf-8"))
    (install,) = [step["run"] for step in workflow["jobs"]["check"]["steps"] if str(step.get("run", "")).startswith("pip install")]
    venv = tmp_path / "venv"
    # A venv without a pip of its own, whose `pip` is this pip installing into it (pip's --python): the same
    # install into the same fresh venv, without bootstrapping a second pip (3 s, half the test). Not compiled ahead
    # (PIP_COMPILE=0): what runs is compiled as it is imported. (Not PIP_NO_COMPILE=1: pip reads an environment
    # variable as the value of the option it names, and --no-compile stores False, so "1" stored True and pip
    # compiled all 1,349 installed modules, 2.3 of the install's 4 CPU-seconds.)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (venv / "bin" / "pip").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pip --python "{venv / "bin" / "python"}" "$@"\n', encoding="utf-8")
    (venv / "bin" / "pip").chmod(0o755)
    import zipfile
    from email.parser import Parser

    (meta,) = [name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".dist-info/METADATA")]
    declared = Parser().parsestr(zipfile.ZipFile(wheel).read(meta).decode()).get_all("Requires-Dist") or []
    _wheelhouse(tmp_path / "wheelhouse", declared)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path / "wheelhouse"), "PIP_COMPILE": "0"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(install, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    for command in ("dnnpapers check", "dnnpapers render --check"):
        ran = subprocess.run(command, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=120)
        assert ran.returncode == 0, ran.stderr
    version = subprocess.run([str(venv / "bin" / "python"), "-c", "import json, importlib.metadata as m; print(json.loads(m.distribution('dnnpapers').read_text('direct_url.json'))['url'])"],
                             capture_output=True, text=True, check=True)
    assert version.stdout.strip() == wheel.as_uri()
