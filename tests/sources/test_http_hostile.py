"""A hostile or broken server cannot hold, flood, redirect or crash the client: each ends in one line."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import resource
import socket
import struct
import threading
import time
import zlib

import httpx
import pytest

from conftest import invoke_dnnpapers, run_dnnpapers, write_list
from dnnpapers.limits import MAX_ANSWER_BYTES
from dnnpapers.sources import arxiv, semantic_scholar
from dnnpapers.sources.http import Cache, Http, ServiceError
from fakes import ArxivPaper, Fault, feed_xml, entry_xml, s2_paper

PAPER = ArxivPaper("2001.90021", "Synthetic paper for hostile servers", ["Test Author"], dt.date(2020, 1, 1))


class RawServer:
    """A TCP server on 127.0.0.1 whose every connection is answered by ``reply(conn)``; stops by itself."""

    def __init__(self, reply):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.reply, self.stop = reply, threading.Event()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        ends = time.monotonic() + 120  # bounded, whatever the test does
        while not self.stop.is_set() and time.monotonic() < ends:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:  # closed by close()
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            conn.settimeout(5)
            conn.recv(65536)
            self.reply(conn, self.stop)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stop.set()
        self.sock.close()


@pytest.fixture
def raw():
    servers = []

    def start(reply):
        servers.append(RawServer(reply))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _drip(conn, stop):
    body = feed_xml([entry_xml(PAPER)], "id_list", 1, 1).encode()
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/atom+xml\r\ncontent-length: %d\r\n\r\n" % len(body))
    for byte in body:  # one byte every 0.1 s: each read returns well within the read timeout (0.5 s)
        if stop.wait(0.1):
            return
        conn.sendall(bytes([byte]))


def test_a_server_dripping_its_body_is_given_up_within_the_total_time(tmp_path, raw):
    server = raw(_drip)
    root = write_list(tmp_path, [])
    env = {"DNNPAPERS_ARXIV_URL": f"{server.url}/api/query", "DNNPAPERS_S2_URL": f"{server.url}/s2", "DNNPAPERS_HTTP_TIMEOUT": "0.5",
           "DNNPAPERS_HTTP_RETRIES": "1", "DNNPAPERS_HTTP_BACKOFF": "0.05", "DNNPAPERS_ARXIV_DELAY": "0"}

    class NoServices:
        def environment(self, base):
            return env

    start = time.monotonic()
    done = run_dnnpapers(["add", PAPER.arxiv_id, "--tag", "early-exit"], root, server.url, NoServices())
    took = time.monotonic() - start
    assert done.returncode == 1 and done.stderr == "dnnpapers: arXiv: no answer within 0.5 s after 2 tries (127.0.0.1)\n"
    assert took < 8, took  # two tries of 0.5 s and a short backoff, plus start-up (the body alone would drip for minutes)


BOMB_SIZE = 256 * 2**20  # 256 MiB of zeros: about 256 KB gzipped


def _bomb() -> bytes:
    """BOMB_SIZE zeros as one valid gzip stream, made from one compressed MiB (0.1 s, not the 0.8 s of deflating them all):
    after a full flush a deflate block refers to nothing before it, so every MiB of zeros compresses to the same bytes;
    the trailer holds the CRC and size of the whole."""
    chunk = b"\0" * 2**20
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate: the gzip header and trailer written here
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH) == block
    crc = 0
    for _ in range(BOMB_SIZE // 2**20):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name or time, best compression, unknown OS
    return header + block * (BOMB_SIZE // 2**20) + packer.flush(zlib.Z_FINISH) + struct.pack("<II", crc, BOMB_SIZE % 2**32)


def test_a_decompression_bomb_is_refused_past_the_cap_with_bounded_memory(tmp_path, raw):
    bomb = _bomb()
    assert len(bomb) < BOMB_SIZE // 500

    def reply(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n" % len(bomb) + bomb)

    server = raw(reply)
    http = Http(cache=Cache(tmp_path / "cache"), backoff=0.01)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ServiceError, match=f"^S2: the answer is larger than {MAX_ANSWER_BYTES // 2**20} MiB once decoded; refused$"):
        http.request("S2", "POST", f"{server.url}/paper/batch", json_body={"ids": ["x"]})
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 3 * MAX_ANSWER_BYTES / 2**20, grown_mb
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_damaged_gzip_and_unknown_encodings_are_one_line(services, http):
    services.faults["s2"] += [Fault(200, b"\x1f\x8bnot gzip at all", {"content-encoding": "gzip"})]
    with pytest.raises(ServiceError, match="could not be decoded"):
        http.request("S2", "GET", "http://fake.test/s2/graph/v1/paper/x")
    services.faults["s2"] += [Fault(200, b"[]", {"content-type": "application/json; charset=klingon-8"})]
    with pytest.raises(ServiceError, match="unknown encoding 'klingon-8'"):
        http.request("S2", "GET", "http://fake.test/s2/graph/v1/paper/x")


def _feed_with_total(total: str) -> str:
    return feed_xml([entry_xml(PAPER)], "id_list", 1, 1).replace("<opensearch:totalResults>1<", f"<opensearch:totalResults>{total}<")


@pytest.mark.parametrize("total", ["²", "9" * 5000, "-1", "1e3"])
def test_a_garbled_total_is_one_line(total):
    with pytest.raises(ServiceError, match="totalResults is not a count"):
        arxiv.parse_feed(_feed_with_total(total))


def test_deeply_nested_json_is_one_line_and_never_cached(services, http, tmp_path):
    services.faults["s2"] += [Fault(200, "[" * 100_000 + "]" * 100_000, {"content-type": "application/json"})]
    with pytest.raises(ServiceError, match="nested too deeply"):
        semantic_scholar.batch(http, ["arXiv:1703.09844"])
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


def test_a_truncated_answer_is_not_replayed_from_the_cache(services, http):
    services.faults["arxiv"] += [Fault(200, feed_xml([entry_xml(PAPER)], "q", 1, 1)[:300], {"content-type": "application/atom+xml"})]
    with pytest.raises(ServiceError, match="not well-formed"):
        arxiv.fetch(http, [PAPER.arxiv_id])
    services.arxiv[PAPER.arxiv_id] = PAPER
    assert list(arxiv.fetch(http, [PAPER.arxiv_id])) == [PAPER.arxiv_id]  # asked again, not the cut answer
    assert services.count("arxiv") == 2


def test_a_cached_answer_that_no_longer_reads_is_forgotten(services, http, tmp_path):
    services.arxiv[PAPER.arxiv_id] = PAPER
    arxiv.fetch(http, [PAPER.arxiv_id])
    (entry,) = (tmp_path / "cache").iterdir()
    data = json.loads(entry.read_text())
    entry.write_text(json.dumps({**data, "text": "[" * 100_000}))
    assert list(arxiv.fetch(http, [PAPER.arxiv_id])) == [PAPER.arxiv_id]
    assert services.count("arxiv") == 2


def test_credentials_never_follow_a_redirect_to_another_host(services, http, monkeypatch):
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "sekret-123")
    services.faults["s2"] += [Fault(307, headers={"location": "http://evil.test/steal"})]
    with pytest.raises(ServiceError, match=r"^Semantic Scholar: redirected to http://evil.test \(fake.test was asked\); not followed$"):
        semantic_scholar.batch(http, ["arXiv:1703.09844"])
    assert [r.url.host for _, r in services.requests] == ["fake.test"]


def test_an_upgrade_to_https_on_the_same_host_is_followed(services):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.scheme == "http":
            return httpx.Response(301, headers={"location": str(request.url.copy_with(scheme="https"))})
        return httpx.Response(200, text="ok")

    http = Http(cache=Cache(None), transport=httpx.MockTransport(handler))
    assert http.request("arXiv", "GET", "http://export.arxiv.test/api/query").text == "ok"
    assert seen == ["http://export.arxiv.test/api/query", "https://export.arxiv.test/api/query"]


def test_a_redirect_loop_is_one_line(services, http):
    services.faults["arxiv"] += [Fault(302, headers={"location": "http://fake.test/arxiv/api/query"})] * 10
    with pytest.raises(ServiceError, match="more than 5 redirects"):
        http.request("arXiv", "GET", "http://fake.test/arxiv/api/query")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DNNPAPERS_HTTP_TIMEOUT", "abc", "DNNPAPERS_HTTP_TIMEOUT='abc' must be a number from 0 to 86400"),
        ("DNNPAPERS_HTTP_TIMEOUT", "-1", "DNNPAPERS_HTTP_TIMEOUT='-1' must be a number from 0 to 86400"),
        ("DNNPAPERS_HTTP_TIMEOUT", "nan", "DNNPAPERS_HTTP_TIMEOUT='nan' must be a number from 0 to 86400"),
        ("DNNPAPERS_HTTP_RETRIES", "inf", "DNNPAPERS_HTTP_RETRIES='inf' must be a whole number from 0 to 100"),
        ("DNNPAPERS_CACHE_TTL", "abc", "DNNPAPERS_CACHE_TTL='abc' must be a number from 0 to 3.1536e+08"),
        ("DNNPAPERS_ARXIV_URL", "not a url", "DNNPAPERS_ARXIV_URL='not a url' must be an http:// or https:// URL with a host"),
        ("DNNPAPERS_S2_URL", "http://", "DNNPAPERS_S2_URL='http://' "),
    ],
)
def test_bad_environment_values_are_one_line_naming_the_variable(tmp_path, server, name, value, message):
    services, base = server
    services.add(PAPER, citations=1)
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", PAPER.arxiv_id, "--tag", "early-exit"], root, base, services, **{name: value})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"dnnpapers: {message}") and done.stderr.count("\n") == 1, done.stderr


def test_gzip_answers_in_the_usual_size_still_read(services, http):
    body = json.dumps([s2_paper("Synthetic", 2020, 4, arxiv_id="2001.90021")]).encode()
    services.faults["s2"] += [Fault(200, gzip.compress(body), {"content-encoding": "gzip", "content-type": "application/json"})]
    assert semantic_scholar.batch(http, ["arXiv:2001.90021"])["arXiv:2001.90021"].citations == 4
