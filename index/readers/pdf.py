"""Read PDF text layers with pypdfium2: one wrapped block per line, a blank between pages."""

from __future__ import annotations

import pypdfium2 as pdfium

from index.model import Block, IngestError
from index.readers.encoding import split_lines

_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
            raise IngestError("PDF 有密码保护") from exc
        raise IngestError(f"PDF 文件已损坏（{exc}）") from exc


def _page_lines(document: pdfium.PdfDocument, index: int) -> list[str]:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_bounded()
        finally:
            textpage.close()
    finally:
        page.close()
    return split_lines(text)


def _metadata(document: pdfium.PdfDocument) -> dict:
    try:
        info = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        return {}
    meta = {}
    # pdf_title and pdf_author are shown nowhere, yet stay: ingest.text_hash counts a file's own
    # metadata, so two files with the same text and different properties are not skipped as duplicates.
    for source, key in (("Title", "pdf_title"), ("Author", "pdf_author"), ("CreationDate", "pdf_created")):
        value = str(info.get(source, "")).strip()
        if value:
            meta[key] = value
    return meta


def read_pdf(data: bytes) -> tuple[list[Block], dict]:
    """Return the text layer line by line, pages separated by an empty block."""
    document = _open(data)
    blocks: list[Block] = []
    try:
        meta = _metadata(document)
        if len(document) == 0:
            raise IngestError("PDF 文件已损坏（没有页面）")
        for index in range(len(document)):
            if index:
                blocks.append(Block("", wrapped=True))
            try:
                lines = _page_lines(document, index)
            except pdfium.PdfiumError as exc:
                raise IngestError(f"PDF 文件已损坏（第 {index + 1} 页：{exc}）") from exc
            blocks.extend(Block(line, wrapped=True) for line in lines)
    finally:
        document.close()
    if not any(block.text.strip() for block in blocks):
        raise IngestError("PDF 没有文字层（可能是扫描图片）")
    return blocks, meta
