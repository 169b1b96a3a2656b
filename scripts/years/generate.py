#!/usr/bin/env python3
"""Make other fiscal years of the report from the reviewed R5 answer key, for year-over-year tests.

usage: scripts/years/generate.py [GOLD.json] [OUTDIR]
       (defaults: fixtures/aomori-r5.gold.json, fixtures/years)

There is one real year. This script derives a chain of three — the previous year (R4),
the base year re-rendered (R5) and the next year (R6) — and writes for each year
`<year>.gold.json` (the answer-key format of fixtures/aomori-r5.gold.json) and `<year>.txt`
(a text dump in the style of fixtures/aomori-r5.txt that `shisaku convert` reads), and for
each consecutive pair `links-<old>-<new>.json`: the expected project links (with the method
a matcher should find: exact / normalized / similar), the projects that are new and ended,
and the restated figures.

What changes from one year to the next (every choice is a pure function of the card's
name and a fixed salt, so the output is byte-identical run after run):
- fiscal year, title, summary column labels (R5事業費 → R6事業費) and metric column
  labels (４年度 ５年度 → ５年度 ６年度) shift; the shared year's column carries over and
  the other year's figures are new;
- costs change (summary rows, cards, breakdowns, 小計 recomputed);
- cards are dropped (ended), added (new, with names of their own), renamed (a word added
  or replaced: `similar`), re-spelled (事業 ↔ 事業費, a space: `normalized`) and moved to
  another policy;
- some figures of the shared year are restated (the newer report prints another value).
Going back a year, the base year's new projects (新規 ○) do not exist yet.
"""
import copy
import hashlib
import json
import os
import re
import sys

FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def fw(n):
    return str(n).translate(FW_DIGITS)


def h(*parts):
    """A deterministic number in [0, 1) from the parts."""
    d = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(d[:8], "big") / 2**64


def fmt_money(n):
    return f"{n:,}"


# ---------------------------------------------------------------- derive another year


NEW_NAME_PARTS = (
    ["津軽海峡", "八甲田", "十和田湖畔", "白神山地", "下北半島", "岩木山麓"],
    ["クラフトビール", "ホタテ加工", "りんご酒", "藍染め", "木工家具", "宇宙関連"],
    ["担い手発掘", "海外見本市出展", "事業承継診断", "省力化設備導入", "地域商社設立", "観光連携商品"],
)


def new_card_name(salt, i):
    a, b, c = NEW_NAME_PARTS
    return f"{a[i % len(a)]}{b[(i * 5 + 1) % len(b)]}{c[(i * 7 + 2) % len(c)]}モデル事業"


def rename_similar(name, salt):
    """A renamed project: the same department, a name a reader still recognises."""
    if name.endswith("推進事業"):
        return name[:-4] + "振興事業"
    if name.endswith("事業") and h(salt, name, "r") < 0.5:
        return name[:-2] + "推進事業"
    if name.endswith("事業"):
        return name[:-2] + "強化事業"
    return name + "推進事業"


def respell(name):
    """The same name written differently: only 事業/事業費 or spacing differ."""
    if name.endswith("事業費"):
        return name[:-1]
    if name.endswith("事業"):
        return name + "費"
    return name


