//! Summary tables printed as column runs (poppler's `pdftotext` default mode), rebuilt
//! into one line a row.
//!
//! In its default mode `pdftotext` reads a table by text blocks: sometimes row by row,
//! sometimes a column's cells one after another (all the 担当課 and 掲載頁 of a page,
//! then names and costs), with the 新規 ○ marks often at the end of the page and a
//! row's No. glued to its name (`10 中南地域…`). What survives is the order *within*
//! each column, and what each cell looks like:
//!
//! - No.: the next number in sequence (or any unused number glued to a name), also the
//!   first number under the heading repeated on the table's next page;
//! - 事業名: text that follows its No. in reading order (its wrapped lines too);
//! - cost: an amount with thousands commas, or a plain number that is neither the next
//!   No. nor a plausible 掲載頁; the table's 小計 is the amount that is the sum of the
//!   others (or, when the printed sum is off, the first amount after 小計);
//! - 担当課: text ending like a department (課, 室, 局, センター…), or a line that such
//!   a line completes, grouped by the 掲載頁 that follows them;
//! - 掲載頁: a plain number not below the last page read and not far above it, or one
//!   right after a department, or one not below every page read (a page's last number
//!   there is a 掲載頁 printed out of order, not the page's footer: a table is printed
//!   before its cards);
//! - ○: the 新規 mark of the row whose cost it follows, or (in a table shared by several
//!   basic policies) the policy marks of the row whose No. comes next; in such a table a
//!   run of ○ between a cost and the next No. is the next row's policy marks up to the
//!   policies' count (every row has one, few rows are new), the rest the 新規 ○.
//!
//! Each column is then dealt to the rows in order. Nothing here knows a report's words:
//! only the table's own heading words ([`super::segment::is_table_heading`]) and the
//! shapes above. Where the text does not say which row a cell belongs to (a ○ printed
//! apart from every row, columns that do not count up to the rows), the rows are
//! returned with [`Doubt`]s so that their cards are warned, never silently guessed.

use regex::Regex;
use std::sync::LazyLock;

use super::segment::is_table_heading;

static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[▲△-]?[0-9]{1,3}(?:,[0-9]{3})+$").expect("static regex"));
static PLAIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]{1,6}$").expect("static regex"));
/// A No. glued to its name: `10 中南地域…` (the name does not start with a digit, a
/// mark or a comma).
static GLUED_NO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,3})\s+([^0-9,○〇◯\s].*)$").expect("static regex"));

/// How far above the last 掲載頁 read a plain number is still taken for a page: the
/// cards of consecutive rows sit within a few pages of each other, while a cost printed
/// without commas (under 1,000) is rarely that close.
const PAGE_REACH: u32 = 10;
/// How far past the highest No. read a glued No. may be (rows printed out of order).
const NO_REACH: u32 = 3;
/// Card title lines between a summary table's end and the card's cost line on the same
/// page: they are the card's, not the table's.
const MAX_TITLE_LINES: usize = 3;

/// Something the reassembly could not tell from the text, for a warning on the row's card.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    /// The row's No. (`None`: the table as a whole).
    pub no: Option<u32>,
    /// The row's name as rebuilt, to find the row's chapter.
    pub name: String,
    pub message: String,
}

/// Which printed values of a row were dealt to it by reading order rather than read with
/// it: what [`super::summary_cards`] may re-deal by the rows' cards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DealtFields {
    pub name: bool,
    pub cost: bool,
    pub page: bool,
}

/// The message of a [`Doubt`] that is a note for the cross-check with the cards
/// ([`Doubt::dealt`]), not a warning: the fields follow it.
const DEALT_NOTE: &str = "values dealt by reading order:";
const DEALT_FIELDS: [&str; 3] = ["name", "cost", "page"];

impl Doubt {
    /// A note that row `no`'s values `dealt` were dealt by reading order.
    fn dealt_note(no: u32, name: String, dealt: DealtFields) -> Doubt {
        let on = [dealt.name, dealt.cost, dealt.page];
        let fields: Vec<&str> = DEALT_FIELDS.iter().zip(on).filter(|(_, on)| *on).map(|(f, _)| *f).collect();
        Doubt { no: Some(no), name, message: format!("{DEALT_NOTE} {}", fields.join(" ")) }
    }

    /// For a note made by this module (and only such a note), what of its row was dealt
    /// by reading order. The notes are consumed by the cross-check with the cards and
    /// are not warnings of their own.
    pub fn dealt(&self) -> Option<DealtFields> {
        let fields = self.message.strip_prefix(DEALT_NOTE)?;
        let mut d = DealtFields::default();
        for f in fields.split_whitespace() {
            match f {
                "name" => d.name = true,
                "cost" => d.cost = true,
                "page" => d.page = true,
                _ => return None,
            }
        }
        Some(d)
    }
}

/// What other modules' tests need to make this module's notes.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::{DealtFields, Doubt};

    pub(crate) fn note(no: u32, name: &str, dealt: DealtFields) -> Doubt {
        Doubt::dealt_note(no, name.to_string(), dealt)
    }
}

pub(crate) fn is_mark(s: &str) -> bool {
    !s.is_empty() && s.split_whitespace().all(|t| matches!(t, "○" | "〇" | "◯"))
}

fn marks_in(s: &str) -> usize {
    s.split_whitespace().count()
}

pub(crate) fn is_circled(c: char) -> bool {
    ('\u{2460}'..='\u{2473}').contains(&c)
}

/// The table heading test with circled numbers set apart (`針⑥` → `針 ⑥`).
pub(crate) fn heading(s: &str) -> bool {
    let spaced: String =
        s.chars().flat_map(|c| if is_circled(c) { vec![' ', c, ' '] } else { vec![c] }).collect();
    is_table_heading(&spaced)
}

/// A department's last line: `…課`, `…室`, `…局`, `…センター`, maybe closed by `）`.
pub(crate) fn ends_department(s: &str) -> bool {
    let t = s.trim_end_matches([')', '）']).trim_end();
    ["課", "室", "局", "センター", "所", "部", "庁"].iter().any(|e| t.ends_with(e))
}

/// A whole department line: it ends like one and does not name a project (事業, 補助,
/// 費 end project names; a department never holds them).
pub(crate) fn department_line(s: &str) -> bool {
    ends_department(s) && !["事業", "補助", "費"].iter().any(|w| s.contains(w))
}

pub(crate) fn width(s: &str) -> f32 {
    s.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

/// More opening than closing parentheses.
pub(crate) fn paren_open(s: &str) -> bool {
    !super::marks::parens_closed(s)
}

/// One classified line of a table region.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Heading(String),
    Subtotal(Option<String>),
    Marks(usize),
    Amount(String),
    Plain(u32),
    Text(String),
}

fn classify(l: &str) -> Tok {
    let t = l.trim();
    if let Some(rest) = t.strip_prefix("小計") {
        let rest = rest.trim();
        return Tok::Subtotal((!rest.is_empty()).then(|| rest.to_string()));
    }
    if is_mark(t) {
        return Tok::Marks(marks_in(t));
    }
    if AMOUNT.is_match(t) {
        return Tok::Amount(t.to_string());
    }
    if PLAIN.is_match(t) {
        if let Ok(n) = t.parse() {
            return Tok::Plain(n);
        }
    }
    Tok::Text(t.to_string())
}

/// The lines of a region, each classified; pieces of the heading (also split over two or
/// three lines: `R5事業` / `費`, `掲載` / `頁`) become [`Tok::Heading`].
fn tokens(lines: &[String]) -> Vec<(Tok, usize)> {
    let ls: Vec<String> = lines.iter().map(|l| l.trim().to_string()).collect();
    let mut is_head = vec![false; ls.len()];
    for i in 0..ls.len() {
        if ls[i].is_empty() || ls[i].starts_with("小計") {
            continue;
        }
        let only_circled = ls[i].chars().all(|c| is_circled(c) || c.is_whitespace());
        if heading(&ls[i]) || only_circled {
            is_head[i] = true;
            continue;
        }
        // Pieces of one heading word over consecutive lines.
        for len in 2..=3 {
            for start in i.saturating_sub(len - 1)..=i {
                let Some(group) = ls.get(start..start + len) else { continue };
                if group.iter().any(|g| g.is_empty() || g.starts_with("小計")) {
                    continue;
                }
                if heading(&group.concat()) {
                    is_head[i] = true;
                }
            }
        }
    }
    let mut out = Vec::new();
    for (i, l) in ls.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        if is_head[i] {
            out.push((Tok::Heading(l.clone()), i));
            continue;
        }
        match GLUED_NO.captures(l) {
            Some(c) if !heading(c.get(2).map_or("", |m| m.as_str())) => {
                if let Some(n) = c.get(1).and_then(|m| m.as_str().parse().ok()) {
                    out.push((Tok::Plain(n), i));
                    out.push((Tok::Text(c.get(2).map_or("", |m| m.as_str()).to_string()), i));
                    continue;
                }
                out.push((classify(l), i));
            }
            _ => out.push((classify(l), i)),
        }
    }
    out
}

