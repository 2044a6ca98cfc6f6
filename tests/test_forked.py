"""Work made aside in a forked child (forked.py): its result and its errors come back as if made here, the
child never runs the parent's cleanup, and no child outlives the work."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from dnnpapers.errors import DnnpapersError, ProblemsFound, Problem, UsageError
from dnnpapers.interrupts import Interrupted
from dnnpapers import forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")


@pytest.fixture(autouse=True)
def _forks(monkeypatch):
    """Fork even under xdist, whose worker keeps a thread of its own (blocked on its channel, never in our way),
    and on a machine of one core."""
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.setattr(forked, "_cores", lambda: 2)


def _gone(pid: int) -> bool:
    """The child neither runs nor waits to be reaped."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # (reaped: no longer ours)
        return not Path(f"/proc/{pid}").exists()
    return False


def test_bytes_and_small_values_come_back_as_made():
    big = os.urandom(3_000_000)
    made = {"a": big, "b": b"", "n": 7, "s": "é", "t": ("x", 1.5)}
    with forked.aside(lambda: made, fork=True) as side:
        assert side.forked and side.pid
        got = side.result()
    assert got == made
    assert _gone(side.pid)
    assert not forked.gc.get_freeze_count()  # (the list frozen out of the collector only while the child runs)
    assert side.child_peak_kb > 0 and side.child_seconds >= 0


@pytest.mark.parametrize("memfd", [True, False], ids=["in memory", "a temporary file"])
def test_the_result_comes_back_whole_through_memory_or_a_temporary_file(monkeypatch, memfd):
    """In memory where the system has memfd (no disk's dirty-page throttling stalls the child), else a nameless
    temporary file: the same bytes either way, and a memfd the system refuses falls back to the file."""
    if not memfd:
        def refuse(*args):
            raise OSError(24, "Too many open files")

        monkeypatch.setattr(forked.os, "memfd_create", refuse, raising=False)
    made = {"page": os.urandom(2_000_000), "n": 3}
    side = forked.Aside(lambda: made)
    side.start(fork=True)
    try:
        name = os.readlink(f"/proc/self/fd/{side._file.fileno()}") if Path("/proc/self/fd").is_dir() else ""
        if Path("/proc/self/fd").is_dir():
            assert name.startswith("/memfd:") == (memfd and hasattr(os, "memfd_create"))
        assert side.result() == made
    finally:
        side.cancel()
    assert _gone(side.pid)


def _raises(exc: BaseException):
    def work():
        raise exc

    return work


