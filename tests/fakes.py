"""Fake arXiv and Semantic Scholar services, answering in the formats recorded in tests/fixtures.

They behave like the real ones where it matters: arXiv answers in relevance
(not id_list) order, caps at ``max_results`` (default 10), omits unknown ids and
sends a 400 "Error" feed for a malformed one; Semantic Scholar's batch keeps
request order with null for unknown ids and answers 400 "No valid paper ids
given" when none resolves. Faults can be queued per service. The same handler
serves an httpx.MockTransport (in process) and a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx

from dnnpapers.model.fields import arxiv_id_problem

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class ArxivPaper:
    arxiv_id: str
    title: str
    authors: list[str]
    published: dt.date
    abstract: str = "Placeholder abstract written for dnnpapers' tests."
    version: int = 1
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    category: str = "cs.LG"


def entry_xml(p: ArxivPaper) -> str:
    """One <entry> in arXiv's current format (as in fixtures/arxiv/new_*.xml)."""
    stamp = f"{p.published.isoformat()}T12:00:00Z"
    authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in p.authors)
    extra = ""
    if p.comment:
        extra += f"\n    <arxiv:comment>{escape(p.comment)}</arxiv:comment>"
    if p.journal_ref:
        extra += f"\n    <arxiv:journal_ref>{escape(p.journal_ref)}</arxiv:journal_ref>"
    if p.doi:
        extra += f'\n    <arxiv:doi>{escape(p.doi)}</arxiv:doi>\n    <link href="https://doi.org/{escape(p.doi)}" rel="related" title="doi"/>'
    return f"""  <entry>
    <id>http://arxiv.org/abs/{p.arxiv_id}v{p.version}</id>
    <title>{escape(p.title)}</title>
    <updated>{stamp}</updated>
    <link href="https://arxiv.org/abs/{p.arxiv_id}v{p.version}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{p.arxiv_id}v{p.version}" rel="related" type="application/pdf" title="pdf"/>
    <summary>{escape(p.abstract)}</summary>
    <category term="{p.category}" scheme="http://arxiv.org/schemas/atom"/>
    <published>{stamp}</published>{extra}
    <arxiv:primary_category term="{p.category}"/>{authors}
  </entry>
"""


def feed_xml(entries: list[str], query: str, total: int, per_page: int) -> str:
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: {escape(query)}</title>
  <updated>2026-11-22T00:00:00Z</updated>
  <link href="https://arxiv.org/api/query?{escape(query)}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
{"".join(entries)}</feed>
"""


def error_feed(bad_id: str) -> str:
    text = (FIXTURES / "arxiv" / "new_error_400_id_abc.xml").read_text(encoding="utf-8")
    return text.replace("incorrect_id_format_for_abc", f"incorrect_id_format_for_{bad_id}").replace("incorrect id format for abc", f"incorrect id format for {bad_id}")


def s2_paper(title: str, year: int, citations: int, influential: int = 0, venue: str = "", venue_names: list[str] | None = None, dblp: str | None = None, arxiv_id: str | None = None, authors: list[str] = ()) -> dict:
    """A batch item in Semantic Scholar's format (fixtures/s2/*)."""
    external = {"CorpusId": abs(hash(title)) % 10**9}
    if arxiv_id:
        external["ArXiv"] = arxiv_id
        external["DOI"] = f"10.48550/arXiv.{arxiv_id}"
    if dblp:
        external["DBLP"] = dblp
    publication_venue = None
    if venue_names:
        publication_venue = {"id": "fake", "name": venue_names[0], "type": "conference", "alternate_names": venue_names[1:], "url": "https://example.org/"}
    return {
        "paperId": f"{abs(hash(title)):040x}"[:40],
        "externalIds": external,
        "url": "https://www.semanticscholar.org/paper/fake",
        "title": title,
        "venue": venue,
        "publicationVenue": publication_venue,
        "year": year,
        "citationCount": citations,
        "influentialCitationCount": influential,
        "publicationDate": None,
        "authors": [{"authorId": str(i), "name": a} for i, a in enumerate(authors)],
    }