/// An amount of the cost column.
#[derive(Debug, Clone)]
struct Cost {
    text: String,
    /// Read right after a 小計 line.
    after_subtotal: bool,
    /// The row whose name it follows in reading order (the row is printed row-wise there).
    row: Option<u32>,
    /// A plain number within the pages read so far: a 掲載頁 printed out of order, when
    /// the table has more costs than rows and fewer pages.
    maybe_page: Option<u32>,
}

#[derive(Debug, Clone, Copy)]
enum NewMark {
    /// After the cost of this index, read on this page.
    Cost(usize, usize),
    /// Before the 掲載頁 of this index, read on this page.
    Row(usize, usize),
}

#[derive(Debug, Default, Clone)]
struct Row {
    no: u32,
    name: Vec<String>,
    marks: usize,
    /// The page (of the region) its No. was read on.
    page: usize,
    /// Its name was dealt to it by reading order (the first row left without one, or
    /// after a run of No.s), not read right after its own No.
    name_dealt: bool,
}

/// What a region's tokens are read into.
#[derive(Debug, Default)]
struct Columns {
    headings: Vec<String>,
    rows: Vec<Row>,
    /// Amounts in reading order, with whether each came right after 小計.
    costs: Vec<Cost>,
    /// Per page read, the departments read since the previous page.
    /// Each with the row it was read right after (its row's cost, department, page:
    /// the row printed row by row there).
    pages: Vec<(u32, Vec<String>, Option<u32>)>,
    /// 新規 marks: by the cost they follow, or by the row whose 掲載頁 comes next.
    new: Vec<NewMark>,
    /// Marks placed on no row: the page (of the region) each was read on.
    loose_marks: Vec<usize>,
    /// Policy marks read before the No. they belong to.
    pending: usize,
    /// Rows (No.) of a shared table after whose cost a run of marks was read as the next
    /// row's policy marks, though one of them may be the row's 新規 ○.
    new_or_policy: Vec<u32>,
}

/// Read a region (one table, over its pages). `page_of[i]`: the physical page of line i.
fn read(lines: &[String], page_of: &[usize], shared: bool) -> Columns {
    let toks = tokens(lines);
    let mut circled: Vec<char> = toks
        .iter()
        .take_while(|(t, _)| !matches!(t, Tok::Plain(_)))
        .filter_map(|(t, _)| match t {
            Tok::Heading(h) => Some(h.chars().filter(|c| is_circled(*c))),
            _ => None,
        })
        .flatten()
        .collect();
    circled.sort_unstable();
    circled.dedup();
    let mut r = Reader {
        policy_columns: if shared { circled.len().max(2) } else { 0 },
        last_plain_on_page: last_plain_on_page(&toks, page_of),
        dept_width: toks
            .iter()
            .filter_map(|(t, _)| match t {
                Tok::Text(s) if department_line(s) => Some(width(s)),
                _ => None,
            })
            .fold(0.0f32, f32::max),
        toks: &toks,
        page_of,
        shared,
        c: Columns::default(),
        depts: Vec::new(),
        prev: Prev::Start,
        after_subtotal: false,
        page: 0,
        named: None,
        last_name: None,
        dealing: 0,
        row_wise: None,
        continued: false,
        early: None,
    };
    for (k, (t, i)) in toks.iter().enumerate() {
        r.page = page_of.get(*i).copied().unwrap_or(r.page);
        match t {
            Tok::Heading(h) => {
                if r.c.rows.is_empty() {
                    r.c.headings.push(h.clone());
                } else {
                    // The heading repeated on a later page: the table goes on there.
                    r.continued = true;
                }
                if r.prev == Prev::Name {
                    // Heading pieces between a name and a cost: the page's cells may
                    // start there, the cost is not read with the name.
                    r.prev = Prev::Start;
                }
            }
            Tok::Subtotal(amount) => r.subtotal(amount.as_ref()),
            Tok::Marks(n) => r.marks(k, *n),
            Tok::Amount(a) => r.cost(a.clone()),
            Tok::Plain(n) => r.plain(k, *n, *i),
            Tok::Text(s) => r.text(k, s),
        }
    }
    r.early_name_unclaimed();
    let mut c = r.c;
    let pending = std::mem::take(&mut c.pending);
    c.loose_marks.extend(std::iter::repeat_n(r.page, pending));
    c
}

/// Per page, the index (in `toks`) of its last plain number: the page's footer when it
/// is below a 掲載頁 read before it (the cards come after their table).
fn last_plain_on_page(toks: &[(Tok, usize)], page_of: &[usize]) -> Vec<Option<usize>> {
    let mut last: Vec<Option<usize>> = Vec::new();
    for (k, (t, i)) in toks.iter().enumerate() {
        if matches!(t, Tok::Plain(_)) {
            let p = page_of.get(*i).copied().unwrap_or(0);
            if last.len() <= p {
                last.resize(p + 1, None);
            }
            if let Some(slot) = last.get_mut(p) {
                *slot = Some(k);
            }
        }
    }
    last
}

/// What the previous token was, to tell a name line from a department line.
#[derive(PartialEq, Clone, Copy, Debug)]
enum Prev {
    Start,
    No,
    Name,
    Cost,
    Mark,
    DeptOpen,
    DeptDone,
    Page,
    Subtotal,
}

/// The state of [`read`]: one handler per token kind.
struct Reader<'a> {
    toks: &'a [(Tok, usize)],
    page_of: &'a [usize],
    /// The table is shared by several policies (its ○ marks come before the No.).
    shared: bool,
    /// How many policies share the table (its circled numbers in the heading).
    policy_columns: usize,
    last_plain_on_page: Vec<Option<usize>>,
    /// The widest whole department line: a line as wide, completed by the next, opens one.
    dept_width: f32,
    c: Columns,
    /// Department lines read since the last 掲載頁.
    depts: Vec<String>,
    prev: Prev,
    after_subtotal: bool,
    /// The page (of the region) of the token being read.
    page: usize,
    /// The row the last name line went to.
    named: Option<usize>,
    /// The row the last name line went to, and whether it started or continued a name
    /// (rather than being added to a row named before).
    last_name: Option<(usize, bool)>,
    /// Name lines still to deal one a row after a run of No.s ([`Reader::first_of_run`]).
    dealing: usize,
    /// The row whose cost was read right after its name: its department and page may
    /// follow.
    row_wise: Option<u32>,
    /// The table's heading was repeated (a later page of the table) and no number has
    /// been read since.
    continued: bool,
    /// A name printed before its own No. ([`Reader::no_after_its_name`]): its lines, the
    /// No. it waits for, the row it would have gone to otherwise.
    early: Option<EarlyName>,
}

/// See [`Reader::early`].
#[derive(Debug)]
struct EarlyName {
    lines: Vec<String>,
    no: u32,
    otherwise: usize,
}

