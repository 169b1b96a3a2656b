"""Page layout of a report from its reviewed JSON (the gold format of fixtures/aomori-r5.gold.json).

Writer-independent: `plan()` cuts the report into printed pages of blocks (chapter intro,
summary table chunks, cards, case studies) and `draw_page()` turns one page into drawing
operations (text at a baseline, rectangles, lines) in points from the top-left corner of
an upright A4 page. The writers in render.py replay those operations; the flow writers
(HTML, .docx) take the page plan and lay each page out themselves.

A Style decides the geometry that varies between writers: where the card number box sits,
column widths, leading, rules or no rules, a space after the circled chapter number,
half-width hanging opening brackets.
"""
from dataclasses import dataclass, field

PAGE_W, PAGE_H = 595.28, 841.89
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
OPENING = "「『（(［【〔〈《"
FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Style:
    name: str
    numbox: str = "right"  # right | left | above | narrow
    body: float = 9.5  # body font size (pt)
    leading: float = 1.45  # line pitch as a multiple of the font size
    col_split: float = 0.5  # share of the card width taken by 事業概要
    item_share: float = 0.56  # share of the metrics table taken by 項目名
    rules: bool = True  # ruled boxes and table grids
    heading_space: bool = True  # "① 中小…" vs "①中小…"
    hang: bool = False  # opening bracket at line start set half-width, hanging left
    full_width_no: bool = True  # card number in full-width digits
    margin_x: float = 56.0
    margin_top: float = 52.0
    margin_bottom: float = 60.0
    rotate: dict = field(default_factory=dict)  # printed page number -> /Rotate


def era_digits(n):
    return str(n).translate(FULL_DIGITS)


# ---------------------------------------------------------------- text measuring


def wrap(text, width, size, measure):
    """Printed lines of `text` (gold "\n" kept) broken further to fit `width`."""
    out = []
    for line in str(text).split("\n"):
        cur = ""
        for ch in line:
            if cur and measure(cur + ch, size) > width:
                out.append(cur)
                cur = ch
            else:
                cur += ch
        out.append(cur)
    return out


# ---------------------------------------------------------------- page plan


def _summary_row_lines(row, st, cols, measure):
    size = st.body - 0.5
    name = wrap(row["name"], cols["name"][1] - 6, size, measure)
    dep = wrap(row["departments"], cols["dep"][1] - 6, size, measure)
    return max(len(name), len(dep), 1)


def summary_columns(gold_pol, st):
    """x offset and width of each summary column, keyed by role."""
    w = PAGE_W - 2 * st.margin_x
    roles = []
    if len(gold_pol["numbers"]) > 1:
        roles += [("pol%d" % n, 34) for n in gold_pol["numbers"]]
    roles += [("no", 26), ("name", None), ("cost", 62), ("new", 30), ("dep", 112), ("page", 34)]
    fixed = sum(x for _, x in roles if x)
    cols, x = {}, 0.0
    for role, cw in roles:
        cw = cw or (w - fixed)
        cols[role] = (x, cw)
        x += cw
    return cols


# height of the card last laid out by card_ops (points)
_LAST_HEIGHT = [0.0]