def dblp_hit(title: str, authors: list[str], venue: str, year: int, kind: str = "Conference and Workshop Papers", key: str | None = None, ee: str | None = None) -> dict:
    """One hit of DBLP's search in its JSON format (fixtures/dblp/*): every number a string, the title ending with '.'.

    ``key`` stays out unless a test knows the real one: DBLP keys are facts.
    """
    names = [{"@pid": "0/0", "text": a} for a in authors]
    info = {"authors": {"author": names[0] if len(names) == 1 else names}, "title": title.rstrip(".") + ".", "venue": venue,
            "year": str(year), "type": kind, "access": "closed"}
    if key:
        info["key"] = key
        info["url"] = f"https://dblp.org/rec/{key}"
    if ee:
        info["ee"] = ee
    return {"@score": "1", "@id": "0", "info": info, "url": "URL#0"}


def dblp_answer(hits: list[dict], query: str) -> dict:
    found = {"@total": str(len(hits)), "@computed": str(len(hits)), "@sent": str(len(hits)), "@first": "0"}
    if hits:
        found["hit"] = hits
    return {"result": {"query": query, "status": {"@code": "200", "text": "OK"}, "time": {"@unit": "msecs", "text": "1.00"},
                       "completions": {"@total": "0", "@computed": "0", "@sent": "0"}, "hits": found}}


def crossref_message(doi: str, kind: str, container: str, print_year: int | None, online_year: int | None = None, event: str | None = None) -> dict:
    """A ``/works/{doi}`` answer in Crossref's format (fixtures/crossref/*)."""
    message = {"DOI": doi, "type": kind, "container-title": [container] if container else [], "short-container-title": [],
               "title": ["(title not used by the tests)"], "issued": {"date-parts": [[online_year or print_year]]}}
    if print_year:
        message["published-print"] = {"date-parts": [[print_year]]}
    if online_year:
        message["published-online"] = {"date-parts": [[online_year]]}
    if event:
        message["event"] = {"name": event}
    return {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}


@dataclass
class Fault:
    """An answer to send instead of the real one: a status and body, a delay, or a dropped connection."""

    status: int = 503
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    raise_: type[Exception] | None = None
    delay: float = 0.0