impl Reader<'_> {
    fn max_no(&self) -> u32 {
        self.c.rows.iter().map(|r| r.no).max().unwrap_or(0)
    }

    fn subtotal(&mut self, amount: Option<&String>) {
        self.after_subtotal = true;
        if let Some(a) = amount {
            self.c.costs.push(Cost { text: a.clone(), after_subtotal: true, row: None, maybe_page: None });
            self.after_subtotal = false;
        }
        self.prev = Prev::Subtotal;
    }

    /// The marks of the run of mark lines starting at token `k`, and whether the next
    /// row's No. comes right after the run.
    fn mark_run(&self, k: usize) -> (usize, bool) {
        let run: Vec<usize> = self
            .toks
            .iter()
            .skip(k)
            .map_while(|(t, _)| match t {
                Tok::Marks(m) => Some(*m),
                _ => None,
            })
            .collect();
        let next_no =
            matches!(self.toks.get(k + run.len()), Some((Tok::Plain(n), _)) if *n == self.max_no() + 1);
        (run.iter().sum(), next_no)
    }

    fn marks(&mut self, k: usize, n: usize) {
        if self.shared && self.prev == Prev::Cost && !self.c.costs.is_empty() {
            // Between a row's cost and the next row's No. in a shared table: the next
            // row's policy marks (every row has one at least, few rows are new), and only
            // the marks beyond the policies' count the cost's row's 新規 ○.
            let (run, next_no) = self.mark_run(k);
            if next_no && run <= self.policy_columns {
                if run > 1 {
                    self.c.new_or_policy.push(self.max_no());
                }
                self.c.pending += n;
                self.prev = Prev::Mark;
                return;
            }
        }
        let (c, page) = (&mut self.c, self.page);
        let loose = |c: &mut Columns, k: usize| c.loose_marks.extend(std::iter::repeat_n(page, k));
        if self.prev == Prev::Cost && !c.costs.is_empty() {
            c.new.push(NewMark::Cost(c.costs.len() - 1, page));
            loose(c, n.saturating_sub(1));
        } else if c.costs.len() > c.pages.len() && !self.shared {
            c.new.push(NewMark::Row(c.pages.len(), page));
            loose(c, n.saturating_sub(1));
        } else if self.shared && self.prev != Prev::Subtotal && !self.after_subtotal {
            // Policy marks come before their row's No.
            c.pending += n;
        } else {
            loose(c, n);
        }
        self.prev = Prev::Mark;
    }

    fn cost(&mut self, text: String) {
        self.cost_or_page(text, None);
    }

    fn cost_or_page(&mut self, text: String, maybe_page: Option<u32>) {
        let row = anchor_row(&self.c, self.prev == Prev::Name, self.named);
        self.row_wise = row;
        self.c.costs.push(Cost { text, after_subtotal: self.after_subtotal, row, maybe_page });
        self.after_subtotal = false;
        self.prev = Prev::Cost;
    }

    fn page(&mut self, n: u32) {
        let taken = |no: &u32| self.c.pages.iter().any(|p| p.2 == Some(*no));
        let row = self.row_wise.filter(|no| self.prev == Prev::DeptDone && !taken(no));
        self.c.pages.push((n, std::mem::take(&mut self.depts), row));
        self.row_wise = None;
        self.prev = Prev::Page;
    }

    /// A plain number (token `k`, on line `i`): a page footer, a row's No., a 掲載頁 or
    /// a cost without a comma.
    fn plain(&mut self, k: usize, n: u32, i: usize) {
        let glued = matches!(self.toks.get(k + 1), Some((Tok::Text(_), j)) if *j == i);
        // Pages are compared with the highest read: a writer's blocks can print a
        // page out of order (they are sorted when dealt).
        let last_page = self.c.pages.iter().map(|p| p.0).max();
        let first_page = self.c.pages.iter().map(|p| p.0).min();
        let page_ok = last_page.is_none_or(|lp| n >= lp && n <= lp + PAGE_REACH);
        let within = first_page.zip(last_page).is_some_and(|(fp, lp)| n >= fp && n <= lp);
        let max_no = self.max_no();
        // A number right after a department is its 掲載頁 (printed out of order), not
        // the page's footer; so is one not below every page read: a table is printed
        // before all its cards.
        let footer = self.last_plain_on_page.get(self.page_of.get(i).copied().unwrap_or(0)) == Some(&Some(k))
            && first_page.is_some_and(|fp| n < fp)
            && n != max_no + 1
            && self.prev != Prev::DeptDone;
        let used = self.c.rows.iter().any(|r| r.no == n);
        // The first number under a repeated heading, the next No. followed by a name,
        // starts the page's first row (not a 掲載頁 within the pages read: the rows of
        // the table's next page come after the heading, whatever the previous page left
        // unfinished).
        let continues = std::mem::take(&mut self.continued)
            && n == max_no + 1
            && !self.after_subtotal
            && matches!(self.toks.get(k + 1), Some((Tok::Text(t), _)) if !department_line(t));
        if continues {
            self.begin_row(n);
            self.prev = Prev::No;
            return;
        }
        if footer {
            return;
        }
        if glued && !used && n >= 1 && n <= max_no + NO_REACH {
            self.begin_row(n);
            self.prev = Prev::No;
            return;
        }
        // Before the first page, only a department right before makes a page: a
        // department line read earlier may be the previous row's, its page to come.
        let dept_before =
            matches!(self.prev, Prev::DeptDone) || !self.depts.is_empty() && last_page.is_some();
        // A No. missing from the sequence, printed right after a name that went to a row
        // already named: the name is this row's.
        let gap = !used && n >= 1 && n < max_no && !within && !page_ok;
        let moved = if gap { self.moved_name_line() } else { None };
        if !used && self.no_before_name(k, n, first_page) {
            self.begin_row(n);
            self.prev = Prev::No;
        } else if let Some(line) = moved {
            self.begin_row(n);
            if let Some(r) = self.c.rows.last_mut() {
                r.name.push(line);
                // Taken from another row by a guess.
                r.name_dealt = true;
            }
            self.named = self.c.rows.len().checked_sub(1);
            self.prev = Prev::Name;
        } else if dept_before && (page_ok || within) {
            // A page after its row's department, also one printed out of order.
            self.page(n);
        } else if n == max_no + 1 && !self.after_subtotal {
            self.begin_row(n);
            self.prev = Prev::No;
        } else if page_ok && last_page.is_some() {
            self.page(n);
        } else {
            // Before any page is read, a number past the next No.s may be the first page.
            let first = last_page.is_none() && n > max_no + NO_REACH;
            self.cost_or_page(n.to_string(), (within || first).then_some(n));
        }
    }

    /// A row starts at its No.: what was read before is no longer its row's.
    fn begin_row(&mut self, n: u32) {
        if self.early.as_ref().is_some_and(|e| e.no != n) {
            self.early_name_unclaimed();
        }
        start_row(&mut self.c, n, self.page);
        self.row_wise = None;
        if let Some(e) = self.early.take() {
            if let Some(r) = self.c.rows.last_mut() {
                r.name = e.lines;
                // Read before the No., not right after it.
                r.name_dealt = true;
            }
        }
    }

    /// A name waiting for its No. that never came goes where it would have gone.
    fn early_name_unclaimed(&mut self) {
        if let Some(e) = self.early.take() {
            if let Some(r) = self.c.rows.get_mut(e.otherwise) {
                r.name.extend(e.lines);
            }
        }
    }

    /// Keep a name line (token `k`) for the row whose No. comes after it: a further line
    /// of such a name, or its first line ([`Reader::no_after_its_name`]). Whether it was.
    fn early_name_line(&mut self, k: usize, s: &str, name_open: bool) -> bool {
        if self.prev == Prev::Name {
            if let Some(e) = self.early.as_mut() {
                e.lines.push(s.to_string());
                return true;
            }
        }
        let all_named = self.c.rows.iter().all(|r| !r.name.is_empty());
        if self.prev != Prev::Page || !all_named || name_open {
            return false;
        }
        let (Some(no), Some(otherwise)) = (self.no_after_its_name(k), self.c.rows.len().checked_sub(1))
        else {
            return false;
        };
        self.early = Some(EarlyName { lines: vec![s.to_string()], no, otherwise });
        self.named = None;
        self.last_name = None;
        self.prev = Prev::Name;
        true
    }

    /// Whether a name line (token `k`) read after a complete row, every row named, is the
    /// next row's printed before its No.: the next number read (past the name's further
    /// lines, marks, heading pieces and departments) is the next No., and no name follows
    /// it. `Some(no)` then.
    fn no_after_its_name(&self, k: usize) -> Option<u32> {
        let next = self.max_no() + 1;
        let (j, no) = self.toks.iter().enumerate().skip(k + 1).find_map(|(j, (t, _))| match t {
            Tok::Plain(n) => Some((j, Some(*n))),
            Tok::Amount(_) | Tok::Subtotal(_) => Some((j, None)),
            _ => None,
        })?;
        let named_after = matches!(self.toks.get(j + 1), Some((Tok::Text(t), _)) if !department_line(t));
        (no == Some(next) && !named_after).then_some(next)
    }

    /// A No. followed by its name (not a department): the next No. before any page is
    /// read (taking it for the first page would make every later No. a page), or one a
    /// little past the highest No. that is below every page read (rows printed out of
    /// order).
    fn no_before_name(&self, k: usize, n: u32, first_page: Option<u32>) -> bool {
        let name_next = matches!(self.toks.get(k + 1), Some((Tok::Text(t), _)) if !department_line(t));
        let max_no = self.max_no();
        let next = first_page.is_none() && n == max_no + 1;
        let past = first_page.is_some_and(|fp| n < fp) && n > max_no && n <= max_no + NO_REACH;
        name_next && !self.after_subtotal && (next || past)
    }

    /// The last name line, when it was read just now and went to a row that had a name
    /// already (so it may be a row's whose No. comes after it). Taken from that row.
    fn moved_name_line(&mut self) -> Option<String> {
        let (row, fresh) = self.last_name.filter(|_| self.prev == Prev::Name)?;
        if fresh {
            return None;
        }
        let r = self.c.rows.get_mut(row)?;
        if r.name.len() < 2 {
            return None;
        }
        r.name.pop()
    }

    /// A text line (token `k`): a department's line (or its first part), else a name's.
    fn text(&mut self, k: usize, s: &str) {
        let next_text = match self.toks.get(k + 1) {
            Some((Tok::Text(n), _)) => Some(n.as_str()),
            _ => None,
        };
        // A department's first line, completed by the next one (`産業イノベーション推進` / `課`).
        let opens_dept = next_text.is_some_and(|n| {
            ends_department(n)
                && !ends_department(s)
                && !format!("{s}{n}").contains("事業")
                && width(s) + 1.0 >= self.dept_width.min(width(s) + width(n))
        });
        let name_open =
            self.name_row().and_then(|k| self.c.rows.get(k)).is_some_and(|r| paren_open(&r.name.concat()));
        // A department's whole line is one wherever it comes (a page's 担当課
        // column can follow a row's No. in reading order); a line after a No.
        // or inside a name's open parenthesis is the name's.
        let is_dept = match self.prev {
            Prev::DeptOpen => true,
            Prev::Name if name_open => false,
            _ if department_line(s) => true,
            Prev::No => false,
            _ => opens_dept,
        };
        if is_dept {
            match (self.prev, self.depts.last_mut()) {
                (Prev::DeptOpen, Some(d)) => d.push_str(s),
                _ => self.depts.push(s.to_string()),
            }
            self.prev = if ends_department(s) || !opens_dept && self.prev == Prev::DeptOpen {
                Prev::DeptDone
            } else {
                Prev::DeptOpen
            };
        } else {
            // A name right after a No. is its row's; a name's further line goes on with
            // it; another name goes to the first row left without one (a writer's block
            // can print a run of No.s, then their names), else to the last row.
            // Whether a name starting a row is dealt to it by order rather than read
            // right after its own No. (a No. ending a run of nameless No.s counts as
            // dealt: the name may be the run's first row's).
            let after_run = self.c.rows.iter().rev().take_while(|r| r.name.is_empty()).count() > 1;
            if self.early_name_line(k, s, name_open) {
                return;
            }
            let (target, by_order) = if self.prev == Prev::No {
                (self.first_of_run(k), after_run)
            } else if self.prev == Prev::Name && self.dealing > 0 {
                self.dealing -= 1;
                (self.c.rows.iter().position(|r| r.name.is_empty()), true)
            } else if self.prev == Prev::Name || name_open {
                (self.name_row(), false)
            } else {
                self.dealing = 0;
                (
                    self.c.rows.iter().position(|r| r.name.is_empty()).or(self.c.rows.len().checked_sub(1)),
                    true,
                )
            };
            match target.and_then(|t| self.c.rows.get_mut(t)) {
                Some(r) => {
                    let fresh = r.name.is_empty() || self.prev == Prev::Name;
                    if r.name.is_empty() {
                        r.name_dealt = by_order;
                    }
                    r.name.push(s.to_string());
                    self.last_name = target.map(|t| (t, fresh));
                }
                None => self.c.headings.push(s.to_string()),
            }
            self.named = target;
            self.prev = Prev::Name;
        }
    }

    /// The row of a name line read right after a No. (token `k`): that No.'s row; but
    /// after a run of No.s followed by as many name lines, the run's first row (the
    /// names are dealt one a row: `17` … `21`, then five names).
    fn first_of_run(&mut self, k: usize) -> Option<usize> {
        let last = self.c.rows.len().checked_sub(1);
        let run = self.c.rows.iter().rev().take_while(|r| r.name.is_empty()).count();
        let names = self
            .toks
            .get(k..)
            .unwrap_or_default()
            .iter()
            .take_while(|(t, _)| matches!(t, Tok::Text(s) if !department_line(s)))
            .count();
        if run > 1 && names == run {
            self.dealing = run - 1;
            return self.c.rows.len().checked_sub(run);
        }
        last
    }

    /// The row the last name line went to (the last row when none did yet).
    fn name_row(&self) -> Option<usize> {
        self.named.or(self.c.rows.len().checked_sub(1))
    }
}

