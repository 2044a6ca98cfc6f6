"""A list's own text classifier: how strongly a paper belongs to the list, which topics claim it, what it is like.

Trained on what the curators already chose (title, abstract when fetched,
focus and notes of every listed paper) and on what the taxonomy says of each
topic; scikit-learn does the work. It is an optional extra (``dnnpapers[discover]``),
imported here only, so the list's own CI never needs it.

Relevance (``rank``) is a product of three things, each of which a curator can read
back (``Relevance``), because no one of them is right in every window:

- the topic model: a logistic regression of the listed papers against reliable
  negatives. Those come from the background of earlier windows kept in the cache
  (``earlier``) when there is one; else from the candidates that resemble the
  list least (the lower half by similarity). The others are positive and
  unlabelled data, not negatives: a small window or Semantic Scholar's
  recommendations are full of papers for the list, and learning against them
  pushes the best ones down. Cross-fitted: no candidate is scored by a model that
  saw it as a negative.
- resemblance: cosine similarity to the listed papers of the nearest tag, averaged
  (the tag's centroid: a paper must be like a group the list holds, not share one
  odd word with one paper), and to the nearest topic of the taxonomy (its label,
  description and keywords); a paper that merely shares "dynamic" or "routing"
  with the list but speaks of vehicles and depots sinks;
- phrases: the taxonomy's keywords of two or more words found as phrases, a small
  raise that only multiplies the evidence above (never the main evidence).

Words are compared by their stems (``terms``): "exit", "exits" and "exiting" are one
word, as "gate", "gated" and "gating" are; without it a topic whose papers inflect
their words (early exiting) looks less like itself than one that repeats a noun
(mixture of experts). bench/discover.py measured each piece.

Both sides are compared on the same fields: when most listed papers have no
abstract, the topic model and the nearest listed papers use titles on both sides.
Ties break by id: the same inputs give the same ranking.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

from dnnpapers.errors import DnnpapersError

__all__ = ["Example", "ListModel", "Relevance", "require_sklearn", "terms", "INSTALL_HINT", "PHRASE_WEIGHT"]

INSTALL_HINT = "pip install 'dnnpapers[discover]'"


def require_sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise DnnpapersError(f"ranking candidates needs scikit-learn, an optional extra: {INSTALL_HINT}") from None


@dataclass(frozen=True)
class Example:
    """One listed paper as the classifier sees it."""

    key: str
    text: str
    tags: tuple[str, ...] = ()
    title: str = ""  # the title alone, to compare with a candidate's title on the same field
    has_abstract: bool = False


#: How much each taxonomy phrase found in a candidate (at most two count) raises its relevance, as a factor.
PHRASE_WEIGHT = 0.5
#: Fewer reliable negatives than this and the topic model is left out (its score would be noise).
MIN_NEGATIVES = 5
#: A background of earlier windows smaller than this is not enough to learn against; the window's own least-alike half is.
MIN_BACKGROUND = 20


_WORD = re.compile(r"(?u)\b\w\w+\b")
_STEMS: dict[str, str] = {}


def _stem(word: str) -> str:
    """A light suffix stripper (plural, -ing, -ed, final e): "exits", "exiting", "exited" → "exit"; "gating", "gate" → "gat".

    Crude next to Porter's, and enough: the same stem for a word's common forms is what
    the comparison needs, and it costs no dependency."""
    stem = _STEMS.get(word)
    if stem is None:
        stem = word
        if len(stem) > 4 and stem.endswith("ies"):
            stem = stem[:-3] + "y"
        elif stem.endswith("sses"):
            stem = stem[:-2]
        elif len(stem) > 3 and stem.endswith("s") and not stem.endswith(("ss", "us", "is")):
            stem = stem[:-1]
        for suffix in ("ing", "ed"):
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                stem = stem[: -len(suffix)]
                if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":  # skipping → skipp → skip
                    stem = stem[:-1]
                break
        if len(stem) > 3 and stem.endswith("e"):
            stem = stem[:-1]
        _STEMS[word] = stem
    return stem


def terms(text: str) -> list[str]:
    """What the vectorizer counts: the stems of a text's words (English stop words left out), and each pair of neighbours."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    folded = text.lower()
    if not folded.isascii():  # accents off, as strip_accents="unicode" does
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    words = [_stem(w) for w in _WORD.findall(folded) if w not in ENGLISH_STOP_WORDS]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass(frozen=True)
class Relevance:
    """Why a candidate ranks where it does: its score and the evidence multiplied into it."""

    score: float
    model: float | None  # the topic model's probability that it is the list's; None when there was too little to learn from
    topic: str  # the nearest topic of the taxonomy
    topic_similarity: float
    group: str  # the tag whose listed papers, averaged, it resembles most
    group_similarity: float
    phrases: tuple[str, ...]  # the taxonomy phrases found in it
    nearest: tuple[tuple[str, float], ...]  # the listed papers it most resembles, with their similarity
    fields: str  # what was compared: "title and abstract" or "title"
    negatives: str = ""  # what the topic model learned against: "earlier windows" or "this window"


