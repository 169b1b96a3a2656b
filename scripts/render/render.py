#!/usr/bin/env python3
"""Print a reviewed report JSON (gold format) back into report PDFs with several PDF writers.

usage: render.py GOLD.json OUTDIR [NAME...]

Writes OUTDIR/<name>.pdf for every rendition named (default: all), and for a rendition of
another fiscal year also OUTDIR/<name>.gold.json, its answer key (the others are keyed by
the input JSON itself).
See README.md in this folder for the renditions and what each one exercises.
"""
import copy
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layout  # noqa: E402
from layout import PAGE_H, PAGE_W, Style  # noqa: E402

IPAEX_M = "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"
IPAEX_G = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
FIXED_DATE = datetime.datetime(2024, 6, 1, 0, 0, 0, tzinfo=datetime.timezone.utc)


# ---------------------------------------------------------------- another fiscal year


def bump_digits(s, by=1):
    """'５年度' -> '６年度', 'R5' -> 'R6' (full-width digits stay full-width)."""
    def rep(m):
        t = m.group(0)
        full = t[0] in "０１２３４５６７８９"
        n = int(t.translate(str.maketrans("０１２３４５６７８９", "0123456789"))) + by
        return str(n).translate(layout.FULL_DIGITS) if full else str(n)
    return re.sub(r"[0-9]+|[０-９]+", rep, s)


def grow(text, salt):
    """The next year's value of a metric cell: every number grows a little, format kept."""
    def rep(m):
        t = m.group(0)
        plain = t.replace(",", "")
        if "." in plain:
            return t
        n = int(plain)
        n2 = n + (n // 7 if n >= 7 else (salt % 3))
        return "{:,}".format(n2) if "," in t else str(n2)
    return re.sub(r"[0-9][0-9,]*(?:\.[0-9]+)?", rep, text)


def next_year(gold):
    """The same report one fiscal year later: era year + 1, summary columns and metric
    columns shifted (the old last column becomes the previous year), costs changed."""
    g = copy.deepcopy(gold)
    g["era_year"] += 1
    g["fiscal_year"] += 1
    g["title"] = g["title"].replace(layout.era_digits(gold["era_year"]), layout.era_digits(g["era_year"]), 1)
    factor = lambda c, salt: c + (c * (salt % 11 + 1)) // 40  # noqa: E731
    for pol in g["policies"]:
        pol["summary_columns"] = [bump_digits(c) if re.match(r"^R[0-9]", c) else c for c in pol["summary_columns"]]
        cost_of = {}
        for card in pol["cards"]:
            # keyed by the name, so a relisted card gets the same figures as its original
            salt = sum(map(ord, card["name"])) % 97
            if card.get("cost_breakdown"):
                for b in card["cost_breakdown"]:
                    b["cost"] = factor(b["cost"], salt)
                card["cost"] = sum(b["cost"] for b in card["cost_breakdown"])
            else:
                card["cost"] = factor(card["cost"], salt)
            cost_of[card["no"]] = card["cost"]
            if card["metrics"] and len(card["metric_years"]) >= 2:
                card["metric_years"] = [bump_digits(y) for y in card["metric_years"]]
                for m in card["metrics"]:
                    if len(m["cells"]) >= 2:
                        m["cells"] = m["cells"][1:] + [grow(m["cells"][-1], salt)]
            card["notes"] = []
        for r in pol["summary"]:
            r["cost"] = cost_of.get(r["no"], r["cost"])
        pol["subtotal"] = sum(r["cost"] for r in pol["summary"])
    return g


# ---------------------------------------------------------------- canvas writers


def ops_pages(gold, st, measure):
    for page in layout.plan(gold, st, measure):
        yield page, layout.draw_page(page, gold, st, measure)


def write_reportlab(gold, st, out, fonts):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    regular, bold = fonts

    def measure(t, size, b=False):
        return pdfmetrics.stringWidth(t, bold if b else regular, size)

    c = canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(gold["title"])
    c.setLineWidth(0.6)
    for page, ops in ops_pages(gold, st, measure):
        rot = st.rotate.get(page["number"], 0)
        if rot in (90, 270):
            # landscape MediaBox, content turned so that the page reads upright once
            # the viewer applies /Rotate
            # reportlab itself swaps the MediaBox to landscape for /Rotate 90 and 270
            c.setPageSize((PAGE_W, PAGE_H))
            c.setPageRotation(rot)
            c.saveState()
            if rot == 90:
                c.transform(0, 1, -1, 0, PAGE_H, 0)
            else:
                c.transform(0, -1, 1, 0, 0, PAGE_W)
        else:
            c.setPageSize((PAGE_W, PAGE_H))
            c.setPageRotation(0)
        for op in ops:
            if op[0] == "t":
                _, x, y, size, text, b = op
                c.setFont(bold if b else regular, size)
                c.drawString(x, PAGE_H - y, text)
            elif op[0] == "r":
                _, x, y, w, h = op
                c.rect(x, PAGE_H - y - h, w, h)
            elif op[0] == "l":
                _, x1, y1, x2, y2 = op
                c.line(x1, PAGE_H - y1, x2, PAGE_H - y2)
        if rot in (90, 270):
            c.restoreState()
        c.showPage()
    c.save()


def reportlab_ttf_fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("IPAexMincho", IPAEX_M))
    pdfmetrics.registerFont(TTFont("IPAexGothic", IPAEX_G))
    return ("IPAexMincho", "IPAexGothic")


