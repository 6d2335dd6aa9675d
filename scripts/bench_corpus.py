"""Generate reproducible synthetic corpora for the benchmark from the sample corpus's real sentences.

The sample documents (``index/sample``) are read with the product's own ingest, their body
paragraphs split into sentences, and those sentences recombined into new articles: paragraph
lengths and article sizes are drawn from the distributions measured on the sample, metadata
(place, level, year, document type, organisation) is drawn from the gazetteer, and each article
prefers sentences of one theme (``index.themes.classify``) so that theme facets look real.

Article ``n`` depends only on the seed and ``n``: a corpus of 10k paragraphs is the beginning
of the corpus of 100k paragraphs with the same seed. Files are streamed to disk one at a
time, so a corpus of 1M paragraphs never sits in memory.

Three file styles rotate, so the whole reading and cleaning path is exercised:
markdown with YAML front matter, plain text with a ``NAME.meta.toml`` sidecar, and plain
text hard-wrapped like PDF extraction (full-width indent, 38 characters a line) with a sidecar.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240501
REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "index" / "sample"
FILES_PER_FOLDER = 1000
WRAP_WIDTH = 38
STYLES = ("md", "txt", "pdf-txt")

# A sentence ends at 。！？； (also ASCII ! ?), with any closing quotes or brackets after it.
_SENTENCE = re.compile(r"[^。！？；!?]+(?:[。！？；!?]+[”’」』）)]*|$)")
_HEADING_NUMBER = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[）)]"
    r"|\d+[.、．])\s*"
)
_NUMERALS = "一二三四五六七八九十"
LEVEL_WEIGHTS = {"national": 2, "province": 20, "city": 45, "district": 18, "unit": 8, "enterprise": 7}
DOC_TYPE_WEIGHTS = {"工作总结": 30, "工作综述": 20, "经验材料": 20, "新闻报道": 20, "工作展望": 5, "工作报告": 5}
YEARS = tuple(range(2015, 2025))
UNITS = ("第一人民医院", "实验中学", "供电公司", "公交集团", "自来水公司", "烟草专卖局", "邮政分公司")
ENTERPRISES = ("钢铁集团有限公司", "能源集团有限公司", "建工集团有限公司", "交通投资集团有限公司", "纺织集团有限公司")


@dataclass
class SourcePool:
    """What the generator draws from: real sentences, headings and size distributions."""

    sentences: list[str]
    by_theme: dict[str, list[str]]
    headings: list[str]
    body_lengths: list[int]
    article_sizes: list[int]

    def fingerprint(self) -> str:
        """Return a short hash that changes whenever the pool (and so every corpus) changes."""
        data = json.dumps([self.sentences, self.headings, self.body_lengths, self.article_sizes,
                           sorted(self.by_theme.items())], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


@dataclass
class GeneratedArticle:
    """One synthetic article: its metadata and its paragraphs as (kind, text), title first."""

    number: int
    metadata: dict[str, object]
    blocks: list[tuple[str, str]] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """Return the sentences of a paragraph, each with its end punctuation and closing quotes."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def strip_heading_number(text: str) -> str:
    """Return a heading without its enumeration (一、 （一） 1. 第一部分)."""
    return _HEADING_NUMBER.sub("", text).strip()


@lru_cache(maxsize=4)
def load_pool(sample_dir: Path = SAMPLE_DIR) -> SourcePool:
    """Read the sample corpus with the product's ingest and build the generator's pool."""
    from index.ingest import ingest
    from index.themes import classify, load_theme_rules

    result = ingest([Path(sample_dir)])
    rules = load_theme_rules()
    sentences: list[str] = []
    headings: list[str] = []
    body_lengths: list[int] = []
    for article in result.articles:
        for paragraph in article.paragraphs:
            if paragraph.kind == "body":
                body_lengths.append(len(paragraph.text))
                sentences.extend(s for s in split_sentences(paragraph.text) if len(s) >= 6)
            elif paragraph.kind == "heading":
                heading = strip_heading_number(paragraph.text)
                if 4 <= len(heading) <= 30:
                    headings.append(heading)
    sentences = list(dict.fromkeys(sentences))
    by_theme: dict[str, list[str]] = {}
    for sentence in sentences:
        themes = classify(sentence, rules)
        if themes:
            by_theme.setdefault(themes[0], []).append(sentence)
    sizes = [len(a.paragraphs) for a in result.articles]
    return SourcePool(sentences, by_theme, list(dict.fromkeys(headings)), body_lengths, sizes)


