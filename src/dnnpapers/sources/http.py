"""The one HTTP client every service goes through: polite, bounded, cached.

- a User-Agent naming dnnpapers; redirects followed only within the asked origin (http may
  become https), so a key never reaches another host;
- a total time for each try that includes the body (DNNPAPERS_HTTP_TIMEOUT), so a server
  sending a byte a second cannot hold a command, and a cap on the decoded size of an answer;
- retries with exponential backoff and jitter on dropped connections, timeouts,
  429 and 5xx, honouring Retry-After, and no new try after a deadline, so a dead
  service fails in seconds and a hanging one in well under a minute; a connection
  that cannot be made at all (refused, no such host) gets one quick second try only;
- a minimum interval between requests to one service (arXiv asks for 3 s);
- an on-disk cache of answers that were read successfully (DNNPAPERS_CACHE_DIR), so a re-run
  within a day sends nothing; ``offline`` reads only the cache, ``refresh`` never reads it.
"""

from __future__ import annotations

import codecs
import email.utils
import functools
import hashlib
import json
import os
import random
import ssl
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

import httpx

from dnnpapers import __version__
from dnnpapers.errors import DnnpapersError
from dnnpapers.storage.layout import cache_dir
from dnnpapers.environment import DAY, env_float, env_int, env_url
from dnnpapers.storage.files import WriteError, atomic_write
from dnnpapers.limits import MAX_ANSWER_BYTES

__all__ = ["Http", "Cache", "Answer", "ServiceError", "user_agent", "env_float", "env_int", "env_url", "parse_json", "json_answer"]

RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
#: A connection refused or a host not found is tried once more, soon, and then given up: an offline
#: laptop should fall back in a moment, not after seconds of back-off (a timeout, 429 or 5xx still backs off).
CONNECT_RETRIES = 1
CONNECT_RETRY_DELAY = 0.1
MAX_REDIRECTS = 5

T = TypeVar("T")


class ServiceError(DnnpapersError):
    """A remote service failed or answered something we cannot use."""


@functools.lru_cache(maxsize=4)
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """httpx's own default context (certifi's bundle, or SSL_CERT_FILE/SSL_CERT_DIR, the arguments that key this
    cache), made once a process: loading the bundle costs ~25 ms, paid by every client for nothing but the first."""
    return httpx.create_ssl_context()


def user_agent() -> str:
    return f"dnnpapers/{__version__} (curated paper list tool; httpx/{httpx.__version__})"


@dataclass(frozen=True)
class Answer:
    """What a service said: status, body text and content type (from the network or the cache).

    ``headers`` (names lower-cased) come with answers from the network only, for
    callers that read a service's own signals (GitHub's rate-limit headers);
    a cached answer has none.
    """

    status: int
    text: str
    content_type: str
    cached: bool = False
    headers: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


def json_answer(answer: Answer, service: str) -> Any:
    """The JSON of a 200 answer; ServiceError naming ``service`` for a 429 after retries, another status or bad JSON."""
    if answer.status == 429:
        raise ServiceError(f"{service}: rate limited (HTTP 429) after retries; try again later")
    if answer.status != 200:
        raise ServiceError(f"{service}: HTTP {answer.status}")
    return parse_json(answer.text, f"{service}: HTTP 200 with an answer that is not JSON")


