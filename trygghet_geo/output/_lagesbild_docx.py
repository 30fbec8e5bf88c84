"""The lägesbild as a Word file (python-docx), drawn from the same blocks as the HTML.

Headings are Word's own heading styles (the title "Title", the six sections "Heading 1", their parts
"Heading 2" and "Heading 3"), so Word's navigation pane and table of contents find them and a municipality
can restyle and brand the file; tables are real Word tables, images are pictures. Nothing is a field or a
macro: every text goes in as a plain run.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from trygghet_geo.output._lagesbild_doc import Block, Table

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["write_docx"]

_LEVEL = {"h1": 1, "h2": 2, "h3": 3}


def _clean(text: str) -> str:
    """Text as Word accepts it: XML forbids most control characters (lxml refuses them)."""
    from trygghet_geo.output._redact import clean_text

    return clean_text(text)


def write_docx(blocks: Sequence[Block], path: str | Path, *, title: str) -> Path:
    """Write ``blocks`` to ``path`` as a .docx and return the path."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, as Swedish municipalities print
    section.left_margin = section.right_margin = Cm(2.0)
    document.core_properties.title = _clean(title)
    document.core_properties.author = "trygghet_geo"
    document.core_properties.language = "sv-SE"
    document.styles["Normal"].font.size = Pt(10)
    for block in blocks:
        if block.kind == "title":
            document.add_heading(_clean(block.text), level=0)
        elif block.kind in _LEVEL:
            document.add_heading(_clean(block.text), level=_LEVEL[block.kind])
        elif block.kind == "p":
            document.add_paragraph(_clean(block.text))
        elif block.kind == "note":
            run = document.add_paragraph().add_run(_clean(block.text))
            run.bold = True
        elif block.kind == "list":
            for item in block.items:
                document.add_paragraph(_clean(item), style="List Bullet")
        elif block.kind == "image" and block.image:
            document.add_picture(io.BytesIO(block.image), width=Cm(16.5))
            caption = document.add_paragraph(_clean(block.text), style="Caption")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind in ("table", "about") and block.table is not None:
            _table(document, block.table)
        elif block.kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    from trygghet_geo._atomic import replacing

    with replacing(path) as temporary:  # whole or not at all
        document.save(str(temporary))
    return path


def _table(document: Document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if table.caption:
        document.add_paragraph(_clean(table.caption), style="Caption")
    t = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    t.style = "Table Grid"
    numeric = table.numeric or [False] * len(table.columns)
    for i, (row_obj, row) in enumerate(zip(t.rows, [table.columns, *table.rows], strict=True)):
        for j, (cell, value) in enumerate(zip(row_obj.cells, row, strict=True)):
            cell.text = _clean(value)
            para = cell.paragraphs[0]
            for run in para.runs:
                run.font.size = Pt(8)
                run.bold = i == 0
            if i and numeric[j]:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()
