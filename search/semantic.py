"""The semantic layer: query vectors, nearest paragraphs by dot product, and fusion with lexical ranks.

Literal matches stay on top: paragraphs with every term (the exact tier) always rank above the
rest; below them, partial lexical hits and the nearest paragraphs found by their vectors are
merged by reciprocal-rank fusion. Paragraphs without a vector yet (the background build has not
reached them) are ranked lexically, and an index with no vectors at all is searched lexically.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.embedding import Encoder, load_encoder
from index.vectors import ID_DTYPE, chunk_names, read_chunk, store_dir, stored_models

from .generation import Generation
from .nearest import Nearest
from .patterns import shown
from .query import ParsedQuery

RRF_K = 60  # the usual constant of reciprocal-rank fusion: flattens the weight of the first ranks
DEPTH = 50  # lexical hits (of each tier) re-ranked by fusion
NEAREST = 10  # paragraphs the vectors add that match no term (at most)
SEMANTIC_WEIGHT = 1.0  # weight of the semantic rank against the lexical one
RERANK_EXACT = True  # whether fusion also re-orders the paragraphs with every term (among themselves)
RELOAD_SECONDS = 1.0  # how often the store folder is looked at for new chunks
QUERY_CACHE = 256


@dataclass(frozen=True)
class Fusion:
    """The tuned knobs of fusion (see the README's semantic section for how they were chosen)."""

    k: int = RRF_K
    depth: int = DEPTH
    nearest: int = NEAREST
    weight: float = SEMANTIC_WEIGHT
    rerank_exact: bool = RERANK_EXACT
    headings: bool = True  # whether the vectors may add titles and headings (heading searches want them)


@dataclass
class _Block:
    ids: np.ndarray
    matrix: np.ndarray  # float32: numpy's float16 products are slower than converting once
    # The docnums of its ids in one generation: while vectors arrive chunk by chunk, only the
    # new chunk's ids are looked up (a million lookups per chunk would stall the searches).
    docs_in: tuple[object, np.ndarray] | None = None
    nearest: Nearest | None = None  # its top-k search (an IVF index when large), made on load


@dataclass
class View:
    """One generation seen through one store state: each docnum's row in the store, -1 without."""

    generation: Generation
    names: tuple[str, ...]
    rows: np.ndarray
    blocks: list[_Block]
    sorted_ids: np.ndarray  # the live paragraphs' ids, sorted ...
    sorted_docs: np.ndarray  # ... and their docnums
    _has: np.ndarray | None = None  # docnums with a vector, computed on first use
    _their_rows: np.ndarray | None = None

    @property
    def approximate(self) -> bool:
        """Return whether a block is large enough to be searched through its IVF index."""
        return any(b.nearest is not None and b.nearest.approximate for b in self.blocks)

    def similarity_of(self, query: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Return the query's similarity to each of ``docs`` (-inf where there is no vector)."""
        out = np.full(len(docs), -np.inf, dtype=np.float32)
        rows = self.rows[docs] if len(docs) else np.zeros(0, dtype=np.int64)
        offset = 0
        for block in self.blocks:
            inside = (rows >= offset) & (rows < offset + len(block.ids))
            if inside.any():
                out[inside] = block.matrix[rows[inside] - offset] @ query
            offset += len(block.ids)
        return out

    def nearest(self, query: np.ndarray, k: int, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (docnums, similarities) of the ``k`` candidate docnums nearest the query, best first."""
        found_docs, found_scores = [], []
        for block in self.blocks:
            docs = block.docs_in[1]
            allowed = docs >= 0
            allowed[allowed] = candidates[docs[allowed]]
            rows, scores = block.nearest.search(query, k, allowed)
            found_docs.append(docs[rows])
            found_scores.append(scores)
        docs = np.concatenate(found_docs) if found_docs else np.zeros(0, dtype=np.int64)
        scores = np.concatenate(found_scores) if found_scores else np.zeros(0, dtype=np.float32)
        order = np.argsort(-scores, kind="stable")
        docs, scores = docs[order], scores[order]
        _, first = np.unique(docs, return_index=True)  # a kill may leave a vector in two blocks
        first.sort()
        return docs[first][:k].astype(np.int64), scores[first][:k]

    def docnums(self, ids: np.ndarray) -> np.ndarray:
        """Return the live docnums of paragraph ids (bytes), -1 for ids not live."""
        if not len(self.sorted_ids):
            return np.full(len(ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted_ids, ids), len(self.sorted_ids) - 1)
        return np.where(self.sorted_ids[at] == ids, self.sorted_docs[at], -1)

    @property
    def coverage(self) -> float:
        """Return the share of live paragraphs that have a vector."""
        live = self.generation.live
        return float(np.count_nonzero(self.rows[live] >= 0) / max(1, self.generation.live_count))

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Return the query's similarity to every docnum (-inf where there is no vector)."""
        scores = np.concatenate([b.matrix @ query for b in self.blocks]) if self.blocks else np.zeros(0, np.float32)
        if self._has is None:
            self._has = np.flatnonzero(self.rows >= 0)
            self._their_rows = self.rows[self._has]
        out = np.full(len(self.rows), -np.inf, dtype=np.float32)
        out[self._has] = scores[self._their_rows]
        return out


class SemanticLayer:
    """The vectors of one index folder, loaded as they arrive; thread-safe."""

    def __init__(self, index_dir: Path, model: str | None = None, fusion: Fusion | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.wanted = model
        self.fusion = fusion or Fusion()
        self._lock = threading.Lock()
        self._encoders: dict[str, Encoder] = {}
        self._blocks: dict[tuple[str, str], _Block] = {}
        self._segment_ids: dict[str, np.ndarray] = {}
        self._view: View | None = None
        self._checked = 0.0
        self._queries: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    def model(self) -> str | None:
        """Return the model searched: the one asked for, else the best one that has vectors here."""
        if self.wanted is not None:
            return self.wanted if chunk_names(store_dir(self.index_dir, self.wanted)) else None
        found = stored_models(self.index_dir)
        return found[0] if found else None

    def view(self, generation: Generation) -> View | None:
        """Return the generation's view of the store, or None when there are no vectors."""
        with self._lock:
            now = time.monotonic()
            current = self._view
            if (current is not None and current.generation is generation and now - self._checked < RELOAD_SECONDS
                    and (self.wanted is None or current.names[0].startswith(self.wanted + "/"))):
                return current
            self._checked = now
            model = self.model()
            if model is None:
                self._view = None
                return None
            folder = store_dir(self.index_dir, model)
            names = tuple(f"{model}/{n}" for n in chunk_names(folder))
            if current is not None and current.generation is generation and current.names == names:
                return current
            blocks = []
            for key in names:
                block = self._blocks.get((model, key))
                if block is None:
                    try:
                        ids, vectors = read_chunk(folder, key.split("/", 1)[1])
                    except FileNotFoundError:
                        continue  # merged away since the listing: its rows are in the merged file
                    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
                    block = self._blocks[(model, key)] = _Block(ids, matrix, nearest=Nearest(matrix))
                    block.nearest.start()  # large blocks are searched exactly until their IVF index is ready
                blocks.append(block)
            for stale in [k for k in self._blocks if k[1] not in names]:
                del self._blocks[stale]
            if current is not None and current.generation is generation:
                sorted_ids, sorted_docs = current.sorted_ids, current.sorted_docs
            else:
                sorted_ids, sorted_docs = self._sorted_ids(generation)
            view = View(generation, names, np.zeros(0, dtype=np.int64), blocks, sorted_ids, sorted_docs)
            view.rows = np.full(generation.size, -1, dtype=np.int64)
            offset = 0
            for block in blocks:
                if block.docs_in is None or block.docs_in[0] is not generation:
                    block.docs_in = (generation, view.docnums(block.ids))
                docs = block.docs_in[1]
                found = docs >= 0
                view.rows[docs[found]] = offset + np.flatnonzero(found)
                offset += len(block.ids)
            self._view = view
            return view

    def _sorted_ids(self, generation: Generation) -> tuple[np.ndarray, np.ndarray]:
        """Return the live paragraphs' ids sorted, and their docnums."""
        parts = []
        for segment in generation.segments:
            ids = self._segment_ids.get(segment.segment_id)
            if ids is None:
                docs = np.arange(segment.size)
                ids = np.array(segment.columns.paragraph_ids(docs), dtype=ID_DTYPE)
                self._segment_ids[segment.segment_id] = ids
            parts.append(ids)
        self._segment_ids = {s.segment_id: self._segment_ids[s.segment_id] for s in generation.segments}
        if not parts:
            return np.zeros(0, dtype=ID_DTYPE), np.zeros(0, dtype=np.int64)
        live_docs = np.flatnonzero(generation.live)
        live_ids = np.concatenate(parts)[live_docs]
        order = np.argsort(live_ids, kind="stable")
        return live_ids[order], live_docs[order]

    def wait_nearest(self) -> None:
        """Block until the IVF indexes of the loaded vectors are built (benchmarks, tests)."""
        for block in list(self._blocks.values()):
            block.nearest.wait()

    def encode(self, model: str, text: str) -> np.ndarray:
        """Return the query vector of ``text`` (remembered: paging asks for it again)."""
        key = (model, text)
        with self._lock:
            cached = self._queries.get(key)
            if cached is not None:
                self._queries.move_to_end(key)
                return cached
            encoder = self._encoders.get(model)
            if encoder is None:
                encoder = self._encoders[model] = load_encoder(model)
        vector = encoder.query(text)
        with self._lock:
            self._queries[key] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def page(self, generation: Generation, parsed: ParsedQuery, request, selected: np.ndarray,
             exact: np.ndarray | None, masks: dict[str, np.ndarray], total: int,
             lexical_page: Callable[[object], list[dict]]) -> tuple[list[dict], int, dict, list[str]]:
        """Return (hits, total, the JSON ``semantic`` object, notices) of a fused results page.

        ``selected``: the lexical hits; ``exact``: those with every term; ``masks``: the facet
        filters; ``lexical_page(request)`` returns the lexical hits of a request's page.
        """
        query_text = " ".join(parsed.literals())
        # A quoted phrase must stand in every hit: the vectors may re-rank, never add.
        strict = any(leaf.phrase for leaf in parsed.tree.leaves())
        info = {"used": False, "model": None, "coverage": 0.0, "added": 0, "lexical_total": total, "reason": None}
        if request.sort != "relevance" or not query_text.strip():
            info["reason"] = "按时间排序时不使用语义检索。" if query_text.strip() else "检索式没有要查找的词。"
            return lexical_page(request), total, info, []
        view = self.view(generation)
        if view is None:
            # Said in the JSON, not as a notice: with the layer on by default, every search would say it.
            info["reason"] = "这个索引还没有语义向量（运行 `unionsearch vectors` 生成），本次只按字词检索。"
            return lexical_page(request), total, info, []
        info.update(used=True, model=view.names[0].split("/")[0], coverage=round(view.coverage, 4))
        query = self.encode(info["model"], query_text)
        approximate = view.approximate
        # Exact: every docnum's similarity at once. Approximate: only those of the lexical window
        # and of what the IVF index finds (a million-row product would cost more than the search).
        sims = np.full(len(view.rows), -np.inf, dtype=np.float32) if approximate else view.similarities(query)
        fusion = self.fusion
        end = request.page * request.per_page
        window = lexical_page(replace(request, page=1, per_page=min(total, end + fusion.depth) or 1)) if total else []
        lex_docs = view.docnums(np.array([hit["id"] for hit in window], dtype=ID_DTYPE))
        if approximate:
            valid = lex_docs >= 0
            sims[lex_docs[valid]] = view.similarity_of(query, lex_docs[valid])
        hit_of = dict(zip(lex_docs.tolist(), window))
        added = np.zeros(0, dtype=np.int64)
        if not strict and fusion.nearest:
            candidates = _allowed(generation, parsed, masks) & ~selected
            if not fusion.headings:
                candidates &= ~generation.is_heading
            if approximate:
                added, scores = view.nearest(query, fusion.nearest, candidates)
                sims[added] = scores
            else:
                docs = np.flatnonzero(candidates & np.isfinite(sims))
                if len(docs) > fusion.nearest:
                    docs = docs[np.argpartition(-sims[docs], fusion.nearest - 1)[:fusion.nearest]]
                added = docs[np.argsort(-sims[docs], kind="stable")]
        # Literal matches (every term, as typed or through a synonym) come before everything the
        # vectors add; only partial lexical hits (those that say what they lack) are merged with them.
        partial = np.array([bool(hit.get("missing")) for hit in window], dtype=bool)
        synonym = ~exact[lex_docs] if exact is not None else np.zeros(len(lex_docs), dtype=bool)
        tiers = np.where(partial, 2, np.where(synonym, 1, 0))
        order = fuse(lex_docs, tiers, added, sims, fusion)
        info["added"] = int(len(added))
        start = (request.page - 1) * request.per_page
        missing = [(shown(leaf.text), leaf.find(generation)) for leaf in parsed.tree.leaves()]
        hits = []
        for doc in order[start:end].tolist():
            if doc in hit_of:
                hits.append(dict(hit_of[doc], semantic_only=False))
            else:
                hit = generation.record(doc)
                hit["score"] = round(float(sims[doc]), 4)
                hit["semantic_only"] = True
                # Found by meaning: say which of the terms, as typed, it does not hold.
                hit["missing"] = [term for term, mask in missing if mask is None or not mask[doc]]
                hits.append(hit)
        notices = []
        if info["coverage"] < 1.0:
            notices.append(f"语义向量仍在生成中（已完成 {info['coverage']:.0%}），未生成向量的段落只按字词排序。")
        return hits, total + len(added), info, notices


def fuse(lexical: np.ndarray, tiers: np.ndarray, added: np.ndarray, sims: np.ndarray, fusion: Fusion) -> np.ndarray:
    """Return docnums in fused order: literal tiers first, then partial lexical hits merged with ``added``.

    ``lexical``: docnums in lexical order (a prefix of it); ``tiers``: 0 for paragraphs with every
    term as typed, 1 with every term through synonyms, 2 for partial matches; ``added``: docnums
    only the vectors found; ``sims``: each docnum's similarity. Tiers keep the lexical order
    between them; within the literal tiers the first ``depth`` are re-ordered by fusion.
    """
    parts = []
    for tier in (0, 1):
        ranked = lexical[tiers == tier]
        if fusion.rerank_exact:
            ranked = np.concatenate([_rrf(ranked[:fusion.depth], np.zeros(0, dtype=np.int64), sims, fusion),
                                     ranked[fusion.depth:]])
        parts.append(ranked)
    rest = lexical[tiers == 2]
    parts.append(np.concatenate([_rrf(rest[:fusion.depth], added, sims, fusion), rest[fusion.depth:]]))
    return np.concatenate(parts).astype(np.int64)


def _rrf(ranked: np.ndarray, extra: np.ndarray, sims: np.ndarray, fusion: Fusion) -> np.ndarray:
    """Order ``ranked`` (lexical order) and ``extra`` (no lexical rank) by reciprocal-rank fusion."""
    pool = np.concatenate([ranked, extra]).astype(np.int64)
    if not len(pool):
        return pool
    score = np.zeros(len(pool))
    score[:len(ranked)] = 1.0 / (fusion.k + 1 + np.arange(len(ranked)))
    pool_sims = sims[pool]
    has = np.isfinite(pool_sims)
    semantic_rank = np.empty(len(pool), dtype=np.int64)
    semantic_rank[np.argsort(-np.where(has, pool_sims, -np.inf), kind="stable")] = np.arange(len(pool))
    score[has] += fusion.weight / (fusion.k + 1 + semantic_rank[has])
    return pool[np.argsort(-score, kind="stable")]


def _allowed(generation: Generation, parsed: ParsedQuery, masks: dict[str, np.ndarray]) -> np.ndarray:
    """Return the live paragraphs that pass the facet filters and contain no excluded term."""
    allowed = generation.live.copy()
    for mask in masks.values():
        allowed &= mask
    for node in parsed.tree.excludes:
        excluded = node.child.find(generation)  # a pattern as a pattern
        if excluded is not None:
            allowed &= ~excluded
    return allowed