def parse_json(text: str, refusal: str) -> Any:
    """JSON, or ServiceError(``refusal``) for text that is not JSON or is nested too deep to read."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ServiceError(f"{refusal.split(':')[0]}: an answer nested too deeply to read") from None
    except ValueError:
        raise ServiceError(refusal) from None


class Cache:
    """Successful answers on disk, keyed by request; a corrupt entry is ignored, never fatal."""

    def __init__(self, directory: Path | None, ttl: float = 86_400.0, offline: bool = False, refresh: bool = False):
        self.directory = directory
        self.ttl = ttl
        self.offline = offline
        self.refresh = refresh
        #: why answers could not be cached, for one warning at the end
        self.problem: str | None = None

    @classmethod
    def from_env(cls, offline: bool = False, refresh: bool = False) -> Cache:
        return cls(cache_dir(), env_float("DNNPAPERS_CACHE_TTL", 86_400.0, most=3650 * DAY), offline, refresh)

    @staticmethod
    def key(method: str, url: str, params: dict | None, body: Any) -> str:
        blob = json.dumps([method, url, sorted((params or {}).items()), body], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Answer | None:
        if self.directory is None or self.refresh:
            return None
        path = self.directory / f"{key}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if not self.offline and time.time() - float(entry["time"]) > self.ttl:
                return None
            return Answer(int(entry["status"]), str(entry["text"]), str(entry["content_type"]), cached=True)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def forget(self, key: str) -> None:
        if self.directory is not None:
            try:
                (self.directory / f"{key}.json").unlink()
            except OSError:
                pass

    def put(self, key: str, answer: Answer) -> None:
        if self.directory is None:
            return
        entry = {"time": time.time(), "status": answer.status, "text": answer.text, "content_type": answer.content_type}
        try:
            atomic_write(self.directory / f"{key}.json", json.dumps(entry).encode("utf-8"))
        except WriteError as exc:  # a cache that cannot be written only costs a later request: say so once
            self.problem = self.problem or f"answers are not cached: {exc}".replace("; nothing was changed", "")


@dataclass
class Http:
    """Requests to the services, with the policies above. ``transport`` lets tests answer locally."""

    cache: Cache = field(default_factory=lambda: Cache(None))
    transport: httpx.BaseTransport | None = None
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    deadline: float = 45.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    _last: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None

    @classmethod
    def from_env(cls, offline: bool = False, refresh: bool = False, transport: httpx.BaseTransport | None = None) -> Http:
        return cls(
            cache=Cache.from_env(offline, refresh),
            transport=transport,
            timeout=env_float("DNNPAPERS_HTTP_TIMEOUT", 30.0),
            retries=env_int("DNNPAPERS_HTTP_RETRIES", 3),
            backoff=env_float("DNNPAPERS_HTTP_BACKOFF", 1.0),
            deadline=env_float("DNNPAPERS_HTTP_DEADLINE", 45.0),
        )

    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                transport=self.transport,
                verify=_tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")),
                timeout=self.timeout,
                follow_redirects=False,  # followed by hand, within one origin (see _send)
                headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},  # what _Inflater reads
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        service: str,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        min_interval: float = 0.0,
        read: Callable[[Answer], T] = lambda answer: answer,
        cacheable: Callable[[Answer], bool] = lambda answer: answer.status == 200,
    ) -> T:
        """What ``read`` makes of the service's answer (any status once retries are spent).

        ServiceError when no answer came. Only an answer that ``read`` accepted is
        cached; a cached answer it now refuses is forgotten and asked for again.
        """
        key = Cache.key(method, url, params, json_body)
        cached = self.cache.get(key)
        if cached is not None:
            try:
                return read(cached)
            except ServiceError:
                self.cache.forget(key)
                if self.cache.offline:
                    raise
        if self.cache.offline:
            raise ServiceError(f"{service}: not in the cache and --offline given ({method} {url})")
        answer = self._fetch(service, method, url, params, json_body, headers, min_interval)
        result = read(answer)
        if cacheable(answer):
            self.cache.put(key, answer)
        return result

    def _fetch(self, service, method, url, params, json_body, headers, min_interval) -> Answer:
        start = self.clock()
        attempt = unreachable = 0
        while True:
            self._wait_turn(service, min_interval)
            problem, retry_after, answer = "", None, None
            try:
                answer, retry_after = self._send(service, method, url, params, json_body, headers)
                if answer.status not in RETRY_STATUSES:
                    return answer
                problem = f"HTTP {answer.status}"
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
            except httpx.ConnectError as exc:
                problem = f"connection failed ({_reason(exc)})"
                unreachable += 1
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            finally:
                self._last[service] = self.clock()
            attempt += 1
            delay = self.backoff * (2 ** (attempt - 1)) * (0.5 + self.rng.random() / 2)
            if retry_after is not None:
                delay = max(delay, retry_after)
            if unreachable:  # refused or no such host: backing off does not bring a server up; one quick look again
                delay = min(delay, CONNECT_RETRY_DELAY)
            out_of_time = self.clock() - start + delay > self.deadline
            if attempt > self.retries or out_of_time or unreachable > CONNECT_RETRIES:
                if answer is not None:
                    return answer
                raise ServiceError(f"{service}: {problem} after {attempt} tr{'y' if attempt == 1 else 'ies'} ({_host(url)})")
            self.sleep(delay)

    def _send(self, service, method, url, params, json_body, headers) -> tuple[Answer, float | None]:
        """One try: redirects followed within the first URL's origin, the body read whole within the timeout."""
        origin = httpx.URL(url)
        request = self.client().build_request(method, url, params=params, json=json_body, headers=headers)
        for _ in range(MAX_REDIRECTS + 1):
            response = self.client().send(request, stream=True)
            try:
                if response.status_code in REDIRECT_STATUSES and response.headers.get("location"):
                    target = request.url.join(response.headers["location"])
                    if not _same_origin(origin, target):
                        raise ServiceError(f"{service}: redirected to {target.scheme}://{target.host} ({origin.host} was asked); not followed")
                    keep = response.status_code in (307, 308)
                    request = self.client().build_request(
                        request.method if keep else "GET", target, content=request.content if keep else None,
                        headers={k: v for k, v in request.headers.items() if keep or k.lower() not in ("content-type", "content-length")},
                    )
                    continue
                body = self._body(service, response)
                text = _decode(service, body, response.headers.get("content-type", ""))
                answer = Answer(response.status_code, text, response.headers.get("content-type", ""), headers=dict(response.headers))
                wait = _retry_after(response.headers.get("retry-after"))
                return answer, wait if wait is not None else _rate_limit_wait(response.status_code, response.headers)
            finally:
                response.close()
        raise ServiceError(f"{service}: more than {MAX_REDIRECTS} redirects (a redirect loop?) from {origin}")

    def _body(self, service: str, response: httpx.Response) -> bytes:
        """The decoded body, refused past MAX_ANSWER_BYTES and cut off when the try's time is up.

        Decompressed here, a megabyte at a time, rather than by httpx: one 64 KB
        chunk of a gzip bomb inflates to 64 MB before anyone could count it.
        """
        ends = self.clock() + self.timeout
        if response.is_stream_consumed:  # an answer made in memory (a test's MockTransport): whole and decoded already
            inflater, raws = _Inflater(service, ""), iter([response.content])
        else:  # as the network delivers it, so the clock is read between any two reads
            inflater, raws = _Inflater(service, response.headers.get("content-encoding", "")), response.iter_raw()
        chunks = []
        for raw in raws:
            chunks += inflater.feed(raw)
            if self.clock() > ends:
                raise httpx.ReadTimeout("the whole answer took too long", request=response.request)
        chunks += inflater.finish()
        return b"".join(chunks)

    def _wait_turn(self, service: str, min_interval: float) -> None:
        last = self._last.get(service)
        if last is not None and min_interval > 0:
            wait = last + min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _rate_limit_wait(status: int, headers: httpx.Headers) -> float | None:
    """Seconds until a spent rate limit resets (``x-ratelimit-remaining: 0`` and ``x-ratelimit-reset``, epoch seconds).

    GitHub's way of saying when to ask again on a 429: retrying sooner only spends tries.
    """
    if status != 429 or headers.get("x-ratelimit-remaining", "").strip() != "0":
        return None
    try:
        return max(0.0, float(headers.get("x-ratelimit-reset", "")) - time.time())
    except ValueError:
        return None


