"""Build the Word templates (docxtpl) of every document kind.

    .venv/bin/python -m sanxiang.documents.docx_templates.build

writes ``<kind>.docx`` next to this file. The generated files are committed so that an
agency can open one in Word, change the layout (keeping the ``{{ … }}`` tags) and put it
back; re-running the script overwrites them with the default layout. Tags available:
``agency_name``, ``title``, ``number``, ``date``, ``seal_name``, ``draft``,
``corrects_text`` and ``c.<field>`` for every field of the kind (see ``kinds.py``).
"""

from pathlib import Path

from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
HEADER_KEYS = {"agency_name", "seal_name", "document_date", "case_number", "title"}
EAST_ASIA_FONT = "宋体"
HEADING_FONT = "黑体"


def _font(run, name=EAST_ASIA_FONT, size=None, bold=None, color=None):
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _para(doc, text="", align=None, size=12, bold=False, name=EAST_ASIA_FONT, indent=False):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if text:
        _font(p.add_run(text), name=name, size=size, bold=bold)
    return p


def build_one(spec, path=None):
    """Write the default template of ``spec`` (a ``KindSpec``) to ``path``."""
    path = Path(path or HERE / spec.docx_template)
    doc = Docx()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = EAST_ASIA_FONT
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), EAST_ASIA_FONT)

    _para(doc, "{%p if draft %}")
    _para(doc, "草稿 · 未签发", WD_ALIGN_PARAGRAPH.CENTER, 12, True, HEADING_FONT)
    _para(doc, "{%p endif %}")
    _para(doc, "{{ agency_name }}", WD_ALIGN_PARAGRAPH.CENTER, 20, True, HEADING_FONT)
    _para(doc, "{{ title }}", WD_ALIGN_PARAGRAPH.CENTER, 18, True, HEADING_FONT)
    _para(doc, "{{ number }}", WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{%p if corrects_text %}")
    _para(doc, "{{ corrects_text }}")
    _para(doc, "{%p endif %}")
    if spec.get_field("case_number"):
        _para(doc, "{%p if c.case_number %}")
        _para(doc, "案件编号：{{ c.case_number }}")
        _para(doc, "{%p endif %}")
    for f in spec.fields:
        if f.key in HEADER_KEYS or f.auto:
            continue
        p = _para(doc)
        _font(p.add_run(f"{f.label}："), size=12, bold=True, name=HEADING_FONT)
        if f.widget == "textarea":
            _para(doc, "{{ c." + f.key + " }}", indent=True)
        else:
            _font(p.add_run("{{ c." + f.key + " }}"), size=12)
    if spec.party_signs:
        _para(doc, "")
        _para(doc, "当事人（被询问人、受送达人）签名（盖章）：　　　　　　年　　月　　日")
        _para(doc, "执法人员签名：　　　　　　　　　　　记录人签名：")
    _para(doc, "")
    if spec.sealed:
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _font(p.add_run("（印章：{{ seal_name }}）"), color="CC0000")
    _para(doc, "{{ agency_name }}", WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ date }}", WD_ALIGN_PARAGRAPH.RIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def build_all():
    from sanxiang.documents.kinds import SPECS

    return [build_one(s) for s in SPECS.values()]


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    django.setup()
    for p in build_all():
        print(p)