@dataclass
class ListModel:
    """Fitted on the listed papers (and a background); scores texts, suggests tags, names look-alikes."""

    listed: Sequence[Example]
    background: Sequence[str] = ()  # texts the vocabulary is fitted on besides the list's: the window's candidates
    topics: Sequence[Example] = ()  # one per topic: its label, description and keywords
    earlier: Sequence[str] = ()  # texts of earlier windows (mostly not the list's): what the topic model learns against
    _vectorizer: object = None
    _listed_matrix: object = None
    _topic_matrix: object = None
    _corpus: list = field(default_factory=list)  # the texts the tags' vocabulary is fitted on (not the earlier windows)
    _tag_vectorizer: object = None  # words as written, for the tags (fitted on first use)
    _tag_models: dict = field(default_factory=dict)  # the tags asked for → their fitted models, fitted on first use

    def __post_init__(self) -> None:
        require_sklearn()
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(sublinear_tf=True, analyzer=terms)
        self._corpus = [e.text for e in self.listed] + [e.text for e in self.topics] + list(self.background)
        self._vectorizer.fit(self._corpus + list(self.earlier))
        self._listed_matrix = self._vectorizer.transform([e.text for e in self.listed])
        if self.topics:
            self._topic_matrix = self._vectorizer.transform([e.text for e in self.topics])

    def rank(self, items: Sequence[tuple[str, str]], phrases: Sequence[Sequence[str]] = ()) -> list[Relevance]:
        """How strongly each (title, abstract) belongs to the list, and why; ``phrases``: the taxonomy phrases found in each."""
        import numpy as np

        if not items:
            return []
        full_view = 2 * sum(e.has_abstract for e in self.listed) >= len(self.listed)
        fields = "title and abstract" if full_view else "title"
        full = self._vectorizer.transform([f"{t}. {a}" for t, a in items])
        titles = self._vectorizer.transform([t for t, _ in items])
        candidates = full if full_view else titles
        listed_titles = self._vectorizer.transform([e.title or e.text for e in self.listed])
        listed = self._listed_matrix if full_view else listed_titles
        # each listed paper is compared on the fields it has: title and abstract, or title alone
        with_abstract = np.array([e.has_abstract for e in self.listed])
        neighbours = np.where(with_abstract & full_view, (full @ self._listed_matrix.T).toarray(), (titles @ listed_titles.T).toarray())
        closeness = np.sort(neighbours, axis=1)[:, ::-1][:, :3].mean(axis=1)
        topic_sims = (full @ self._topic_matrix.T).toarray() if self.topics else np.zeros((len(items), 1))
        topic_best = topic_sims.max(axis=1)
        groups, centroids = self._centroids(listed)
        group_sims = (candidates @ centroids.T).toarray() if groups else np.zeros((len(items), 1))
        group_best = group_sims.max(axis=1)
        earlier = self._earlier(full_view)
        if earlier is not None:  # a background of earlier windows: its least-alike half, none of it a candidate
            fitted = _fit(listed, earlier)
            model, negatives_from = list(fitted.predict_proba(candidates)[:, 1]), "earlier windows"
        else:  # the candidates least like the list are the reliable negatives; the rest are unlabelled, never negatives
            order = _ranks(closeness) + _ranks(topic_best)
            negatives = np.flatnonzero(order <= np.median(order))
            model = self._pu_model(listed, candidates, negatives) if len(negatives) >= MIN_NEGATIVES else None
            negatives_from = "this window" if model is not None else ""
        out = []
        for i in range(len(items)):
            found = tuple(phrases[i]) if i < len(phrases) else ()
            raise_ = 1.0 + PHRASE_WEIGHT * min(len(found), 2)
            evidence = (model[i] if model is not None else 1.0) * group_best[i] * topic_best[i] * raise_
            row = neighbours[i]
            few = np.argpartition(-row, min(3, len(row) - 1))[:4] if len(row) > 3 else range(len(row))
            near = sorted(few, key=lambda j: (-row[j], self.listed[j].key))[:3]
            out.append(Relevance(
                score=float(evidence), model=None if model is None else round(float(model[i]), 3),
                topic=self.topics[int(topic_sims[i].argmax())].tags[0] if self.topics else "", topic_similarity=round(float(topic_best[i]), 3),
                group=groups[int(group_sims[i].argmax())] if groups else "", group_similarity=round(float(group_best[i]), 3), phrases=found,
                nearest=tuple((self.listed[j].key, round(float(neighbours[i, j]), 3)) for j in near if neighbours[i, j] > 0), fields=fields,
                negatives=negatives_from))
        return out

    def _centroids(self, listed):
        """Each tag's listed papers averaged (unit length), on the fields compared: (tags, one sparse row per tag)."""
        from scipy.sparse import csr_matrix
        from sklearn.preprocessing import normalize

        groups = sorted({t for e in self.listed for t in e.tags})
        if not groups:
            return [], None
        index = {tag: n for n, tag in enumerate(groups)}
        pairs = [(index[t], i) for i, e in enumerate(self.listed) for t in set(e.tags)]
        membership = csr_matrix(([1.0] * len(pairs), ([r for r, _ in pairs], [c for _, c in pairs])), shape=(len(groups), len(self.listed)))
        return groups, normalize(membership @ listed)

    def _earlier(self, full_view: bool):
        """The least-alike half of the background of earlier windows, as the topic model's negatives; None when it is too small."""
        import numpy as np

        if len(self.earlier) < MIN_BACKGROUND:
            return None
        texts = list(self.earlier) if full_view else [t.split(". ", 1)[0] for t in self.earlier]
        matrix = self._vectorizer.transform(texts)
        listed = self._listed_matrix if full_view else self._vectorizer.transform([e.title or e.text for e in self.listed])
        closeness = np.sort((matrix @ listed.T).toarray(), axis=1)[:, ::-1][:, :3].mean(axis=1)
        return matrix[np.flatnonzero(closeness <= np.median(closeness))]

    def _pu_model(self, listed, candidates, negatives) -> list[float]:
        """The listed papers against the reliable negatives, cross-fitted over two halves of them."""
        import numpy as np

        halves = [negatives[0::2], negatives[1::2]]
        total, count = np.zeros(candidates.shape[0]), np.zeros(candidates.shape[0])
        for trained in halves:
            fitted = _fit(listed, candidates[trained])
            unseen = np.ones(candidates.shape[0], dtype=bool)
            unseen[trained] = False
            total[unseen] += fitted.predict_proba(candidates[unseen])[:, 1]
            count[unseen] += 1
        return list(total / np.maximum(count, 1))

    def _similarity(self, matrix):
        return (matrix @ self._listed_matrix.T).toarray()

    def tags(self, texts: Sequence[str], limit: int = 3, taken: Sequence[str] | None = None) -> list[list[tuple[str, float]]]:
        """For each text, up to ``limit`` (tag, score) pairs, best first.

        One logistic regression per tag against the rest, trained on the listed
        papers and on one example per topic made of its label, description and
        keywords (``topics``). bench/discover.py chose it: leave-one-out top-3 0.71
        against 0.59 for a nearest-neighbour vote and 0.62 without the topic examples.
        """
        from sklearn.linear_model import LogisticRegression

        if not texts:
            return []
        key = None if taken is None else tuple(sorted(taken))
        if self._tag_vectorizer is None:
            # words as written, not stems: for telling topics apart the forms help (leave-one-out top-3 0.82 either way,
            # but stems tag a paper on vans "dynamic-routing" for "dynamic routes")
            from sklearn.feature_extraction.text import TfidfVectorizer

            self._tag_vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english", strip_accents="unicode").fit(self._corpus)
        if key not in self._tag_models:
            train = list(self.listed) + list(self.topics)
            matrix = self._tag_vectorizer.transform([e.text for e in train])
            models = self._tag_models[key] = {}
            for tag in sorted({t for e in train for t in e.tags}):
                labels = [tag in e.tags for e in train]
                if (taken is not None and tag not in taken) or all(labels):
                    continue
                # liblinear: a few hundred examples over a vocabulary of thousands, where lbfgs is ten times slower
                models[tag] = LogisticRegression(C=10.0, class_weight="balanced", solver="liblinear").fit(matrix, labels)
        query = self._tag_vectorizer.transform(list(texts))
        scores = {tag: model.predict_proba(query)[:, 1] for tag, model in self._tag_models[key].items()}
        out = []
        for i in range(len(texts)):
            ranked = sorted(((tag, float(values[i])) for tag, values in scores.items()), key=lambda kv: (-kv[1], kv[0]))[:limit]
            out.append([(tag, round(score, 3)) for tag, score in ranked])
        return out


def _fit(listed, negatives):
    """The topic model: the listed papers against these negatives."""
    from scipy.sparse import vstack
    from sklearn.linear_model import LogisticRegression

    labels = [1] * listed.shape[0] + [0] * negatives.shape[0]
    return LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(vstack([listed, negatives]), labels)


def _ranks(values):
    """Each value's rank (0 = smallest), ties by position: numpy alone (scipy.stats takes a second to import)."""
    import numpy as np

    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(len(values))
    return ranks
