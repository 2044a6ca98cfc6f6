"""Benchmark: how soon the commands that only read a list answer, on the shipped list (289 papers, 5 talks).

``list``, ``show``, ``stats`` and ``talk list`` read the list as plain records (access/plainlist.py), its talks
too, and import no pydantic (~0.15 s of a cold start). Each command and its floor, ``import typer`` (what any
typer command costs before it does anything), run in turn, 9 pairs, and the median ratio counts
(scale.paired_row): target 2× the floor. Each line also says whether the command imported pydantic (target: no).
``python bench/run.py startup``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import PY, REPO, paired_row  # noqa: E402

COMMANDS = [["list"], ["list", "--format", "bib"], ["show", "han2021dynamic"], ["stats"], ["talk", "list"]]
_IMPORTS_PYDANTIC = "import sys, runpy; sys.argv = ['dnnpapers', *sys.argv[1:]]\ntry: runpy.run_module('dnnpapers', run_name='__main__')\nexcept SystemExit: pass\nprint('pydantic' in sys.modules, file=sys.stderr)"


def report() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "list"
        shutil.copytree(REPO / "data", root / "data")
        env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(Path(tmp) / "cache"), "NO_COLOR": "1"}
        saved = dict(os.environ)
        os.environ.update(env)  # (paired_row's processes take this process's environment)
        try:
            _rows(root, env)
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _rows(root: Path, env: dict[str, str]) -> None:
    """Each command's row: its time over the floor's, and whether it imported pydantic."""
    print(f"the shipped list, {len((root / 'data' / 'talks.yaml').read_text(encoding='utf-8').split('- date:')) - 1} talks; floor: import typer")
    for args in COMMANDS:
        argv = ["dnnpapers", *args, "--root", str(root)]
        line = paired_row(" ".join(args), argv, [PY, "-c", "import typer"], 2)
        done = subprocess.run([PY, "-c", _IMPORTS_PYDANTIC, *args, "--root", str(root)], capture_output=True, text=True, env=env)
        imported = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"
        print(f"{line}  pydantic imported: {'yes  NOT ok' if imported == 'True' else 'no' if imported == 'False' else imported}")