@pytest.mark.parametrize(
    "error",
    [
        DnnpapersError("templates/site.html.j2: the template ran longer than 10 s; stopped (a runaway loop?)"),
        ProblemsFound([Problem("data/papers.yaml", 3, 5, "bad"), Problem("data/papers.yaml", 1, 1, "worse")]),
        UsageError("--sort: no such order", "--sort"),
        ValueError("plain"),
        MemoryError(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_an_error_in_the_child_is_raised_here_as_made_here(error):
    parent, made_here = os.getpid(), []

    def work():
        if os.getpid() == parent:
            made_here.append(1)
        raise error

    with pytest.raises(type(error)) as forked_raised, forked.aside(work, fork=True) as side:
        side.result()
    assert not made_here  # (handed back, not made again here)
    with pytest.raises(type(error)) as serial_raised, forked.aside(_raises(error), fork=False) as side:
        side.result()
    assert type(forked_raised.value) is type(serial_raised.value)
    assert str(forked_raised.value) == str(serial_raised.value) == str(error)
    assert vars(forked_raised.value) == vars(error)  # (ProblemsFound's problems, UsageError's option)


def test_an_error_that_does_not_pickle_as_itself_is_made_again_here():
    class Odd(DnnpapersError):
        def __init__(self, parts: list[str]):
            super().__init__(" / ".join(parts))  # (unpickled from its message, it would say something else)

    parent, made_here = os.getpid(), []

    def work():
        if os.getpid() == parent:
            made_here.append(1)
        raise Odd(["a", "b"])

    with pytest.raises(Odd, match="^a / b$"), forked.aside(work, fork=True) as side:
        side.result()
    assert made_here == [1]


def test_the_childs_error_wins_over_the_parents_as_in_the_serial_build():
    """Serially the aside work runs first: its error is the one raised."""
    for fork in (True, False):
        with pytest.raises(DnnpapersError, match="the child's"), forked.aside(_raises(DnnpapersError("the child's")), fork=fork):
            raise DnnpapersError("the parent's")


def test_the_parents_error_stands_when_the_child_succeeded():
    with pytest.raises(DnnpapersError, match="the parent's"), forked.aside(lambda: {"a": b"x"}, fork=True) as side:
        raise DnnpapersError("the parent's")
    assert _gone(side.pid)


def test_the_child_never_runs_the_parents_cleanup(tmp_path):
    """Whatever the work does, the child ends in os._exit: a ``finally`` above the fork runs once, in the parent."""
    log = tmp_path / "log"

    def run(work):
        try:
            with forked.aside(work, fork=True) as side:
                side.result()
        except (ValueError, SystemExit, KeyboardInterrupt):
            pass
        finally:
            with log.open("a") as out:
                out.write(f"{os.getpid()}\n")

    for work in (lambda: {"a": b"x"}, _raises(ValueError("boom")), _raises(SystemExit(3)), _raises(KeyboardInterrupt())):
        run(work)
    assert log.read_text().split() == [str(os.getpid())] * 4


def test_a_child_stopped_by_a_signal_stops_the_run():
    def work():
        os.kill(os.getpid(), signal.SIGTERM)  # (the default disposition in the child: it dies of it)
        time.sleep(5)
        return {}

    with pytest.raises(Interrupted, match="SIGTERM"), forked.aside(work, fork=True) as side:
        side.result()
    assert _gone(side.pid)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, lambda: Interrupted(signal.SIGINT), lambda: SystemExit(1)])
def test_a_stop_in_the_parent_kills_and_reaps_the_child_at_once(stop):
    started = time.monotonic()
    with pytest.raises(BaseException) as raised, forked.aside(lambda: time.sleep(30) or {}, fork=True) as side:
        raise stop()
    assert not isinstance(raised.value, Exception)
    assert time.monotonic() - started < 5
    assert _gone(side.pid)
    assert not forked.gc.get_freeze_count()


def test_a_child_that_dies_otherwise_has_its_work_made_here():
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return {"a": b"made here"}

    with forked.aside(work, fork=True) as side:
        assert side.result() == {"a": b"made here"}


def test_no_fork_while_another_thread_runs(monkeypatch):
    monkeypatch.undo()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.can_fork()
        with forked.aside(lambda: {"pid": os.getpid()}, fork=True) as side:
            assert side.result() == {"pid": os.getpid()} and not side.forked
    finally:
        stop.set()
        other.join()


def test_no_fork_without_os_fork(monkeypatch):
    monkeypatch.delattr(forked.os, "fork")
    with forked.aside(lambda: {"pid": os.getpid()}, fork=True) as side:
        assert side.result() == {"pid": os.getpid()} and not side.forked


def test_no_fork_with_one_core_to_run_on(monkeypatch):
    monkeypatch.undo()
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    with forked.aside(lambda: {"pid": os.getpid()}, fork=True) as side:
        assert side.result() == {"pid": os.getpid()} and not side.forked


def test_a_fork_the_system_refuses_leaves_the_work_to_be_made_here(monkeypatch):
    import errno

    def refuse():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(forked.os, "fork", refuse)
    with forked.aside(lambda: {"pid": os.getpid()}, fork=True) as side:
        assert side.result() == {"pid": os.getpid()} and not side.forked
    assert forked.gc.isenabled() and not forked.gc.get_freeze_count()


def test_a_stop_signal_the_moment_the_child_is_forked_still_has_it_killed(monkeypatch):
    """A handler raises at the first bytecode after the signals are unblocked, wherever that is."""
    real = forked.Aside._start
    pids = []

    def start_then_stop(self):
        real(self)
        pids.append(self.pid)
        raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(forked.Aside, "_start", start_then_stop)
    with pytest.raises(Interrupted), forked.aside(lambda: time.sleep(30) or {}, fork=True):
        pass
    assert pids and _gone(pids[0])
    assert not forked.gc.get_freeze_count()


def test_a_second_stop_while_the_child_is_reaped_is_raised_once_it_is(monkeypatch):
    real = forked.os.waitpid
    stops = [Interrupted(signal.SIGINT)]

    def interrupted_once(pid, options):
        if stops:
            raise stops.pop()
        return real(pid, options)

    with pytest.raises(Interrupted, match="SIGINT"), forked.aside(lambda: time.sleep(30) or {}, fork=True) as side:
        monkeypatch.setattr(forked.os, "waitpid", interrupted_once)
        raise KeyboardInterrupt
    monkeypatch.undo()
    assert _gone(side.pid)


def test_a_child_the_system_reaps_itself_still_hands_its_result_back():
    """A program that ignores SIGCHLD passes that on through exec: its children are reaped unasked, waitpid finds none."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        with forked.aside(lambda: {"a": b"x" * 100_000}, fork=True) as side:
            assert side.result() == {"a": b"x" * 100_000} and side.forked
    finally:
        signal.signal(signal.SIGCHLD, previous)