@lru_cache(maxsize=1)
def load_places() -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """Return ((province, ((city, (county, ...)), ...)), ...) from the product's gazetteer."""
    from index.metadata.gazetteer import FULL, get_gazetteer

    tree: dict[str, dict[str, set[str]]] = {}
    for entries in get_gazetteer().names.values():
        for entry in entries:
            place = entry.place
            if entry.strength != FULL or not place.province or not place.city:
                continue
            counties = tree.setdefault(place.province, {}).setdefault(place.city, set())
            if place.level == "district" and place.county:
                counties.add(place.county)
    return tuple(
        (province, tuple((city, tuple(sorted(counties))) for city, counties in sorted(cities.items())))
        for province, cities in sorted(tree.items())
    )


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _metadata(rng: random.Random) -> dict[str, object]:
    """Draw a plausible place, level, organisation, year and document type."""
    places = load_places()
    # Weighting by the number of cities skews the province facet the way real archives are.
    province, cities = rng.choices(places, weights=[len(c) for _, c in places])[0]
    city, counties = rng.choice(cities)
    level = _weighted(rng, LEVEL_WEIGHTS)
    meta: dict[str, object] = {"level": level, "year": rng.choice(YEARS), "doc_type": _weighted(rng, DOC_TYPE_WEIGHTS)}
    if level == "national":
        meta["organization"] = "中华全国总工会"
        return meta
    meta["province"] = province
    if level == "province":
        meta["organization"] = f"{province}总工会"
        return meta
    meta["city"] = city
    if level == "district" and counties:
        county = rng.choice(counties)
        meta["county"] = county
        meta["organization"] = f"{county}总工会"
    elif level in ("unit", "enterprise"):
        unit = city.removesuffix("市") + rng.choice(UNITS if level == "unit" else ENTERPRISES)
        meta["unit"] = unit
        meta["organization"] = f"{unit}工会"
    else:
        meta["level"] = "city"
        meta["organization"] = f"{city}总工会"
    return meta


def _topic(theme: str) -> str:
    return theme.split("/")[0] + "工作"


def _title(meta: dict[str, object], theme: str) -> str:
    org, year, topic = meta["organization"], meta["year"], _topic(theme)
    return {
        "工作总结": f"{org}{year}年{topic}总结",
        "工作综述": f"{org}{year}年{topic}综述",
        "经验材料": f"{org}推进{topic}的做法与经验",
        "新闻报道": f"{org}扎实推进{topic}",
        "工作展望": f"{org}{year}年工作要点",
        "工作报告": f"{org}{year}年工作报告",
    }[str(meta["doc_type"])]


def _paragraph(rng: random.Random, pool: SourcePool, themed: list[str], used: set[str]) -> str:
    """Recombine sentences up to a length drawn from the sample's body-paragraph lengths."""
    target = rng.choice(pool.body_lengths)
    parts: list[str] = []
    length = 0
    while True:
        sentence = rng.choice(themed) if themed and rng.random() < 0.5 else rng.choice(pool.sentences)
        # A sentence repeated within one article is unrealistic, and the cleaning step rightly
        # drops lines that recur verbatim (page headers), so draw again (bounded: pools are large).
        for _ in range(20):
            if sentence not in used:
                break
            sentence = rng.choice(pool.sentences)
        used.add(sentence)
        # Stop before the sentence that would take the length further from the target.
        if parts and abs(length + len(sentence) - target) >= abs(length - target):
            return "".join(parts)
        parts.append(sentence)
        length += len(sentence)