def shift_label(label, delta):
    m = re.fullmatch(r"([０-９0-9]+)年度", label)
    if not m:
        return label
    n = int(m.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    return fw(n + delta) + "年度"


def perturb_cell(text, salt):
    """Another figure in a cell's first number, the rest (unit, notes) kept."""
    m = re.search(r"[0-9][0-9,]*(?:\.[0-9]+)?", text)
    if not m:
        return None
    raw = m.group(0)
    if "." in raw:
        return None
    n = int(raw.replace(",", ""))
    f = 0.6 + 0.8 * h(salt, text)
    v = max(1, round(n * f))
    if v == n:
        v = n + 1
    s = fmt_money(v) if "," in raw or v >= 1000 and "," in raw else str(v)
    return text[: m.start()] + s + text[m.end():]


def scale_cost(cost, salt):
    if cost is None:
        return None
    f = 0.7 + 0.6 * h(salt, "cost")
    return max(1, round(cost * f))


def card_key(policy, card):
    return {"policy": policy["numbers"][0], "no": card["no"], "name": card["name"]}


def derive(base, delta, salt, plan):
    """The year `delta` (+1 or -1) from `base`; returns (gold, events).

    `plan` says how many cards to drop, add, rename, respell, move and restate. Events
    refer to cards by a uid (`base` cards carry `_uid`)."""
    other = copy.deepcopy(base)
    other["era_year"] = base["era_year"] + delta
    other["fiscal_year"] = base["fiscal_year"] + delta
    other["title"] = base["title"].replace(fw(base["era_year"]) + "年度", fw(other["era_year"]) + "年度", 1)
    events = {"dropped": [], "added": [], "renamed": {}, "respelled": {}, "moved": {}, "restated": []}

    # Candidates: original (not relisted) cards with no relisted copy elsewhere.
    names = {}
    for p in base["policies"]:
        for c in p["cards"]:
            names.setdefault(c["name"], []).append(c)
    solo = [
        (pi, c)
        for pi, p in enumerate(base["policies"])
        for c in p["cards"]
        if not c["relisted"] and len(names[c["name"]]) == 1 and not c.get("cost_breakdown")
    ]
    new_in_base = {c["_uid"] for p in base["policies"] for c in p["cards"] if c.get("_new")}
    ranked = sorted(solo, key=lambda t: h(salt, t[1]["name"]))
    ranked = [t for t in ranked if t[1]["_uid"] not in new_in_base]
    take = iter(ranked)

    def pick(n):
        return [next(take) for _ in range(n)]

    drop = {c["_uid"] for _, c in pick(plan["drop"])}
    if delta < 0:
        # Going back: the base year's new projects did not exist yet.
        drop |= new_in_base
    rename = {c["_uid"] for _, c in pick(plan["rename"])}
    respelled = {c["_uid"] for _, c in pick(plan["respell"]) if respell(c["name"]) != c["name"]}
    move = [(pi, c["_uid"]) for pi, c in pick(plan["move"])]

    pols = other["policies"]
    for p in pols:
        kept = []
        for c in p["cards"]:
            if c["_uid"] in drop:
                events["dropped"].append(c["_uid"])
                continue
            c["cost"] = scale_cost(c["cost"], salt + c["name"])
            if c.get("cost_breakdown"):
                for b in c["cost_breakdown"]:
                    b["cost"] = scale_cost(b["cost"], salt + c["name"] + b["label"])
                c["cost"] = sum(b["cost"] for b in c["cost_breakdown"])
            if c["_uid"] in rename:
                c["name"] = rename_similar(c["name"], salt)
                events["renamed"][c["_uid"]] = c["name"]
            elif c["_uid"] in respelled:
                c["name"] = respell(c["name"])
                events["respelled"][c["_uid"]] = c["name"]
            c["_new"] = False
            kept.append(c)
        p["cards"] = kept
    # Relisted copies share their original's (new) cost.
    cost_of = {c["_uid"].split("#")[0]: c["cost"] for p in pols for c in p["cards"] if not c["relisted"]}
    for p in pols:
        for c in p["cards"]:
            if c["relisted"]:
                c["cost"] = cost_of.get(c["_uid"].split("#")[0], c["cost"])

    # Moves: to the next policy (cyclically).
    for pi, uid in move:
        src = pols[pi]
        card = next((c for c in src["cards"] if c["_uid"] == uid), None)
        if card is None:
            continue
        src["cards"].remove(card)
        dst = pols[(pi + 1) % len(pols)]
        dst["cards"].append(card)
        events["moved"][uid] = dst["numbers"][0]

    # Added cards: a new name, the body of another card of the policy.
    for i in range(plan["add"]):
        p = pols[(i * 3) % len(pols)]
        template = p["cards"][i % len(p["cards"])]
        card = copy.deepcopy(template)
        card["name"] = new_card_name(salt, i + (0 if delta > 0 else 3))
        card["relisted"] = False
        card["cost_breakdown"] = None
        card["cost"] = scale_cost(10000 + 997 * i, salt + card["name"])
        card["_uid"] = f"{salt}-added-{i}"
        card["_new"] = delta > 0
        card["department"] = "地域産業振興課 企画グループ"
        card["_summary_department"] = "地域産業振興課"
        p["cards"].insert(min(len(p["cards"]), 1 + i), card)
        events["added"].append(card["_uid"])

    # Metrics: shift the columns; carry the shared year over, restate a few.
    restate = set()
    if plan["restate"]:
        pool = sorted(
            (c for p in pols for c in p["cards"] if not c["relisted"] and c["_uid"] not in events["added"]),
            key=lambda c: h(salt, "restate", c["name"]),
        )
        for c in pool:
            if len(restate) >= plan["restate"]:
                break
            if any(perturb_cell(m["cells"][1 if delta > 0 else 0], salt) for m in c["metrics"] if len(m["cells"]) == 2):
                restate.add(c["_uid"])
    for p in pols:
        for c in p["cards"]:
            c["metric_years"] = [shift_label(y, delta) for y in c["metric_years"]]
            if c["_uid"] in events["added"]:
                continue
            restated_one = False
            for m in c["metrics"]:
                if len(m["cells"]) != 2 or m.get("uncertain"):
                    continue
                old0, old1 = m["cells"]
                if delta > 0:
                    shared = old1
                    fresh = perturb_cell(old1, salt + "fresh" + m["item"]) or old1
                    if c["_uid"] in restate and not restated_one and perturb_cell(shared, salt):
                        restated = perturb_cell(shared, salt)
                        events["restated"].append({"uid": c["_uid"], "item": m["item"], "year": base["fiscal_year"], "old": shared, "new": restated})
                        shared = restated
                        restated_one = True
                    m["cells"] = [shared, fresh]
                else:
                    shared = old0
                    fresh = perturb_cell(old0, salt + "fresh" + m["item"]) or old0
                    if c["_uid"] in restate and not restated_one and perturb_cell(shared, salt):
                        original = perturb_cell(shared, salt)
                        # The base (newer) report restates what this (older) one printed.
                        events["restated"].append({"uid": c["_uid"], "item": m["item"], "year": base["fiscal_year"] - 1, "old": original, "new": shared})
                        shared = original
                        restated_one = True
                    m["cells"] = [fresh, shared]

    # Renumber, rebuild the summaries and pages.
    page = base["policies"][0]["cards"][0]["page"] if base["policies"] and base["policies"][0]["cards"] else 1
    label = re.compile("R" + str(base["era_year"]))
    old_rows = {r["_uid"]: r for p in pols for r in p["summary"] if "_uid" in r}
    for p in pols:
        p["summary_columns"] = [label.sub("R" + str(other["era_year"]), s) for s in p["summary_columns"]]
        rows = []
        for i, c in enumerate(p["cards"]):
            c["no"] = i + 1
            c["page"] = page + i // 2
            r = copy.deepcopy(old_rows.get(c["_uid"])) if c["_uid"] in old_rows else None
            if r is not None and len(p["numbers"]) > 1 and not r.get("policies"):
                r["policies"], r["policies_inferred"] = [p["numbers"][0]], True
            if r is not None and len(p["numbers"]) == 1:
                r["policies"] = None
                r.pop("policies_inferred", None)
            if r is None:
                r = {"departments": c.get("_summary_department") or (c["department"] or "").split(" ")[0], "policies": None}
                if len(p["numbers"]) > 1:
                    r["policies"] = [p["numbers"][0]]
                    r["policies_inferred"] = True
            r.update({"no": c["no"], "name": c["name"] + ("（再掲）" if c["relisted"] else ""), "cost": c["cost"], "page": c["page"], "_uid": c["_uid"]})
            r["new"] = bool(c.get("_new"))
            rows.append(r)
        p["summary"] = rows
        p["subtotal"] = sum(r["cost"] or 0 for r in rows)
        page += (len(p["cards"]) + 1) // 2 + 2
    return other, events


def tag(base):
    """Give every card (and its summary row) a uid: the name of its original card."""
    first = {}
    for p in base["policies"]:
        rows = {r["no"]: r for r in p["summary"]}
        for c in p["cards"]:
            root = re.sub(r"[（(]再掲[)）]$", "", c["name"])
            n = first.setdefault(root, 0)
            first[root] = n + 1
            c["_uid"] = root if n == 0 else f"{root}#{n}"
            c["_new"] = bool(rows.get(c["no"], {}).get("new"))
            if c["no"] in rows:
                rows[c["no"]]["_uid"] = c["_uid"]
    return base


def expected_links(old, new, events_by_uid, restated):
    """Links from `old` to `new`: every card present in both, with the expected method."""
    def index(g):
        return {c["_uid"]: (p, c) for p in g["policies"] for c in p["cards"]}

    o, n = index(old), index(new)
    links = []
    for uid, (np_, nc) in n.items():
        if uid not in o:
            continue
        op, oc = o[uid]
        if oc["name"] == nc["name"]:
            method = "exact"
        else:
            method = events_by_uid.get(uid, "similar")
        links.append({"old": card_key(op, oc), "new": card_key(np_, nc), "method": method})
    links.sort(key=lambda l: (l["new"]["policy"], l["new"]["no"]))
    new_only = [card_key(p, c) for uid, (p, c) in n.items() if uid not in o]
    ended = [card_key(p, c) for uid, (p, c) in o.items() if uid not in n]
    rs = []
    for r in restated:
        if r["uid"] in o and r["uid"] in n:
            rs.append({"old": card_key(*o[r["uid"]]), "new": card_key(*n[r["uid"]]), "item": r["item"], "fiscal_year": r["year"], "old_text": r["old"], "new_text": r["new"]})
    return {"old_fiscal_year": old["fiscal_year"], "new_fiscal_year": new["fiscal_year"], "links": links, "new": new_only, "ended": ended, "restatements": rs}


def strip_private(g):
    g = copy.deepcopy(g)
    for p in g["policies"]:
        for c in p["cards"]:
            for k in [k for k in c if k.startswith("_")]:
                del c[k]
        for r in p["summary"]:
            for k in [k for k in r if k.startswith("_")]:
                del r[k]
    return g


# ---------------------------------------------------------------- render a text dump


def render(g):
    """A text dump in the style of a PDF extractor's: card boxes left column first."""
    out = [f" （２）{g['title']} ", ""]
    era_year = fw(g["era_year"])
    for p in g["policies"]:
        for num, title in zip(p["numbers"], p["titles"]):
            out.append(f"  {CIRCLED[num - 1]} {title} ")
        out.append("【取組の概要】 ")
        out.extend(line + " " for line in (p["overview"] or "").split("\n"))
        out.append(" 【基本方針事業一覧】 ")
        if len(p["numbers"]) > 1:
            out.append("基本方針")
            out.append(" ".join(CIRCLED[n - 1] for n in p["numbers"]))
        cost_col = next((c for c in p["summary_columns"] if "事業費" in c), f"R{g['era_year']}事業費（千円）")
        new_col = next((c for c in p["summary_columns"] if "新規" in c), f"R{g['era_year']}新規")
        out.append("No. 事業名")
        out.append(cost_col.replace("（", "\n（"))
        out.append(new_col.replace("新規", "\n新規"))
        out.append("担当課等 掲載頁")
        for r in p["summary"]:
            marks = ""
            if len(p["numbers"]) > 1:
                pols = r.get("policies") or []
                marks = " ".join("○" for _ in pols) + " " if pols else ""
            new = " ○" if r["new"] else ""
            deps = r["departments"].split("\n")
            if len(deps) == 1:
                out.append(f"{marks}{r['no']} {r['name']} {fmt_money(r['cost'])}{new} {deps[0]} {r['page']}")
            else:
                out.append(f"{marks}{r['no']} {r['name']} {fmt_money(r['cost'])}{new}")
                out.extend(deps)
                out.append(str(r["page"]))
        out.append(f"小計 {fmt_money(p['subtotal'])}")
        for c in p["cards"]:
            title = c["name"] + ("（再掲）" if c["relisted"] else "")
            out.extend(f" {line} " for line in title.split("\n"))
            out.append(f"事業費 {fmt_money(c['cost'])}千円 ")
            if c.get("cost_breakdown"):
                parts = "、".join(f"{b['label']}{fmt_money(b['cost'])}千円" for b in c["cost_breakdown"])
                out.append(f"({parts}) ")
            out.append(fw(c["no"]) + " ")
            out.append("【 事業概要 】 【 事業実績 】 ")
            out.extend(line + " " for line in c["overview"].split("\n"))
            out.extend(line + " " for line in c["results"].split("\n"))
            if c["metrics"]:
                out.append("項目名 " + " ".join(c["metric_years"]) + " ")
                for m in c["metrics"]:
                    items = m["item"].split("\n")
                    if all("\n" not in x for x in m["cells"]):
                        out.extend(x + " " for x in items[:-1])
                        out.append(f" {items[-1]} " + " ".join(m["cells"]) + " ")
                    else:
                        out.extend(x + " " for x in items)
                        for cell in m["cells"]:
                            out.extend(x + " " for x in cell.split("\n"))
            out.append(f"（担当課：{c['department']}） ")
        for cs in p.get("case_studies") or []:
            out.append(f" 令和{era_year}年度に実施した中小企業振興施策を活用した事例紹介 ")
            out.append(f"（{'、'.join(cs['projects'])}： ")
            out.append(f"{'、'.join(cs['companies'])}） ")
            out.extend(line + " " for line in cs["heading"].split("\n"))
            out.extend(line + " " for line in cs["text"].split("\n"))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- the chain


PLAN_FORWARD = {"drop": 4, "add": 3, "rename": 4, "respell": 2, "move": 2, "restate": 6}
PLAN_BACKWARD = {"drop": 3, "add": 2, "rename": 3, "respell": 2, "move": 1, "restate": 5}


def main(argv):
    gold_path = argv[1] if len(argv) > 1 else "fixtures/aomori-r5.gold.json"
    outdir = argv[2] if len(argv) > 2 else "fixtures/years"
    base = tag(json.load(open(gold_path, encoding="utf-8")))
    nxt, ev_next = derive(base, +1, "shisaku-years-next", PLAN_FORWARD)
    prev, ev_prev = derive(base, -1, "shisaku-years-prev", PLAN_BACKWARD)
    years = [(f"r{prev['era_year']}", prev), (f"r{base['era_year']}", base), (f"r{nxt['era_year']}", nxt)]
    os.makedirs(outdir, exist_ok=True)
    for name, g in years:
        with open(os.path.join(outdir, f"{name}.gold.json"), "w", encoding="utf-8") as f:
            json.dump(strip_private(g), f, ensure_ascii=False, indent=1)
            f.write("\n")
        with open(os.path.join(outdir, f"{name}.txt"), "w", encoding="utf-8") as f:
            f.write(render(g))

    def methods(ev):
        m = {uid: "similar" for uid in ev["renamed"]}
        m.update({uid: "normalized" for uid in ev["respelled"]})
        return m

    pairs = [
        (years[0], years[1], methods(ev_prev), ev_prev["restated"]),
        (years[1], years[2], methods(ev_next), ev_next["restated"]),
    ]
    for (on, og), (nn, ng), meth, rest in pairs:
        with open(os.path.join(outdir, f"links-{on}-{nn}.json"), "w", encoding="utf-8") as f:
            json.dump(expected_links(og, ng, meth, rest), f, ensure_ascii=False, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
