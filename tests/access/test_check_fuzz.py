"""Random damage to a valid list: `check` answers 0 or 1 with located messages, never a traceback or a hang."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import SCENARIOS
from dnnpapers.cli import app
from dnnpapers.errors import DnnpapersError, ProblemsFound
from dnnpapers.access.loading import load_list

VALID = (SCENARIOS / "valid-crlf-bom-and-odd-text" / "data" / "papers.yaml").read_bytes()
NOISE = [b":", b"-", b" ", b"\t", b"\n", b"'", b'"', b"[", b"]", b"{", b"&a", b"*a", b"!!python/name:x", b"#", b"\xff", b"\x00", b"|", b">", b"---", b"? "]


ACTIONS = st.sampled_from(["insert", "delete", "replace"])
PIECES = st.one_of(st.sampled_from(NOISE), st.binary(min_size=1, max_size=3))  # built once, not at each draw


@st.composite
def damaged(draw):
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(ACTIONS)
        piece = draw(PIECES)
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        else:
            data[at : at + len(piece)] = piece
    return bytes(data)


def _list_with(papers_yaml: bytes, new_folder) -> Path:
    root = new_folder()
    (root / "data").mkdir()
    shutil.copy(SCENARIOS / "taxonomy.yaml", root / "data" / "taxonomy.yaml")
    (root / "data" / "papers.yaml").write_bytes(papers_yaml)
    return root


@settings(max_examples=300, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged())
def test_library_only_raises_located_problems(new_folder, raw):
    root = _list_with(raw, new_folder)
    try:
        load_list(root)
    except ProblemsFound as found:
        assert found.problems
        for problem in found.problems:
            assert problem.line >= 1 and problem.col >= 1 and "\n" not in problem.message
    except DnnpapersError:
        pass
    assert (root / "data" / "papers.yaml").read_bytes() == raw


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged())
def test_cli_exits_0_or_1_without_traceback(new_folder, raw):
    root = _list_with(raw, new_folder)
    result = CliRunner().invoke(app, ["check", "--root", str(root)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
