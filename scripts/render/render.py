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
            salt = card["no"] + 7 * pol["numbers"][0]
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


# ---------------------------------------------------------------- renditions

RENDITIONS = {
    # name: (what, style)
    "reportlab-ttf": Style("reportlab-ttf", numbox="left", body=9.5, leading=1.45, col_split=0.5),
    "reportlab-cid": Style("reportlab-cid", numbox="above", body=9.5, leading=1.2, col_split=0.52, item_share=0.6),
    "fpdf2": Style("fpdf2", numbox="narrow", body=9.0, leading=1.5, col_split=0.44, item_share=0.5, heading_space=False, margin_x=48),
    "gs-redistill": None,  # ghostscript pdfwrite of reportlab-ttf
    "rotated": Style("rotated", numbox="right", body=9.5, leading=1.4, rotate={}),
    "r6-reportlab": Style("r6-reportlab", numbox="right", body=9.0, leading=1.5, col_split=0.48, full_width_no=False, margin_x=60),
}


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
    elif name == "r6-reportlab":
        key = next_year(gold)
        write_reportlab(key, RENDITIONS[name], out, reportlab_ttf_fonts())
    elif name == "gs-redistill":
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src.pdf")
            write_reportlab(gold, RENDITIONS["reportlab-ttf"], src, reportlab_ttf_fonts())
            subprocess.run(
                ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-dCompatibilityLevel=1.7",
                 "-dDeterministic=true" if False else "-dNOPAUSE", "-sOutputFile=" + out, src],
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