/// A cost read right after a row's name (row `named`) is that row's, when the row has
/// none yet.
fn anchor_row(c: &Columns, after_name: bool, named: Option<usize>) -> Option<u32> {
    let r = named.and_then(|k| c.rows.get(k)).filter(|_| after_name)?;
    (!c.costs.iter().any(|k| k.row == Some(r.no))).then_some(r.no)
}

fn start_row(c: &mut Columns, no: u32, page: usize) {
    let marks = std::mem::take(&mut c.pending);
    c.rows.push(Row { no, name: Vec::new(), marks, page, name_dealt: false });
}

static BOX_OR_COST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"【\s*事\s*業\s*(概\s*要|実\s*績)\s*】|事\s*業\s*費\s*[▲△-]?\s*[0-9][0-9,.]*\s*(千\s*円|百\s*万\s*円|億\s*円|円)")
        .expect("static regex")
});

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{c}').collect()
}

/// Rebuild every summary table of a `pdftotext` default dump into one line a row. The
/// lines still carry their form feeds (a page starts with one): a table's region runs
/// from its 【基本方針事業一覧】 line to the end of the page that prints its 小計 (the
/// page's cells may come after the 小計 line), or to a card starting on that page.
pub fn rebuild(ls: Vec<String>) -> (Vec<String>, Vec<Doubt>) {
    let mut out = Vec::with_capacity(ls.len());
    let mut doubts = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        let line = &ls[i];
        out.push(line.clone());
        i += 1;
        if !squash(line).contains("【基本方針事業一覧】") {
            continue;
        }
        let starts_page = |l: &String| l.starts_with('\u{c}');
        let is_table_start = |l: &String| squash(l).contains("【基本方針事業一覧】");
        let Some(sub) = (i..ls.len())
            .take_while(|&k| !is_table_start(&ls[k]) && !BOX_OR_COST.is_match(&ls[k]))
            .find(|&k| squash(&ls[k]).starts_with("小計"))
        else {
            continue;
        };
        let mut end = (sub + 1..ls.len()).find(|&k| starts_page(&ls[k])).unwrap_or(ls.len());
        if let Some(card) = (sub + 1..end).find(|&k| BOX_OR_COST.is_match(&ls[k]) || is_table_start(&ls[k])) {
            // The card's title lines printed before its cost line are the card's.
            let mut e = card;
            while e > sub + 1
                && card - e < MAX_TITLE_LINES
                && matches!(classify(ls[e - 1].trim_start_matches('\u{c}')), Tok::Text(ref t) if !ends_department(t))
            {
                e -= 1;
            }
            end = e;
        }
        let region: Vec<String> =
            ls[i..end].iter().map(|l| l.trim_start_matches('\u{c}').to_string()).collect();
        let mut page = 0;
        let page_of: Vec<usize> = ls[i..end]
            .iter()
            .map(|l| {
                page += usize::from(starts_page(l));
                page
            })
            .collect();
        let shared =
            region.iter().take_while(|l| !l.trim().starts_with("No")).any(|l| l.chars().any(is_circled));
        let cols = read(&region, &page_of, shared);
        let (lines, mut d) = deal(cols);
        out.extend(lines);
        doubts.append(&mut d);
        i = end;
    }
    (out, doubts)
}

pub(crate) fn amount_value(s: &str) -> Option<i64> {
    let neg = s.starts_with(['▲', '△', '-']);
    let v: i64 = s.trim_start_matches(['▲', '△', '-']).replace(',', "").parse().ok()?;
    Some(if neg { -v } else { v })
}

/// Deal the columns to the rows (in No. order) and print one line a row.
fn deal(mut c: Columns) -> (Vec<String>, Vec<Doubt>) {
    let mut doubts = Vec::new();
    let table_doubt = |rows: &[Row], message: String| Doubt {
        no: None,
        name: rows.first().map(|r| r.name.concat()).unwrap_or_default(),
        message,
    };
    costs_to_pages(&mut c);
    stray_plain_cost(&mut c);
    let sub_at = subtotal_index(&c);
    let subtotal = sub_at.and_then(|k| c.costs.get(k)).map(|k| k.text.clone());
    c.rows.sort_by_key(|r| r.no);
    let (row_page, page_row) = pages_to_rows(&c);
    let n = c.rows.len();
    let dealt = costs_to_rows(&c, sub_at);
    let new: Vec<usize> = c
        .new
        .iter()
        .filter_map(|m| match m {
            NewMark::Cost(ci, _) => dealt.cost_row.get(*ci).copied().flatten(),
            NewMark::Row(k, _) => page_row.get(*k).copied().flatten(),
        })
        .collect();
    // A mark after the 小計's amount (or a cost no row took) marks no row: said below.
    // So does a mark before a 掲載頁 no row took.
    for m in &c.new {
        let (row, page) = match m {
            NewMark::Cost(ci, page) => (dealt.cost_row.get(*ci).copied().flatten(), *page),
            NewMark::Row(pi, page) => (page_row.get(*pi).copied().flatten(), *page),
        };
        if row.is_none() {
            c.loose_marks.push(page);
        }
    }
    let missing = dealt.row_cost.iter().filter(|r| r.is_none()).count();
    if missing + dealt.unplaced > 0 || c.pages.len() != n {
        doubts.push(table_doubt(
            &c.rows,
            format!(
                "summary table printed as column runs: {n} rows but {} costs and {} 掲載頁; rows after the first difference may hold another row's cells",
                n + dealt.unplaced - missing,
                c.pages.len()
            ),
        ));
        doubts.extend(dealt_by_order(&c, &dealt.row_cost, &row_page));
    }
    if !c.loose_marks.is_empty() {
        doubts.push(table_doubt(
            &c.rows,
            format!(
                "{} 新規 ○ mark(s) printed apart from every row: which rows are new is not in the text (only the rows whose mark follows their cost are marked)",
                c.loose_marks.len()
            ),
        ));
        doubts.extend(loose_mark_doubts(&c, &new));
    }
    doubts.extend(guessed_mark_doubts(&c, &dealt.cost_row, &page_row, &new));
    for no in &c.new_or_policy {
        if let Some(r) = c.rows.iter().find(|r| r.no == *no) {
            doubts.push(Doubt {
                no: Some(r.no),
                name: r.name.concat(),
                message: format!(
                    "the ○ marks between this row's cost and row {}'s No. were read as row {}'s basic-policy marks: one may be this row's 新規 ○ (read as not new)",
                    r.no + 1,
                    r.no + 1
                ),
            });
        }
    }
    doubts.extend(dealt_notes(&c, &dealt.row_cost, &row_page));
    let mut out = vec![c.headings.join(" ")];
    out.extend(row_lines(&c, &dealt.row_cost, &row_page, &new, &mut doubts));
    out.push(format!("小計 {}", subtotal.unwrap_or_default()).trim_end().to_string());
    (out, doubts)
}