def _numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n - 1]
    return ("" if n < 20 else _NUMERALS[n // 10 - 1]) + "十" + (_NUMERALS[n % 10 - 1] if n % 10 else "")


def generate_article(pool: SourcePool, seed: int, number: int) -> GeneratedArticle:
    """Return article ``number`` of the corpus with ``seed``; the same arguments give the same article."""
    from index.themes import THEMES

    rng = random.Random(f"{seed}:{number}")
    meta = _metadata(rng)
    theme = rng.choice([t for t in THEMES if pool.by_theme.get(t)] or list(THEMES))
    themed = pool.by_theme.get(theme, [])
    size = max(3, rng.choice(pool.article_sizes))
    used: set[str] = set()
    blocks = [("title", _title(meta, theme))]
    blocks += [("body", _paragraph(rng, pool, themed, used)) for _ in range(rng.randint(1, 2))]
    section = 0
    while len(blocks) < size:
        section += 1
        blocks.append(("heading", f"{_numeral(section)}、{rng.choice(pool.headings)}"))
        for _ in range(min(rng.randint(2, 7), max(1, size - len(blocks)))):
            blocks.append(("body", _paragraph(rng, pool, themed, used)))
    return GeneratedArticle(number, meta, blocks)


def iter_articles(pool: SourcePool, seed: int, paragraphs: int) -> Iterator[GeneratedArticle]:
    """Yield articles 0, 1, 2 … until together they hold at least ``paragraphs`` paragraphs."""
    total = number = 0
    while total < paragraphs:
        article = generate_article(pool, seed, number)
        total += len(article.blocks)
        number += 1
        yield article


def _quoted(value: object) -> str:
    # A JSON string is also a valid TOML basic string and a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _wrapped(text: str) -> list[str]:
    text = "\u3000\u3000" + text
    return [text[i : i + WRAP_WIDTH] for i in range(0, len(text), WRAP_WIDTH)]


def render(article: GeneratedArticle, style: str) -> tuple[str, str, str | None]:
    """Return (file suffix, file text, sidecar TOML or None) for one article in one style."""
    fields = [f"{k} = {_quoted(v)}" for k, v in article.metadata.items()]
    title = article.blocks[0][1]
    rest = article.blocks[1:]
    if style == "md":
        front = "\n".join(line.replace(" = ", ": ", 1) for line in fields)
        body = "\n\n".join(f"## {text}" if kind == "heading" else text for kind, text in rest)
        return ".md", f"---\n{front}\n---\n\n# {title}\n\n{body}\n", None
    sidecar = "\n".join(fields) + "\n"
    if style == "txt":
        return ".txt", title + "\n\n" + "\n\n".join(text for _, text in rest) + "\n", sidecar
    if style == "pdf-txt":
        lines = [title, ""]
        for kind, text in rest:
            lines.extend([text] if kind == "heading" else _wrapped(text))
        return ".txt", "\n".join(lines) + "\n", sidecar
    raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")


def write_article(article: GeneratedArticle, folder: Path) -> Path:
    """Write one article (and its sidecar) under ``folder``; return the document's path."""
    suffix, text, sidecar = render(article, STYLES[article.number % len(STYLES)])
    sub = folder / f"{article.number // FILES_PER_FOLDER:04d}"
    sub.mkdir(parents=True, exist_ok=True)
    path = sub / f"{article.number:07d}{suffix}"
    path.write_text(text, encoding="utf-8")
    if sidecar is not None:
        path.with_name(f"{path.stem}.meta.toml").write_text(sidecar, encoding="utf-8")
    return path


def corpus_stamp(seed: int, paragraphs: int, pool: SourcePool) -> dict[str, object]:
    """Return what identifies a corpus: equal stamps mean identical files."""
    return {"seed": seed, "paragraphs": paragraphs, "generator": GENERATOR_VERSION, "pool": pool.fingerprint()}


def write_corpus(folder: Path, paragraphs: int, seed: int = DEFAULT_SEED,
                 pool: SourcePool | None = None) -> dict[str, object]:
    """Write a fresh corpus of at least ``paragraphs`` paragraphs into ``folder``; return its stats."""
    pool = pool or load_pool()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    articles = written = 0
    lengths: list[int] = []
    for article in iter_articles(pool, seed, paragraphs):
        write_article(article, folder)
        articles += 1
        written += len(article.blocks)
        lengths.extend(len(text) for kind, text in article.blocks if kind == "body")
    lengths.sort()
    quantiles = {f"p{q}": lengths[min(len(lengths) - 1, len(lengths) * q // 100)] for q in (10, 50, 90, 99)}
    return {**corpus_stamp(seed, paragraphs, pool), "articles": articles, "generated_paragraphs": written,
            "body_length": quantiles}


def ensure_corpus(size_dir: Path, paragraphs: int, seed: int = DEFAULT_SEED,
                  rebuild: bool = False) -> tuple[Path, dict[str, object], bool]:
    """Return (corpus folder, stats, reused): reuse the corpus on disk when its stamp matches."""
    pool = load_pool()
    folder, stamp_file = size_dir / "corpus", size_dir / "corpus.json"
    wanted = corpus_stamp(seed, paragraphs, pool)
    if not rebuild and stamp_file.is_file() and folder.is_dir():
        stats = json.loads(stamp_file.read_text(encoding="utf-8"))
        if all(stats.get(k) == v for k, v in wanted.items()):
            return folder, stats, True
    stamp_file.unlink(missing_ok=True)  # a run interrupted while writing must not look complete
    stats = write_corpus(folder, paragraphs, seed, pool)
    stamp_file.write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder, stats, False


def write_extra_document(folder: Path, seed: int, marker: str) -> Path:
    """Write one new article (not in any corpus) whose first body paragraph contains ``marker``."""
    article = generate_article(load_pool(), seed, 10**9)
    kind, text = article.blocks[1]
    article.blocks[1] = (kind, f"{marker}。{text}")
    return write_article(article, folder)