class _Inflater:
    """gzip or deflate decoding with a bound on the output, checked as it grows."""

    STEP = 2**20

    def __init__(self, service: str, encoding: str):
        self.service, self.size = service, 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self.inflate = None
        elif encoding in ("gzip", "x-gzip"):
            self.inflate = zlib.decompressobj(31)
        elif encoding == "deflate":
            self.inflate = zlib.decompressobj(47)  # zlib or gzip header, detected
        else:
            raise ServiceError(f"{service}: the answer uses an unknown content encoding {encoding[:40]!r}")

    def _count(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > MAX_ANSWER_BYTES:
            raise ServiceError(f"{self.service}: the answer is larger than {MAX_ANSWER_BYTES // 2**20} MiB once decoded; refused")
        return chunk

    def feed(self, data: bytes) -> list[bytes]:
        if self.inflate is None:
            return [self._count(data)]
        out = []
        try:
            while data:
                out.append(self._count(self.inflate.decompress(data, self.STEP)))
                data = self.inflate.unconsumed_tail
        except zlib.error:
            raise ServiceError(f"{self.service}: the answer's body could not be decoded (damaged compression?)") from None
        return out

    def finish(self) -> list[bytes]:
        if self.inflate is None:
            return []
        try:
            return [self._count(self.inflate.flush())]
        except zlib.error:
            raise ServiceError(f"{self.service}: the answer's body could not be decoded (damaged compression?)") from None


def _same_origin(origin: httpx.URL, target: httpx.URL) -> bool:
    """Same host and port; http may become https (arXiv's upgrade), never the reverse."""
    upgrade = origin.scheme == "http" and target.scheme == "https"
    if target.host != origin.host or (target.scheme != origin.scheme and not upgrade):
        return False
    return upgrade or (target.port or 0) == (origin.port or 0)


def _decode(service: str, body: bytes, content_type: str) -> str:
    charset = "utf-8"
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value.strip('"'):
            charset = value.strip('"')
    try:
        codecs.lookup(charset)
    except LookupError:
        raise ServiceError(f"{service}: the answer is in an unknown encoding {charset[:40]!r}") from None
    return body.decode(charset, errors="replace")


def _reason(exc: httpx.ConnectError) -> str:
    """Why a connection could not be made, in a few words (httpx's text is the OS's, e.g. '[Errno 111] Connection refused')."""
    text = str(exc).strip()
    return text.split("] ", 1)[-1] if text else type(exc).__name__


def _host(url: str) -> str:
    return httpx.URL(url).host or url
