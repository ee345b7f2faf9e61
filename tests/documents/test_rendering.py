"""Every kind renders to PDF with real CJK glyphs and to DOCX; the text reads back."""

import io

from docx import Document as Docx

from sanxiang.core import clock
from sanxiang.documents.kinds import SPECS, DocumentKind
from sanxiang.documents.rendering import pdf_text, render_docx, render_pdf

from .conftest import LONG_TEXT, PARTY_NAME

KINDS_WITH_PARTY = {
    k for k, s in SPECS.items() if s.get_field("party_name") and k not in ("other",)
}


def pdf_fonts(data):
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            for desc in font.get("/DescendantFonts", []):
                desc = desc.get_object()
                fonts.add(str(desc["/BaseFont"]))
                # the font program is embedded (not just referenced)
                fd = desc["/FontDescriptor"].get_object()
                assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def docx_text(data):
    d = Docx(io.BytesIO(data))
    return "\n".join(p.text for p in d.paragraphs)


def squash(text):
    return "".join(text.split())


def test_each_kind_renders_pdf_and_docx(make_issued, reviewer_a, agency_a):
    """Every kind, issued from case data: the PDF text (and the DOCX text) reads back the
    agency, title, number and party; the fonts are embedded CJK fonts. One test for all
    kinds (they share the case set-up); failures name the kind."""
    for kind in DocumentKind.values:
        check_kind(kind, make_issued, reviewer_a, agency_a)


def check_kind(kind, make_issued, reviewer_a, agency_a):
    actor = reviewer_a if kind == DocumentKind.REVIEW_OPINION else None
    extra = {"body": LONG_TEXT} if kind == DocumentKind.OTHER else None
    doc = make_issued(kind, actor=actor, extra=extra)
    pdf = render_pdf(doc)
    assert pdf.startswith(b"%PDF"), kind
    text = squash(pdf_text(pdf))
    assert squash(agency_a.name) in text, kind
    title = doc.content["title"] if kind == DocumentKind.OTHER else str(SPECS[kind].title)
    assert squash(title) in text, kind
    assert squash(doc.number) in text, kind
    if kind in KINDS_WITH_PARTY:
        assert PARTY_NAME in text, kind
    fonts = pdf_fonts(pdf)
    assert any("CJK" in f for f in fonts), (kind, fonts)
    # round trip of rare characters: no glyph went missing (see the test below: a
    # character without a glyph is dropped from the text)
    assert "\ufffd" not in text, kind
    assert squash(LONG_TEXT)[:20] in text, kind  # long Chinese text with rare characters
    if kind == DocumentKind.OTHER:
        assert squash(LONG_TEXT) in text

    data = render_docx(doc)
    dtext = docx_text(data)
    assert agency_a.name in dtext, kind
    assert doc.number in dtext, kind
    assert title in dtext, kind
    if kind in KINDS_WITH_PARTY:
        assert PARTY_NAME in dtext, kind
    assert "{{" not in dtext and "{%" not in dtext, kind


def test_penalty_decision_pdf_carries_every_art59_element(make_issued, agency_a):
    doc = make_issued("penalty_decision")
    text = squash(pdf_text(render_pdf(doc)))
    c = doc.content
    for key in (
        "party_name",
        "party_address",
        "party_id_number",
        "legal_basis",
        "penalty",
        "performance",
        "remedies",
    ):
        assert squash(c[key])[:30] in text, key
    assert squash(c["facts"])[:30] in text
    assert squash(c["evidence"])[:20] in text
    assert "六十日内" in text and "六个月内" in text
    assert "印章" in text  # the seal area
    d = clock.local_date(doc.issued_at)  # the Beijing day, not the UTC one
    assert f"{d.year}年{d.month}月{d.day}日" in text


def test_draft_preview_is_marked_and_unnumbered(case_a, handler_a):
    from sanxiang.documents import services

    doc = services.create_draft(case_a, "prior_notice", {}, handler_a)
    text = squash(pdf_text(render_pdf(doc)))
    assert "草稿" in text
    assert "签发时生成" in text
    assert "草稿" in docx_text(render_docx(doc))


def test_user_text_is_escaped_in_docx_and_pdf(case_a, handler_a):
    from sanxiang.documents import services

    doc = services.create_draft(
        case_a,
        "other",
        {"title": "通知", "body": "<b>粗体</b> & 〈尖括号〉 {{ c.title }}"},
        handler_a,
    )
    dtext = docx_text(render_docx(doc))
    assert "<b>粗体</b> & 〈尖括号〉" in dtext
    assert "{{ c.title }}" in dtext  # not evaluated as a template tag
    text = pdf_text(render_pdf(doc))
    assert "<b>粗体</b>" in text


def test_docx_templates_exist_for_every_kind():
    from sanxiang.documents.rendering import DOCX_DIR

    for code, s in SPECS.items():
        assert (DOCX_DIR / s.docx_template).exists(), code


def test_amount_in_words():
    from sanxiang.documents.services import amount_in_words

    assert amount_in_words("5000") == "伍仟元整"
    assert amount_in_words("5000.50") == "伍仟元伍角"
    assert amount_in_words("10500") == "壹万零伍佰元整"
    assert amount_in_words("100010000") == "壹亿零壹万元整"
    assert amount_in_words("1005.07") == "壹仟零伍元零柒分"
    assert amount_in_words("0") == "零元整"


def test_round_trip_check_detects_a_missing_glyph(case_a, handler_a):
    """The extraction check above is meaningful: a character no installed font has
    (private use area) does not survive the round trip, while CJK text does."""
    from sanxiang.documents import services

    doc = services.create_draft(
        case_a, "other", {"title": "测试", "body": "甲乙\ue000丙丁"}, handler_a
    )
    text = squash(pdf_text(render_pdf(doc)))
    assert "甲乙" in text and "丙丁" in text
    assert "甲乙\ue000丙丁" not in text


def test_committed_docx_templates_match_the_build_script(tmp_path):
    """Run ``python -m sanxiang.documents.docx_templates.build`` after changing kinds."""
    from sanxiang.documents.docx_templates.build import build_one
    from sanxiang.documents.rendering import DOCX_DIR

    for s in SPECS.values():
        fresh = build_one(s, tmp_path / s.docx_template)
        committed = DOCX_DIR / s.docx_template
        assert docx_text(fresh.read_bytes()) == docx_text(committed.read_bytes()), s.code
