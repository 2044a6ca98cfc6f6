"""A list's own text classifier: how strongly a paper belongs to the list, which topics claim it, what it is like.

Trained on what the curators already chose (title, abstract when fetched,
focus and notes of every listed paper) and on what the taxonomy says of each
topic; scikit-learn does the work. It is an optional extra (``dnnpapers[discover]``),
imported here only, so the list's own CI never needs it.

Relevance (``rank``) is a product of three things, each of which a curator can read
back (``Relevance``), because no one of them is right in every window:

- the topic model: a logistic regression of the listed papers against the
  candidates that resemble the list least (the lower half by similarity). The
  others are positive and unlabelled data, not negatives: a small window or
  Semantic Scholar's recommendations are full of papers for the list, and
  learning against them pushes the best ones down. Cross-fitted: no candidate is
  scored by a model that saw it as a negative.
- resemblance: cosine similarity to the nearest topic of the taxonomy (its label,
  description and keywords), and the share of the candidate's text in the list's
  own vocabulary, so a paper that merely shares "dynamic" or "routing" with the
  list but speaks of vehicles and depots sinks;
- phrases: the taxonomy's keywords of two or more words found as phrases, a small
  raise that only multiplies the evidence above (never the main evidence).

Both sides are compared on the same fields: when most listed papers have no
abstract, the topic model and the nearest listed papers use titles on both sides.
Ties break by id: the same inputs give the same ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from dnnpapers.errors import DnnpapersError

__all__ = ["Example", "ListModel", "Relevance", "require_sklearn", "INSTALL_HINT", "PHRASE_WEIGHT"]

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


@dataclass(frozen=True)
class Relevance:
    """Why a candidate ranks where it does: its score and the evidence multiplied into it."""

    score: float
    model: float | None  # the topic model's probability that it is the list's; None when there was too little to learn from
    topic: str  # the nearest topic of the taxonomy
    topic_similarity: float
    vocabulary: float  # the share of its words (tf-idf mass) that the list's own texts use
    phrases: tuple[str, ...]  # the taxonomy phrases found in it
    nearest: tuple[tuple[str, float], ...]  # the listed papers it most resembles, with their similarity
    fields: str  # what was compared: "title and abstract" or "title"


@dataclass
class ListModel:
    """Fitted on the listed papers (and a background); scores texts, suggests tags, names look-alikes."""

    listed: Sequence[Example]
    background: Sequence[str] = ()
    topics: Sequence[Example] = ()  # one per topic: its label, description and keywords
    _vectorizer: object = None
    _listed_matrix: object = None
    _topic_matrix: object = None
    _list_vocabulary: object = None  # 1 for each word the listed papers or the topics use, else 0
    _words: object = None  # 1 for each single-word term, 0 for word pairs
    _tag_models: dict = field(default_factory=dict)  # the tags asked for → their fitted models, fitted on first use

    def __post_init__(self) -> None:
        require_sklearn()
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, stop_words="english", strip_accents="unicode")
        self._vectorizer.fit([e.text for e in self.listed] + [e.text for e in self.topics] + list(self.background))
        self._listed_matrix = self._vectorizer.transform([e.text for e in self.listed])
        own = self._vectorizer.transform([e.text for e in self.listed] + [e.text for e in self.topics])
        import numpy as np

        # words only: a new pair of known words ("internal classifiers attached") is no sign of another field
        self._words = np.array([" " not in term for term in self._vectorizer.get_feature_names_out()], dtype=float)
        self._list_vocabulary = np.zeros(own.shape[1])
        self._list_vocabulary[own.nonzero()[1]] = 1.0
        self._list_vocabulary *= self._words
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
        mass = full.multiply(full)
        vocabulary = np.asarray(mass @ self._list_vocabulary).ravel() / np.maximum(np.asarray(mass @ self._words).ravel(), 1e-12)
        # the candidates least like the list are the reliable negatives; the rest are unlabelled, never negatives
        order = _ranks(closeness) + _ranks(topic_best)
        negatives = np.flatnonzero(order <= np.median(order))
        model = self._pu_model(listed, candidates, negatives) if len(negatives) >= MIN_NEGATIVES else None
        out = []
        for i in range(len(items)):
            found = tuple(phrases[i]) if i < len(phrases) else ()
            raise_ = 1.0 + PHRASE_WEIGHT * min(len(found), 2)
            evidence = (model[i] if model is not None else 1.0) * topic_best[i] * vocabulary[i] * raise_
            row = neighbours[i]
            few = np.argpartition(-row, min(3, len(row) - 1))[:4] if len(row) > 3 else range(len(row))
            near = sorted(few, key=lambda j: (-row[j], self.listed[j].key))[:3]
            out.append(Relevance(
                score=float(evidence), model=None if model is None else round(float(model[i]), 3),
                topic=self.topics[int(topic_sims[i].argmax())].tags[0] if self.topics else "", topic_similarity=round(float(topic_best[i]), 3),
                vocabulary=round(float(vocabulary[i]), 3), phrases=found,
                nearest=tuple((self.listed[j].key, round(float(neighbours[i, j]), 3)) for j in near if neighbours[i, j] > 0), fields=fields))
        return out

    def _pu_model(self, listed, candidates, negatives) -> list[float]:
        """The listed papers against the reliable negatives, cross-fitted over two halves of them."""
        import numpy as np
        from scipy.sparse import vstack
        from sklearn.linear_model import LogisticRegression

        halves = [negatives[0::2], negatives[1::2]]
        total, count = np.zeros(candidates.shape[0]), np.zeros(candidates.shape[0])
        for trained in halves:
            features = vstack([listed, candidates[trained]])
            labels = [1] * listed.shape[0] + [0] * len(trained)
            fitted = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(features, labels)
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
        if key not in self._tag_models:
            train = list(self.listed) + list(self.topics)
            matrix = self._vectorizer.transform([e.text for e in train])
            models = self._tag_models[key] = {}
            for tag in sorted({t for e in train for t in e.tags}):
                labels = [tag in e.tags for e in train]
                if (taken is not None and tag not in taken) or all(labels):
                    continue
                # liblinear: a few hundred examples over a vocabulary of thousands, where lbfgs is ten times slower
                models[tag] = LogisticRegression(C=10.0, class_weight="balanced", solver="liblinear").fit(matrix, labels)
        query = self._vectorizer.transform(list(texts))
        scores = {tag: model.predict_proba(query)[:, 1] for tag, model in self._tag_models[key].items()}
        out = []
        for i in range(len(texts)):
            ranked = sorted(((tag, float(values[i])) for tag, values in scores.items()), key=lambda kv: (-kv[1], kv[0]))[:limit]
            out.append([(tag, round(score, 3)) for tag, score in ranked])
        return out


def _ranks(values):
    """Each value's rank (0 = smallest), ties by position: numpy alone (scipy.stats takes a second to import)."""
    import numpy as np

    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(len(values))
    return ranks
