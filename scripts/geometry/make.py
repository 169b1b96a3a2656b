#!/usr/bin/env python3
"""Small one-chapter reports set with different card geometries, for the regression
tests of the PDF path's geometric card model (tests/geometry.rs).

Each variant prints the same content (one chapter, three cards numbered 9, 10, 11, a
ruled summary table) with reportlab and IPAex fonts (subset-embedded TrueType); only
the layout changes:

  left      number box left of the title
  digits    two-digit numbers in a narrow box, one digit a line, the top digit level
            with the title's first line
  above     number box above the title at the right, tighter leading
  nospace   chapter heading with no space after the circled number
  hanging   opening brackets set half-width at a line start (hanging left of the
            column) in the box and in summary rows starting with 「 or （

Usage: make.py OUTDIR   (writes OUTDIR/<variant>.pdf; needs reportlab and
fonts-ipaexfont). The committed PDFs in fixtures/geometry/ were made with it.
"""
import os
import sys

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIRS = ["/usr/share/fonts/opentype/ipaexfont-mincho", "/usr/share/fonts/opentype/ipaexfont-gothic",
             "/usr/share/fonts/truetype"]


def font(name, file):
    for d in FONT_DIRS:
        p = os.path.join(d, file)
        if os.path.exists(p):
            pdfmetrics.registerFont(TTFont(name, p))
            return
    sys.exit(f"font {file} not found")


font("M", "ipaexm.ttf")
# One font only: each embedded subset costs ~30 KB in the committed PDFs.

W, H = A4
LEFT, RIGHT = 56.0, W - 56.0

CARDS = [
    dict(no=9, name="「あおもり産品」販路開拓支援事業", cost="12,345", dept="商工政策課 地域産業グループ",
         overview=["県産品の販路を広げるため、首都圏の", "「あおもり産品フェア」への出展を", "支援する。"],
         results=["首都圏の百貨店で", "「あおもり産品フェア」を開催し、", "延べ30社が出展した。"],
         metrics=[("出展事業者数", "28社", "30社"), ("商談件数", "120件", "145件")]),
    dict(no=10, name="（仮称）ものづくり人材育成プロジェクト事業", cost="8,000", dept="労政・能力開発課 人材育成グループ",
         overview=["ものづくり産業を担う人材を育成", "するため、技能講習会を開催する。"],
         results=["（一社）県技能士会と連携し、", "技能講習会を8回開催した。"],
         metrics=[("講習会の開催回数", "6回", "8回")]),
    dict(no=11, name="中小企業デジタル化推進事業", cost="4,789", dept="産業立地推進課 DX推進グループ",
         overview=["中小企業のデジタル化を進めるた", "め、専門家を派遣する。"],
         results=["専門家を延べ15社に派遣した。"],
         metrics=[("派遣企業数", "-", "15社")]),
]


class Doc:
    def __init__(self, path, v):
        self.c = canvas.Canvas(path, pagesize=A4, pageCompression=1)
        self.c.setTitle(v)
        self.v = v
        self.page = 1
        self.y = 60.0
        # Points per line of box text: the "above" variant sets tighter.
        self.lead = 13.0 if v == "above" else 15.0

    def text(self, x, y, s, size=10.5, f="M"):
        self.c.setFont(f, size)
        self.c.drawString(x, H - y, s)

    def line_start(self, x, s, size):
        """x where a line starting with s is set: a hanging opening bracket sits half an
        em left of the column."""
        if self.v == "hanging" and s[:1] in "「（":
            return x - size / 2
        return x

    def rule(self, x0, y0, x1, y1):
        self.c.setLineWidth(0.6)
        self.c.line(x0, H - y0, x1, H - y1)

    def rect(self, x0, y0, x1, y1):
        self.c.setLineWidth(0.6)
        self.c.rect(x0, H - y1, x1 - x0, y1 - y0)

    def new_page(self):
        self.text(W / 2 - 5, H - 40, str(self.page), 10.5)
        self.c.showPage()
        self.page += 1
        self.y = 60.0

    def need(self, h):
        if self.y + h > H - 80:
            self.new_page()

    def save(self):
        self.new_page()
        self.c.save()


def summary(d):
    cols = [LEFT, LEFT + 28, LEFT + 250, LEFT + 320, LEFT + 350, LEFT + 450, RIGHT]
    heads = ["No.", "事業名", "R5事業費", "新規", "担当課", "掲載頁"]
    y = d.y
    row_h = 18.0
    for i, h in enumerate(heads):
        d.text(cols[i] + 3, y + 13, h, 9)
    rows = [(str(c["no"]), c["name"], c["cost"], "○" if c["no"] == 10 else "", c["dept"].split()[0],
             str(d.pages.get(c["no"], 0))) for c in CARDS]
    ys = [y]
    y += row_h
    ys.append(y)
    for r in rows:
        for i, cell in enumerate(r):
            x = cols[i] + 3
            if i == 1:
                x = d.line_start(x, cell, 9)
            d.text(x, y + 13, cell, 9)
        y += row_h
        ys.append(y)
    total = sum(int(c["cost"].replace(",", "")) for c in CARDS)
    d.text(cols[1] + 3, y + 13, "小計", 9)
    d.text(cols[2] + 3, y + 13, f"{total:,}", 9)
    y += row_h
    ys.append(y)
    for yy in ys:
        d.rule(LEFT, yy, RIGHT, yy)
    for x in cols:
        d.rule(x, ys[0], x, ys[-1])
    d.y = y + 20


