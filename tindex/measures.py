"""Measures of a window's graph of actors, from its facts counted per actor pair and month
span (`PairCounts`): degree, PageRank and betweenness, on sparse matrices over integer ids.

Pure numpy and scipy: the pairs come from the temporal index or from the Cypher pull alike
(tindex/analytics.py), and the measures cannot tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import scipy.sparse as sp


@dataclass
class PairCounts:
    """The window's facts aggregated per actor pair: ids are indexes into `actors`."""

    actors: list[str]
    sources: np.ndarray[Any, np.dtype[np.int64]]
    targets: np.ndarray[Any, np.dtype[np.int64]]
    first_months: np.ndarray[Any, np.dtype[np.int64]]
    last_months: np.ndarray[Any, np.dtype[np.int64]]
    facts: np.ndarray[Any, np.dtype[np.int64]]

    def in_month(self, month: int) -> PairCounts:
        """The pairs with facts in that month, over only the actors they join."""
        keep = (self.first_months <= month) & (self.last_months >= month)
        present, inverse = np.unique(
            np.concatenate([self.sources[keep], self.targets[keep]]), return_inverse=True
        )
        count = int(keep.sum())
        return PairCounts(
            [self.actors[i] for i in present],
            inverse[:count].astype(np.int64),
            inverse[count:].astype(np.int64),
            self.first_months[keep],
            self.last_months[keep],
            self.facts[keep],
        )

    @classmethod
    def canonical(
        cls,
        actors: list[str],
        sources: np.ndarray[Any, np.dtype[np.int64]],
        targets: np.ndarray[Any, np.dtype[np.int64]],
        first_months: np.ndarray[Any, np.dtype[np.int64]],
        last_months: np.ndarray[Any, np.dtype[np.int64]],
        facts: np.ndarray[Any, np.dtype[np.int64]],
    ) -> PairCounts:
        """The pairs over only the actors they join, numbered in id order, rows sorted: the
        same pairs give the same arrays whoever read them (Cypher or the temporal index),
        hence the same sums, the same measures and the same order among ties."""
        present = np.unique(np.concatenate([sources, targets]))
        names = [actors[i] for i in present.tolist()]
        by_id = np.argsort(np.asarray(names, dtype=np.str_), kind="stable")
        renumber = np.zeros(len(actors), dtype=np.int64)
        renumber[present[by_id]] = np.arange(len(present), dtype=np.int64)
        source, target = renumber[sources], renumber[targets]
        rows = np.lexsort((last_months, first_months, target, source))
        return cls(
            [names[i] for i in by_id.tolist()],
            source[rows],
            target[rows],
            first_months[rows].astype(np.int64),
            last_months[rows].astype(np.int64),
            facts[rows].astype(np.int64),
        )

    def directed(self) -> sp.csr_matrix:
        """Facts from row actor to column actor."""
        n = len(self.actors)
        return sp.csr_matrix((self.facts.astype(float), (self.sources, self.targets)), shape=(n, n))

    def undirected(self) -> sp.csr_matrix:
        matrix = self.directed()
        return (matrix + matrix.T).tocsr()


class Measure(StrEnum):
    DEGREE = "degree"
    PAGERANK = "pagerank"
    BETWEENNESS = "betweenness"


# Exact betweenness costs one breadth-first search per actor; past this many actors the
# sources are sampled and the answer states the standard error of each estimate.
EXACT_BETWEENNESS_LIMIT = 1500
BETWEENNESS_SAMPLES = 128
_BATCH = 64


def degrees(pairs: PairCounts) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(distinct counterparts, facts) of every actor."""
    undirected = pairs.undirected()
    counterparts = np.diff(undirected.indptr)
    facts = np.asarray(undirected.sum(axis=1)).ravel()
    return counterparts, facts


def pagerank(
    pairs: PairCounts, alpha: float = 0.85, tol: float = 1.0e-6, max_iter: int = 100
) -> np.ndarray[Any, Any]:
    """PageRank over the directed graph weighted by facts, as networkx computes it
    (dangling actors spread their rank evenly; convergence when the L1 change < n * tol)."""
    n = len(pairs.actors)
    if n == 0:
        return np.zeros(0)
    matrix = pairs.directed()
    out = np.asarray(matrix.sum(axis=1)).ravel()
    scale = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
    transition = sp.diags(scale) @ matrix
    dangling = out == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        previous = rank
        rank = np.asarray(
            alpha * (previous @ transition + previous[dangling].sum() / n) + (1 - alpha) / n
        )
        if np.abs(rank - previous).sum() < n * tol:
            return rank
    return rank


@dataclass
class Betweenness:
    values: np.ndarray[Any, Any]
    errors: np.ndarray[Any, Any]  # standard error of each value; zeros when exact
    samples: int  # sources searched; the number of actors when exact


def betweenness(pairs: PairCounts, samples: int | None = None, seed: int = 0) -> Betweenness:
    """Normalised betweenness over the undirected, unweighted graph (as networkx's
    `betweenness_centrality(G)`), by Brandes' accumulation run for a batch of sources at
    once with sparse matrix products.

    Exact when the window has at most EXACT_BETWEENNESS_LIMIT actors (or `samples` covers
    them all); otherwise from `samples` sources drawn without replacement, scaled by
    n / samples, with the standard error of that mean.
    """
    n = len(pairs.actors)
    if n < 3:
        return Betweenness(np.zeros(n), np.zeros(n), n)
    adjacency = (pairs.undirected() > 0).astype(float).tocsr()
    if samples is None:
        samples = n if n <= EXACT_BETWEENNESS_LIMIT else BETWEENNESS_SAMPLES
    samples = min(samples, n)
    sources = (
        np.arange(n) if samples == n else np.random.default_rng(seed).choice(n, samples, False)
    )
    total = np.zeros(n)
    squares = np.zeros(n)
    for start in range(0, len(sources), _BATCH):
        delta = _dependencies(adjacency, sources[start : start + _BATCH])
        total += delta.sum(axis=1)
        squares += (delta**2).sum(axis=1)
    scale = 1.0 / ((n - 1) * (n - 2))
    if samples == n:
        return Betweenness(total * scale, np.zeros(n), n)
    mean = total / samples
    variance = np.maximum(squares / samples - mean**2, 0.0)
    # Sampling without replacement from n sources: the finite-population correction.
    correction = (n - samples) / (n - 1)
    error = n * np.sqrt(variance / samples * correction) * scale
    return Betweenness(mean * n * scale, error, samples)


def _dependencies(adjacency: sp.csr_matrix, sources: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Brandes' dependency of every source (column) on every actor (row)."""
    n, batch = adjacency.shape[0], len(sources)
    columns = np.arange(batch)
    sigma = np.zeros((n, batch))
    sigma[sources, columns] = 1.0
    visited = sigma > 0
    levels = [visited.copy()]
    frontier = sigma.copy()
    while True:
        reached = adjacency @ frontier
        reached[visited] = 0.0
        new = reached > 0
        if not new.any():
            break
        sigma += reached
        visited |= new
        levels.append(new)
        frontier = reached
    delta = np.zeros((n, batch))
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for depth in range(len(levels) - 1, 0, -1):
        weight = np.where(levels[depth], (1.0 + delta) / safe_sigma, 0.0)
        delta += np.where(levels[depth - 1], (adjacency @ weight) * sigma, 0.0)
    delta[sources, columns] = 0.0
    return delta
