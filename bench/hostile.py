"""Benchmark: how a hostile server is survived, as whole processes.

- a server that drips its body a byte every 0.5 s: the seconds until ``add`` gives up,
  next to the floor the settings promise (tries × DNNPAPERS_HTTP_TIMEOUT + backoff);
- a gzip bomb (1 MiB that inflates to 1 GiB): the peak memory of ``add``, next to the
  interpreter's own (``--version``) plus the 32 MiB cap on a decoded answer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from conftest import write_list  # noqa: E402

TIMEOUT, RETRIES, BACKOFF = 2.0, 1, 0.1


def _serve(reply) -> tuple[str, threading.Event]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    stop = threading.Event()

    def loop():
        ends = time.monotonic() + 300
        while not stop.is_set() and time.monotonic() < ends:
            try:
                conn, _ = sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=_one, args=(conn,), daemon=True).start()
        sock.close()

    def _one(conn):
        try:
            conn.settimeout(5)
            conn.recv(65536)
            reply(conn, stop)
        except OSError:
            pass
        finally:
            conn.close()

    threading.Thread(target=loop, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit code) of one dnnpapers process."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "dnnpapers", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def _drip(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/atom+xml\r\ncontent-length: 100000\r\n\r\n")
    while not stop.wait(0.5):
        conn.sendall(b"<")


def _bomb_reply(bomb: bytes):
    def reply(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/atom+xml\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n" % len(bomb) + bomb)
    return reply


def report() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_list(Path(tmp), [])
        base_env = {**os.environ, "DNNPAPERS_HTTP_TIMEOUT": str(TIMEOUT), "DNNPAPERS_HTTP_RETRIES": str(RETRIES), "DNNPAPERS_HTTP_BACKOFF": str(BACKOFF),
                    "DNNPAPERS_ARXIV_DELAY": "0", "DNNPAPERS_CACHE_DIR": str(Path(tmp) / "cache")}
        add = ["add", "2001.90041", "--tag", "early-exit", "--root", str(root)]

        url, stop = _serve(_drip)
        env = {**base_env, "DNNPAPERS_ARXIV_URL": f"{url}/api/query", "DNNPAPERS_S2_URL": f"{url}/s2"}
        seconds, _, code = _run(add, env)
        stop.set()
        floor = (RETRIES + 1) * TIMEOUT + BACKOFF * RETRIES
        print(f"dripping server (a byte every 0.5 s)   add gave up after {seconds:5.2f} s (exit {code})   floor {floor:.2f} s "
              f"({RETRIES + 1} tries × {TIMEOUT:g} s + backoff), plus start-up")

        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        bomb = b"".join(packer.compress(b"\0" * 2**20) for _ in range(1024)) + packer.flush()
        url, stop = _serve(_bomb_reply(bomb))
        env = {**base_env, "DNNPAPERS_ARXIV_URL": f"{url}/api/query", "DNNPAPERS_S2_URL": f"{url}/s2"}
        seconds, peak, code = _run(add, env)
        stop.set()
        _, baseline, _ = _run(["--version"], base_env)
        print(f"gzip bomb ({len(bomb) / 2**20:.1f} MiB → 1 GiB)           add peak memory {peak:6.1f} MiB in {seconds:4.2f} s (exit {code})   "
              f"floor {baseline:.1f} MiB (--version) + 32 MiB cap = {baseline + 32:.1f} MiB")
