"""Every benchmark, one command: ``python bench/run.py`` (or name some: ``network``).

Each prints its figures next to the floors they are measured against.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHMARKS = ["scale", "incremental", "startup", "peers", "network", "hostile", "discover", "webpage"]


def main(names: list[str]) -> None:
    # Measured as an installed tool runs: with its bytecode cached. Without this, an editable install under
    # PYTHONDONTWRITEBYTECODE (as on this machine) compiles every module of dnnpapers on every run: 15-55 ms.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in names or BENCHMARKS:
        if name not in BENCHMARKS:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        module = importlib.import_module(name)
        print(f"== {name}")
        module.report()
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