@dataclass
class FakeServices:
    arxiv: dict[str, ArxivPaper] = field(default_factory=dict)
    s2: dict[str, dict] = field(default_factory=dict)
    #: DBLP hits by normalised title words; Crossref messages by lower-case DOI
    dblp: dict[str, list[dict]] = field(default_factory=dict)
    crossref: dict[str, dict] = field(default_factory=dict)
    #: what Semantic Scholar recommends (paper objects in its format)
    recommended: list[dict] = field(default_factory=list)
    #: GitHub's repositories by lower-case 'owner/repo' (objects in its format: ``github_repo``), and renamed ones: old name → id
    github: dict[str, dict] = field(default_factory=dict)
    github_moved: dict[str, int] = field(default_factory=dict)
    #: the one token GitHub accepts (None: any, as for public data); how many requests it answers before its limit
    github_token: str | None = None
    github_left: int = 60
    faults: dict[str, list[Fault]] = field(default_factory=lambda: {"arxiv": [], "s2": [], "dblp": [], "crossref": [], "github": []})
    requests: list[tuple[str, httpx.Request]] = field(default_factory=list)
    latency: float = 0.0
    #: seconds to wait before answering each of the next requests to a service (a slow server), or an Event
    #: to wait for (an answer held until the test lets it go; 60 s at most)
    slow: dict[str, list[float | threading.Event]] = field(default_factory=lambda: {"arxiv": [], "s2": [], "dblp": [], "crossref": [], "github": []})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, service: str) -> int:
        return sum(1 for name, _ in self.requests if name == service)

    def add(self, paper: ArxivPaper, citations: int | None = None, year: int | None = None, **s2_fields) -> None:
        """Make arXiv know ``paper``, and Semantic Scholar too when ``citations`` is given."""
        self.arxiv[paper.arxiv_id] = paper
        if citations is not None:
            s2_year = year or paper.published.year
            self.s2[f"arxiv:{paper.arxiv_id}".lower()] = s2_paper(paper.title, s2_year, citations, arxiv_id=paper.arxiv_id, authors=paper.authors, **s2_fields)

    def add_dblp(self, *hits: dict) -> None:
        """Let DBLP's search find these hits by their title's words."""
        for hit in hits:
            self.dblp.setdefault(_words(hit["info"]["title"]), []).append(hit)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        service = next((name for name in ("arxiv", "dblp", "crossref", "github") if path.startswith(f"/{name}")), "s2")
        with self.lock:
            self.requests.append((service, request))
            fault = self.faults[service].pop(0) if self.faults[service] else None
            hold = self.slow[service].pop(0) if self.slow[service] else 0.0
        if isinstance(hold, threading.Event):
            hold.wait(60)
            hold = 0.0
        if self.latency + hold:
            time.sleep(self.latency + hold)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.raise_ is not None:
                raise fault.raise_("injected fault", request=request)
            content = fault.body if isinstance(fault.body, bytes) else fault.body.encode("utf-8")
            if "content-encoding" in {k.lower() for k in fault.headers}:  # sent as it is, decoded by the client
                return httpx.Response(fault.status, stream=httpx.ByteStream(content), headers=fault.headers)
            return httpx.Response(fault.status, content=content, headers=fault.headers)
        return {"arxiv": self._arxiv, "s2": self._s2, "dblp": self._dblp, "crossref": self._crossref, "github": self._github}[service](request)

    def _dblp(self, request: httpx.Request) -> httpx.Response:
        query = request.url.params.get("q", "")
        hits = self.dblp.get(_words(query), [])[: int(request.url.params.get("h", "30"))]
        return httpx.Response(200, json=dblp_answer(hits, query))

    def _crossref(self, request: httpx.Request) -> httpx.Response:
        doi = request.url.path.split("/works/", 1)[-1].lower()
        if doi not in self.crossref:
            return httpx.Response(404, text="Resource not found.", headers={"content-type": "text/plain"})
        return httpx.Response(200, json=self.crossref[doi])

    def _arxiv(self, request: httpx.Request) -> httpx.Response:
        params = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        max_results = int(params.get("max_results", "10"))
        query = request.url.query.decode()
        if params.get("id_list"):
            ids = params["id_list"].split(",")
            for raw in ids:
                bare = raw.rsplit("v", 1)[0] if raw.rsplit("v", 1)[-1].isdigit() and "v" in raw else raw
                if arxiv_id_problem(bare) is not None:
                    return httpx.Response(400, text=error_feed(raw), headers={"content-type": "application/atom+xml"})
            found = [self.arxiv[i] for i in ids if i in self.arxiv]
            found.sort(key=lambda p: p.title)  # "relevance": not the order asked for
        elif "submittedDate:[" in params.get("search_query", ""):  # a window of categories, newest first, paged
            query = params["search_query"]
            cats = set(re.findall(r"cat:([\w.\-]+)", query))
            low, high = re.search(r"submittedDate:\[(\d{8})\d{4} TO (\d{8})\d{4}\]", query).groups()
            if max_results > 2000:
                return httpx.Response(400, text=error_feed("max_results"), headers={"content-type": "application/atom+xml"})
            found = [p for p in self.arxiv.values() if (not cats or p.category in cats) and low <= f"{p.published:%Y%m%d}" <= high]
            found.sort(key=lambda p: (p.published, p.arxiv_id), reverse=True)
            start = int(params.get("start", "0"))
            shown = found[start : start + max_results]
            body = feed_xml([entry_xml(p) for p in shown], query, len(found), max_results)
            return httpx.Response(200, text=body, headers={"content-type": "application/atom+xml; charset=utf-8"})
        else:  # ti:"a phrase" (every word in the title), or ti:a OR ti:b (any), or ti:a AND ti:b (all)
            query = params.get("search_query", "")
            terms = [t.strip().removeprefix("ti:").strip('"').lower() for t in query.replace(" AND ", " OR ").split(" OR ")]
            match = any if " OR " in query else all
            found = [p for p in self.arxiv.values() if match(all(w in p.title.lower() for w in term.split()) for term in terms)]
        shown = found[:max_results]
        body = feed_xml([entry_xml(p) for p in shown], query, len(found), max_results)
        return httpx.Response(200, text=body, headers={"content-type": "application/atom+xml; charset=utf-8"})

    def _s2(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/recommendations/v1/papers/") and request.method == "POST":
            body = json.loads(request.content)
            if not body.get("positivePaperIds"):
                return httpx.Response(400, json={"error": "No positive paper examples given"})
            limit = int(request.url.params.get("limit", "100"))
            return httpx.Response(200, json={"recommendedPapers": self.recommended[:limit]})
        if not request.url.path.endswith("/paper/batch") or request.method != "POST":
            return httpx.Response(404, json={"error": "Not found"})
        ids = json.loads(request.content)["ids"]
        if len(ids) > 500:
            return httpx.Response(400, json={"error": "Cannot process more than 500 paper ids at a time."})
        items = [self.s2.get(i.lower()) for i in ids]
        if not any(items):
            return httpx.Response(400, json={"error": "No valid paper ids given"})
        return httpx.Response(200, json=items)

    def _github(self, request: httpx.Request) -> httpx.Response:
        """GitHub's REST API as fixtures/github/* record it: 200, 301 for a renamed repository, 404, 401, 403 at the limit."""
        if self.github_token is not None and request.headers.get("authorization") not in (None, f"Bearer {self.github_token}"):
            return httpx.Response(401, text=recorded("github/repos_get_401_bad-credentials.json"), headers=GITHUB_JSON)
        with self.lock:
            self.github_left = max(0, self.github_left - 1) if self.github_left > 0 else -1
            left = self.github_left
        limit = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": str(max(left, 0)), "x-ratelimit-reset": str(GITHUB_RESET), "x-ratelimit-resource": "core"}
        if left < 0:
            return httpx.Response(403, text=recorded("github/repos_get_403_rate-limited.json"), headers={**GITHUB_JSON, **limit})
        path = request.url.path.removeprefix("/github")
        if path.startswith("/repositories/"):
            found = next((r for r in self.github.values() if str(r["id"]) == path.rsplit("/", 1)[-1]), None)
        else:
            name = path.removeprefix("/repos/").lower()
            if name in self.github_moved:
                origin = f"{request.url.scheme}://{request.headers.get('host') or request.url.netloc.decode()}"
                moved = json.loads(recorded("github/repos_get_301_moved.json"))
                moved["url"] = f"{origin}/github/repositories/{self.github_moved[name]}"
                return httpx.Response(301, json=moved, headers={**GITHUB_JSON, **limit, "location": moved["url"]})
            found = self.github.get(name)
        if found is None:
            return httpx.Response(404, text=recorded("github/repos_get_404_not-found.json"), headers={**GITHUB_JSON, **limit})
        return httpx.Response(200, json=found, headers={**GITHUB_JSON, **limit})

    def add_repo(self, full_name: str, stars: int, pushed_at: str = "2026-10-14T06:41:09Z", archived: bool = False, moved_from: str | None = None) -> dict:
        """Let GitHub know a repository (and answer its old name with a 301 when ``moved_from``)."""
        repo = github_repo(full_name, stars, pushed_at, archived, repo_id=700000000 + len(self.github) + 1)
        self.github[full_name.lower()] = repo
        if moved_from:
            self.github_moved[moved_from.lower()] = repo["id"]
        return repo

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def environment(self, base: str = "http://fake.test") -> dict[str, str]:
        return {
            "DNNPAPERS_ARXIV_URL": f"{base}/arxiv/api/query",
            "DNNPAPERS_S2_URL": f"{base}/s2/graph/v1",
            "DNNPAPERS_S2_RECOMMENDATIONS_URL": f"{base}/s2/recommendations/v1",
            "DNNPAPERS_DBLP_URL": f"{base}/dblp",
            "DNNPAPERS_CROSSREF_URL": f"{base}/crossref",
            "DNNPAPERS_GITHUB_API_URL": f"{base}/github",
            "DNNPAPERS_DBLP_DELAY": "0",
            "DNNPAPERS_ARXIV_DELAY": "0",
            "DNNPAPERS_HTTP_BACKOFF": "0.001",
        }


def serve(services: FakeServices) -> tuple[ThreadingHTTPServer, str]:
    """A real HTTP server on 127.0.0.1 answering with ``services``; returns it and its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real services: one connection (and one thread here) per client, not per request
        disable_nagle_algorithm = True  # the body, written after the headers, goes at once (not after the client's delayed ACK, 40 ms)

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(self.command, f"http://127.0.0.1{self.path}", content=body, headers=dict(self.headers))
            try:
                response = services.handle(request)
            except httpx.TransportError:
                self.close_connection = True  # the connection dropped, no answer: not kept for another request
                self.connection.close()
                return
            payload = response.content
            self.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                    self.send_header(key, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            """To the real stderr: a command run in this process (CliRunner) has sys.stderr as its own. A client that hung
            up before a delayed answer (a timeout fault) is not the fake's error: nothing is printed for it."""
            import sys
            import traceback

            if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                return
            print(f"fake server: error answering {client_address}", file=sys.__stderr__)
            traceback.print_exc(file=sys.__stderr__)

    server = Server(("127.0.0.1", 0), Handler)
    # shutdown() waits for the loop's next poll: at the default 0.5 s that was half a second per test
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _words(title: str) -> str:
    """The words DBLP's search matches on: case and punctuation ignored."""
    import re

    return " ".join(re.sub(r"[^\w\s-]", " ", title.lower()).split())


def papers_from(entries: list[dict]) -> list[ArxivPaper]:
    """ArxivPapers for list entries that have an arXiv id (authors as the entries know them)."""
    return [
        ArxivPaper(e["arxiv"], e["title"], [a for a in e["authors"] if a != "et al."], dt.date(e["year"], 6, 1))
        for e in entries
        if e.get("arxiv")
    ]


def recorded(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")



GITHUB_JSON = {"content-type": "application/json; charset=utf-8", "x-github-api-version-selected": "2022-11-28"}
#: when the fake's rate limit resets: 2026-12-06 01:00:00 UTC
GITHUB_RESET = 1796518800


def github_repo(full_name: str, stars: int, pushed_at: str, archived: bool = False, repo_id: int = 700000001) -> dict:
    """A ``GET /repos/{owner}/{repo}`` answer in GitHub's format (fixtures/github/repos_get_200_*): the recorded one, renamed."""
    text = recorded("github/repos_get_200_example-org_early-exit-nets_FAKE.json").replace("example-org/early-exit-nets", full_name)
    owner, name = full_name.split("/")
    text = text.replace('"example-org"', json.dumps(owner)).replace("/example-org", "/" + owner).replace('"early-exit-nets"', json.dumps(name))
    repo = json.loads(text)
    repo.update(id=repo_id, stargazers_count=stars, watchers_count=stars, watchers=stars, pushed_at=pushed_at, archived=archived)
    return repo