/// When a table's columns do not count up to its rows, a doubt on each row whose cost
/// or 掲載頁 was dealt by reading order rather than read with the row (after its name,
/// after its cost and department): it may be another row's.
fn dealt_by_order(c: &Columns, row_cost: &[Option<usize>], row_page: &[Option<usize>]) -> Vec<Doubt> {
    let mut out = Vec::new();
    for (k, r) in c.rows.iter().enumerate() {
        let cost_read = row_cost.get(k).copied().flatten().and_then(|ci| c.costs.get(ci)).and_then(|x| x.row);
        let page_read = row_page.get(k).copied().flatten().and_then(|pi| c.pages.get(pi)).and_then(|p| p.2);
        let what = match (cost_read == Some(r.no), page_read == Some(r.no)) {
            (true, true) => continue,
            (false, true) => "cost",
            (true, false) => "掲載頁",
            (false, false) => "cost and 掲載頁",
        };
        out.push(Doubt {
            no: Some(r.no),
            name: r.name.concat(),
            message: format!(
                "summary table printed as column runs whose columns do not count up to its rows: this row's {what} was dealt by reading order and may be another row's"
            ),
        });
    }
    out
}

/// A note ([`Doubt::dealt`]) for each row with a printed value dealt to it by reading
/// order: a name not read right after its No.; a cost or 掲載頁 not read with the row,
/// or read with a name that was itself dealt (it follows the name, not the No.). A
/// 掲載頁 filled from a neighbour is no printed value of the row's and is left out.
fn dealt_notes(c: &Columns, row_cost: &[Option<usize>], row_page: &[Option<usize>]) -> Vec<Doubt> {
    let mut out = Vec::new();
    for (k, r) in c.rows.iter().enumerate() {
        let cost = row_cost.get(k).copied().flatten().and_then(|ci| c.costs.get(ci));
        let page = row_page.get(k).copied().flatten().and_then(|pi| c.pages.get(pi));
        let d = DealtFields {
            name: r.name_dealt,
            cost: cost.is_some_and(|x| r.name_dealt || x.row != Some(r.no)),
            page: page.is_some_and(|p| r.name_dealt || p.2 != Some(r.no)),
        };
        if d != DealtFields::default() {
            out.push(Doubt::dealt_note(r.no, r.name.concat(), d));
        }
    }
    out
}

/// A 新規 ○ goes to the row of the cost it follows (or of the 掲載頁 it precedes); when
/// that cost or page was itself dealt by reading order rather than read with its row
/// (after the row's name; after its cost and department), the mark's row is a guess
/// too. A doubt on the row that got it and, as for a loose mark, on each unmarked row
/// whose No. was read on the mark's page: the mark may be theirs.
fn guessed_mark_doubts(
    c: &Columns,
    cost_row: &[Option<usize>],
    page_row: &[Option<usize>],
    new: &[usize],
) -> Vec<Doubt> {
    let mut out: Vec<Doubt> = Vec::new();
    for m in &c.new {
        let (row, read_with, page, what) = match m {
            NewMark::Cost(ci, page) => {
                (cost_row.get(*ci).copied().flatten(), c.costs.get(*ci).and_then(|k| k.row), *page, "cost")
            }
            NewMark::Row(pi, page) => {
                (page_row.get(*pi).copied().flatten(), c.pages.get(*pi).and_then(|p| p.2), *page, "掲載頁")
            }
        };
        let Some(r) = row.and_then(|k| c.rows.get(k)) else { continue };
        if read_with == Some(r.no) {
            continue;
        }
        let mut push = |row: &Row, message: String| {
            if !out.iter().any(|d| d.no == Some(row.no)) {
                out.push(Doubt { no: Some(row.no), name: row.name.concat(), message });
            }
        };
        push(
            r,
            format!("this row's 新規 ○ follows a {what} that was dealt to it by reading order, not read with it: the mark may be another row's"),
        );
        for (k, other) in c.rows.iter().enumerate() {
            if other.page == page && !new.contains(&k) {
                push(
                    other,
                    format!("a 新規 ○ on this row's page was dealt by reading order to row {}: this row may be new (read as not new)", r.no),
                );
            }
        }
    }
    out
}

/// A doubt on each row a loose ○ may belong to: the rows left unmarked whose No. was
/// read on the mark's page (a page's marks come after its rows), or every unmarked row
/// when no row's No. is on that page.
fn loose_mark_doubts(c: &Columns, new: &[usize]) -> Vec<Doubt> {
    let mut pages = c.loose_marks.clone();
    pages.sort_unstable();
    pages.dedup();
    let unmarked = |k: &usize| !new.contains(k);
    let mut out: Vec<Doubt> = Vec::new();
    for page in pages {
        let count = c.loose_marks.iter().filter(|&&p| p == page).count();
        let on_page: Vec<usize> = (0..c.rows.len())
            .filter(unmarked)
            .filter(|&k| c.rows.get(k).is_some_and(|r| r.page == page))
            .collect();
        let candidates =
            if on_page.is_empty() { (0..c.rows.len()).filter(unmarked).collect() } else { on_page };
        // The page prints ○ apart from their rows: a mark that happens to follow a row's
        // cost there may be out of place as well.
        for k in new.iter().copied().filter(|&k| c.rows.get(k).is_some_and(|r| r.page == page)) {
            let Some(r) = c.rows.get(k) else { continue };
            if !out.iter().any(|d| d.no == Some(r.no)) {
                out.push(Doubt {
                    no: Some(r.no),
                    name: r.name.concat(),
                    message: format!(
                        "{count} 新規 ○ mark(s) printed apart from every row of this row's page: this row's own ○ may be out of place too (read as new)"
                    ),
                });
            }
        }
        for k in candidates {
            let Some(r) = c.rows.get(k) else { continue };
            if out.iter().any(|d| d.no == Some(r.no)) {
                continue;
            }
            out.push(Doubt {
                no: Some(r.no),
                name: r.name.concat(),
                message: format!(
                    "{count} 新規 ○ mark(s) printed apart from every row of this row's page: this row may be new (read as not new)"
                ),
            });
        }
    }
    out
}

/// More costs than rows and the 小計, and fewer 掲載頁 than rows: the plain numbers taken
/// for costs that lie within the pages read are pages printed out of order (the last
/// first). A 新規 mark after such a number marks no row.
fn costs_to_pages(c: &mut Columns) {
    while c.pages.len() < c.rows.len() && c.costs.len() > c.rows.len() + 1 {
        let Some(k) = c.costs.iter().rposition(|x| x.maybe_page.is_some()) else { break };
        let cost = remove_cost(c, k);
        c.pages.push((cost.maybe_page.unwrap_or_default(), Vec::new(), None));
    }
}

/// Take cost `k` out of the cost column; a 新規 mark that followed it marks no row.
fn remove_cost(c: &mut Columns, k: usize) -> Cost {
    let cost = c.costs.remove(k);
    let mut loose = Vec::new();
    c.new.retain_mut(|m| match m {
        NewMark::Cost(ci, page) if *ci == k => {
            loose.push(*page);
            false
        }
        NewMark::Cost(ci, _) if *ci > k => {
            *ci -= 1;
            true
        }
        _ => true,
    });
    c.loose_marks.append(&mut loose);
    cost
}