def plan(gold, st, measure):
    """List of pages: {"number": printed page number, "blocks": [...]}."""
    pages = []
    content_h = PAGE_H - st.margin_top - st.margin_bottom
    lead = st.body * st.leading
    w = PAGE_W - 2 * st.margin_x
    next_no = None
    for pi, pol in enumerate(gold["policies"]):
        flow = []  # pages of the chapter intro and summary
        cur, used = [], 0.0

        def push(block, h):
            nonlocal cur, used
            if cur and used + h > content_h:
                flow.append(cur)
                cur, used = [], 0.0
            cur.append(block)
            used += h

        if pi == 0:
            push(("report_title", gold["title"]), lead * 2)
        for n, t in zip(pol["numbers"], pol["titles"]):
            push(("heading", n, t), lead * 1.8)
        push(("label", "【取組の概要】"), lead * 1.4)
        for line in wrap(pol["overview"], w, st.body, measure):
            push(("line", line), lead)
        # summary table: under the intro when it fits there whole, else on fresh pages
        # with the header repeated on each
        cols = summary_columns(pol, st)
        rows = pol["summary"]
        sl = (st.body - 0.5) * st.leading
        heights = [sl * _summary_row_lines(r, st, cols, measure) + 4 for r in rows]
        whole = lead * 1.6 + sl * 2.4 + sum(heights) + sl * 2 + lead
        if used + whole <= content_h:
            cur.append(("gap",))
            cur.append(("summary", pol, rows, True, True))
            flow.append(cur)
        else:
            flow.append(cur)
            chunk, used = [], lead * 1.6 + sl * 2.4
            chunks = []
            for r, h in zip(rows, heights):
                if chunk and used + h > content_h - sl * 2:
                    chunks.append(chunk)
                    chunk, used = [], sl * 2.4
                chunk.append(r)
                used += h
            chunks.append(chunk)
            for i, c in enumerate(chunks):
                flow.append([("summary", pol, c, i == 0, i == len(chunks) - 1)])
        # cards grouped by printed page
        by_page = {}
        for c in pol["cards"]:
            by_page.setdefault(c["page"], []).append(c)
        first = min(by_page)
        if next_no is None:
            next_no = first - len(flow)
        if next_no + len(flow) > first:
            raise SystemExit(f"policy {pol['numbers']}: intro and summary need {len(flow)} pages, only {first - next_no} before page {first}")
        while next_no + len(flow) < first:  # a blank page keeps the printed numbers contiguous
            flow.append([])
        for blocks in flow:
            pages.append({"number": next_no, "blocks": blocks})
            next_no += 1
        for no in range(first, max(by_page) + 1):
            pages.append({"number": no, "blocks": [("card", pol, c) for c in by_page.get(no, [])]})
        next_no = max(by_page) + 1
        # case studies
        cur, used = [], 0.0
        cs_flow = []

        def push_cs(block, h):
            nonlocal cur, used
            if cur and used + h > content_h:
                cs_flow.append(cur)
                cur, used = [], 0.0
            cur.append(block)
            used += h

        for cs in pol.get("case_studies") or []:
            push_cs(("cs_title", "%s%s年度に実施した中小企業振興施策を活用した事例紹介" % (gold["era"], era_digits(gold["era_year"]))), lead * 2)
            for line in wrap(cs["heading"], w, st.body + 1.5, measure):
                push_cs(("cs_heading", line), (st.body + 1.5) * st.leading)
            push_cs(("gap",), lead * 0.6)
            for line in wrap(cs["text"], w, st.body, measure):
                push_cs(("line", line), lead)
            cs_flow.append(cur)
            cur, used = [], 0.0
        for blocks in cs_flow:
            pages.append({"number": next_no, "blocks": blocks})
            next_no += 1
    return pages


# ---------------------------------------------------------------- drawing


def T(x, y, size, text, bold=False):
    return ("t", x, y, size, text, bold)


def R(x, y, w, h):
    return ("r", x, y, w, h)


def L(x1, y1, x2, y2):
    return ("l", x1, y1, x2, y2)


def text_lines(x, y, lines, size, pitch, st, measure, bold=False):
    """Lines from baseline y; an opening bracket at line start hangs half an em left when
    the style asks for it (its glyph then starts left of the column)."""
    ops = []
    for line in lines:
        lx = x
        if st.hang and line[:1] in OPENING:
            lx -= size / 2
        if line:
            ops.append(T(lx, y, size, line, bold))
        y += pitch
    return ops, y


