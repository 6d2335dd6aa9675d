"""Word (.docx) export of a result list or a collection: a heading per source article, the citation under each text."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from index.fields import region_text

from .export import citation, missing_note, organization_of

BODY_FONT = "宋体"  # what Word and WPS set Chinese body text in by default
CITATION_GREY = RGBColor(0x59, 0x59, 0x59)


@dataclass
class Excerpt:
    """One paragraph of the export: its text, its citation line, and the writer's note or a warning."""

    text: str
    citation: str
    note: str = ""
    flag: str = ""


@dataclass
class Section:
    """Paragraphs from one source article under its heading (the title) and a line about it."""

    heading: str
    meta: str = ""
    excerpts: list[Excerpt] = field(default_factory=list)


def article_meta(record: dict) -> str:
    """Return the line under an article heading: organization · region · year."""
    return " · ".join(str(m) for m in (organization_of(record), region_text(record), record.get("year") or "") if m)


def _set_east_asian_font(style, name: str) -> None:
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def build_docx(title: str, lines: list[str], sections: list[Section]) -> bytes:
    """Return a .docx: ``title`` as the document title, ``lines`` under it, then each section."""
    document = Document()
    _set_east_asian_font(document.styles["Normal"], BODY_FONT)
    document.core_properties.title = title
    document.add_heading(title, level=0)
    for line in lines:
        document.add_paragraph(line)
    for section in sections:
        document.add_heading(section.heading, level=1)
        if section.meta:
            document.add_paragraph(section.meta).runs[0].italic = True
        for excerpt in section.excerpts:
            if excerpt.flag:
                warning = document.add_paragraph().add_run(f"【{excerpt.flag}】")
                warning.bold = True
            for text_line in excerpt.text.splitlines() or [""]:
                document.add_paragraph(text_line)
            if excerpt.note:
                document.add_paragraph().add_run(f"备注：{excerpt.note}").italic = True
            cited = document.add_paragraph()
            cited.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = cited.add_run(excerpt.citation)
            run.font.size = Pt(9)
            run.font.color.rgb = CITATION_GREY
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def results_docx(result: dict, citation_format: str, described_filters: str = "") -> bytes:
    """Return the hits of an exported result as .docx, grouped under their articles in first-hit order."""
    query = result.get("query") or ""
    lines = [f"共 {result['total']} 段，导出 {len(result['hits'])} 段"
             + (f"（导出上限 {result.get('limit')} 段）" if result["total"] > len(result["hits"]) else "") + "。"]
    if described_filters:
        lines.append(f"筛选：{described_filters}。")
    sections: dict[str, Section] = {}
    for hit in result["hits"]:
        section = sections.get(hit["article_id"])
        if section is None:
            section = sections[hit["article_id"]] = Section(f"《{hit.get('title') or ''}》", article_meta(hit))
        section.excerpts.append(Excerpt(hit.get("text") or "", citation(hit, citation_format), flag=missing_note(hit)))
    return build_docx(f"检索结果：{query}" if query else "检索结果（全部段落）", lines, list(sections.values()))


def collection_docx(collection: dict, flags: dict[int, str] | None = None) -> bytes:
    """Return a collection as .docx in its own order; consecutive clippings of one article share a heading.

    ``flags`` maps a clipping id to a warning printed above it (来源已变更).
    """
    flags = flags or {}
    sections: list[Section] = []
    last_article = None
    for clip in collection["clippings"]:
        if clip["article_id"] != last_article:
            sections.append(Section(f"《{clip.get('title') or ''}》", article_meta(clip)))
            last_article = clip["article_id"]
        sections[-1].excerpts.append(Excerpt(clip["text"], clip["citation"], clip.get("note") or "",
                                             flags.get(clip["id"], "")))
    lines = [f"共 {len(collection['clippings'])} 条摘录。"]
    return build_docx(collection["name"], lines, sections)
