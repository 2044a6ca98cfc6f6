"""Writes are atomic, all or none, through symlinks; every failure is one line and changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import read_only
from dnnpapers.storage.files import WriteError, atomic_write, write_files


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "f.yaml"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_a_failing_rename_keeps_every_old_file_and_names_the_path(tmp_path, monkeypatch):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")

    def broken_replace(src, dst):
        raise OSError(5, "Input/output error", src)

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(WriteError, match=r"a\.yaml: cannot write \(input/output error\); nothing was changed"):
        write_files({first: b"new a", second: b"new b"})
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


def test_when_one_file_cannot_be_staged_none_is_written(tmp_path):
    good, blocked = tmp_path / "a.yaml", tmp_path / "sub" / "b.yaml"
    good.write_bytes(b"old")
    (tmp_path / "sub").mkdir()
    with read_only(tmp_path / "sub"):
        with pytest.raises(WriteError, match=r"sub/b\.yaml: cannot write in .*(read-only|permission denied)"):
            write_files({good: b"new", blocked: b"new"})
    assert good.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_symlinked_file_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "elsewhere" / "papers.yaml"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "papers.yaml"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"


def test_a_folder_where_the_file_should_be_is_named(tmp_path):
    (tmp_path / "papers.yaml").mkdir()
    with pytest.raises(WriteError, match=r"papers\.yaml: is a folder, not a file"):
        atomic_write(tmp_path / "papers.yaml", b"x")


def test_a_missing_folder_is_an_error_when_folders_are_not_to_be_made(tmp_path):
    with pytest.raises(WriteError, match=r"summary\.md: no such folder"):
        atomic_write(tmp_path / "missing" / "summary.md", b"x", make_folders=False)
    assert not (tmp_path / "missing").exists()


def test_a_file_size_limit_is_an_error_not_a_kill(tmp_path):
    target = tmp_path / "big.yaml"
    target.write_bytes(b"old")
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from dnnpapers import interrupts\n"
        "from dnnpapers.storage.files import WriteError, atomic_write\n"
        "interrupts.install()\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "try:\n"
        "    atomic_write(Path(sys.argv[1]), b'x' * 5000)\n"
        "except WriteError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "big.yaml: cannot write (file too large" in done.stdout
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["big.yaml"]


def test_a_signal_while_files_are_renamed_waits_until_all_are_in_place(tmp_path, monkeypatch):
    import signal

    from dnnpapers import interrupts

    interrupts.install()
    first, second = tmp_path / "papers.yaml", tmp_path / "metrics.yaml"
    first.write_bytes(b"old")
    second.write_bytes(b"old")
    real_replace = os.replace
    calls = []

    def replace_then_signal(src, dst):
        real_replace(src, dst)
        calls.append(dst)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives between the two renames

    monkeypatch.setattr(os, "replace", replace_then_signal)
    try:
        with pytest.raises(interrupts.Interrupted):
            write_files({first: b"new papers", second: b"new metrics"})
    finally:
        for signum in interrupts.SIGNALS:
            signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
    assert (first.read_bytes(), second.read_bytes()) == (b"new papers", b"new metrics")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.yaml", "papers.yaml"]


def test_the_lock_is_the_one_filelock_takes_so_either_waits_for_the_other(tmp_path):
    from filelock import FileLock

    from dnnpapers.errors import DnnpapersError
    from dnnpapers.storage.files import lock_file, locked

    path = tmp_path / "papers.yaml"
    with FileLock(str(lock_file(path))):
        with pytest.raises(DnnpapersError, match=r"papers\.yaml: another dnnpapers process has been writing it for 0\.1 s; try again"):
            with locked(path, timeout=0.1):
                pass
    with locked(path, timeout=0.1):
        with pytest.raises(TimeoutError):
            FileLock(str(lock_file(path)), timeout=0.1).acquire()
    with locked(path, timeout=0.1):  # released on leaving
        pass


def test_a_file_given_in_parts_is_written_as_their_bytes_one_after_the_other(tmp_path):
    whole, other = tmp_path / "whole.md", tmp_path / "other.md"
    write_files({whole: [b"ab", memoryview(b"xcdx")[1:3], b"", bytearray(b"e")], other: b"plain"})
    assert whole.read_bytes() == b"abcde" and other.read_bytes() == b"plain"


# --- many files are staged side by side (files._stage_all): still all or none --------------------------------------

def _many(tmp_path, count: int = 12) -> dict:
    files = {}
    for i in range(count):
        path = tmp_path / f"folder{i}" / f"file{i}.md"
        path.parent.mkdir()
        path.write_bytes(b"old")
        files[path] = f"new {i}\n".encode() * 1000
    return files


def _leftovers(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.rglob("*.tmp"))


def test_many_files_staged_side_by_side_are_all_written_and_leave_no_thread(tmp_path):
    import threading

    files = _many(tmp_path)
    before = threading.active_count()
    write_files(files)
    assert all(path.read_bytes() == data for path, data in files.items())
    assert _leftovers(tmp_path) == [] and threading.active_count() == before


def test_when_some_of_many_files_cannot_be_staged_none_is_written_and_the_first_is_named(tmp_path):
    import threading

    files = _many(tmp_path)
    before = threading.active_count()
    with read_only(tmp_path / "folder3"), read_only(tmp_path / "folder9"):
        with pytest.raises(WriteError, match=r"folder3/file3\.md: cannot write in .*(read-only|permission denied)"):
            write_files(files)
    assert all(path.read_bytes() == b"old" for path in files)
    assert _leftovers(tmp_path) == [] and threading.active_count() == before


def test_a_signal_while_many_files_are_staged_leaves_none_staged_and_none_changed(tmp_path, monkeypatch):
    import signal

    from dnnpapers import interrupts
    from dnnpapers.storage import files as files_module

    files = _many(tmp_path)
    real_stage = files_module._stage

    def stage_then_signal(path, data, make_folders):
        staged = real_stage(path, data, make_folders)
        if path.name == "file5.md":
            os.kill(os.getpid(), signal.SIGTERM)  # handled in the main thread, while the others are staged
        return staged

    monkeypatch.setattr(files_module, "_stage", stage_then_signal)
    interrupts.install()
    try:
        with pytest.raises(interrupts.Interrupted):
            write_files(files)
    finally:
        for signum in interrupts.SIGNALS:
            signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
    assert all(path.read_bytes() == b"old" for path in files)
    assert _leftovers(tmp_path) == []


def test_with_no_thread_to_be_had_the_rest_are_staged_in_turn(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    files = _many(tmp_path)
    real_submit = ThreadPoolExecutor.submit
    given = []

    def submit_two(self, *args):
        if len(given) == 2:
            raise RuntimeError("can't start new thread")
        given.append(args)
        return real_submit(self, *args)

    monkeypatch.setattr(ThreadPoolExecutor, "submit", submit_two)
    write_files(files)
    assert len(given) == 2 and all(path.read_bytes() == data for path, data in files.items()) and _leftovers(tmp_path) == []


def test_many_files_into_folders_not_made_yet_are_all_written(tmp_path):
    """Staged side by side, several files make the same new folders at once: none takes the others' folder for a file."""
    for attempt in range(20):
        files = {tmp_path / f"try{attempt}" / "site" / "papers" / ("zh" if i % 2 else "") / f"page{i}.md": b"x" * 100 for i in range(16)}
        write_files(files)
        assert all(path.read_bytes() == data for path, data in files.items())


def test_a_file_where_a_folder_should_be_is_named_when_files_are_staged_side_by_side(tmp_path):
    (tmp_path / "site").write_bytes(b"a file")
    files = {tmp_path / "site" / f"page{i}.md": b"x" for i in range(8)}
    with pytest.raises(WriteError, match=r"site/page0\.md: .*site is not a folder; nothing was changed"):
        write_files(files)
    assert (tmp_path / "site").read_bytes() == b"a file" and _leftovers(tmp_path) == []
