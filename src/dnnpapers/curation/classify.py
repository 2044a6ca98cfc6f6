"""A list's own text classifier: how strongly a paper belongs to the list, which topics claim it, what it is like.

Trained on what the curators already chose (title, abstract when fetched,
focus and notes of every listed paper), with the other papers of the window as
background, as arxiv-sanity-lite does with per-tag linear models over tf-idf.
scikit-learn does the work; it is an optional extra (``dnnpapers[discover]``),
imported here only, so the list's own CI never needs it.

Relevance is cross-fitted: the background is split in two and each half is
scored by a model that did not see it as a negative, so a good candidate is
not pushed down for being in the training set. Ties break by id: the same
inputs give the same ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from dnnpapers.errors import DnnpapersError

__all__ = ["Example", "ListModel", "require_sklearn", "INSTALL_HINT"]

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


@dataclass
class ListModel:
    """Fitted on the listed papers (and a background); scores texts, suggests tags, names look-alikes."""

    listed: Sequence[Example]
    background: Sequence[str] = ()
    topics: Sequence[Example] = ()  # one per topic: its label, description and keywords
    _vectorizer: object = None
    _listed_matrix: object = None
    _tag_models: dict = field(default_factory=dict)  # the tags asked for → their fitted models, fitted on first use

    def __post_init__(self) -> None:
        require_sklearn()
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, stop_words="english", strip_accents="unicode")
        self._vectorizer.fit([e.text for e in self.listed] + [e.text for e in self.topics] + list(self.background))
        self._listed_matrix = self._vectorizer.transform([e.text for e in self.listed])

    def relevance(self, texts: Sequence[str]) -> list[float]:
        """How strongly each text belongs to the list (0..1), the texts being the background (cross-fitted)."""
        from sklearn.linear_model import LogisticRegression
        from scipy.sparse import vstack

        if not texts:
            return []
        matrix = self._vectorizer.transform(list(texts))
        halves = [list(range(0, len(texts), 2)), list(range(1, len(texts), 2))]
        scores = [0.0] * len(texts)
        for scored, other in (halves, halves[::-1]):
            if not scored:
                continue
            negatives = matrix[other] if other else matrix[:0]
            features = vstack([self._listed_matrix, negatives])
            labels = [1] * self._listed_matrix.shape[0] + [0] * negatives.shape[0]
            if len(set(labels)) < 2:  # no background at all: similarity to the list is the score
                for i, value in zip(scored, self._similarity(matrix[scored]).max(axis=1)):
                    scores[i] = float(value)
                continue
            model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
            model.fit(features, labels)
            for i, value in zip(scored, model.predict_proba(matrix[scored])[:, 1]):
                scores[i] = float(value)
        return scores

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

    def like(self, texts: Sequence[str], limit: int = 3) -> list[list[str]]:
        """For each text, the keys of the listed papers it most resembles."""
        if not texts:
            return []
        similarity = self._similarity(self._vectorizer.transform(list(texts)))
        return [[self.listed[j].key for j in sorted(range(len(row)), key=lambda j: (-row[j], self.listed[j].key))[:limit] if row[j] > 0] for row in similarity]
