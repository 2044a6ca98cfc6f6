"""Benchmark: how well and how fast ``discover`` ranks and tags, next to its targets.

1. Leave-one-out on the shipped list: hide each paper, fit on the rest, and check
   its suggested tags against its real ones (top-1, top-3), per top-level domain.
   Text is what the list holds offline: title, focus and notes (with network the
   abstracts come too). The model ``classify`` uses (per-tag logistic regressions
   that also learn from each topic's label, description and keywords) is shown next
   to the same regressions on the listed papers alone.
2. Ranking on a hard pool: 40 listed dynamic-network papers held out of training,
   mixed with 40 real papers of static efficiency (pruning, quantization,
   distillation, NAS; titles from public lists, bench/data/hard_negatives.tsv).
   Titles only on both sides. Precision of the top 10 and top 20.
3. Speed: ``dnnpapers discover`` as a whole process against a local server whose
   window holds 5,000 papers: requests made, wall time and peak memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
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

from fakes import ArxivPaper, FakeServices, papers_from, serve  # noqa: E402

from dnnpapers.curation.classify import Example, ListModel  # noqa: E402
from dnnpapers.curation.tagging import listed_examples, rank_tags, topic_examples  # noqa: E402
from dnnpapers.access.loading import load_list  # noqa: E402

TARGETS = {"top3": 0.8, "p10": 0.8, "seconds": 10.0}


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


def hard_pool() -> None:
    paper_list = load_list(REPO)
    examples = listed_examples(paper_list)
    held = examples[::4][:40]
    train = [e for e in examples if e not in held]
    with open(HERE / "data" / "hard_negatives.tsv", encoding="utf-8") as handle:
        negatives = [row["title"] for row in csv.DictReader(handle, delimiter="\t")]
    titles = {p.id: p.title for p in paper_list.papers}
    pool = [(titles[e.key], True) for e in held] + [(title, False) for title in negatives]
    texts = [text for text, _ in pool]
    model = ListModel(train, texts)
    scores = model.relevance(texts)
    ranked = [good for _, good in sorted(zip(scores, (g for _, g in pool)), key=lambda kv: -kv[0])]
    p10, p20 = sum(ranked[:10]) / 10, sum(ranked[:20]) / 20
    print(f"hard pool ({len(held)} dynamic + {len(negatives)} static-efficiency titles): precision@10 {p10:.2f}  precision@20 {p20:.2f}  (target p@10 >= {TARGETS['p10']})")


def speed(count: int = 5000) -> None:
    paper_list = load_list(REPO)
    import yaml

    entries = yaml.safe_load((REPO / "data" / "papers.yaml").read_text(encoding="utf-8"))["papers"]
    services = FakeServices()
    for paper in papers_from(entries):
        services.add(paper)
    words = "adaptive sparse efficient network learning model graph image language vision robust training inference data".split()
    start = dt.date(2024, 4, 22)
    for n in range(count):
        title = " ".join(words[(n * k) % len(words)] for k in (1, 3, 5, 7, 11)) + f" {n}"
        services.add(ArxivPaper(f"2404.{n + 10000:05d}", title.capitalize(), ["Bench Author"], start + dt.timedelta(days=n % 7),
                                abstract=f"Synthetic benchmark abstract {n}: " + " ".join(words[(n + k) % len(words)] for k in range(30))))
    httpd, base = serve(services)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(Path(tmp) / "cache")}
        began = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "dnnpapers", "discover", "--since", "2024-04-22", "--until", "2024-04-28", "--format", "json", "--root", str(REPO)],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
    httpd.shutdown()
    requests = {name: services.count(name) for name in ("arxiv", "s2")}
    print(f"discover on {count:,} candidates + {len(paper_list.papers)} listed: {seconds:.2f} s wall, {usage.ru_maxrss / 1024:.0f} MiB peak, "
          f"exit {os.waitstatus_to_exitcode(status)}; requests: arXiv {requests['arxiv']} (window pages of 2,000 and listed abstracts, 100 a request), "
          f"Semantic Scholar {requests['s2']}  (target < {TARGETS['seconds']:g} s; arXiv's 3 s between requests set to 0 here)")


def report() -> None:
    leave_one_out()
    hard_pool()
    speed()


if __name__ == "__main__":
    report()