def reportlab_cid_fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return ("HeiseiMin-W3", "HeiseiKakuGo-W5")


def write_fpdf2(gold, st, out):
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(gold["title"])
    pdf.set_auto_page_break(False)
    pdf.add_font("ipaexg", fname=IPAEX_G)
    pdf.add_font("ipaexm", fname=IPAEX_M)
    pdf.set_line_width(0.5)

    def measure(t, size, b=False):
        pdf.set_font("ipaexg" if b else "ipaexm", size=size)
        return pdf.get_string_width(t)

    for page, ops in ops_pages(gold, st, measure):
        pdf.add_page()
        for op in ops:
            if op[0] == "t":
                _, x, y, size, text, b = op
                pdf.set_font("ipaexg" if b else "ipaexm", size=size)
                pdf.text(x, y, text)
            elif op[0] == "r":
                pdf.rect(*op[1:])
            elif op[0] == "l":
                pdf.line(*op[1:])
    pdf.output(out)


# ---------------------------------------------------------------- flow writers (HTML)

HTML_CSS = """
@page { size: A4; margin: 0; }
body { margin: 0; font-family: "%(font)s"; font-size: %(size)spt; line-height: %(lh)s; }
.page { position: relative; height: 297mm; box-sizing: border-box; padding: 14mm 17mm 20mm 17mm;
        overflow: hidden; break-after: page; }
.page:last-child { break-after: auto; }
.folio { position: absolute; bottom: 9mm; left: 0; right: 0; text-align: center; }
.ln { min-height: 1em; }
.hang { text-indent: -0.5em; }
h1 { font-size: 1.15em; margin: 0 0 0.6em 0; font-weight: bold; }
h2 { font-size: 1.15em; margin: 0.2em 0 0.5em 0; font-weight: bold; }
.label { font-weight: bold; margin-bottom: 0.3em; }
table { border-collapse: collapse; width: 100%%; }
td, th { vertical-align: top; padding: 1pt 3pt; font-weight: normal; }
.sum th { border-bottom: %(rule)s; text-align: center; }
.sum td { border-bottom: %(rule)s; }
.sum .r { text-align: right; } .sum .c { text-align: center; }
.card { margin-bottom: 9mm; }
.title td { padding: 0 0 3pt 0; }
.title .name { font-weight: bold; font-size: 1.1em; }
.title .cost { text-align: right; white-space: nowrap; width: 1%%; padding-right: 6pt; }
.title .no { width: 1%%; }
.numbox { border: 0.6pt solid black; padding: 1pt 5pt; font-size: 1.1em; white-space: nowrap; }
.box th { text-align: center; font-weight: bold; }
.box td.ov { width: %(split)s%%; }
.box td, .box th { border: %(rule)s; }
.met td, .met th { border: %(rule)s; }
.met .v { text-align: right; white-space: nowrap; }
.met .item { width: %(item)s%%; }
.dept { text-align: right; margin-top: 2pt; }
.cst { text-align: center; font-weight: bold; margin-bottom: 0.8em; }
.csh { font-weight: bold; font-size: 1.1em; }
"""


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_lines(text, st):
    out = []
    for line in str(text).split("\n"):
        cls = "ln hang" if st.hang and line[:1] in layout.OPENING else "ln"
        out.append('<div class="%s">%s</div>' % (cls, esc(line)))
    return "".join(out)


