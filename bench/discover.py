"""Benchmark: how well and how fast ``discover`` ranks and tags, next to its targets.

1. Leave-one-out on the shipped list: hide each paper, fit on the rest, and check
   its suggested tags against its real ones (top-1, top-3), per top-level domain.
   Text is what the list holds offline: title, focus and notes (with network the
   abstracts come too). The model ``classify`` uses (per-tag logistic regressions
   that also learn from each topic's label, description and keywords) is shown next
   to the same regressions on the listed papers alone.
2. Ranking in the four regimes of issue 23, each as ``dnnpapers discover`` run as a whole
   process against a local server speaking arXiv's Atom and Semantic Scholar's
   recommendations JSON (tests/fakes.py), with the pool of bench/discover_pool.py:
   real dynamic-network papers the list lacks, hard negatives (static pruning,
   quantization, distillation, NAS, attention kernels) and far negatives from
   other fields whose titles share the list's words. Regimes: a large window
   (5,000, 1% relevant), a small one (60, a third relevant), recommendations only,
   and listed papers without abstracts; and the small and the large window again after
   discover saw an ordinary week before them (1,000 and 5,000 papers), kept in the cache
   as the background the topic model learns against. Per regime: precision@10 and @20, the
   rank of the first far negative, the rank of the pool's Kangaroo-like paper (the issue's
   case: a clear early-exit paper, in the top 10; see discover_pool.KANGAROO), the rank of
   the last clear early-exit paper of all (and how many papers not for the list outrank it:
   a stricter figure, reported for information), top-3 tag accuracy of the relevant
   candidates, and wall time (the 5,000 one is the speed figure). ``-v`` prints each
   regime's top 20.

   Why the stricter figure stays short (measured, December 2026): every clear early-exit paper clears
   the floor and the topic model scores it as it scores the papers above it (0.84-0.91 against
   0.71-0.92); what puts mixture-of-experts and speculative-decoding papers above it is resemblance
   (the tag centroid's and the topic's cosines), as their vocabulary repeats (mixture, experts, router)
   where early exiting's spreads (exit, multi-exit, internal classifier, confidence). It is also a
   share no fair ranking gives: the large window holds 6 clear early exits among 50 papers for the
   list, so all 6 in the top 10 is 6 of 10 places for one of the 26 topics the list's papers use. Tried and left out,
   each short of it or breaking another target: a diversity step over topics (a decay per paper of
   the same topic, or at most 3 of a topic in the top 10) lifted one early exit into the top 10 but
   let a background paper into the top 10 without listed abstracts, and a far negative into the top
   20; nearest papers within a tag for the centroid; the topic's cosine divided by its own papers'
   typical one; other weights of the topic model against resemblance; a phrase spelled two ways
   counted once (a paper on early exits writes "early exit" and "early exiting" too).

   The shipped list has since taken in the reference table's new papers, the pool's
   relevant ones among them: each regime runs against a copy of the list without them
   (papers the list lacks, as they were when the pool was made).

``--regimes`` runs part 2 alone; ``--loo`` part 1 alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "src"))

import discover_pool as pool  # noqa: E402
from fakes import ArxivPaper, FakeServices, papers_from, s2_paper, serve  # noqa: E402

from dnnpapers.curation.classify import Example, ListModel  # noqa: E402
from dnnpapers.curation.tagging import listed_examples, rank_tags, topic_examples  # noqa: E402
from dnnpapers.access.loading import load_list  # noqa: E402

TARGETS = {"top3": 0.8, "p10": 0.9, "seconds": 10.0}


def _lr_tags(train: list[Example], texts: list[str], limit: int = 3) -> list[list[str]]:
    """The alternative: one logistic regression per tag, against the rest."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english", strip_accents="unicode")
    matrix = vectorizer.fit_transform([e.text for e in train])
    query = vectorizer.transform(texts)
    scores: dict[str, list[float]] = {}
    for tag in sorted({t for e in train for t in e.tags}):
        labels = [tag in e.tags for e in train]
        if sum(labels) < 1 or all(labels):
            continue
        model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000).fit(matrix, labels)
        scores[tag] = list(model.predict_proba(query)[:, 1])
    return [[t for t, _ in sorted(((t, s[i]) for t, s in scores.items()), key=lambda kv: (-kv[1], kv[0]))[:limit]] for i in range(len(texts))]


