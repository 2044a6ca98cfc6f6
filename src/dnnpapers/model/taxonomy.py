"""The topic tree with lookups by slug, for any nodes with ``slug``, labels and ``children``.

Plain Python, so that the quick check of a valid list needs no pydantic.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

__all__ = ["Taxonomy"]


class Taxonomy:
    """Built once from valid nodes (pydantic TaxonomyNodes or the quick path's records)."""

    def __init__(self, roots: Sequence[Any]):
        self.roots = list(roots)
        self.by_slug: dict[str, Any] = {}
        self.parent: dict[str, str | None] = {}
        self.depth: dict[str, int] = {}
        self.order: dict[str, int] = {}  # place in the depth-first walk: the order pages show topics in
        for node, parent, depth in self._walk(self.roots, None, 0):
            self.order.setdefault(node.slug, len(self.order))
            self.by_slug.setdefault(node.slug, node)
            self.parent.setdefault(node.slug, parent)
            self.depth.setdefault(node.slug, depth)
        self._chains: dict[str, tuple[str, ...]] = {}  # slug → its ancestors, asked for by every paper's every tag

    def _walk(self, nodes: Sequence[Any], parent: str | None, depth: int) -> Iterator[tuple[Any, str | None, int]]:
        for node in nodes:
            yield node, parent, depth
            yield from self._walk(node.children, node.slug, depth + 1)

    def walk(self) -> Iterator[Any]:
        """Every node, depth first, in file order."""
        return (node for node, _, _ in self._walk(self.roots, None, 0))

    def __contains__(self, slug: object) -> bool:
        return slug in self.by_slug

    def __getitem__(self, slug: str) -> Any:
        return self.by_slug[slug]

    def ancestors(self, slug: str) -> list[str]:
        """Slugs from the root down to ``slug``'s parent."""
        return list(self._chain(slug))

    def _chain(self, slug: str) -> tuple[str, ...]:
        chain = self._chains.get(slug)
        if chain is None:
            found = []
            parent = self.parent.get(slug)
            while parent is not None:
                found.append(parent)
                parent = self.parent.get(parent)
            chain = self._chains[slug] = tuple(found[::-1])
        return chain

    def root_of(self, slug: str) -> str:
        return (self._chain(slug) or (slug,))[0]

    def subtree(self, slug: str) -> list[str]:
        """``slug`` and every slug below it."""
        return [n.slug for n, _, _ in self._walk([self.by_slug[slug]], None, 0)]

    def home(self, tags: Sequence[str]) -> str:
        """The topic a paper with these tags is shown under where it is shown once: the first of them on the page."""
        return min(tags, key=self.order.__getitem__)