def html_card(card, st):
    no = str(card["no"]).translate(layout.FULL_DIGITS) if st.full_width_no else str(card["no"])
    name = card["name"] + ("（再掲）" if card["relisted"] else "")
    cost = "事業費 {:,} 千円".format(card["cost"])
    if card.get("cost_breakdown"):
        cost += "<br>(" + "、".join("{}{:,} 千円".format(b["label"], b["cost"]) for b in card["cost_breakdown"]) + ")"
    h = ['<div class="card"><table class="title"><tr><td class="name">%s</td><td class="cost">%s</td>'
         '<td class="no"><span class="numbox">%s</span></td></tr></table>' % (html_lines(name, st), cost, no)]
    h.append('<table class="box"><tr><th>【 事業概要 】</th><th>【 事業実績 】</th></tr><tr><td class="ov">%s</td><td>%s</td></tr></table>'
             % (html_lines(card["overview"], st), html_lines(card["results"], st)))
    if card["metrics"]:
        h.append('<table class="met"><tr><th class="item">項目名</th>%s</tr>' % "".join("<th>%s</th>" % esc(y) for y in card["metric_years"]))
        for m in card["metrics"]:
            h.append('<tr><td class="item">%s</td>%s</tr>' % (html_lines(m["item"], st), "".join('<td class="v">%s</td>' % html_lines(c, st) for c in m["cells"])))
        h.append("</table>")
    h.append('<div class="dept">%s</div></div>' % html_lines("（担当課：" + card["department"] + "）", st))
    return "".join(h)


def html_summary(pol, rows, first, last, gold):
    lab = "R%d" % gold["era_year"]
    multi = len(pol["numbers"]) > 1
    h = ['<div class="label">【基本方針事業一覧】</div>' if first else ""]
    h.append('<table class="sum"><tr>')
    if multi:
        h += ["<th>基本方針<br>%s</th>" % layout.CIRCLED[n - 1] for n in pol["numbers"]]
    h.append("<th>No.</th><th>事業名</th><th>%s事業費<br>（千円）</th><th>%s<br>新規</th><th>担当課等</th><th>掲載頁</th></tr>" % (lab, lab))
    for r in rows:
        h.append("<tr>")
        if multi:
            h += ['<td class="c">%s</td>' % ("○" if n in (r.get("policies") or []) else "") for n in pol["numbers"]]
        h.append('<td class="c">%d</td><td>%s</td><td class="r">{:,}</td><td class="c">%s</td><td>%s</td><td class="c">%d</td></tr>'.format(r["cost"])
                 % (r["no"], esc(r["name"]).replace("\n", "<br>"), "○" if r["new"] else "", esc(r["departments"]).replace("\n", "<br>"), r["page"]))
    if last:
        h.append('<tr>%s<td></td><td class="c">小計</td><td class="r">{:,}</td><td></td><td></td><td></td></tr>'.format(pol["subtotal"])
                 % ("<td></td>" * len(pol["numbers"]) if multi else ""))
    h.append("</table>")
    return "".join(h)


