"""A list's own templates run sandboxed: no shell, no files outside the list, no runaway render."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import write_list


def _render(root, **env):
    import os

    return subprocess.run(
        [sys.executable, "-m", "dnnpapers", "render", "--root", str(root)], capture_output=True, text=True, timeout=60,
        env={**os.environ, **env}, stdin=subprocess.DEVNULL,
    )


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
    root = _with_template(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    _fails_in_one_line(_render(root, DNNPAPERS_TEMPLATE_SECONDS="1"), "ran longer than 1 s")


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
        (boxed / "templates" / name).write_text((resources.files("dnnpapers") / "templates" / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert _render(plain).returncode == 0 and _render(boxed).returncode == 0
    for name in ("generated/materials.md", "generated/materials.zh.md", "README.md"):
        assert (plain / name).read_bytes() == (boxed / name).read_bytes(), name