/// A plain number taken for a cost (a page footer, a 掲載頁 below the pages read) can break
/// the 小計's sum rule: when no amount is the sum of the others, but one is once a single
/// plain number (no thousands comma) is left out, that number is no cost (a page when it
/// lies within the pages read, else dropped).
fn stray_plain_cost(c: &mut Columns) {
    let values: Vec<Option<i64>> = c.costs.iter().map(|k| amount_value(&k.text)).collect();
    let total: i64 = values.iter().flatten().sum();
    let sums = |t: i64, skip: usize| {
        values.iter().enumerate().any(|(i, v)| i != skip && v.is_some_and(|v| 2 * v == t))
    };
    if c.costs.len() < 3 || sums(total, usize::MAX) {
        return;
    }
    let plain = (0..c.costs.len()).filter(|&j| c.costs.get(j).is_some_and(|k| !k.text.contains(',')));
    let stray: Vec<usize> =
        plain.filter(|&j| sums(total - values.get(j).copied().flatten().unwrap_or(0), j)).collect();
    if let [j] = stray.as_slice() {
        let cost = remove_cost(c, *j);
        if let Some(p) = cost.maybe_page {
            c.pages.push((p, Vec::new(), None));
        }
    }
}

/// A page for each row left without one, from its neighbours (pages never decrease down
/// the table): the previous row's, exact when the next row's is the same. Without it the
/// grammar would read the next rows as this row's departments.
fn fill_pages(c: &Columns, row_page: &[Option<usize>]) -> Vec<Option<(u32, bool)>> {
    let page = |k: usize| row_page.get(k).copied().flatten().and_then(|p| c.pages.get(p)).map(|p| p.0);
    (0..c.rows.len())
        .map(|k| {
            if page(k).is_some() {
                return None;
            }
            let before = (0..k).rev().find_map(page);
            let after = (k + 1..c.rows.len()).find_map(page);
            match (before, after) {
                (Some(b), a) => Some((b, a == Some(b))),
                (None, Some(a)) => Some((a, false)),
                (None, None) => None,
            }
        })
        .collect()
}

/// 掲載頁 to rows (in No. order): a page read right after its row's cost and department
/// is that row's; the others, sorted (cards are printed in the order of the rows, so
/// pages never decrease down the table; a writer's blocks can print them out of order),
/// go to the rows left without one. Returns per row its page's index, and per page its
/// row.
fn pages_to_rows(c: &Columns) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut row_page: Vec<Option<usize>> = vec![None; c.rows.len()];
    let mut page_row: Vec<Option<usize>> = vec![None; c.pages.len()];
    for (pi, p) in c.pages.iter().enumerate() {
        let Some(r) = p.2.and_then(|no| c.rows.iter().position(|r| r.no == no)) else { continue };
        if let (Some(slot @ None), Some(placed)) = (row_page.get_mut(r), page_row.get_mut(pi)) {
            *slot = Some(pi);
            *placed = Some(r);
        }
    }
    let mut loose: Vec<usize> =
        (0..c.pages.len()).filter(|&pi| page_row.get(pi).is_some_and(Option::is_none)).collect();
    loose.sort_by_key(|&pi| c.pages.get(pi).map_or(0, |p| p.0));
    let mut loose = loose.into_iter();
    for r in 0..c.rows.len() {
        if row_page.get(r).is_some_and(Option::is_some) {
            continue;
        }
        let Some(pi) = loose.next() else { break };
        if let (Some(slot), Some(placed)) = (row_page.get_mut(r), page_row.get_mut(pi)) {
            *slot = Some(pi);
            *placed = Some(r);
        }
    }
    (row_page, page_row)
}

/// The 小計: the amount that is the sum of the others; else the first after 小計; else
/// the last amount when there is one more amount than rows.
fn subtotal_index(c: &Columns) -> Option<usize> {
    let values: Vec<Option<i64>> = c.costs.iter().map(|k| amount_value(&k.text)).collect();
    let total: i64 = values.iter().flatten().sum();
    values
        .iter()
        .rposition(|v| v.is_some_and(|v| 2 * v == total && c.costs.len() > 1))
        .or_else(|| c.costs.iter().position(|k| k.after_subtotal))
        .or_else(|| c.costs.len().checked_sub(1).filter(|&n| n >= c.rows.len()))
}

/// Which cost goes to which row (rows in No. order).
struct Dealt {
    /// Per cost, its row.
    cost_row: Vec<Option<usize>>,
    /// Per row, its cost.
    row_cost: Vec<Option<usize>>,
    /// Costs left over when every row had one.
    unplaced: usize,
}

/// Costs to rows: a cost read right after its row's name is that row's; the others go,
/// in reading order, to the rows left without one. The 小計 (`sub_at`) goes to none.
fn costs_to_rows(c: &Columns, sub_at: Option<usize>) -> Dealt {
    let n = c.rows.len();
    let mut cost_row: Vec<Option<usize>> = vec![None; c.costs.len()];
    let mut row_cost: Vec<Option<usize>> = vec![None; n];
    for (ci, k) in c.costs.iter().enumerate() {
        if Some(ci) == sub_at {
            continue;
        }
        if let Some(r) = k.row.and_then(|no| c.rows.iter().position(|r| r.no == no)) {
            if let (Some(slot @ None), Some(placed)) = (row_cost.get_mut(r), cost_row.get_mut(ci)) {
                *slot = Some(ci);
                *placed = Some(r);
            }
        }
    }
    let mut free =
        (0..n).filter(|&r| row_cost.get(r).is_some_and(|c| c.is_none())).collect::<Vec<_>>().into_iter();
    let mut unplaced = 0;
    for (ci, placed) in cost_row.iter_mut().enumerate() {
        if Some(ci) == sub_at || placed.is_some() {
            continue;
        }
        match free.next() {
            Some(r) => {
                if let Some(slot) = row_cost.get_mut(r) {
                    *slot = Some(ci);
                }
                *placed = Some(r);
            }
            None => unplaced += 1,
        }
    }
    Dealt { cost_row, row_cost, unplaced }
}