def write_html(gold, st, font, size):
    from reportlab.pdfbase import pdfmetrics

    regular, _ = reportlab_ttf_fonts()
    measure = lambda t, s, b=False: pdfmetrics.stringWidth(t, regular, s)  # noqa: E731
    css = HTML_CSS % {"font": font, "size": size, "lh": st.leading, "rule": "0.5pt solid black" if st.rules else "none",
                      "split": int(st.col_split * 100), "item": int(st.item_share * 100)}
    body = []
    for page in layout.plan(gold, st, measure):
        h = []
        for b in page["blocks"]:
            kind = b[0]
            if kind == "report_title":
                h.append("<h1>%s</h1>" % esc(b[1]))
            elif kind == "heading":
                h.append("<h2>%s%s%s</h2>" % (layout.CIRCLED[b[1] - 1], " " if st.heading_space else "", esc(b[2])))
            elif kind == "label":
                h.append('<div class="label">%s</div>' % esc(b[1]))
            elif kind == "line":
                h.append(html_lines(b[1], st))
            elif kind == "summary":
                h.append(html_summary(b[1], b[2], b[3], b[4], gold))
            elif kind == "card":
                h.append(html_card(b[2], st))
            elif kind == "cs_title":
                h.append('<div class="cst">%s</div>' % esc(b[1]))
            elif kind == "cs_heading":
                h.append('<div class="csh">%s</div>' % esc(b[1]))
            elif kind == "gap":
                h.append('<div class="ln"></div>')
        body.append('<div class="page">%s<div class="folio">%d</div></div>' % ("".join(h), page["number"]))
    return '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>%s</title><style>%s</style></head><body>%s</body></html>' % (
        esc(gold["title"]), css, "".join(body))


def write_weasyprint(gold, st, out):
    import weasyprint

    html = write_html(gold, st, "Noto Sans CJK JP", st.body)
    weasyprint.HTML(string=html).write_pdf(out)


# ---------------------------------------------------------------- flow writers (.docx → LibreOffice)