def card_ops(card, top, st, measure, scale, relisted_mark, dry=False):
    x0 = st.margin_x
    w = PAGE_W - 2 * st.margin_x
    s = st.body * scale
    pitch = s * st.leading
    ts = s + 1.5  # title size
    ops = []
    no = str(card["no"]).translate(FULL_DIGITS) if st.full_width_no else str(card["no"])
    name = card["name"] + ("（再掲）" if card["relisted"] else "")
    cost = "事業費 {:,} 千円".format(card["cost"])
    bd = None
    if card.get("cost_breakdown"):
        bd = "(" + "、".join("{}{:,} 千円".format(b["label"], b["cost"]) for b in card["cost_breakdown"]) + ")"
    cost_w = max(measure(cost, s), measure(bd, s - 1) if bd else 0)
    box_h = ts * 1.5
    box_w = measure(no, ts) + ts * 0.8
    y = top
    if st.numbox == "above":
        # number box on its own line at the right, title and cost below it
        bx = x0 + w - box_w
        ops += [R(bx, y, box_w, box_h), T(bx + (box_w - measure(no, ts)) / 2, y + ts * 1.15, ts, no)]
        y += box_h + 3
        title_x, title_w = x0, w - cost_w - 12
        cost_x = x0 + w - cost_w
    elif st.numbox == "left":
        ops += [R(x0, y, box_w, box_h), T(x0 + (box_w - measure(no, ts)) / 2, y + ts * 1.15, ts, no)]
        title_x = x0 + box_w + 8
        title_w = w - box_w - 8 - cost_w - 12
        cost_x = x0 + w - cost_w
    elif st.numbox == "narrow":
        # one digit per line in a box one digit wide; top digit level with the title
        dw = measure("０", ts) + 4
        digits = list(no)
        bx = x0 + w - dw
        ops.append(R(bx, y, dw, ts * 1.25 * len(digits) + ts * 0.4))
        for i, d in enumerate(digits):
            ops.append(T(bx + (dw - measure(d, ts)) / 2, y + ts * 1.15 + i * ts * 1.25, ts, d))
        title_x, title_w = x0, w - dw - cost_w - 20
        cost_x = bx - 8 - cost_w
        box_h = ts * 1.25 * len(digits) + ts * 0.4
    else:  # right, as in the printed report
        bx = x0 + w - box_w
        ops += [R(bx, y, box_w, box_h), T(bx + (box_w - measure(no, ts)) / 2, y + ts * 1.15, ts, no)]
        title_x, title_w = x0, w - box_w - cost_w - 20
        cost_x = bx - 8 - cost_w
    tl = wrap(name, title_w, ts, measure)
    t_ops, ty = text_lines(title_x, y + ts * 1.15, tl, ts, ts * 1.3, st, measure, bold=True)
    ops += t_ops
    ops.append(T(cost_x, y + ts * 1.15, s, cost))
    cy = y + ts * 1.15
    if bd:
        cy += pitch
        ops.append(T(cost_x, cy, s - 1, bd))
    y = max(ty - ts * 1.3 + ts * 0.5, cy + 4, y + box_h) + 6
    # 事業概要 / 事業実績 box
    lw = w * st.col_split
    rw = w - lw
    pad = 4
    ov = wrap(card["overview"], lw - 2 * pad, s, measure)
    rs = wrap(card["results"], rw - 2 * pad, s, measure)
    hdr_y = y
    for label, cx, cw in (("【 事業概要 】", x0, lw), ("【 事業実績 】", x0 + lw, rw)):
        ops.append(T(cx + (cw - measure(label, s)) / 2, y + s * 1.2, s, label, True))
    y += s * 1.7
    body_top = y
    o_ops, oy = text_lines(x0 + pad, y + s * 1.1, ov, s, pitch, st, measure)
    r_ops, ry = text_lines(x0 + lw + pad, y + s * 1.1, rs, s, pitch, st, measure)
    ops += o_ops + r_ops
    y = max(oy, ry) + 2
    if st.rules:
        ops += [R(x0, hdr_y, w, y - hdr_y), L(x0 + lw, hdr_y, x0 + lw, y), L(x0, body_top, x0 + w, body_top)]
    y += 8
    # metrics table
    if card["metrics"]:
        ncol = len(card["metric_years"])
        iw = w * st.item_share
        cw = (w - iw) / max(ncol, 1)
        ms = s - 0.5
        mp = ms * 1.3
        row_top = y
        ops.append(T(x0 + (iw - measure("項目名", ms)) / 2, y + ms * 1.15, ms, "項目名"))
        for j, lab in enumerate(card["metric_years"]):
            ops.append(T(x0 + iw + j * cw + (cw - measure(lab, ms)) / 2, y + ms * 1.15, ms, lab))
        y += ms * 1.6
        hlines = [y]
        for m in card["metrics"]:
            il = wrap(m["item"], iw - 2 * pad, ms, measure)
            cells = [wrap(c, cw - 2 * pad, ms, measure) for c in m["cells"]]
            n = max([len(il)] + [len(c) for c in cells])
            i_ops, _ = text_lines(x0 + pad, y + ms * 1.1, il, ms, mp, st, measure)
            ops += i_ops
            for j, cl in enumerate(cells):
                cy0 = y + ms * 1.1
                for k, line in enumerate(cl):
                    if line:
                        ops.append(T(x0 + iw + (j + 1) * cw - pad - measure(line, ms), cy0 + k * mp, ms, line))
            y += n * mp + 3
            hlines.append(y)
        if st.rules:
            ops.append(R(x0, row_top, w, y - row_top))
            ops += [L(x0, hy, x0 + w, hy) for hy in hlines[:-1]]
            ops += [L(x0 + iw + j * cw, row_top, x0 + iw + j * cw, y) for j in range(ncol)]
        y += 3
    # （担当課：…） right-aligned under the card
    dl = ("（担当課：" + card["department"] + "）").split("\n")
    for line in dl:
        y += pitch
        ops.append(T(x0 + w - measure(line, s), y, s, line))
    y += 6
    _LAST_HEIGHT[0] = y - top
    return ops