def card(d, c):
    d.need(260)
    d.pages[c["no"]] = d.page
    y = d.y
    no = str(c["no"])
    title_x = LEFT
    name = c["name"]
    # Title (wrapped after 16 characters, so that every card has a two-line title).
    t1, t2 = name[:16], name[16:]
    if d.v == "left":
        d.rect(LEFT, y - 2, LEFT + 24, y + 16)
        d.text(LEFT + 12 - 3 * len(no), y + 12, no, 11.6, "M")
        title_x = LEFT + 32
    elif d.v == "above":
        d.rect(RIGHT - 24, y - 6, RIGHT, y + 10)
        d.text(RIGHT - 12 - 3 * len(no), y + 6, no, 11.6, "M")
        y += 16
    lines = [t1] + ([t2] if t2 else [])
    for i, t in enumerate(lines):
        d.text(title_x, y + 12 + i * 14, t, 11.6, "M")
    cost_y = y + 12 + (len(lines) - 1) * 14
    d.text(RIGHT - 130, cost_y, f"事業費 {c['cost']} 千円", 10.5, "M")
    if d.v == "digits":
        # A narrow box, one digit a line, its top digit on the title's first baseline.
        d.rect(RIGHT - 16, y - 1, RIGHT, y + 16 + 14 * (len(no) - 1))
        for k, ch in enumerate(no):
            d.text(RIGHT - 11, y + 12 + k * 14, ch, 11.6, "M")
    elif d.v not in ("left", "above"):
        d.rect(RIGHT - 24, y - 1, RIGHT, y + 16)
        d.text(RIGHT - 12 - 3 * len(no), y + 12, no, 11.6, "M")
    y = cost_y + 14
    # The box: headers, two columns, a rule between them.
    mid = (LEFT + RIGHT) / 2
    box_top = y
    d.text(LEFT + 70, y + 14, "【 事業概要 】", 10.5, "M")
    d.text(mid + 70, y + 14, "【 事業実績 】", 10.5, "M")
    y += 18
    rows = max(len(c["overview"]), len(c["results"]))
    for k in range(rows):
        yy = y + 13 + k * d.lead
        if k < len(c["overview"]):
            s = c["overview"][k]
            d.text(d.line_start(LEFT + 6, s, 10.5), yy, s)
        if k < len(c["results"]):
            s = c["results"][k]
            d.text(d.line_start(mid + 6, s, 10.5), yy, s)
    y += 13 + rows * d.lead
    d.rect(LEFT, box_top, RIGHT, y)
    d.rule(mid, box_top, mid, y)
    y += 10
    # Metrics table.
    mcols = [LEFT, LEFT + 300, LEFT + 392, RIGHT]
    ys = [y]
    d.text(LEFT + 120, y + 12, "項目名", 10)
    d.text(mcols[1] + 25, y + 12, "４年度", 10)
    d.text(mcols[2] + 25, y + 12, "５年度", 10)
    y += 16
    ys.append(y)
    for item, a, b in c["metrics"]:
        d.text(LEFT + 4, y + 12, item, 10)
        d.text(mcols[1] + 30, y + 12, a, 10)
        d.text(mcols[2] + 30, y + 12, b, 10)
        y += 16
        ys.append(y)
    for yy in ys:
        d.rule(LEFT, yy, RIGHT, yy)
    for x in mcols:
        d.rule(x, ys[0], x, ys[-1])
    y += 14
    dept = f"（担当課：{c['dept']}）"
    d.text(RIGHT - 10.5 * len(dept) + 20, y, dept)
    d.y = y + 40


def render(path, v, pages):
    d = Doc(path, v)
    d.pages = pages
    d.text(LEFT, d.y, "令和5年度 中小企業振興施策実施状況", 14, "M")
    d.y += 40
    sep = "" if v == "nospace" else " "
    d.text(LEFT, d.y, f"①{sep}中小企業の事業活動を支える基盤づくり", 12, "M")
    d.y += 20
    d.text(LEFT, d.y, "【取組の概要】", 10.5, "M")
    d.y += 16
    d.text(LEFT + 10, d.y, "中小企業の経営基盤の強化を支援した。")
    d.y += 24
    d.text(LEFT, d.y, "【基本方針事業一覧】", 10.5, "M")
    d.y += 8
    summary(d)
    d.new_page()
    for c in CARDS:
        card(d, c)
    d.save()
    return d.pages


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    for v in ["left", "digits", "above", "nospace", "hanging"]:
        path = os.path.join(out, f"{v}.pdf")
        # Twice: the summary's 掲載頁 are the pages the first pass put the cards on.
        render(path, v, render(path, v, {}))


if __name__ == "__main__":
    main()