def write_docx(gold, st, path, font):
    """A .docx laid out page by page as planned (explicit page breaks, PAGE field footer
    starting at the first printed page number)."""
    from docx import Document
    from docx.enum.section import WD_SECTION  # noqa: F401
    from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: F401
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from reportlab.pdfbase import pdfmetrics

    regular, _ = reportlab_ttf_fonts()
    measure = lambda t, s, b=False: pdfmetrics.stringWidth(t, regular, s)  # noqa: E731
    pages = layout.plan(gold, st, measure)
    doc = Document()
    doc.core_properties.created = FIXED_DATE.replace(tzinfo=None)
    doc.core_properties.modified = FIXED_DATE.replace(tzinfo=None)
    doc.core_properties.title = gold["title"]
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(st.body)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = Pt(st.body * st.leading)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Pt(PAGE_W), Pt(PAGE_H)
    sec.left_margin = sec.right_margin = Pt(st.margin_x)
    sec.top_margin, sec.bottom_margin = Pt(st.margin_top - 10), Pt(st.margin_bottom - 10)
    sec.footer_distance = Pt(24)
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), str(pages[0]["number"]))
    sec._sectPr.append(pg)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    fp._p.append(fld)
    width = PAGE_W - 2 * st.margin_x
    state = {"break": False}

    def para(text="", bold=False, size=None, align=None, container=None, hang=True):
        p = (container or doc).add_paragraph()
        if state["break"] and container is None:
            p.paragraph_format.page_break_before = True
            state["break"] = False
        if align:
            p.alignment = align
        if st.hang and hang and text[:1] in layout.OPENING:
            # opening bracket set half-width, hanging into the margin
            p.paragraph_format.first_line_indent = Pt(-(size or st.body) / 2)
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return p

    def cell_lines(cell, text, align=None, size=None):
        lines = str(text).split("\n")
        first = cell.paragraphs[0]
        for i, line in enumerate(lines):
            p = first if i == 0 else cell.add_paragraph()
            if align:
                p.alignment = align
            if st.hang and line[:1] in layout.OPENING:
                p.paragraph_format.first_line_indent = Pt(-(size or st.body) / 2)
            run = p.add_run(line)
            if size:
                run.font.size = Pt(size)

    def borders(table, on):
        tblPr = table._tbl.tblPr
        b = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            e = OxmlElement("w:" + edge)
            e.set(qn("w:val"), "single" if on else "nil")
            e.set(qn("w:sz"), "4")
            b.append(e)
        tblPr.append(b)

    def table(rows, cols, widths, on=True):
        if state["break"]:
            para("", size=1)
        tb = doc.add_table(rows=rows, cols=cols)
        tb.autofit = False
        borders(tb, on)
        lay = OxmlElement("w:tblLayout")
        lay.set(qn("w:type"), "fixed")
        tb._tbl.tblPr.append(lay)
        for col, w in zip(tb.columns, widths):
            col.width = Pt(w)
        for row in tb.rows:
            for c, w in zip(row.cells, widths):
                c.width = Pt(w)
        return tb

    def cell_border(cell):
        tcPr = cell._tc.get_or_add_tcPr()
        b = OxmlElement("w:tcBorders")
        for edge in ("top", "left", "bottom", "right"):
            e = OxmlElement("w:" + edge)
            e.set(qn("w:val"), "single")
            e.set(qn("w:sz"), "6")
            b.append(e)
        tcPr.append(b)

    R_ = WD_ALIGN_PARAGRAPH.RIGHT
    C_ = WD_ALIGN_PARAGRAPH.CENTER
    for pi, page in enumerate(pages):
        state["break"] = pi > 0
        if not page["blocks"]:
            para("")
        for b in page["blocks"]:
            kind = b[0]
            if kind == "report_title":
                para(b[1], bold=True, size=st.body + 2)
                para("")
            elif kind == "heading":
                para(layout.CIRCLED[b[1] - 1] + (" " if st.heading_space else "") + b[2], bold=True, size=st.body + 2)
            elif kind == "label":
                para(b[1], bold=True)
            elif kind == "line":
                para(b[1])
            elif kind == "gap":
                para("")
            elif kind == "cs_title":
                para(b[1], bold=True, align=C_)
                para("")
            elif kind == "cs_heading":
                para(b[1], bold=True, size=st.body + 1)
            elif kind == "summary":
                pol, rows, first, last = b[1], b[2], b[3], b[4]
                if first:
                    para("【基本方針事業一覧】", bold=True)
                cols = layout.summary_columns(pol, st)
                roles = list(cols)
                tb = table(1 + len(rows) + (1 if last else 0), len(roles), [cols[r][1] for r in roles])
                lab = "R%d" % gold["era_year"]
                heads = {"no": "No.", "name": "事業名", "cost": lab + "事業費\n（千円）", "new": lab + "\n新規", "dep": "担当課等", "page": "掲載頁"}
                for n in pol["numbers"]:
                    heads["pol%d" % n] = "基本方針\n" + layout.CIRCLED[n - 1]
                for j, role in enumerate(roles):
                    cell_lines(tb.rows[0].cells[j], heads[role], C_, st.body - 1)
                for i, r in enumerate(rows, 1):
                    vals = {"no": (str(r["no"]), C_), "name": (r["name"], None), "cost": ("{:,}".format(r["cost"]), R_),
                            "new": ("○" if r["new"] else "", C_), "dep": (r["departments"], None), "page": (str(r["page"]), C_)}
                    for n in pol["numbers"]:
                        vals["pol%d" % n] = ("○" if n in (r.get("policies") or []) else "", C_)
                    for j, role in enumerate(roles):
                        cell_lines(tb.rows[i].cells[j], vals[role][0], vals[role][1], st.body - 1)
                if last:
                    cell_lines(tb.rows[-1].cells[roles.index("name")], "小計", C_, st.body - 1)
                    cell_lines(tb.rows[-1].cells[roles.index("cost")], "{:,}".format(pol["subtotal"]), R_, st.body - 1)
            elif kind == "card":
                card = b[2]
                no = str(card["no"]).translate(layout.FULL_DIGITS)
                name = card["name"] + ("（再掲）" if card["relisted"] else "")
                cost = "事業費 {:,} 千円".format(card["cost"])
                if card.get("cost_breakdown"):
                    cost += "\n(" + "、".join("{}{:,} 千円".format(x["label"], x["cost"]) for x in card["cost_breakdown"]) + ")"
                nw = st.body * 2.6
                tb = table(1, 3, [width - 130 - nw, 130, nw], on=False)
                c0, c1, c2 = tb.rows[0].cells
                cell_lines(c0, name, None, st.body + 1)
                for p in c0.paragraphs:
                    for run in p.runs:
                        run.bold = True
                cell_lines(c1, cost, R_)
                cell_lines(c2, no, C_, st.body + 1)
                cell_border(c2)
                lw = width * st.col_split
                tb = table(2, 2, [lw, width - lw], on=st.rules)
                cell_lines(tb.rows[0].cells[0], "【 事業概要 】", C_)
                cell_lines(tb.rows[0].cells[1], "【 事業実績 】", C_)
                cell_lines(tb.rows[1].cells[0], card["overview"])
                cell_lines(tb.rows[1].cells[1], card["results"])
                if card["metrics"]:
                    n = len(card["metric_years"])
                    iw = width * st.item_share
                    tb = table(1 + len(card["metrics"]), 1 + n, [iw] + [(width - iw) / n] * n, on=st.rules)
                    cell_lines(tb.rows[0].cells[0], "項目名", C_, st.body - 0.5)
                    for j, y in enumerate(card["metric_years"]):
                        cell_lines(tb.rows[0].cells[j + 1], y, C_, st.body - 0.5)
                    for i, m in enumerate(card["metrics"], 1):
                        cell_lines(tb.rows[i].cells[0], m["item"], None, st.body - 0.5)
                        for j, c in enumerate(m["cells"][:n]):
                            cell_lines(tb.rows[i].cells[j + 1], c, R_, st.body - 0.5)
                for line in ("（担当課：" + card["department"] + "）").split("\n"):
                    para(line, align=R_, hang=False)
                para("")
    doc.save(path)


