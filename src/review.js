"use strict";
// The review page's script: reads the embedded report and source, draws the sidebar,
// the header and one card at a time. Errors are counted on <body data-errors> so that a
// headless browser's DOM dump shows them.
(function () {
  var errors = 0;
  function countError() { errors += 1; document.body.setAttribute("data-errors", String(errors)); }
  window.addEventListener("error", countError);
  var consoleError = console.error;
  console.error = function () { countError(); consoleError.apply(console, arguments); };
  document.body.setAttribute("data-errors", "0");

  var R = JSON.parse(document.getElementById("report-data").textContent);
  var S = JSON.parse(document.getElementById("source-data").textContent);
  var isPdf = S.pages.length > 0;
  var COLORS = { title: "#1565c0", number: "#6a1b9a", cost: "#2e7d32", overview: "#ef6c00",
    results: "#00838f", metrics: "#ad1457", department: "#5d4037", cell: "#e91e63" };
  var LABELS = { number: "No.", title: "事業名", cost: "事業費", overview: "事業概要", results: "事業実績",
    metrics: "指標", department: "担当課" };

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function yen(v) { return v === null || v === undefined ? "—" : v.toLocaleString("ja-JP") + " 千円"; }
  function el(id) { return document.getElementById(id); }

  // Cards in reading order, each with its diagnostics.
  var cards = [];
  R.policies.forEach(function (pol, pi) {
    pol.projects.forEach(function (p) {
      var diags = R.diagnostics.filter(function (d) {
        return d.policy === pol.numbers[0] && d.card === p.no;
      });
      cards.push({ pi: pi, pol: pol, p: p, diags: diags });
    });
  });
  function cardOf(d) {
    for (var i = 0; i < cards.length; i++) {
      if (cards[i].pol.numbers[0] === d.policy && cards[i].p.no === d.card) return i;
    }
    return -1;
  }
  function count(list, level) { return list.filter(function (d) { return d.level === level; }).length; }

  // Header: title, year, counts, per-policy totals.
  (function () {
    var fy = R.fiscal_year ? R.fiscal_year.era + R.fiscal_year.era_year + "年度 (" + R.fiscal_year.year + ")" : "年度不明";
    var rows = R.policies.reduce(function (n, p) { return n + p.summary.rows.length; }, 0);
    var cases = R.policies.reduce(function (n, p) { return n + p.case_studies.length; }, 0);
    var h = "<h1>" + esc(R.title || R.source.file) + " — " + esc(fy) + "</h1>";
    h += "<div class=counts>" + esc(R.source.file) + " (" + R.source.format + ") · " + R.policies.length +
      " policies · <span id=card-count>" + cards.length + "</span> cards · " + rows + " summary rows · " + cases +
      " case studies · " + count(R.diagnostics, "error") + " errors · " + count(R.diagnostics, "warning") + " warnings</div>";
    h += "<table><tr><th>policy</th>";
    R.policies.forEach(function (p) { h += "<th>" + p.numbers.map(function (n) { return String.fromCharCode(0x245f + n); }).join("") + "</th>"; });
    h += "</tr><tr><th>Σ rows</th>";
    var sums = R.policies.map(function (p) {
      return p.summary.rows.reduce(function (s, r) { return s + (r.cost_thousand_yen || 0); }, 0);
    });
    R.policies.forEach(function (p, i) {
      var bad = p.summary.subtotal_thousand_yen !== null && p.summary.subtotal_thousand_yen !== sums[i];
      h += "<td" + (bad ? " class=bad" : "") + ">" + sums[i].toLocaleString("ja-JP") + "</td>";
    });
    h += "</tr><tr><th>小計</th>";
    R.policies.forEach(function (p) {
      var s = p.summary.subtotal_thousand_yen;
      h += "<td>" + (s === null ? "—" : s.toLocaleString("ja-JP")) + "</td>";
    });
    el("head").innerHTML = h + "</tr></table>";
  })();

  // Sidebar: filter, policies → cards, diagnostics.
  (function () {
    var h = "<label><input type=checkbox id=only-diag> only cards with diagnostics</label>";
    var last = -1;
    cards.forEach(function (c, i) {
      if (c.pi !== last) {
        last = c.pi;
        h += "<h2>" + esc(c.pol.numbers.map(function (n) { return String.fromCharCode(0x245f + n); }).join("") + " " +
          (c.pol.titles[0] || "")) + "</h2>";
      }
      var w = count(c.diags, "warning"), e = count(c.diags, "error");
      h += "<a class='card-link" + (w + e ? "" : " clean") + "' id=link-" + i + " href='#card=" + i + "' title='" +
        esc(c.p.name) + "'>" + c.p.no + ". " + esc(c.p.name) +
        (e ? "<span class='badge error'>" + e + "</span>" : "") + (w ? "<span class='badge warning'>" + w + "</span>" : "") + "</a>";
    });
    h += "<h2>Diagnostics (" + R.diagnostics.length + ")</h2><div id=diags>";
    R.diagnostics.forEach(function (d) {
      var i = cardOf(d);
      var text = "<span class='diag " + d.level + "'>" + d.level + "</span> " + esc(d.code) + ": " + esc(d.message);
      h += i >= 0 ? "<a href='#card=" + i + "'>" + text + "</a>" : "<div>" + text + "</div>";
    });
    var side = el("side");
    side.innerHTML = h + "</div>";
    el("only-diag").addEventListener("change", function (ev) { side.classList.toggle("only-diag", ev.target.checked); });
  })();

  // The regions of a card: [key, color, region] for each field that has one.
  function regionsOf(p) {
    var g = p.regions || {};
    var out = [];
    ["title", "number", "cost", "overview", "results", "metrics", "department"].forEach(function (k) {
      if (g[k]) out.push([k, COLORS[k], g[k]]);
    });
    (g.metric_cells || []).forEach(function (row, r) {
      row.forEach(function (reg, c) { if (reg) out.push(["cell-" + r + "-" + c, COLORS.cell, reg]); });
    });
    return out;
  }

  function pageSvg(page, regs) {
    var w = page.size ? page.size[0] : 0, h = page.size ? page.size[1] : 0;
    // Without a known page size, the page is as large as what is printed on it.
    if (!page.size) page.runs.forEach(function (t) { w = Math.max(w, t[1]); h = Math.max(h, t[2] + t[3]); });
    var s = "<svg class=page data-page=" + page.index + " data-w=" + w + " data-h=" + h +
      " viewBox='0 0 " + w + " " + h + "'><rect class=page-box x=0 y=0 width=" + w + " height=" + h +
      " fill=none stroke='#555' stroke-width=1 />";
    page.rules.forEach(function (r) {
      s += "<line class=rule x1=" + r[0] + " y1=" + r[1] + " x2=" + r[2] + " y2=" + r[3] + " />";
    });
    page.runs.forEach(function (t) {
      var len = Math.max(t[1] - t[0], 0.1);
      s += "<text x=" + t[0] + " y=" + t[2] + " font-size=" + t[3] + " textLength=" + len +
        " lengthAdjust=spacingAndGlyphs>" + esc(t[4]) + "</text>";
    });
    regs.forEach(function (x) {
      var b = x[2].bbox;
      if (!b || x[2].page !== page.index) return;
      s += "<rect class=region data-field=" + x[0] + " x=" + b[0] + " y=" + b[1] + " width=" + (b[2] - b[0]) +
        " height=" + (b[3] - b[1]) + " stroke='" + x[1] + "' fill='" + x[1] + "' />";
    });
    return s + "</svg>";
  }

  function sourceView(p, regs) {
    if (isPdf) {
      var pages = [];
      if (p.pdf_page) pages.push(p.pdf_page);
      regs.forEach(function (x) { if (pages.indexOf(x[2].page) < 0) pages.push(x[2].page); });
      return pages.map(function (n) {
        var page = S.pages[n - 1];
        return page ? "<div class=pageno>page " + n + "</div>" + pageSvg(page, regs) : "";
      }).join("");
    }
    var lo = Infinity, hi = 0;
    regs.forEach(function (x) { if (x[2].lines) { lo = Math.min(lo, x[2].lines[0]); hi = Math.max(hi, x[2].lines[1]); } });
    if (hi === 0) return "<p class=none>no source lines for this card</p>";
    lo = Math.max(1, lo - 2); hi = Math.min(S.lines.length, hi + 2);
    var s = "<div class=src>";
    for (var n = lo; n <= hi; n++) {
      var inside = regs.filter(function (x) { return x[2].lines && x[2].lines[0] <= n && n <= x[2].lines[1]; });
      // The narrowest region colours the line: a cell over its table, a column over its card.
      inside.sort(function (a, b) { return (a[2].lines[1] - a[2].lines[0]) - (b[2].lines[1] - b[2].lines[0]); });
      var top = inside[0];
      var style = top ? " style='border-left-color:" + top[1] + ";background:" + top[1] + "1a'" : "";
      s += "<div class=ln data-n=" + n + " data-fields='" + inside.map(function (x) { return x[0]; }).join(" ") + "'" + style +
        "><span class=no>" + n + "</span>" + esc(S.lines[n - 1] || "") + "</div>";
    }
    return s + "</div>";
  }

  function field(key, label, body) {
    return "<div class=field data-field=" + key + " style='border-left-color:" + COLORS[key] + "'><div class=k>" + label +
      "</div><div class=v>" + body + "</div></div>";
  }

  function fieldsView(c) {
    var p = c.p;
    var h = "<h2 id=card-title>" + esc(p.name) + (p.relisted ? "（再掲）" : "") + "</h2>";
    h += "<div class=k>p. " + (p.page || "—") + (p.pdf_page ? " · PDF page " + p.pdf_page : "") + "</div>";
    h += field("number", LABELS.number, String(p.no));
    h += field("title", LABELS.title, esc(p.name));
    var cost = yen(p.cost_thousand_yen);
    if (p.cost_breakdown.length) {
      cost += " (" + p.cost_breakdown.map(function (b) { return esc(b.label) + " " + yen(b.cost_thousand_yen); }).join("、") + ")";
    }
    h += field("cost", LABELS.cost, cost);
    h += field("overview", LABELS.overview, esc(p.overview) || "<span class=none>empty</span>");
    h += field("results", LABELS.results, esc(p.results) || "<span class=none>empty</span>");
    var t = "<table><tr><th>項目名</th>" + p.metrics.columns.map(function (col) {
      return "<th>" + esc(col.label) + (col.fiscal_year ? "<span class=q>" + col.fiscal_year + "</span>" : "") + "</th>";
    }).join("") + "</tr>";
    p.metrics.rows.forEach(function (row, r) {
      t += "<tr><td>" + esc(row.item) + "</td>" + row.cells.map(function (cell, ci) {
        return "<td class=cell data-field=cell-" + r + "-" + ci + ">" + esc(cell.text) + cell.values.map(function (q) {
          return "<span class=q>" + (q.qualifier ? esc(q.qualifier) + " " : "") + q.value + (q.unit ? " " + esc(q.unit) : "") + "</span>";
        }).join("") + "</td>";
      }).join("") + "</tr>";
    });
    h += field("metrics", LABELS.metrics, p.metrics.rows.length ? t + "</table>" : "<span class=none>no metrics</span>");
    var d = p.department;
    h += field("department", LABELS.department, d ? esc(d.text) + "<span class=q>" + ["division", "group", "bureau"].map(function (k) {
      return d[k] ? k + ": " + esc(d[k]) : "";
    }).filter(Boolean).join(" · ") + "</span>" : "<span class=none>none</span>");
    if (c.diags.length) {
      h += "<div class=k>diagnostics</div>" + c.diags.map(function (x) {
        return "<div class='diag " + x.level + "'>" + x.level + " " + esc(x.code) + ": " + esc(x.message) + "</div>";
      }).join("");
    }
    return h;
  }

  function highlight(key, on) {
    var sel = "[data-field='" + key + "']";
    document.querySelectorAll("#view " + sel + ", #fields " + sel).forEach(function (n) { n.classList.toggle("hot", on); });
    document.querySelectorAll("#view .ln").forEach(function (n) {
      if ((" " + n.getAttribute("data-fields") + " ").indexOf(" " + key + " ") >= 0) n.classList.toggle("hot", on);
    });
  }

  var current = -1;
  function select(i) {
    if (!cards.length) {
      el("main").innerHTML = "<p class=none>no cards in this report</p>";
      return;
    }
    i = Math.max(0, Math.min(cards.length - 1, i));
    if (current >= 0) { var old = el("link-" + current); if (old) old.classList.remove("sel"); }
    current = i;
    var c = cards[i];
    var regs = regionsOf(c.p);
    el("main").innerHTML = "<section id=view>" + sourceView(c.p, regs) + "</section><section id=fields data-card=" + i + ">" +
      fieldsView(c) + "</section>";
    var link = el("link-" + i);
    if (link) { link.classList.add("sel"); if (link.scrollIntoView) link.scrollIntoView({ block: "nearest" }); }
    document.querySelectorAll("#fields [data-field]").forEach(function (n) {
      var key = n.getAttribute("data-field");
      n.addEventListener("mouseenter", function () { highlight(key, true); });
      n.addEventListener("mouseleave", function () { highlight(key, false); });
      n.addEventListener("click", function (ev) {
        ev.stopPropagation();
        var target = document.querySelector("#view [data-field='" + key + "']") ||
          Array.prototype.find.call(document.querySelectorAll("#view .ln"), function (l) {
            return (" " + l.getAttribute("data-fields") + " ").indexOf(" " + key + " ") >= 0;
          });
        if (target && target.scrollIntoView) target.scrollIntoView({ block: "center" });
      });
    });
  }

  function fromHash() {
    var m = /card=(\d+)/.exec(location.hash);
    select(m ? parseInt(m[1], 10) : 0);
  }
  window.addEventListener("hashchange", fromHash);
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.tagName === "INPUT") return;
    var step = { j: 1, ArrowRight: 1, k: -1, ArrowLeft: -1 }[ev.key];
    if (!step) return;
    var i = current + step;
    // With the filter on, skip cards without diagnostics.
    if (el("side").classList.contains("only-diag")) {
      while (i >= 0 && i < cards.length && !cards[i].diags.length) i += step;
    }
    if (i >= 0 && i < cards.length) location.hash = "card=" + i;
  });
  fromHash();
  document.body.setAttribute("data-cards", String(cards.length));
  // Time from navigation to a drawn card, for the test's report (the issue asks for < 2 s).
  document.body.setAttribute("data-render-ms", String(Math.round(performance.now())));
  document.body.setAttribute("data-ready", "1");
})();
