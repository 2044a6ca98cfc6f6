"""The one HTTP client every service goes through: polite, bounded, cached.

- a User-Agent naming dnnpapers, redirects followed, a timeout (DNNPAPERS_HTTP_TIMEOUT);
- retries with exponential backoff and jitter on connection errors, timeouts,
  429 and 5xx, honouring Retry-After, and no new try after a deadline, so a dead
  service fails in seconds and a hanging one in well under a minute;
- a minimum interval between requests to one service (arXiv asks for 3 s);
- an on-disk cache of successful answers (DNNPAPERS_CACHE_DIR), so a re-run
  within a day sends nothing; ``offline`` reads only the cache, ``refresh`` never reads it.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import httpx

from dnnpapers import __version__
from dnnpapers.errors import DnnpapersError
from dnnpapers.files import WriteError, atomic_write

__all__ = ["Http", "Cache", "Answer", "ServiceError", "user_agent", "env_float"]

RETRY_STATUSES = {429, 500, 502, 503, 504}


class ServiceError(DnnpapersError):
    """A remote service failed or answered something we cannot use."""


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise DnnpapersError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise DnnpapersError(f"{name}={raw!r} must not be negative")
    return value


def user_agent() -> str:
    return f"dnnpapers/{__version__} (curated paper list tool; httpx/{httpx.__version__})"


@dataclass(frozen=True)
class Answer:
    """What a service said: status, body text and content type (from the network or the cache)."""

    status: int
    text: str
    content_type: str
    cached: bool = False

    def json(self) -> Any:
        return json.loads(self.text)


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
        directory = os.environ.get("DNNPAPERS_CACHE_DIR")
        if not directory:
            import platformdirs

            directory = platformdirs.user_cache_dir("dnnpapers")
        return cls(Path(directory), env_float("DNNPAPERS_CACHE_TTL", 86_400.0), offline, refresh)

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
        except (OSError, ValueError, KeyError, TypeError):
            return None

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
            retries=int(env_float("DNNPAPERS_HTTP_RETRIES", 3)),
            backoff=env_float("DNNPAPERS_HTTP_BACKOFF", 1.0),
            deadline=env_float("DNNPAPERS_HTTP_DEADLINE", 45.0),
        )

    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                transport=self.transport,
                timeout=self.timeout,
                follow_redirects=True,
                headers={"User-Agent": user_agent()},
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
        cacheable: Callable[[Answer], bool] = lambda answer: answer.status == 200,
    ) -> Answer:
        """The service's answer (any status once retries are spent); ServiceError when none came."""
        key = Cache.key(method, url, params, json_body)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if self.cache.offline:
            raise ServiceError(f"{service}: not in the cache and --offline given ({method} {url})")
        start = self.clock()
        attempt = 0
        while True:
            self._wait_turn(service, min_interval)
            problem, retry_after = "", None
            try:
                response = self.client().request(method, url, params=params, json=json_body, headers=headers)
                answer = Answer(response.status_code, response.text, response.headers.get("content-type", ""))
                if answer.status not in RETRY_STATUSES:
                    if cacheable(answer):
                        self.cache.put(key, answer)
                    return answer
                problem = f"HTTP {answer.status}"
                retry_after = _retry_after(response.headers.get("retry-after"))
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
                answer = None
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
                answer = None
            finally:
                self._last[service] = self.clock()
            attempt += 1
            delay = self.backoff * (2 ** (attempt - 1)) * (0.5 + self.rng.random() / 2)
            if retry_after is not None:
                delay = max(delay, retry_after)
            out_of_time = self.clock() - start + delay > self.deadline
            if attempt > self.retries or out_of_time:
                if answer is not None:
                    return answer
                raise ServiceError(f"{service}: {problem} after {attempt} tr{'y' if attempt == 1 else 'ies'} ({_host(url)})")
            self.sleep(delay)

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


def _host(url: str) -> str:
    return httpx.URL(url).host or url