def summary_ops(pol, rows, first, last, top, st, measure, era_year_label):
    x0 = st.margin_x
    s = st.body - 0.5
    pitch = s * st.leading
    cols = summary_columns(pol, st)
    ops = []
    y = top
    if first:
        ops.append(T(x0, y + s * 1.5, st.body + 1, "【基本方針事業一覧】", True))
        y += st.body * st.leading * 1.6
    head_top = y
    heads = {"no": ["No."], "name": ["事業名"], "cost": [era_year_label + "事業費", "（千円）"], "new": [era_year_label, "新規"], "dep": ["担当課等"], "page": ["掲載頁"]}
    for n in pol["numbers"] if len(pol["numbers"]) > 1 else []:
        heads["pol%d" % n] = ["基本方針", CIRCLED[n - 1]]
    for role, (cx, cw) in cols.items():
        lines = heads[role]
        for k, line in enumerate(lines):
            ops.append(T(x0 + cx + (cw - measure(line, s)) / 2, y + s * 1.2 + k * pitch, s, line))
    y += pitch * 2.2
    hl = [head_top, y]
    for r in rows:
        name = wrap(r["name"], cols["name"][1] - 6, s, measure)
        dep = wrap(r["departments"], cols["dep"][1] - 6, s, measure)
        n = max(len(name), len(dep), 1)
        base = y + s * 1.1 + 2
        mid = base + (n - 1) * pitch / 2

        def put(role, text, align="c", yy=mid):
            cx, cw = cols[role]
            tw = measure(text, s)
            xx = x0 + cx + (cw - tw) / 2 if align == "c" else (x0 + cx + cw - 3 - tw if align == "r" else x0 + cx + 3)
            ops.append(T(xx, yy, s, text))

        put("no", str(r["no"]))
        for k, line in enumerate(name):
            put("name", line, "l", base + k * pitch)
        put("cost", "{:,}".format(r["cost"]), "r")
        if r["new"]:
            put("new", "○")
        for k, line in enumerate(dep):
            put("dep", line, "l", base + k * pitch)
        put("page", str(r["page"]))
        for n_ in r.get("policies") or []:
            if "pol%d" % n_ in cols:
                put("pol%d" % n_, "○")
        y += n * pitch + 4
        hl.append(y)
    if last:
        put_y = y + s * 1.1 + 2
        cx, cw = cols["name"]
        ops.append(T(x0 + cx + (cw - measure("小計", s)) / 2, put_y, s, "小計"))
        txt = "{:,}".format(pol["subtotal"])
        ops.append(T(x0 + cols["cost"][0] + cols["cost"][1] - 3 - measure(txt, s), put_y, s, txt))
        y += pitch + 4
        hl.append(y)
    if st.rules:
        w = PAGE_W - 2 * x0
        ops += [L(x0, hy, x0 + w, hy) for hy in hl]
        for cx, _ in cols.values():
            ops.append(L(x0 + cx, head_top, x0 + cx, y))
        ops.append(L(x0 + w, head_top, x0 + w, y))
    return ops