def leave_one_out() -> None:
    paper_list = load_list(REPO)
    taxonomy = paper_list.taxonomy
    examples = listed_examples(paper_list)
    topics = topic_examples(paper_list)
    hits = {"knn": defaultdict(lambda: [0, 0, 0]), "lr": defaultdict(lambda: [0, 0, 0])}
    for i, held in enumerate(examples):
        train = examples[:i] + examples[i + 1 :]
        paper = paper_list.papers[i]
        rest = type(paper_list)(paper_list.root, paper_list.taxonomy, paper_list.papers[:i] + paper_list.papers[i + 1 :])
        context = " ".join(filter(None, [paper.focus, paper.notes]))
        chosen = [t for t, _ in rank_tags(ListModel(train, topics=topics), rest, [(paper.title, context)])[0]]
        lr = _lr_tags(train, [held.text])[0]
        domain = taxonomy.root_of(held.tags[0])
        for name, suggested in (("knn", chosen), ("lr", lr)):
            row = hits[name][domain]
            row[0] += bool(suggested[:1] and suggested[0] in held.tags)
            row[1] += bool(set(suggested[:3]) & set(held.tags))
            row[2] += 1
    for name, label in (("knn", "per-tag logistic regression + topic examples + keywords (used)"), ("lr", "per-tag logistic regression, listed papers only")):
        rows = hits[name]
        top1 = sum(r[0] for r in rows.values()) / len(examples)
        top3 = sum(r[1] for r in rows.values()) / len(examples)
        print(f"leave-one-out, {label}: top-1 {top1:.2f}  top-3 {top3:.2f}  (target top-3 >= {TARGETS['top3']})")
        if name == "knn":
            for domain, (h1, h3, n) in sorted(rows.items()):
                print(f"    {domain:<22} {n:>3} papers  top-1 {h1 / n:.2f}  top-3 {h3 / n:.2f}")


WEEK = dt.date(2024, 4, 22)


def _regimes() -> dict[str, dict]:
    """The four regimes of issue 23: who the candidates are, where they come from, what the listed papers carry."""
    good = pool.relevant()
    kangaroo = next(p for p in good if p.arxiv == pool.KANGAROO)
    # the regimes were drawn from these two lists before the Kangaroo-like paper was flagged a clear early exit:
    # it keeps its place in ``rest`` (the large window held it already) and joins the regimes that lacked it
    # in place of their last relevant paper, so each holds what it held before, but for that one
    clear = [p for p in good if p.clear_exit and p is not kangaroo]
    rest = [p for p in good if not p.clear_exit or p is kangaroo]
    assert rest[1] is kangaroo
    hard, far = pool.negatives("hard"), pool.negatives("far")
    return {
        # a busy week of six categories: 5,000 papers, 50 of them (1%) for the list
        "large window": {"window": clear + rest[:45] + hard + far + pool.background(5000 - 50 - len(hard) - len(far)), "recommended": [], "abstracts": True},
        # a narrow or quiet window: 60 papers, a third of them for the list
        "small window": {"window": clear[:3] + [kangaroo] + rest[45:61] + hard[:10] + far[:10] + pool.background(20, seed=5), "recommended": [], "abstracts": True},
        # arXiv unreachable: only Semantic Scholar's recommendations, chosen to resemble the list (some still wrong)
        "recommendations only": {"window": [], "recommended": clear[2:] + [kangaroo] + rest[::2][:26] + hard[10:25] + far[10:20], "abstracts": True},
        # the listed papers' abstracts could not be fetched: titles (and notes) only on the list's side
        "no listed abstracts": {"window": clear + [kangaroo] + rest[10:34] + hard + far + pool.background(240, seed=7), "recommended": [], "abstracts": False},
        # the small window again, after discover saw an ordinary week before it (kept in the cache as the background)
        "small, earlier kept": {"window": clear[:3] + [kangaroo] + rest[45:61] + hard[:10] + far[:10] + pool.background(20, seed=5), "recommended": [], "abstracts": True,
                                "earlier": pool.background(1000, seed=11, first=30000)},
        # the large window after a week as busy (5,000 papers kept): the topic model learns against them alone
        "large, earlier kept": {"window": clear + rest[:45] + hard + far + pool.background(5000 - 50 - len(hard) - len(far)), "recommended": [], "abstracts": True,
                                "earlier": pool.background(5000, seed=11, first=30000)},
    }


