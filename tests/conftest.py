"""Shared fixtures: the shipped list, scenario folders and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def _keep_bytecode() -> None:
    """Compiled modules kept from run to run even where PYTHONDONTWRITEBYTECODE is set (it is on the project's machines):
    else each test worker rewrites and compiles every test module again (~2.5 CPU-s), and each of the suite's ~100
    ``python -m dnnpapers`` processes compiles the package's modules again (~0.05 CPU-s each). They go where Python puts
    them by default, __pycache__/ beside the sources (ignored by git); the processes the tests start inherit this."""
    if sys.dont_write_bytecode and "PYTHONPYCACHEPREFIX" not in os.environ:
        sys.dont_write_bytecode = False
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


_keep_bytecode()


def _temporary_folders_in_memory(folder: str = "/dev/shm") -> None:
    """The tests' temporary lists in a RAM-backed folder where there is one with room, unless TMPDIR says where they go.
    Every write of the tool is staged and fsynced, and on a busy disk the suite waited on fsync longer than it computed
    (tests/storage, tests/access, test_talks_week and the year test under -n 2: 46-56 s of wall time on disk, 25-32 s
    here, the same CPU). What the tests check (the bytes, renames, refusals, killed writes) is the same on tmpfs; the
    tests of a full or read-only disk mount their own. Not where the folder is small (containers give 64 MiB) or noexec
    (the scaffold test runs a venv's scripts from its tmp_path)."""
    if os.environ.get("TMPDIR") or not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
        return
    try:
        stats = os.statvfs(folder)
    except OSError:
        return
    if stats.f_bavail * stats.f_frsize < 2 << 30 or stats.f_flag & os.ST_NOEXEC:
        return
    os.environ["TMPDIR"] = folder  # the test processes' children too
    tempfile.tempdir = None  # asked again by pytest's tmp_path and by tempfile


_temporary_folders_in_memory()


#: Files holding the longest tests (by wall time under `-n 2`), longest first: run before the rest, so that no worker
#: is left running one of them alone at the end while the others have nothing to do. pyproject's addopts hands
#: whole files to the workers in this order (``--dist loadfile --no-loadscope-reorder``), so that each module-scoped
#: fixture (a built wheel, a rendered list, a served site) is made once, not once on each worker.
LONGEST_FIRST = ("test_year_of_a_list.py", "outputs/test_site_browser.py", "cli/test_inputs_week.py", "outputs/test_render.py",
                 "outputs/test_site_browser_week.py", "cli/test_cli_week.py", "access/test_verdicts.py",
                 "outputs/test_incremental.py", "curation/test_scaffold.py", "outputs/test_texts_week.py", "outputs/test_export.py",
                 "access/test_known_entries.py", "storage/test_outputs_confined.py", "storage/test_store_edits.py",
                 "access/test_quick.py", "cli/test_talks_week.py", "cli/test_cli_faults.py", "outputs/test_site_week.py",
                 "access/test_races.py", "cli/test_cli_network.py", "outputs/test_templating.py", "cli/test_startup.py",
                 "storage/test_store_layouts.py", "curation/test_discover_ranking.py", "outputs/test_materials.py",
                 "cli/test_help_examples.py", "access/test_hostile_input.py", "sources/test_http_hostile.py",
                 "storage/test_fastyaml.py", "outputs/test_site.py", "curation/test_discover.py", "cli/test_faults.py",
                 "access/test_quick_talks.py", "access/test_check_fuzz.py", "outputs/test_csl_ris.py", "outputs/test_jekyll_build.py")


def pytest_collection_modifyitems(items):
    """Whole files moved, so that module-scoped fixtures are still made once."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    assert all((REPO / "tests" / name).is_file() for name in rank), "LONGEST_FIRST names a file that is not there"
    assert all((REPO / "tests" / name).is_file() for name in ONE_WORKER), "ONE_WORKER names a file that is not there"
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0].removeprefix("tests/"), len(rank)))


#: Files whose tests run ``discover`` in the test worker: the first to do so imports scikit-learn (~2.2 CPU-s, scipy's
#: stats with it) and numpy, whose random state Hypothesis then saves, seeds and restores around every later example
#: on that worker (~0.2 ms each). Handed to one worker as one unit (in the place of the first of them, the year test),
#: so that one worker pays that instead of both. (Found by running each file alone and asking sys.modules.)
ONE_WORKER = ("test_year_of_a_list.py", "curation/test_discover.py", "curation/test_discover_ranking.py", "curation/test_classify.py",
              "curation/test_seen.py", "outputs/test_texts_week.py", "cli/test_help_examples.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile (pyproject's addopts), with ONE_WORKER's files one unit; any other mode as xdist makes it."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    together = {"tests/" + name for name in ONE_WORKER}

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "tests/" + ONE_WORKER[0] if scope in together else scope

    return Scheduling(config, log)


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject's addopts): one worker more than the cores this process may run on (xdist's own count is
    the cores). The tests wait on what they start (processes, servers, Chromium, a sleeping fake): on two cores, two
    workers left 10-13 core-seconds a run idle and three leave 3, and the same run's wall time fell from 0.586x its
    CPU time to 0.572x (five alternated pairs, one sitting). PYTEST_XDIST_AUTO_NUM_WORKERS still decides, as it does
    for xdist."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


_COMMANDS: dict[int, object] = {}
_build_command = typer.testing._get_command


def _command_once(app):
    """The click command typer builds from an app, built once per app: ~8 ms a build, paid by every in-process
    command of the suite (thousands). A click command holds no state between runs."""
    key = id(app)
    if key not in _COMMANDS:
        _COMMANDS[key] = (app, _build_command(app))  # the app kept alive, so its id is never reused
    return _COMMANDS[key][1]


typer.testing._get_command = _command_once


def _resident_bytes() -> int:
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


_SWEPT_AT: list[int] = []  # the worker's resident memory after its last sweep


@pytest.fixture(autouse=True)
def _frozen_garbage_freed():
    """Once a worker holds 64 MiB more than after its last sweep, what its tests' in-process commands froze goes back
    to the collector, which frees the garbage among it: about five sweeps a run, of 0.5-1 CPU-s each (~400,000 objects
    traversed, 100,000-200,000 freed), ~3 CPU-s a run. At 192 MiB there were two, of 2.2-2.3 CPU-s together, and a
    worker's peak memory rose from ~420 to ~490 MB: not worth it.

    A load (access/quick.gc_paused) freezes every object alive at its end, for the rest of the command: in a
    process of its own, what the command then holds. In a test worker it is also every garbage cycle the earlier
    tests left uncollected, kept for good (a failed load freezes nothing: before it did, a data file linked to
    /dev/zero kept its 256 MiB read in the worker). A worker grew to 1.3 GB, and each fork a later test makes
    (outputs/forked.py) cost ~0.1 s a GB of the parent's memory. Not after every test: what stays frozen is skipped
    by the collector's passes, and unfreezing it all each time cost more collector time than it saved."""
    import gc

    yield
    if sys.platform != "linux":
        return
    now = _resident_bytes()
    if not _SWEPT_AT:
        _SWEPT_AT.append(now)
    elif now - _SWEPT_AT[0] > 64 << 20:
        if gc.get_freeze_count():
            gc.unfreeze()
        gc.collect()
        _SWEPT_AT[0] = _resident_bytes()


@pytest.fixture(scope="module")
def new_folder(tmp_path_factory):
    """Makes a new empty folder at each call, for a Hypothesis example's list. ``tmp_path_factory.mktemp`` lists every
    folder the worker has made so far to number the next (~1 ms each once there are 3,000, as late in a run); this only
    makes one."""
    base = tmp_path_factory.mktemp("examples")
    return lambda: Path(tempfile.mkdtemp(dir=base))


@pytest.fixture(scope="session")
def _caches(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("caches")


@pytest.fixture(autouse=True)
def _own_cache(_caches, monkeypatch):
    """Each test keeps its answers and verdicts to itself, never in the user's cache (tests that care set their own).
    A new empty folder each (mkdtemp), not ``tmp_path_factory.mktemp``, which lists every folder the worker made so
    far to number the next: ~1 ms a test late in a run, for every test."""
    monkeypatch.setenv("DNNPAPERS_CACHE_DIR", tempfile.mkdtemp(prefix="cache", dir=_caches))


_CHROMIUM: list = []  # this worker's Chromium, from its first browser test to the end of the run


@pytest.fixture
def browser():
    """One headless Chromium per test worker, shared by the tests that only load pages in it (tests/browser.py), started
    by the first that asks (a start costs ~0.8 CPU-second and as much wall time) and quit when the worker is done.
    Between two tests that use it, the last page stays: each test loads its own page first (``open_page``, as a new
    document), and a page left for the moments between two tests costs ~0.01 CPU-s a second (measured), less than a
    blank page's navigation after each test. When the worker's next test does not use it (pytest_runtest_teardown),
    it is parked on a blank page until one does: parked, it costs ~0.002 CPU-s a second (measured over 20 s), ~0.1
    CPU-s over the rest of a run, where a second start for a later browser test (tests/cli/test_talks_week.py) costs
    ~1. Tests needing other settings (a phone, scripts off, the network off) set them for themselves with
    ``browser.emulated``, which puts them back. Skips the test without Chromium, or fails it with
    DNNPAPERS_REQUIRE_BROWSER=1."""
    from browser import chromium

    if not _CHROMIUM:
        _CHROMIUM.append(chromium())
    yield _CHROMIUM[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's fixtures torn down first: they may still use it
    if _CHROMIUM and "browser" in getattr(item, "fixturenames", ()):
        if nextitem is None:
            _CHROMIUM.pop().quit()
        elif "browser" not in getattr(nextitem, "fixturenames", ()):
            _CHROMIUM[0].get("about:blank")  # parked: nothing on it runs


def pytest_sessionfinish(session):
    while _CHROMIUM:
        _CHROMIUM.pop().quit()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def group_day() -> str:
    """Today where the shipped list's group meets, written as DNNPAPERS_TODAY takes it.

    Where no day is pinned, a render verdict and the render state stand for the day by the quarter hour of UTC it
    is (access.verdicts._day_mark), so a test that renders, or checks, and then expects the next command to find
    what the first one kept would fail when the two fall on either side of 10:15. Such tests pin the day to this one."""
    from dnnpapers.model.records import DEFAULTS
    from dnnpapers.model.talks import TODAY_VARIABLE, group_today
    from dnnpapers.storage.fastyaml import parse

    pinned = os.environ.get(TODAY_VARIABLE, "").strip()
    page = parse((REPO / "data" / "page.yaml").read_bytes())
    zone = page.get("timezone") if isinstance(page, dict) else None
    return pinned or group_today(zone or DEFAULTS["PageFile"]["timezone"]).isoformat()


def verdict_clock_at(monkeypatch, moment) -> None:
    """The clock access.verdicts reads (for the year and the quarter hour of a render verdict) shows ``moment``, an
    aware datetime, whatever the time."""
    import datetime as dt
    from types import SimpleNamespace

    from dnnpapers.access import verdicts

    monkeypatch.setattr(verdicts, "dt", SimpleNamespace(datetime=SimpleNamespace(now=moment.astimezone), timezone=dt.timezone))


@pytest.fixture
def one_day(monkeypatch) -> str:
    """The day pinned (DNNPAPERS_TODAY) for this test and the processes it starts: see group_day."""
    day = group_day()
    monkeypatch.setenv("DNNPAPERS_TODAY", day)
    return day


@pytest.fixture
def shipped_list(tmp_path: Path) -> Path:
    """A copy of the repository's own list, safe to modify."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    return tmp_path


def copy_scenario(name: str, dest: Path) -> Path:
    """The scenario's data folder under ``dest``, with the shared taxonomy when it has none."""
    shutil.copytree(SCENARIOS / name / "data", dest / "data")
    if not (dest / "data" / "taxonomy.yaml").exists():
        shutil.copy(SCENARIOS / "taxonomy.yaml", dest / "data" / "taxonomy.yaml")
    return dest


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed) with the digest of its bytes, or its link target."""
    import hashlib

    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                found[str(path.relative_to(folder))] = "-> " + os.readlink(path)
            elif path.is_file() and not name.endswith(".lock"):  # the lock file, the tool's own, comes and stays
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def write_list(root: Path, entries: list[dict], readme: str = "# My list\n\n<!-- dnnpapers:begin -->\n<!-- dnnpapers:end -->\n\nAfter.\n") -> Path:
    """A list folder with the scenario taxonomy, ``entries`` written the way `add` writes them, and a README."""
    from dnnpapers.storage.store import format_entry

    (root / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(SCENARIOS / "taxonomy.yaml", root / "data" / "taxonomy.yaml")
    body = "papers:\n" + "".join(format_entry(entry) for entry in entries) if entries else "papers: []\n"
    (root / "data" / "papers.yaml").write_text(body, encoding="utf-8")
    (root / "README.md").write_text(readme, encoding="utf-8")
    return root


@pytest.fixture
def services(monkeypatch):
    """Fake arXiv and Semantic Scholar, with the environment pointing the real client at them."""
    from fakes import FakeServices

    fake = FakeServices()
    for key, value in fake.environment().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SEMANTIC_SCHOLAR_API_KEY", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return fake


@pytest.fixture
def server():
    """Fake arXiv and Semantic Scholar behind a real HTTP server on 127.0.0.1: (services, base URL)."""
    from fakes import FakeServices, serve

    services = FakeServices()
    httpd, base = serve(services)
    yield services, base
    httpd.shutdown()


@pytest.fixture
def http(services, tmp_path):
    """The real client, answering through the fakes, with a fresh cache and no real sleeping."""
    from dnnpapers.sources.http import Cache, Http

    client = Http(cache=Cache(tmp_path / "cache"), transport=services.transport(), backoff=0.001, sleep=lambda s: None)
    yield client
    client.close()


def run_dnnpapers(args: list[str], root: Path, base: str, services, **env: str):
    """``python -m dnnpapers ARGS --root ROOT`` as a separate process talking to the fake services at ``base``."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache"), "NO_COLOR": "1", **env}
    environment.pop("SEMANTIC_SCHOLAR_API_KEY", None)
    environment.pop("GITHUB_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "dnnpapers", *args, "--root", str(root)],
        capture_output=True, text=True, env=environment, stdin=subprocess.DEVNULL, timeout=60,
    )


def invoke(args: list[str], cwd: Path | None = None, **env: str | None):
    """``python -m dnnpapers ARGS`` (in ``cwd``) run in this process through typer's CliRunner, as a CompletedProcess.

    For tests the process boundary is not the point of: it saves a start-up and the imports per
    command (a second, with scikit-learn). An exception that would end the process is its
    traceback on stderr and exit 1, as it is for a process.
    """
    import subprocess
    import traceback

    from dnnpapers.cli import app

    here = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, args, env={"NO_COLOR": "1", **env})
    finally:
        os.chdir(here)
    code, stderr = result.exit_code, result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        code, stderr = 1, stderr + "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["dnnpapers", *args], code, result.stdout, stderr)


def invoke_dnnpapers(args: list[str], root: Path, base: str, services, **env: str):
    """``run_dnnpapers`` in this process (``invoke``), for tests the process boundary is not the point of."""
    environment = {**services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache"), "SEMANTIC_SCHOLAR_API_KEY": None, "GITHUB_TOKEN": None, **env}
    return invoke([*args, "--root", str(root)], **environment)


@contextmanager
def read_only(folder: Path):
    """``folder`` read-only for this process too: a read-only bind mount as root (who ignores modes), else mode 555."""
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
        if mounted.returncode != 0:
            pytest.skip("cannot bind-mount here")
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=False)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def drain_pty(leader: int, wait: float = 10.0) -> bytes:
    """Everything left to read on a pseudo-terminal's leader side, until the other end closes or ``wait`` s pass quietly."""
    import select

    out = b""
    while True:
        ready, _, _ = select.select([leader], [], [], wait)
        if not ready:
            return out
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end (EIO on Linux)
            return out
        if not chunk:
            return out
        out += chunk