def draw_page(page, gold, st, measure):
    """Drawing operations of one planned page (upright coordinates, y down)."""
    ops = []
    y = st.margin_top
    lead = st.body * st.leading
    x0 = st.margin_x
    era_label = "R" + str(gold["era_year"])
    cards = [b for b in page["blocks"] if b[0] == "card"]
    if cards:
        avail = PAGE_H - st.margin_top - st.margin_bottom
        scale = 1.0
        while scale > 0.6:
            hs = []
            for b in cards:
                card_ops(b[2], 0, st, measure, scale, "", dry=True)
                hs.append(_LAST_HEIGHT[0])
            if sum(hs) + 24 * (len(hs) - 1) <= avail:
                break
            scale -= 0.04
        gap = 24 if len(cards) > 1 else 0
        if len(cards) == 2 and sum(hs) + gap < avail:
            gap = max(gap, avail / 2 - hs[0])  # second card starts mid-page, as printed
        for b in cards:
            ops += card_ops(b[2], y, st, measure, scale, "")
            y += _LAST_HEIGHT[0] + gap
    for b in page["blocks"]:
        kind = b[0]
        if kind == "report_title":
            ops.append(T(x0, y + st.body * 1.4, st.body + 2, b[1], True))
            y += lead * 2
        elif kind == "heading":
            sep = " " if st.heading_space else ""
            ops.append(T(x0, y + st.body * 1.5, st.body + 2, CIRCLED[b[1] - 1] + sep + b[2], True))
            y += lead * 1.8
        elif kind == "label":
            ops.append(T(x0, y + st.body * 1.2, st.body, b[1], True))
            y += lead * 1.4
        elif kind == "line":
            o, y2 = text_lines(x0, y + st.body * 1.1, [b[1]], st.body, lead, st, measure)
            ops += o
            y += lead
        elif kind == "summary":
            ops += summary_ops(b[1], b[2], b[3], b[4], y, st, measure, era_label)
            y = PAGE_H
        elif kind == "cs_title":
            t = b[1]
            ops.append(T((PAGE_W - measure(t, st.body + 1)) / 2, y + st.body * 1.4, st.body + 1, t, True))
            y += lead * 2
        elif kind == "cs_heading":
            ops.append(T(x0, y + st.body * 1.5, st.body + 1.5, b[1], True))
            y += (st.body + 1.5) * st.leading
        elif kind == "gap":
            y += lead * 0.6
    num = str(page["number"])
    ops.append(T((PAGE_W - measure(num, st.body)) / 2, PAGE_H - st.margin_bottom / 2, st.body, num))
    return ops