def _listed_abstract(paper_list, entry: dict) -> str:
    """What the fake arXiv serves as a listed paper's abstract: its first topic's description (the list has no abstracts offline)."""
    node = paper_list.taxonomy[entry["tags"][0]] if entry.get("tags") else None
    text = re.sub(r"§[\d.()]+\s*", "", node.description or "") if node else ""
    return " ".join(filter(None, [text, entry.get("focus", "")]))


def held_out_list(folder: Path) -> Path:
    """A copy of the shipped list at ``folder`` without the pool's relevant papers: the candidates must be papers it lacks."""
    import shutil

    import yaml

    shutil.copytree(REPO / "data", folder / "data")
    pool_ids = {p.arxiv for p in pool.relevant()}
    document = yaml.safe_load((REPO / "data" / "papers.yaml").read_text(encoding="utf-8"))
    document["papers"] = [e for e in document["papers"] if e.get("arxiv") not in pool_ids]
    (folder / "data" / "papers.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def run_regime(name: str, setup: dict, root: Path, limit: int = 500) -> dict:
    """``dnnpapers discover`` as a whole process against the fakes holding this regime; its figures."""
    import yaml

    paper_list = load_list(root)
    entries = yaml.safe_load((root / "data" / "papers.yaml").read_text(encoding="utf-8"))["papers"]
    services = FakeServices()
    if setup["abstracts"]:
        for paper, entry in zip(papers_from(entries), [e for e in entries if e.get("arxiv")]):
            paper.abstract = _listed_abstract(paper_list, entry)
            services.add(paper)
    for n, paper in enumerate(setup["window"]):
        services.add(ArxivPaper(paper.arxiv, paper.title, [paper.author], WEEK + dt.timedelta(days=n % 7), abstract=paper.abstract))
    for n, paper in enumerate(setup.get("earlier", [])):  # the week before
        services.add(ArxivPaper(paper.arxiv, paper.title, [paper.author], WEEK - dt.timedelta(days=7 - n % 7), abstract=paper.abstract))
    for n, paper in enumerate(setup["recommended"]):
        item = s2_paper(paper.title, 2024, 0, arxiv_id=paper.arxiv, authors=[paper.author])
        item.update(abstract=paper.abstract, publicationDate=f"2024-04-{10 + n % 10:02d}")
        services.recommended.append(item)
    by_id = {p.arxiv: p for p in setup["window"] + setup["recommended"]}
    httpd, base = serve(services)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(Path(tmp) / "cache")}
        env.pop("SEMANTIC_SCHOLAR_API_KEY", None)
        if setup.get("earlier"):
            subprocess.run([sys.executable, "-m", "dnnpapers", "discover", "--since", "2024-04-15", "--until", "2024-04-21", "--format", "json",
                            "--root", str(root)], env=env, capture_output=True, text=True, check=True)
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "dnnpapers", "discover", "--since", "2024-04-22", "--until", "2024-04-28", "--format", "json",
                               "--limit", str(limit), "--root", str(root)], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - began
    httpd.shutdown()
    if done.returncode != 0:
        raise SystemExit(f"{name}: discover failed: {done.stderr}")
    ranked = [c for c in json.loads(done.stdout)["candidates"]]
    kinds = [by_id[c["arxiv"]].kind if c["arxiv"] in by_id else "?" for c in ranked]
    far_ranks = [i + 1 for i, k in enumerate(kinds) if k == "far"]
    exit_ranks = [i + 1 for i, c in enumerate(ranked) if c["arxiv"] in by_id and by_id[c["arxiv"]].clear_exit]
    exits = sum(p.clear_exit for p in by_id.values())
    kangaroo = [i + 1 for i, c in enumerate(ranked) if c["arxiv"] == pool.KANGAROO]
    tagged = [(by_id[c["arxiv"]].slug, c["tags"]) for c in ranked if by_id.get(c["arxiv"]) and by_id[c["arxiv"]].kind == "relevant"]
    relevant = sum(p.kind == "relevant" for p in by_id.values())
    return {
        "name": name, "size": len(by_id), "relevant": relevant, "seconds": seconds,
        "p10": kinds[:10].count("relevant") / 10, "p20": kinds[:20].count("relevant") / 20,
        "far": min(far_ranks) if far_ranks else None, "limit": limit,
        "exit": max(exit_ranks) if len(exit_ranks) == exits else None, "exits": exits,
        "kangaroo": kangaroo[0] if kangaroo else None,  # None: not in the report (every regime holds it)
        # what outranks the last clear early-exit paper that is not for the list (0: only relevant papers do)
        "above_exit": sum(k != "relevant" for k in kinds[: max(exit_ranks) - 1]) if exit_ranks else None,
        "top3": sum(slug in tags[:3] for slug, tags in tagged) / len(tagged) if tagged else 0.0,
        "top": [(k, c["score"], c["title"][:60]) for k, c in zip(kinds[:20], ranked[:20])],
    }