def write_libreoffice(gold, st, out, font):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "report.docx")
        write_docx(gold, st, src, font)
        subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
                        "--convert-to", "pdf", "--outdir", tmp, src], check=True, capture_output=True)
        with open(os.path.join(tmp, "report.pdf"), "rb") as f:
            data = f.read()
    # LibreOffice stamps the time and a random ID: overwrite them in place with fixed
    # bytes of the same length (the xref offsets stay right) for a reproducible file
    data = re.sub(rb"\(D:[0-9]{14}[^)]*\)", lambda m: b"(D:20240601000000" + b"Z" * (len(m.group(0)) - 18) + b")", data)
    data = re.sub(rb"<[0-9A-Fa-f]{32}>", lambda m: b"<" + b"0" * 32 + b">", data)
    with open(out, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- renditions

RENDITIONS = {
    # name: (what, style)
    "reportlab-ttf": Style("reportlab-ttf", numbox="left", body=9.5, leading=1.45, col_split=0.5),
    "reportlab-cid": Style("reportlab-cid", numbox="above", body=9.5, leading=1.2, col_split=0.52, item_share=0.6),
    "fpdf2": Style("fpdf2", numbox="narrow", body=9.0, leading=1.5, col_split=0.44, item_share=0.5, margin_x=48),
    "nospace-excerpt": Style("nospace-excerpt", numbox="right", body=10.0, leading=1.35, col_split=0.5, heading_space=False),
    "gs-redistill": None,  # ghostscript pdfwrite of an fpdf2 file in GS_SOURCE's geometry
    "libreoffice-docx": Style("libreoffice-docx", numbox="right", body=9.0, leading=1.45, col_split=0.5, item_share=0.58, hang=True),
    "weasyprint": Style("weasyprint", numbox="right", body=9.0, leading=1.4, col_split=0.55, item_share=0.5, rules=False, hang=True),
    "rotated": Style("rotated", numbox="right", body=9.5, leading=1.4, rotate={}),
    "r6-reportlab": Style("r6-reportlab", numbox="right", body=9.0, leading=1.5, col_split=0.48, full_width_no=False, margin_x=60),
}

GS_SOURCE = Style("gs-source", numbox="right", body=9.5, leading=1.4, col_split=0.5, item_share=0.52, margin_x=54)


def rotations(gold):
    """Card pages turned by /Rotate 90 or 270 (every fifth printed page of each kind)."""
    nums = sorted({c["page"] for p in gold["policies"] for c in p["cards"]})
    return {n: (90 if i % 10 == 2 else 270) for i, n in enumerate(nums) if i % 5 == 2}


def render(name, gold, outdir):
    out = os.path.join(outdir, name + ".pdf")
    key = gold
    if name == "reportlab-ttf":
        write_reportlab(gold, RENDITIONS[name], out, reportlab_ttf_fonts())
    elif name == "reportlab-cid":
        write_reportlab(gold, RENDITIONS[name], out, reportlab_cid_fonts())
    elif name == "fpdf2":
        write_fpdf2(gold, RENDITIONS[name], out)
    elif name == "rotated":
        st = RENDITIONS[name]
        st.rotate = rotations(gold)
        write_reportlab(gold, st, out, reportlab_ttf_fonts())
    elif name == "nospace-excerpt":
        # the first two chapters only, headed "①中小…" with no space after the number
        key = copy.deepcopy(gold)
        key["policies"] = key["policies"][:2]
        write_reportlab(key, RENDITIONS[name], out, reportlab_ttf_fonts())
    elif name == "r6-reportlab":
        key = next_year(gold)
        write_reportlab(key, RENDITIONS[name], out, reportlab_ttf_fonts())
    elif name == "libreoffice-docx":
        write_libreoffice(gold, RENDITIONS[name], out, "Noto Serif CJK JP")
    elif name == "weasyprint":
        write_weasyprint(gold, RENDITIONS[name], out)
    elif name == "gs-redistill":
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src.pdf")
            # fpdf2 (CID TrueType, Identity-H): ghostscript keeps its ToUnicode when it
            # rebuilds the fonts (a reportlab simple-TrueType input loses it altogether)
            write_fpdf2(gold, GS_SOURCE, src)
            subprocess.run(
                ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-dCompatibilityLevel=1.7",
                 # no dates, IDs or XMP: the same input gives the same bytes
                 "-dOmitInfoDate=true", "-dOmitID=true", "-dOmitXMP=true", "-sOutputFile=" + out, src],
                check=True)
    else:
        raise SystemExit("unknown rendition " + name)
    if key is not gold:
        # only a rendition of another year has its own answer key; the others share the input's
        with open(os.path.join(outdir, name + ".gold.json"), "w", encoding="utf-8") as f:
            json.dump(key, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print(name, os.path.getsize(out), "bytes")


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    gold = json.load(open(argv[1], encoding="utf-8"))
    names = argv[3:] or list(RENDITIONS)
    os.makedirs(argv[2], exist_ok=True)
    for n in names:
        render(n, gold, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
