"""What a command imports before it answers: only what it needs (pydantic, rich and the YAML parsers cost start-up time)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, write_list

MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}


def _imported(args: list[str], cwd, cache) -> set[str]:
    env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "dnnpapers", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"], ["talk", "add", "--help"]])
def test_help_and_version_import_neither_pydantic_nor_rich(args, tmp_path):
    modules = _imported(args, tmp_path, tmp_path / "cache")
    assert "pydantic" not in modules and "rich" not in modules and "yaml" not in modules, sorted(m for m in modules if m.split(".")[0] in ("pydantic", "rich", "yaml"))


def test_checking_a_valid_list_needs_no_pydantic(tmp_path):
    root = write_list(tmp_path / "list", [MSD])
    modules = _imported(["check"], root, tmp_path / "cache")
    assert "pydantic" not in modules and "yaml_rs" in modules


def test_a_first_check_of_the_shipped_list_with_its_talks_needs_no_pydantic_and_then_nothing_is_loaded(tmp_path, one_day):
    root = tmp_path / "list"
    for name in ("data", "generated"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "README.md", root / "README.md")
    assert (root / "data" / "talks.yaml").stat().st_size > 0
    cache = tmp_path / "cache"
    first = _imported(["check"], root, cache)  # nothing cached: the quick path accepts every file, talks.yaml too
    assert "yaml_rs" in first and not {"pydantic", "yaml"} & first, sorted(m for m in first if m.split(".")[0] in ("pydantic", "yaml"))
    rendered = _imported(["render", "--check"], root, cache)  # its talks as plain records too (plainlist.talk_log)
    assert "jinja2" in rendered and "dnnpapers.outputs.talkpage" in rendered and "pydantic" not in rendered
    for args in (["check"], ["render", "--check"]):
        modules = _imported(args, root, cache)
        assert not {"pydantic", "yaml", "yaml_rs", "jinja2", "rich"} & modules, args


@pytest.mark.parametrize("args", [["list", "--presented"], ["talk", "list"], ["show", "han2021dynamic"]])
def test_listing_the_shipped_list_and_its_talks_needs_no_pydantic(args, tmp_path):
    """list, show, stats and talk list only read the list: plain records, its talks too (~0.2 s of a 0.4 s command)."""
    shutil.copytree(REPO / "data", tmp_path / "list" / "data")
    modules = _imported(args, tmp_path / "list", tmp_path / "cache")
    assert "dnnpapers.model.talks" in modules and "pydantic" not in modules, args


def test_a_first_render_of_a_valid_list_without_talks_imports_no_pyyaml_nor_the_talks_pages(tmp_path):
    """The quick path's values become plain records without the exact path's modules (PyYAML, the YAML store, pydantic's
    error translation) or the models', the talks pages are imported only for a list with talks, and a list that
    publishes to no Jekyll site imports none of the site's writers."""
    root = write_list(tmp_path / "list", [MSD])
    modules = _imported(["render"], root, tmp_path / "cache")
    assert "jinja2" in modules and "dnnpapers.access.plainlist" in modules
    unused = {"yaml", "dnnpapers.storage.store", "dnnpapers.model.validation", "dnnpapers.outputs.talkpage", "dnnpapers.outputs.talks_calendar",
              "dnnpapers.access.paperlist", "dnnpapers.model.models"}
    assert not unused & modules, sorted(unused & modules)


def test_a_first_render_builds_no_pydantic_validator(tmp_path):
    """Papers the quick path accepted become plain records (model.records) and the schema ships with the tool: a list
    without talks imports no pydantic at all, so no validator is built and pydantic's plugin discovery
    (importlib.metadata) never runs."""
    root = write_list(tmp_path / "list", [MSD])
    modules = _imported(["render"], root, tmp_path / "cache")
    assert "pydantic" not in modules and "importlib.metadata" not in modules and "pydantic.plugin._loader" not in modules


def test_a_first_check_loads_no_openssl(tmp_path):
    """The known entries are keyed by CPython's own BLAKE2b and the inputs digested by its own SHA-256: OpenSSL
    (hashlib's, 10 ms) is loaded by a render, which digests its outputs with it, not by a check."""
    root = write_list(tmp_path / "list", [MSD])
    assert "_hashlib" not in _imported(["check"], root, tmp_path / "cache")


def test_the_console_script_leaves_what_its_run_made_to_the_exit_without_a_collector_pass(monkeypatch):
    """`dnnpapers` (and `python -m dnnpapers`) run ``cli.run``: main's exit code, then the run's objects frozen, so
    the interpreter's last collection does not trace a loaded list it is about to free anyway."""
    import gc
    from importlib.metadata import entry_points

    from dnnpapers import cli

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "dnnpapers"]
    assert script.value == "dnnpapers.cli:run"
    assert "run()" in (REPO / "src" / "dnnpapers" / "__main__.py").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["dnnpapers", "--version"])
    before = gc.get_freeze_count()
    try:
        with pytest.raises(SystemExit) as done:
            cli.run()
        assert done.value.code == 0
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