def regimes(verbose: bool = False) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        root = held_out_list(Path(tmp) / "list")
        rows = [run_regime(name, setup, root) for name, setup in _regimes().items()]
    print(f"{'regime':<22}{'papers':>7}{'relevant':>9}{'p@10':>7}{'p@20':>7}  {'first far negative':>18}  {'Kangaroo-like':>13}  "
          f"{'last clear early exit':>21}  {'not relevant above it':>21}  {'tags top-3':>10}{'seconds':>9}")
    for r in rows:
        far = f"#{r['far']}" if r["far"] else f"none in {r['limit']}"
        kangaroo = f"#{r['kangaroo']}" if r["kangaroo"] else "missing"
        exit_ = f"#{r['exit']} of {r['exits']}" if r["exit"] else f"missing ({r['exits']})"
        print(f"{r['name']:<22}{r['size']:>7}{r['relevant']:>9}{r['p10']:>7.2f}{r['p20']:>7.2f}  {far:>18}  {kangaroo:>13}  {exit_:>21}  "
              f"{r['above_exit'] if r['above_exit'] is not None else '-':>21}  {r['top3']:>10.2f}{r['seconds']:>9.2f}")
        if verbose:
            for kind, score, title in r["top"]:
                print(f"      {kind:<10} {score:.3f} {title}")
    large = rows[0]
    print(f"issue 23's targets, every regime: p@10 >= {TARGETS['p10']}, no far negative in the top 20, the Kangaroo-like paper "
          f"({pool.KANGAROO}, a clear early-exit paper) in the top 10; {large['size']:,} candidates in < {TARGETS['seconds']:g} s "
          f"(measured {large['seconds']:.2f} s, whole process, arXiv's 3 s spacing off)")
    met = all(r["p10"] >= TARGETS["p10"] and (r["far"] is None or r["far"] > 20) and r["kangaroo"] is not None and r["kangaroo"] <= 10 for r in rows)
    print(f"all regimes at issue 23's targets: {'yes' if met and large['seconds'] < TARGETS['seconds'] else 'NO'}")
    strict = sum(r["exit"] is not None and r["exit"] <= 10 for r in rows)
    print(f"stricter, for information (not the issue's target): every clear early-exit paper in the top 10 in {strict} of {len(rows)} regimes "
          f"('last clear early exit'; 'not relevant above it' counts what outranks it that is not for the list)")
    return rows


def report() -> None:
    if "-h" in sys.argv or "--help" in sys.argv:
        print(__doc__)
        return
    if "--regimes" not in sys.argv:
        leave_one_out()
    if "--loo" not in sys.argv:
        regimes(verbose="-v" in sys.argv)


if __name__ == "__main__":
    report()
