"""The records that ingest produces: what a reader returns, and the articles and paragraphs built from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from .errors import IngestError  # noqa: F401  (re-exported: readers raise it from here)

PARAGRAPH_KINDS = ("title", "heading", "body", "caption")
LEVELS = ("national", "province", "city", "district", "unit", "enterprise")
DOC_TYPES = ("工作综述", "工作总结", "经验材料", "新闻报道", "工作展望", "工作报告", "其他")


@dataclass
class Block:
    """One piece of a document as its reader found it.

    Plain formats (text, PDF) give one block per physical line with ``wrapped=True``: the
    cleaning step rejoins them into paragraphs. Structured formats (HTML, DOCX, markdown
    headings) give whole paragraphs with ``wrapped=False``; ``heading_level`` 1–6 marks a
    heading the format itself declared.
    """

    text: str
    heading_level: int | None = None
    wrapped: bool = False


@dataclass
class RawDocument:
    """What a reader extracted from one file, before cleaning."""

    source: str
    format: str
    blocks: list[Block]
    metadata: dict = field(default_factory=dict)
    content_hash: str = ""


@dataclass
class Paragraph:
    """One natural paragraph of an article, with where it sits."""

    id: str
    kind: str
    section: str
    text: str
    themes: list[str] = field(default_factory=list)


@dataclass
class Article:
    """One article with its metadata and ordered paragraphs."""

    id: str
    title: str
    source: str
    organization: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    unit: str | None = None
    level: str | None = None
    year: int | None = None
    years_covered: list[int] | None = None
    doc_type: str | None = None
    byline: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)

    def to_dict(self, with_paragraphs: bool = True) -> dict:
        """Return the JSON shape of the command-line contract."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("paragraphs", "overrides")}
        data["years_covered"] = list(self.years_covered) if self.years_covered else self.years_covered
        if with_paragraphs:
            data["paragraphs"] = [asdict(p) for p in self.paragraphs]
        else:
            data["paragraph_count"] = len(self.paragraphs)
        return data


@dataclass
class Skipped:
    """A file that was not ingested, and why."""

    path: str
    reason: str


@dataclass
class IngestResult:
    """Everything ingest found under the given paths."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the ``inspect --json`` shape."""
        return {
            "articles": [a.to_dict() for a in self.articles],
            "skipped": [asdict(s) for s in self.skipped],
        }