/// One line a row as the seed's dump prints it (`○ No 名 cost ○ 担当課 page`), a
/// department's further lines after it; a row without a name is a doubt.
fn row_lines(
    c: &Columns,
    row_cost: &[Option<usize>],
    row_page: &[Option<usize>],
    new: &[usize],
    doubts: &mut Vec<Doubt>,
) -> Vec<String> {
    let mut out = Vec::new();
    let filled = fill_pages(c, row_page);
    for (k, r) in c.rows.iter().enumerate() {
        let name = r.name.concat();
        if name.is_empty() {
            doubts.push(Doubt {
                no: Some(r.no),
                name: String::new(),
                message: "no 事業名 read for this row".into(),
            });
        }
        let mut line = String::new();
        for _ in 0..r.marks {
            line.push_str("○ ");
        }
        line.push_str(&format!("{} {}", r.no, name));
        if let Some(cost) = row_cost.get(k).copied().flatten().and_then(|ci| c.costs.get(ci)) {
            line.push(' ');
            line.push_str(&cost.text);
        }
        if new.contains(&k) {
            line.push_str(" ○");
        }
        let (page, depts, _) =
            row_page.get(k).copied().flatten().and_then(|p| c.pages.get(p)).cloned().unwrap_or((
                0,
                Vec::new(),
                None,
            ));
        let page = match (page, filled.get(k).copied().flatten()) {
            (0, Some((p, exact))) => {
                if !exact {
                    doubts.push(Doubt {
                        no: Some(r.no),
                        name: name.clone(),
                        message: format!("no 掲載頁 read for this row: taken as the previous row's ({p}), which the next row's does not confirm"),
                    });
                }
                p
            }
            (p, _) => p,
        };
        let mut depts = depts.into_iter();
        if let Some(d) = depts.next() {
            line.push(' ');
            line.push_str(&d);
        }
        out.push(line);
        out.extend(depts);
        if page > 0 {
            if let Some(last) = out.last_mut() {
                last.push_str(&format!(" {page}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn rows_from_row_and_column_runs() {
        // Page 1 row by row, with the heading cut into pieces and a department wrapped;
        // page 2 as column runs (departments and pages first, costs after 小計), its
        // footer before the form feed, a mark after its row's cost and one apart.
        let (got, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "事業名",
            "1",
            "甲の推進事業",
            "R5事業",
            "費",
            "（千円）",
            "1,200",
            "産業振興推進",
            "課",
            "24",
            "2",
            "乙の整備事業",
            "590",
            "○",
            "観光企画課",
            "25",
            "\u{c}No.",
            "3",
            "丙の支援事業（再",
            "掲）",
            "4",
            "丁の補助",
            "観光企画課",
            "26",
            "観光企画課（西部地域県民局）",
            "27",
            "小計",
            "○",
            "3,000",
            "1,000",
            "5,790",
            "23",
            "\u{c}次の章",
        ]));
        assert_eq!(
            got,
            v(&[
                "【基本方針事業一覧】",
                "No. 事業名",
                "1 甲の推進事業 1,200 産業振興推進課 24",
                "2 乙の整備事業 590 ○ 観光企画課 25",
                "3 丙の支援事業（再掲） 3,000 観光企画課 26",
                "4 丁の補助 1,000 観光企画課（西部地域県民局） 27",
                "小計 5,790",
                "\u{c}次の章",
            ])
        );
        // The mark printed apart from every row is not guessed: it is said, on the table
        // and on each unmarked row of the page it was read on (rows 3 and 4, not 1 and 2).
        // (The notes of values dealt by order are for the cards, not warnings.)
        let doubts: Vec<&Doubt> = doubts.iter().filter(|d| d.dealt().is_none()).collect();
        assert_eq!(doubts.len(), 3, "{doubts:?}");
        assert!(doubts[0].message.contains("新規") && doubts[0].no.is_none());
        assert_eq!(doubts[1..].iter().map(|d| d.no).collect::<Vec<_>>(), vec![Some(3), Some(4)]);
    }

    #[test]
    fn region_stops_at_a_card_on_the_subtotal_page() {
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "100",
            "観光企画課",
            "30",
            "小計",
            "100",
            "カードの題名",
            "事業費 100 千円",
        ]));
        assert_eq!(got[got.len() - 3..], v(&["小計 100", "カードの題名", "事業費 100 千円"]));
        assert_eq!(got[2], "1 甲事業 100 観光企画課 30");
    }

    #[test]
    fn a_page_printed_out_of_order_is_a_page() {
        // Row 2's department and page come after row 3's (a writer's block order); the
        // late page is below the last read and follows a department: a page, not a cost.
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "100",
            "観光企画課",
            "24",
            "2",
            "乙事業",
            "200",
            "3",
            "丙事業",
            "300",
            "観光企画課",
            "26",
            "観光企画課",
            "25",
            "小計",
            "600",
        ]));
        assert_eq!(
            got[2..5],
            v(&["1 甲事業 100 観光企画課 24", "2 乙事業 200 観光企画課 25", "3 丙事業 300 観光企画課 26"])
        );
    }

    #[test]
    fn names_printed_after_a_run_of_numbers_go_to_their_rows() {
        // Row 1's department does not end like one and its page comes before the
        // department's last line: the next No., followed by its name, is still a No.
        // Nos. 3 and 4 come in a run, their names after row 2's department and page; a
        // name right after its No. (5) is that row's.
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "観光企画課（西部地域県民",
            "24",
            "局）",
            "2",
            "乙事業",
            "1,200",
            "3",
            "4",
            "観光企画課",
            "25",
            "丙事業",
            "1,300",
            "丁事業",
            "1,400",
            "観光企画課",
            "26",
            "観光企画課",
            "27",
            "5",
            "戊事業",
            "1,500",
            "観光企画課",
            "28",
            "小計",
            "6,500",
        ]));
        let rows: Vec<&String> = got.iter().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
        let want = ["1 甲事業", "2 乙事業 1,200", "3 丙事業 1,300", "4 丁事業 1,400", "5 戊事業 1,500"];
        assert!(rows.iter().zip(want).all(|(r, w)| r.starts_with(w)), "{got:#?}");
    }

    #[test]
    fn a_run_of_numbers_then_as_many_names_and_a_number_after_its_name() {
        // Nos. 2–4 in a run, then their three names one a line; No. 6 right after its
        // name and before its own name came No. 5's; No. 5 after its name, which had
        // gone to row 6.
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "観光企画課",
            "24",
            "2",
            "3",
            "4",
            "乙事業",
            "丙事業",
            "丁事業",
            "1,200",
            "観光企画課",
            "25",
            "1,300",
            "観光企画課",
            "26",
            "1,400",
            "観光企画課",
            "27",
            "観光企画課",
            "6",
            "己事業",
            "1,600",
            "29",
            "戊事業",
            "5",
            "1,500",
            "観光企画課",
            "28",
            "小計",
            "8,100",
        ]));
        let rows: Vec<&String> = got.iter().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
        let want = ["1 甲事業", "2 乙事業", "3 丙事業", "4 丁事業", "5 戊事業", "6 己事業"];
        assert_eq!(rows.len(), want.len(), "{got:#?}");
        assert!(rows.iter().zip(want).all(|(r, w)| r.starts_with(w)), "{got:#?}");
    }

    #[test]
    fn a_row_printed_row_by_row_keeps_its_page_and_a_row_without_one_is_filled() {
        // Row 2's department and page are not in the text: row 3's page is read right
        // after row 3's cost and department, so it stays row 3's; row 2 takes row 1's
        // page, which row 3's does not confirm: a doubt on row 2.
        let (got, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "観光企画課",
            "24",
            "2",
            "乙事業",
            "1,200",
            "3",
            "丙事業",
            "1,300",
            "観光企画課",
            "25",
            "小計",
            "3,600",
        ]));
        assert_eq!(
            got[2..5],
            v(&["1 甲事業 1,100 観光企画課 24", "2 乙事業 1,200 24", "3 丙事業 1,300 観光企画課 25"])
        );
        assert!(doubts.iter().any(|d| d.no == Some(2) && d.message.contains("掲載頁")), "{doubts:?}");
        assert!(!doubts.iter().any(|d| d.no == Some(3)), "{doubts:?}");
    }

    #[test]
    fn marks_between_a_cost_and_the_next_no_of_a_shared_table_are_its_policy_marks() {
        // ⑥⑦ share the table: the two ○ after row 1's cost are row 2's policy marks
        // (one of them could be row 1's 新規 ○: doubted); the three after row 2's cost
        // are one too many for two policies, so the first is row 2's 新規 ○.
        let (got, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "基本方針",
            "⑥",
            "⑦",
            "No.",
            "○",
            "1",
            "甲事業",
            "1,100",
            "○",
            "○",
            "2",
            "乙事業",
            "1,200",
            "○",
            "○",
            "○",
            "3",
            "丙事業",
            "1,300",
            "小計",
            "3,600",
        ]));
        let rows: Vec<&String> = got.iter().filter(|l| l.contains("事業") && !l.contains("【")).collect();
        assert_eq!(rows, ["○ 1 甲事業 1,100", "○ ○ 2 乙事業 1,200 ○", "○ ○ 3 丙事業 1,300"], "{got:#?}");
        assert!(doubts.iter().any(|d| d.no == Some(1) && d.message.contains("新規")), "{doubts:?}");
        assert!(
            !doubts.iter().any(|d| d.no == Some(2) && d.message.contains("basic-policy marks")),
            "{doubts:?}"
        );
    }

    #[test]
    fn a_name_printed_before_its_own_no_is_that_rows() {
        // Row 2's name comes after row 1's page, then a heading piece and row 2's No.
        // with its cost: the name is row 2's, not more of row 1's.
        let (got, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "観光企画課",
            "24",
            "乙の長い名前の",
            "事業",
            "掲載頁",
            "2",
            "1,200",
            "観光企画課",
            "25",
            "小計",
            "2,300",
        ]));
        let rows: Vec<&String> = got.iter().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
        assert_eq!(
            rows,
            ["1 甲事業 1,100 観光企画課 24", "2 乙の長い名前の事業 1,200 観光企画課 25"],
            "{got:#?}"
        );
        assert!(doubts.iter().any(|d| d.no == Some(2)), "{doubts:?}");
        // Followed by its own name, the next No. leaves the line to the row before.
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "観光企画課",
            "24",
            "（続き）",
            "2",
            "乙事業",
            "1,200",
            "観光企画課",
            "25",
            "小計",
            "2,300",
        ]));
        assert!(got.iter().any(|l| l.starts_with("2 乙事業 1,200")), "{got:#?}");
    }

    #[test]
    fn a_pages_last_number_within_the_pages_read_is_a_page_not_its_footer() {
        // Rows 2 and 3's departments and pages come after the 小計 and the page's footer
        // (20), the pages in one run: 26 is the page's last number but not below every
        // page read (24), so it is row 3's 掲載頁, not a footer.
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "甲課",
            "24",
            "2",
            "乙事業",
            "1,200",
            "3",
            "丙事業",
            "1,300",
            "4",
            "丁事業",
            "1,400",
            "丁課",
            "28",
            "小計",
            "5,000",
            "20",
            "乙課",
            "丙課",
            "25",
            "26",
        ]));
        // (Both departments read before 25 go with it: which is whose is not in the text.)
        assert!(got.contains(&"丙課 25".to_string()), "{got:#?}");
        assert!(got.contains(&"3 丙事業 1,300 26".to_string()), "{got:#?}");
    }

    #[test]
    fn a_stray_plain_number_does_not_break_the_subtotal() {
        // `69` (a page footer read among the cells) is no cost: without it 1,500 is the
        // sum of the others. Row 2's page is missing: its cost and page were dealt by
        // order, which its card is told.
        let (got, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,000",
            "観光企画課",
            "70",
            "2",
            "乙事業",
            "小計",
            "観光企画課",
            "500",
            "1,500",
            "69",
            "71",
        ]));
        assert_eq!(got.last(), Some(&"小計 1,500".to_string()), "{got:#?}");
        assert!(got.contains(&"2 乙事業 500 観光企画課 71".to_string()), "{got:#?}");
        assert!(
            !doubts.iter().any(|d| d.message.contains("dealt by reading order") && d.no == Some(1)),
            "{doubts:?}"
        );
    }

    #[test]
    fn a_mark_beside_a_loose_mark_is_doubted_too() {
        // Row 1's ○ follows its cost, but another ○ on the same page follows no row:
        // that page prints marks apart from their rows, so row 1's own mark is doubted
        // as well as the unmarked row 2.
        let (got, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "○",
            "観光企画課",
            "24",
            "2",
            "乙事業",
            "1,200",
            "観光企画課",
            "25",
            "○",
            "小計",
            "2,300",
        ]));
        assert!(got.contains(&"1 甲事業 1,100 ○ 観光企画課 24".to_string()), "{got:#?}");
        assert!(doubts.iter().any(|d| d.no == Some(1) && d.message.contains("own ○")), "{doubts:?}");
        assert!(doubts.iter().any(|d| d.no == Some(2) && d.message.contains("may be new")), "{doubts:?}");
    }

    #[test]
    fn a_mark_after_a_cost_dealt_by_order_is_doubted() {
        // 1,100 follows row 2's name, so it is row 2's; 1,200 goes to row 1 by order
        // only, and so does the ○ after it: row 1 and the unmarked row 2 are doubted.
        let (got, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "2",
            "乙事業",
            "1,100",
            "1,200",
            "○",
            "観光企画課",
            "24",
            "観光企画課",
            "25",
            "小計",
            "2,300",
        ]));
        assert!(got.contains(&"1 甲事業 1,200 ○ 観光企画課 24".to_string()), "{got:#?}");
        assert!(
            doubts.iter().any(|d| d.no == Some(1) && d.message.contains("dealt to it by reading order")),
            "{doubts:?}"
        );
        assert!(doubts.iter().any(|d| d.no == Some(2) && d.message.contains("may be new")), "{doubts:?}");
    }

    #[test]
    fn a_table_continued_after_its_repeated_header_keeps_its_rows() {
        // Page 1 ends with row 2's 掲載頁, its footer (21) printed among the cells; page
        // 2 repeats the heading and prints rows 3 and 4 row by row. The footers are read
        // first, as for a dump: the 掲載頁 before the form feed is out of sequence with
        // the footers (20, 22), so it is no footer and stays row 2's.
        let text = [
            "前の頁",
            "20",
            "\u{c}【基本方針事業一覧】",
            "No.",
            "事業名",
            "R5事業費",
            "（千円）",
            "担当課等",
            "掲載頁",
            "1",
            "甲の推進事業",
            "1,200",
            "観光企画課",
            "24",
            "2",
            "乙の整備事業",
            "21",
            "590",
            "観光企画課",
            "25",
            "\u{c}No.",
            "事業名",
            "R5事業費",
            "（千円）",
            "担当課等",
            "掲載頁",
            "3",
            "丙の支援事業",
            "3,000",
            "観光企画課",
            "26",
            "4",
            "丁の補助",
            "1,000",
            "観光企画課",
            "27",
            "小計",
            "5,790",
            "22",
            "\u{c}次の章",
            "23",
            "\u{c}",
        ]
        .join("\n");
        let doc = crate::report::footers::read(crate::input::text::to_document(&text));
        let lines: Vec<String> = doc.pages.into_iter().flat_map(|p| p.lines).map(|l| l.text).collect();
        let (got, _) = rebuild(lines);
        let rows: Vec<&String> = got.iter().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
        assert_eq!(
            rows,
            [
                "1 甲の推進事業 1,200 観光企画課 24",
                "2 乙の整備事業 590 観光企画課 25",
                "3 丙の支援事業 3,000 観光企画課 26",
                "4 丁の補助 1,000 観光企画課 27",
            ],
            "{got:#?}"
        );
        assert!(got.contains(&"小計 5,790".to_string()), "{got:#?}");
    }

    #[test]
    fn a_page_left_after_its_department_at_a_page_end_and_rows_under_the_repeated_heading() {
        // Page 1 prints row 2's department and page last, below the pages read (its
        // footer came earlier, among the cells): a 掲載頁 after its department, not a
        // footer. Page 2 repeats the heading; the next No. after it, followed by a name,
        // starts its first row, though it lies within the pages read (24–26).
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "事業名",
            "1",
            "甲の推進事業",
            "1,200",
            "観光企画課",
            "24",
            "2",
            "乙の整備事業",
            "590",
            "3",
            "丙の支援事業",
            "3,000",
            "観光企画課",
            "26",
            "観光企画課",
            "25",
            "\u{c}No.",
            "事業名",
            "R5事業費",
            "（千円）",
            "4",
            "丁の補助",
            "1,000",
            "○",
            "5",
            "戊の補助",
            "2,000",
            "観光企画課",
            "28",
            "観光企画課",
            "27",
            "小計",
            "7,790",
        ]));
        let rows: Vec<&String> = got.iter().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
        assert_eq!(
            rows,
            [
                "1 甲の推進事業 1,200 観光企画課 24",
                "2 乙の整備事業 590 観光企画課 25",
                "3 丙の支援事業 3,000 観光企画課 26",
                "4 丁の補助 1,000 ○ 観光企画課 27",
                "5 戊の補助 2,000 観光企画課 28",
            ],
            "{got:#?}"
        );
    }

    #[test]
    fn the_next_number_under_a_repeated_heading_starts_a_row() {
        // Page 1 ends with row 2's department, its page not printed; under page 2's
        // repeated heading, 3 — within reach of the pages read, after a department —
        // is the next No. with its name, not a 掲載頁.
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "観光企画課",
            "2",
            "2",
            "乙事業",
            "1,200",
            "観光企画課",
            "\u{c}No.",
            "事業名",
            "3",
            "丙事業",
            "1,300",
            "観光企画課",
            "5",
            "小計",
            "3,600",
        ]));
        let rows: Vec<&String> = got.iter().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
        let want = ["1 甲事業 1,100", "2 乙事業 1,200", "3 丙事業 1,300"];
        assert_eq!(rows.len(), want.len(), "{got:#?}");
        assert!(rows.iter().zip(want).all(|(r, w)| r.starts_with(w)), "{got:#?}");
    }

    #[test]
    fn values_dealt_by_order_are_noted_for_the_cards() {
        // Nos. 2 and 3 in a run, one name after them (it goes to row 3, and its cost
        // with it), the other name later (to row 2): both rows' names, and the costs and
        // pages read with those names, were dealt by order. Row 1 was read row by row.
        let (_, doubts) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "1",
            "甲事業",
            "1,100",
            "観光企画課",
            "24",
            "2",
            "3",
            "乙事業",
            "1,200",
            "観光企画課",
            "25",
            "丙事業",
            "1,300",
            "観光企画課",
            "26",
            "小計",
            "3,600",
        ]));
        let notes: Vec<(Option<u32>, DealtFields)> =
            doubts.iter().filter_map(|d| d.dealt().map(|f| (d.no, f))).collect();
        let all = DealtFields { name: true, cost: true, page: true };
        assert_eq!(notes, [(Some(2), all), (Some(3), all)], "{doubts:?}");
        // A note reads back as it was made, and no other message reads as a note.
        for d in [DealtFields { name: false, cost: true, page: false }, all] {
            assert_eq!(Doubt::dealt_note(1, String::new(), d).dealt(), Some(d));
        }
        assert!(doubts.iter().filter(|d| d.dealt().is_none()).all(|d| !d.message.starts_with(DEALT_NOTE)));
        assert_eq!(
            Doubt { no: None, name: String::new(), message: format!("{DEALT_NOTE} cost x") }.dealt(),
            None
        );
    }

    #[test]
    fn a_cost_after_heading_pieces_is_not_read_with_the_name_before_them() {
        // The names come first, then the heading's cost pieces, then the cost column:
        // 1,100 follows row 2's name only in reading order, across the heading; it is
        // dealt in order (row 1's), not read with row 2.
        let (got, _) = rebuild(v(&[
            "【基本方針事業一覧】",
            "No.",
            "事業名",
            "1",
            "甲事業",
            "2",
            "乙事業",
            "R5事業費",
            "（千円）",
            "1,100",
            "観光企画課",
            "24",
            "1,200",
            "観光企画課",
            "25",
            "小計",
            "2,300",
        ]));
        let rows: Vec<&String> = got.iter().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
        assert_eq!(rows, ["1 甲事業 1,100 観光企画課 24", "2 乙事業 1,200 観光企画課 25"], "{got:#?}");
    }
}
