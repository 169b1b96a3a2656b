//! The content-stream interpreter: runs a page's operators and collects positioned
//! glyphs and ruling lines.
//!
//! Only what affects where text lands and what it says is modelled: the CTM and the text
//! state (q/Q, cm, BT/ET, Tf Tc Tw Tz TL Ts Tr, Tm Td TD T*, Tj TJ ' "), Form XObjects
//! (Do, recursively, with a depth, cycle and work bound), marked content with
//! `/ActualText`, and enough of path construction (m l re h + painting) to keep table and
//! box borders. Colours, images, clipping and shading are ignored.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{Code, Font};
use super::glyph::{Glyph, GlyphText};
use super::objects::{deref, dict_of, name_of, ref_id, stream_bytes_checked, text_string, Budget};
use crate::doc::Rule;

/// Form XObjects nested deeper than this are not entered (real files nest 2–3 deep).
const MAX_FORM_DEPTH: usize = 12;
/// Operators run per page before giving up: bounds the work of forms that draw forms
/// that draw forms (an exponential "billion laughs" in a few hundred bytes).
const MAX_OPS_PER_PAGE: usize = 5_000_000;
/// Glyphs and path pieces kept per page: a real page has a few thousand; a hostile
/// stream must not turn 64 MB of content into gigabytes of glyphs.
const MAX_GLYPHS_PER_PAGE: usize = 1_000_000;
const MAX_SUBPATHS: usize = 100_000;
const MAX_RULES_PER_PAGE: usize = 200_000;
/// `q` beyond this depth is ignored: real content nests a handful of levels, and
/// unbalanced `q`s in a loop must not grow the stack without bound.
const MAX_GSTATE_DEPTH: usize = 4096;
/// A filled rectangle at most this thick (points) is a drawn rule, not a shaded area.
const THIN_FILL: f32 = 2.5;
/// A rule shorter than this (points) both ways is a dot or a corner joint, not a line.
const MIN_RULE_LENGTH: f32 = 0.5;
/// How far from horizontal/vertical (points) a stroked segment may be and still count.
const AXIS_TOLERANCE: f32 = 0.5;

/// Affine matrix `[a b c d e f]` in PDF's row-vector convention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix([f32; 6]);

impl Matrix {
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other`: apply `self` first, then `other`.
    pub fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    pub fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// Length of the unit x vector after the transform.
    fn x_scale(self) -> f32 {
        self.0[0].hypot(self.0[1])
    }

    fn y_scale(self) -> f32 {
        self.0[2].hypot(self.0[3])
    }

    fn from_operands(ops: &[Object]) -> Option<Matrix> {
        let v: Vec<f32> = ops.iter().filter_map(num).collect();
        let m: [f32; 6] = v.get(..6)?.try_into().ok()?;
        Some(Matrix(m))
    }
}

/// The transform from user space to the page as displayed, top-left origin, for page
/// box `[x0 y0 x1 y1]` turned clockwise by `rotate` degrees (`/Rotate`), and the
/// displayed size.
pub fn page_matrix(b: [f32; 4], rotate: i64) -> (Matrix, (f32, f32)) {
    let [x0, y0, x1, y1] = b;
    let (w, h) = (x1 - x0, y1 - y0);
    match rotate.rem_euclid(360) {
        // The box's left edge becomes the top, its bottom edge the left.
        90 => (Matrix([0.0, 1.0, 1.0, 0.0, -y0, -x0]), (h, w)),
        180 => (Matrix([-1.0, 0.0, 0.0, 1.0, x1, -y0]), (w, h)),
        270 => (Matrix([0.0, -1.0, -1.0, 0.0, y1, x1]), (h, w)),
        // Flip y about the box's top edge and shift its left edge to 0.
        _ => (Matrix([1.0, 0.0, 0.0, -1.0, -x0, y1]), (w, h)),
    }
}

/// Graphics state saved by `q` (the text state is part of it).
#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    font_size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// `Tz` / 100.
    h_scale: f32,
    leading: f32,
    rise: f32,
    render_mode: i64,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: Matrix::IDENTITY,
            font: None,
            font_size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render_mode: 0,
        }
    }
}

/// What is shared between the pages one worker reads: each font is parsed and each
/// form stream decompressed once per worker.
#[derive(Default)]
pub struct Caches {
    fonts: HashMap<ObjectId, Rc<Font>>,
    /// The stand-in for text shown without a usable font, built once.
    missing_font: Option<Rc<Font>>,
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    /// The document's resource bounds, shared by all workers and charged by every page.
    pub budget: Arc<Budget>,
    /// Operators and glyphs not yet charged to `budget`: charging one at a time would
    /// make the workers fight over the shared counters' cache line for every glyph.
    pending_ops: usize,
    pending_glyphs: usize,
}

/// How many operators or glyphs a worker counts before charging the shared budget.
const CHARGE_BATCH: usize = 4096;

impl Caches {
    /// Empty caches charging `budget`.
    pub fn with_budget(budget: Arc<Budget>) -> Caches {
        Caches { budget, ..Caches::default() }
    }

    /// Count one operator; false once the document's bound is reached.
    fn charge_op(&mut self) -> bool {
        self.pending_ops += 1;
        self.pending_ops < CHARGE_BATCH || self.budget.charge_ops(std::mem::take(&mut self.pending_ops))
    }

    /// Count one glyph; false once the document's bound is reached.
    fn charge_glyph(&mut self) -> bool {
        self.pending_glyphs += 1;
        self.pending_glyphs < CHARGE_BATCH
            || self.budget.charge_glyphs(std::mem::take(&mut self.pending_glyphs))
    }

    /// Charge what is still pending (at the end of a worker's pages).
    pub fn settle(&mut self) -> bool {
        let ops = std::mem::take(&mut self.pending_ops);
        let glyphs = std::mem::take(&mut self.pending_glyphs);
        self.budget.charge_ops(ops) & self.budget.charge_glyphs(glyphs)
    }
}

/// One page's harvest.
#[derive(Debug, Default)]
pub struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Fonts with codes that had no Unicode mapping (one entry per font).
    pub unmapped_fonts: BTreeSet<String>,
    /// Font resources that were used but could not be found.
    pub missing_fonts: BTreeSet<String>,
    /// Fonts whose glyph widths nothing gave (positions along the line are guesses).
    pub widths_unknown_fonts: BTreeSet<String>,
    /// Per font: how many glyphs' ToUnicode text was repaired, and which replacements.
    pub repaired: BTreeMap<String, (usize, BTreeSet<(char, char)>)>,
    /// Per font: how many glyphs showed an unverified variant suspect, and which.
    pub unverified: BTreeMap<String, (usize, BTreeSet<char>)>,
    /// Content that could not be read (bad syntax, too much work, …).
    pub problems: Vec<String>,
    /// Streams of the page (content, forms) that could not be decoded in full, and why.
    pub damaged_streams: Vec<String>,
    /// Visible glyphs by the direction their baseline runs on the page: right, down,
    /// left, up (see [`Direction`]), to turn a page whose text is set sideways.
    pub directions: [usize; 4],
}

/// Which way a glyph's baseline runs on the page (top-left coordinates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Right = 0,
    Down = 1,
    Left = 2,
    Up = 3,
}

impl Direction {
    /// The direction of the text-space x axis under `m` (the nearest of the four).
    fn of(m: Matrix) -> Direction {
        let [a, b, ..] = m.0;
        if a.abs() >= b.abs() {
            if a >= 0.0 {
                Direction::Right
            } else {
                Direction::Left
            }
        } else if b > 0.0 {
            Direction::Down
        } else {
            Direction::Up
        }
    }

    const ALL: [Direction; 4] = [Direction::Right, Direction::Down, Direction::Left, Direction::Up];

    /// The direction most of the page's visible glyphs run, when it is not to the right
    /// and they are a clear majority: the page is set sideways (or upside down) as
    /// displayed, e.g. `/Rotate` on a page whose content is upright.
    pub fn dominant_turn(counts: &[usize; 4]) -> Option<Direction> {
        let total: usize = counts.iter().sum();
        let (best, &n) = counts.iter().enumerate().max_by_key(|&(_, n)| *n)?;
        let dir = *Direction::ALL.get(best)?;
        // More than half of all glyphs: a page with a few sideways labels stays as it is.
        (dir != Direction::Right && n * 2 > total).then_some(dir)
    }

    /// The turn of a `size` page (top-left origin) that makes text running in `self`
    /// run to the right, and the turned page's size.
    pub fn upright(self, (w, h): (f32, f32)) -> (Matrix, (f32, f32)) {
        match self {
            Direction::Right => (Matrix::IDENTITY, (w, h)),
            // Down → right: (x, y) → (y, w − x).
            Direction::Down => (Matrix([0.0, -1.0, 1.0, 0.0, 0.0, w]), (h, w)),
            Direction::Left => (Matrix([-1.0, 0.0, 0.0, -1.0, w, h]), (w, h)),
            // Up → right: (x, y) → (h − y, x).
            Direction::Up => (Matrix([0.0, 1.0, -1.0, 0.0, h, 0.0]), (h, w)),
        }
    }
}

/// What is the same for every glyph of one shown string: the text state and the
/// transform from text space to the page, as of the string's start.
struct Run {
    /// Text space (at the string's start) → top-left page space.
    base: Matrix,
    font_size: f32,
    /// `Tz` / 100.
    h_scale: f32,
    rise: f32,
    /// The font size as printed on the page (points).
    size: f32,
    x_scale: f32,
    direction: Direction,
    invisible: bool,
}

impl Run {
    fn new(gs: &GState, base: Matrix, font: &Font) -> Run {
        // A vertical run reads along text space's −y: that is the direction of its line.
        let direction = if font.vertical {
            let [_, _, c, d, ..] = base.0;
            Direction::of(Matrix([-c, -d, 0.0, 0.0, 0.0, 0.0]))
        } else {
            Direction::of(base)
        };
        Run {
            base,
            font_size: gs.font_size,
            h_scale: gs.h_scale,
            rise: gs.rise,
            size: gs.font_size.abs() * base.y_scale(),
            x_scale: base.x_scale(),
            direction,
            // Render modes 3 (neither fill nor stroke) and 7 (clip only) draw nothing.
            invisible: gs.render_mode == 3 || gs.render_mode == 7,
        }
    }

    /// The glyph of `code`, `offset` text-space units along the run.
    fn glyph(&self, font: &Font, code: Code, offset: f32, text: GlyphText) -> Glyph {
        // A vertical glyph is placed by its text position, on the column's centre line,
        // so that a turned page (see `Direction`) has the run on one baseline.
        let (x, y) =
            if font.vertical { self.base.apply(0.0, offset) } else { self.base.apply(offset, self.rise) };
        let advance = if font.vertical {
            (font.vertical_advance(code) * font.scale * self.font_size * self.base.y_scale()).abs()
        } else {
            (font.width(code) * font.scale * self.font_size * self.h_scale * self.x_scale).abs()
        };
        Glyph { text, x, y, advance, font_size: self.size, invisible: self.invisible }
    }

    /// How far (text space) the next glyph starts after `code`: its width or vertical
    /// advance plus character spacing, and word spacing after a word space.
    fn advance(&self, font: &Font, code: Code, gs: &GState) -> f32 {
        let spacing = gs.char_spacing + if font.is_word_space(code) { gs.word_spacing } else { 0.0 };
        if font.vertical {
            -(font.vertical_advance(code) * font.scale * self.font_size + spacing)
        } else {
            (font.width(code) * font.scale * self.font_size + spacing) * self.h_scale
        }
    }
}

/// A subpath in page coordinates: its points and whether `h`/`re` closed it.
struct SubPath {
    points: Vec<(f32, f32)>,
    closed: bool,
}

pub struct Interpreter<'d, 'c> {
    doc: &'d Document,
    caches: &'c mut Caches,
    /// User space → top-left page space.
    page_matrix: Matrix,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    path: Vec<SubPath>,
    /// Open marked-content sequences; `Some` carries `/ActualText` and the index of the
    /// first glyph it covers.
    marked: Vec<Option<(String, usize)>>,
    forms: Vec<ObjectId>,
    ops: usize,
    glyphs_capped: bool,
    out: PageContent,
    scratch: String,
}

impl<'d, 'c> Interpreter<'d, 'c> {
    /// `media`: the page box `[x0 y0 x1 y1]`, whose top-left corner becomes (0, 0).
    pub fn new(doc: &'d Document, caches: &'c mut Caches, media: [f32; 4]) -> Self {
        Self::with_page_matrix(doc, caches, page_matrix(media, 0).0)
    }

    /// `page_matrix`: user space → top-left page space (see [`page_matrix`]).
    pub fn with_page_matrix(doc: &'d Document, caches: &'c mut Caches, page_matrix: Matrix) -> Self {
        Interpreter {
            doc,
            caches,
            page_matrix,
            gs: GState::default(),
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            path: Vec::new(),
            marked: Vec::new(),
            forms: Vec::new(),
            ops: 0,
            glyphs_capped: false,
            out: PageContent::default(),
            scratch: String::new(),
        }
    }

    /// Run one content stream.
    ///
    /// lopdf's lenient parser stops quietly at the first token it cannot read, which
    /// would drop the rest of the page. When the stream did not end where its last
    /// operator is, the point of failure is found, the bad token skipped, and parsing
    /// resumes after it.
    pub fn run(&mut self, content: &[u8], resources: Option<&'d Dictionary>) {
        let mut rest = content;
        for _ in 0..MAX_RESYNCS {
            let (count, last) = self.run_ops(rest, resources);
            if self.ops > MAX_OPS_PER_PAGE || ends_with_operator(rest, last.as_deref()) {
                return;
            }
            let stop = parsed_prefix_len(rest, count);
            let resume = skip_token(rest, stop);
            let bad = String::from_utf8_lossy(rest.get(stop..resume).unwrap_or_default()).trim().to_string();
            self.out.problems.push(format!("unreadable content skipped: {:?}", truncate(&bad, 40)));
            match rest.get(resume..) {
                Some(r) if !r.is_empty() => rest = r,
                _ => return,
            }
        }
    }

    /// Run the operators lopdf can parse from the start of `content`; return how many
    /// and the last one's name.
    fn run_ops(&mut self, content: &[u8], resources: Option<&'d Dictionary>) -> (usize, Option<String>) {
        let mut count = 0;
        let mut last = None;
        for op in Content::decode_iter(content) {
            let Ok(op) = op else { break };
            count += 1;
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE {
                if self.ops == MAX_OPS_PER_PAGE + 1 {
                    self.out.problems.push(format!("more than {MAX_OPS_PER_PAGE} operators; rest skipped"));
                }
                break;
            }
            if !self.caches.charge_op() {
                // Counted as over the page bound too, so that `run` stops resyncing.
                self.ops = MAX_OPS_PER_PAGE + 2;
                break;
            }
            self.operator(&op.operator, &op.operands, resources);
            last = Some(op.operator);
        }
        (count, last)
    }

    pub fn finish(mut self) -> PageContent {
        while !self.marked.is_empty() {
            self.end_marked();
        }
        self.out
    }

    /// Run one operator. Each family of operators has its own step, which says whether
    /// `op` is one of its own; the families are disjoint, so their order only decides how
    /// soon an operator is found (text first: most of a report's operators place or
    /// show text). Anything else (colours, images, clipping, shading) is ignored.
    fn operator(&mut self, op: &str, args: &[Object], resources: Option<&'d Dictionary>) {
        // An endless path that is never painted is dropped rather than grown.
        if self.path.len() > MAX_SUBPATHS {
            self.path.clear();
        }
        let _known = self.text_showing(op, args)
            || self.text_state(op, args, resources)
            || self.path_operator(op, args)
            || self.graphics_state(op, args)
            || self.marked_content(op, args, resources)
            || self.xobject(op, args, resources);
    }

    /// `q`, `Q`, `cm`: the graphics state stack and the current transformation matrix.
    fn graphics_state(&mut self, op: &str, args: &[Object]) -> bool {
        match op {
            "q" => {
                // Bound the stack: unbalanced `q`s in a loop must not eat memory.
                if self.stack.len() < MAX_GSTATE_DEPTH {
                    self.stack.push(self.gs.clone());
                }
            }
            "Q" => {
                if let Some(gs) = self.stack.pop() {
                    self.gs = gs;
                }
            }
            "cm" => {
                if let Some(m) = Matrix::from_operands(args) {
                    self.gs.ctm = m.then(self.gs.ctm);
                }
            }
            _ => return false,
        }
        true
    }

    /// Text objects, the text state (`Tf Tc Tw Tz TL Ts Tr`) and text positioning
    /// (`Td TD Tm T*`).
    fn text_state(&mut self, op: &str, args: &[Object], resources: Option<&'d Dictionary>) -> bool {
        let n = |i: usize| operand(args, i);
        match op {
            "BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            "ET" => {}
            "Tf" => {
                self.gs.font_size = n(1);
                let name = args.first().and_then(|o| o.as_name().ok()).unwrap_or_default();
                self.gs.font = self.font(name, resources);
            }
            "Tc" => self.gs.char_spacing = n(0),
            "Tw" => self.gs.word_spacing = n(0),
            "Tz" => self.gs.h_scale = n(0) / 100.0,
            "TL" => self.gs.leading = n(0),
            "Ts" => self.gs.rise = n(0),
            "Tr" => self.gs.render_mode = args.first().and_then(|o| o.as_i64().ok()).unwrap_or(0),
            "Td" => self.next_line(n(0), n(1)),
            "TD" => {
                self.gs.leading = -n(1);
                self.next_line(n(0), n(1));
            }
            "Tm" => {
                if let Some(m) = Matrix::from_operands(args) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            "T*" => self.next_line(0.0, -self.gs.leading),
            _ => return false,
        }
        true
    }

    /// `Tj`, `'`, `"` and `TJ`: strings shown, with `TJ`'s kerning between them.
    fn text_showing(&mut self, op: &str, args: &[Object]) -> bool {
        let string = |i: usize| args.get(i).and_then(|o| o.as_str().ok());
        match op {
            "Tj" => {
                if let Some(s) = string(0) {
                    self.show(s);
                }
            }
            "'" => {
                self.next_line(0.0, -self.gs.leading);
                if let Some(s) = string(0) {
                    self.show(s);
                }
            }
            "\"" => {
                self.gs.word_spacing = operand(args, 0);
                self.gs.char_spacing = operand(args, 1);
                self.next_line(0.0, -self.gs.leading);
                if let Some(s) = string(2) {
                    self.show(s);
                }
            }
            "TJ" => {
                for item in args.first().and_then(|o| o.as_array().ok()).into_iter().flatten() {
                    match item {
                        Object::String(s, _) => self.show(s),
                        other => {
                            if let Some(k) = num(other) {
                                self.kern(k);
                            }
                        }
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// `BMC`, `BDC`, `EMC`: marked content, for the `/ActualText` that replaces the text
    /// of the glyphs it covers (given inline or through the resources' `/Properties`).
    fn marked_content(&mut self, op: &str, args: &[Object], resources: Option<&'d Dictionary>) -> bool {
        match op {
            "BMC" => self.marked.push(None),
            "BDC" => {
                let actual = args
                    .get(1)
                    .and_then(|p| match p {
                        Object::Name(name) => resources
                            .and_then(|r| r.get(b"Properties").ok())
                            .and_then(|o| dict_of(self.doc, o))
                            .and_then(|props| props.get(name).ok())
                            .and_then(|o| dict_of(self.doc, o)),
                        other => dict_of(self.doc, other),
                    })
                    .and_then(|d| d.get(b"ActualText").ok())
                    .and_then(|o| deref(self.doc, o).as_str().ok())
                    .map(text_string);
                self.marked.push(actual.map(|t| (t, self.out.glyphs.len())));
            }
            "EMC" => self.end_marked(),
            _ => return false,
        }
        true
    }

    /// `Do`: a Form XObject is run in place (images and other XObjects carry no text).
    fn xobject(&mut self, op: &str, args: &[Object], resources: Option<&'d Dictionary>) -> bool {
        if op != "Do" {
            return false;
        }
        if let Some(name) = args.first().and_then(|o| o.as_name().ok()) {
            self.do_xobject(name, resources);
        }
        true
    }

    /// Path construction (`m l c v y re h`, kept in page coordinates) and painting
    /// (`S s B B* b b* f F f* n`): painting keeps the path's straight, axis-parallel
    /// strokes and thin filled rectangles as ruling lines, then drops the path.
    fn path_operator(&mut self, op: &str, args: &[Object]) -> bool {
        let n = |i: usize| operand(args, i);
        match op {
            "m" => {
                let p = self.user_to_page(n(0), n(1));
                self.path.push(SubPath { points: vec![p], closed: false });
            }
            "l" => {
                let p = self.user_to_page(n(0), n(1));
                match self.path.last_mut() {
                    Some(sp) if !sp.closed => sp.points.push(p),
                    _ => self.path.push(SubPath { points: vec![p], closed: false }),
                }
            }
            "c" | "v" | "y" => {
                // Curves are never rules: restart the subpath at the curve's end.
                let k = if op == "c" { 4 } else { 2 };
                let p = self.user_to_page(n(k), n(k + 1));
                self.path.push(SubPath { points: vec![p], closed: false });
            }
            "re" => {
                let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                let points = vec![
                    self.user_to_page(x, y),
                    self.user_to_page(x + w, y),
                    self.user_to_page(x + w, y + h),
                    self.user_to_page(x, y + h),
                ];
                self.path.push(SubPath { points, closed: true });
            }
            "h" => self.close_subpath(),
            "S" | "s" | "B" | "B*" | "b" | "b*" => {
                // The closing variants close the last subpath before stroking it.
                if op == "s" || op == "b" || op == "b*" {
                    self.close_subpath();
                }
                self.stroke_rules();
                self.path.clear();
            }
            "f" | "F" | "f*" => {
                self.fill_rules();
                self.path.clear();
            }
            "n" => self.path.clear(),
            _ => return false,
        }
        true
    }

    fn close_subpath(&mut self) {
        if let Some(sp) = self.path.last_mut() {
            sp.closed = true;
        }
    }

    fn user_to_page(&self, x: f32, y: f32) -> (f32, f32) {
        self.gs.ctm.then(self.page_matrix).apply(x, y)
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = Matrix::translate(tx, ty).then(self.tlm);
        self.tm = self.tlm;
    }

    /// A `TJ` number: move back by `k` thousandths of the font size.
    fn kern(&mut self, k: f32) {
        let d = -k / 1000.0 * self.gs.font_size;
        let vertical = self.gs.font.as_ref().is_some_and(|f| f.vertical);
        self.tm = if vertical {
            Matrix::translate(0.0, d).then(self.tm)
        } else {
            Matrix::translate(d * self.gs.h_scale, 0.0).then(self.tm)
        };
    }

    fn font(&mut self, name: &[u8], resources: Option<&'d Dictionary>) -> Option<Rc<Font>> {
        let doc = self.doc;
        let entry = resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|o| dict_of(doc, o))
            .and_then(|d| d.get(name).ok());
        let Some(entry) = entry else {
            self.out.missing_fonts.insert(String::from_utf8_lossy(name).into_owned());
            return None;
        };
        let id = ref_id(entry);
        if let Some(f) = id.and_then(|id| self.caches.fonts.get(&id)) {
            return Some(Rc::clone(f));
        }
        let Some(dict) = dict_of(doc, entry) else {
            self.out.missing_fonts.insert(String::from_utf8_lossy(name).into_owned());
            return None;
        };
        let font = Rc::new(Font::load(doc, dict, name, &self.caches.budget));
        if let Some(assumed) = &font.assumed {
            self.out.problems.push(format!("font {}: {assumed}", String::from_utf8_lossy(name)));
        }
        if let Some(id) = id {
            self.caches.fonts.insert(id, Rc::clone(&font));
        }
        Some(font)
    }

    /// Show a string: one glyph per character code.
    fn show(&mut self, bytes: &[u8]) {
        let font = self.show_font();
        if font.widths_unknown && !self.out.widths_unknown_fonts.contains(&font.name) {
            self.out.widths_unknown_fonts.insert(font.name.clone());
        }
        let run = Run::new(&self.gs, self.tm.then(self.gs.ctm).then(self.page_matrix), &font);
        let mut offset = 0.0f32;
        let mut rest = bytes;
        while !rest.is_empty() {
            // Checked per glyph: one string may hold a whole stream's worth of codes.
            if !self.glyph_allowed() {
                return;
            }
            let code = font.next_code(rest);
            rest = rest.get(usize::from(code.len)..).unwrap_or_default();
            self.note_repair(&font, code);
            self.map_code(&font, code);
            let glyph = run.glyph(&font, code, offset, GlyphText::new(&self.scratch));
            if !run.invisible {
                if let Some(n) = self.out.directions.get_mut(run.direction as usize) {
                    *n += 1;
                }
            }
            self.out.glyphs.push(glyph);
            offset += run.advance(&font, code, &self.gs);
        }
        self.tm = if font.vertical {
            Matrix::translate(0.0, offset).then(self.tm)
        } else {
            Matrix::translate(offset, 0.0).then(self.tm)
        };
    }

    /// The font text is shown in. Text without a usable font still occupies the page:
    /// it is placed with an empty font so nothing vanishes (it reads as U+FFFD).
    fn show_font(&mut self) -> Rc<Font> {
        if let Some(f) = &self.gs.font {
            return Rc::clone(f);
        }
        self.out.missing_fonts.insert("(none)".into());
        let doc = self.doc;
        let budget = &self.caches.budget;
        let f = Rc::clone(
            self.caches
                .missing_font
                .get_or_insert_with(|| Rc::new(Font::load(doc, &Dictionary::new(), b"(missing)", budget))),
        );
        self.gs.font = Some(Rc::clone(&f));
        f
    }

    /// Whether one more glyph fits the page's and the document's bounds; the first time
    /// it does not, the page says so.
    fn glyph_allowed(&mut self) -> bool {
        if self.out.glyphs.len() < MAX_GLYPHS_PER_PAGE && self.caches.charge_glyph() {
            return true;
        }
        if !self.glyphs_capped {
            self.glyphs_capped = true;
            self.out.problems.push(format!("more than {MAX_GLYPHS_PER_PAGE} glyphs; the rest are not read"));
        }
        false
    }

    /// Count a code whose ToUnicode text the font repaired (see `Font::repaired`).
    fn note_repair(&mut self, font: &Font, code: Code) {
        if let Some(&pair) = (!font.repaired.is_empty()).then(|| font.repaired.get(&code.code)).flatten() {
            let entry = self.out.repaired.entry(font.name.clone()).or_default();
            entry.0 += 1;
            entry.1.insert(pair);
        }
        if let Some(&c) = (!font.unverified.is_empty()).then(|| font.unverified.get(&code.code)).flatten() {
            let entry = self.out.unverified.entry(font.name.clone()).or_default();
            entry.0 += 1;
            entry.1.insert(c);
        }
    }

    /// The text of `code` into `self.scratch`, as the font maps it: U+FFFD (and the font
    /// noted as unmapped) when it does not. The text is kept as mapped; folding look-alike
    /// characters (radicals, widths) is `normalize`'s job, for PDF and text alike.
    fn map_code(&mut self, font: &Font, code: Code) {
        self.scratch.clear();
        // A mapping to control characters only (U+0000 is a common placeholder) says no
        // more than a missing one.
        let mapped = font.text(code, &mut self.scratch)
            && (self.scratch.is_empty()
                || self.scratch.chars().any(|c| !c.is_control() || c.is_whitespace()));
        if !mapped {
            self.scratch.clear();
            self.scratch.push('\u{FFFD}');
            if !self.out.unmapped_fonts.contains(&font.name) {
                self.out.unmapped_fonts.insert(font.name.clone());
            }
        }
    }

    fn end_marked(&mut self) {
        if let Some(Some((text, start))) = self.marked.pop() {
            // The covered glyphs keep their places; the first one carries the whole
            // replacement text, the others become empty.
            if let Some((first, rest)) = self.out.glyphs.get_mut(start..).and_then(|g| g.split_first_mut()) {
                first.text = GlyphText::new(&text);
                for g in rest {
                    g.text = GlyphText::default();
                }
            }
        }
    }

    fn do_xobject(&mut self, name: &[u8], resources: Option<&'d Dictionary>) {
        let doc = self.doc;
        let Some(entry) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| dict_of(doc, o))
            .and_then(|d| d.get(name).ok())
        else {
            return;
        };
        let Object::Stream(stream) = deref(doc, entry) else { return };
        if stream.dict.get(b"Subtype").ok().and_then(|o| name_of(doc, o)) != Some(b"Form") {
            return;
        }
        let id = ref_id(entry);
        if let Some(id) = id {
            if self.forms.contains(&id) {
                self.out
                    .problems
                    .push(format!("form XObject {} {} draws itself; not entered again", id.0, id.1));
                return;
            }
        }
        if self.forms.len() >= MAX_FORM_DEPTH {
            self.out.problems.push(format!("form XObjects nested deeper than {MAX_FORM_DEPTH}; not entered"));
            return;
        }
        let bytes = match id.and_then(|id| self.caches.forms.get(&id)) {
            Some(b) => Rc::clone(b),
            None => {
                let (data, why) = stream_bytes_checked(doc, entry, &self.caches.budget);
                if let Some(why) = why {
                    let name = id
                        .map_or_else(|| "form XObject".to_string(), |(n, g)| format!("form XObject {n} {g}"));
                    self.out.damaged_streams.push(format!("{name}: {why}"));
                }
                let b = Rc::new(data.unwrap_or_default());
                if let Some(id) = id {
                    self.caches.forms.insert(id, Rc::clone(&b));
                }
                b
            }
        };
        let form_resources = stream.dict.get(b"Resources").ok().and_then(|o| dict_of(doc, o)).or(resources);
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
            .and_then(|a| Matrix::from_operands(a))
            .unwrap_or(Matrix::IDENTITY);

        let saved = self.gs.clone();
        let (saved_tm, saved_tlm) = (self.tm, self.tlm);
        let stack_depth = self.stack.len();
        let marked_depth = self.marked.len();
        self.gs.ctm = matrix.then(self.gs.ctm);
        self.path.clear();
        self.forms.push(id.unwrap_or((0, 0)));
        self.run(&bytes, form_resources);
        self.forms.pop();
        // A form is a closed world: whatever it leaves open is closed here.
        while self.marked.len() > marked_depth {
            self.end_marked();
        }
        self.stack.truncate(stack_depth);
        self.gs = saved;
        self.tm = saved_tm;
        self.tlm = saved_tlm;
    }

    fn stroke_rules(&mut self) {
        for sp in &self.path {
            let n = sp.points.len();
            let segs = if sp.closed && n > 2 { n } else { n.saturating_sub(1) };
            for i in 0..segs {
                let (Some(&a), Some(&b)) = (sp.points.get(i), sp.points.get((i + 1) % n)) else { continue };
                if (a.0 - b.0).abs() <= AXIS_TOLERANCE || (a.1 - b.1).abs() <= AXIS_TOLERANCE {
                    push_rule(&mut self.out.rules, a, b);
                }
            }
        }
    }

    fn fill_rules(&mut self) {
        for sp in &self.path {
            if sp.points.len() != 4 {
                continue;
            }
            let xs = sp.points.iter().map(|p| p.0);
            let ys = sp.points.iter().map(|p| p.1);
            let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            let (w, h) = (x1 - x0, y1 - y0);
            if h <= THIN_FILL && w > h {
                let y = (y0 + y1) / 2.0;
                push_rule(&mut self.out.rules, (x0, y), (x1, y));
            } else if w <= THIN_FILL && h > w {
                let x = (x0 + x1) / 2.0;
                push_rule(&mut self.out.rules, (x, y0), (x, y1));
            }
        }
    }
}

/// How many times one stream may be resumed after unreadable content.
const MAX_RESYNCS: usize = 256;

/// Whether the stream's last token is the operator `last` that was parsed last (an
/// inline image, parsed as `BI`, ends in `EI`). An empty stream is complete.
fn ends_with_operator(content: &[u8], last: Option<&str>) -> bool {
    let trimmed = content.trim_ascii_end();
    if trimmed.is_empty() {
        return true;
    }
    let start = trimmed.iter().rposition(|&b| is_delimiter(b)).map_or(0, |i| i + 1);
    let token = trimmed.get(start..).unwrap_or_default();
    match last {
        Some("BI") => token == b"EI",
        Some(op) => token == op.as_bytes(),
        None => false,
    }
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

/// The shortest prefix of `content` from which lopdf parses `count` operators: where
/// parsing gave up.
fn parsed_prefix_len(content: &[u8], count: usize) -> usize {
    if count == 0 {
        return 0;
    }
    let parses = |len: usize| {
        Content::decode_iter(content.get(..len).unwrap_or_default()).take(count).filter(|o| o.is_ok()).count()
            >= count
    };
    let (mut lo, mut hi) = (0usize, content.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if parses(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The position after the token at or following `from` (at least one byte on).
fn skip_token(content: &[u8], from: usize) -> usize {
    let mut i = from;
    while content.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i += 1;
    while content.get(i).is_some_and(|&b| !is_delimiter(b)) {
        i += 1;
    }
    i.min(content.len())
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

fn push_rule(rules: &mut Vec<Rule>, a: (f32, f32), b: (f32, f32)) {
    let r = Rule { x0: a.0.min(b.0), y0: a.1.min(b.1), x1: a.0.max(b.0), y1: a.1.max(b.1) };
    if rules.len() < MAX_RULES_PER_PAGE
        && [r.x0, r.y0, r.x1, r.y1].iter().all(|v| v.is_finite())
        && (r.x1 - r.x0 > MIN_RULE_LENGTH || r.y1 - r.y0 > MIN_RULE_LENGTH)
    {
        rules.push(r);
    }
}

/// Operand `i` as a number; a missing or non-numeric operand reads as 0, as viewers do.
fn operand(args: &[Object], i: usize) -> f32 {
    args.get(i).and_then(num).unwrap_or(0.0)
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::pdf::objects::{dict_of, inherited, stream_bytes};
    use crate::input::pdf::testpdf::TestPdf;
    use lopdf::{dictionary, Stream};

    /// Run page 1 of the built PDF and return what the interpreter saw.
    fn run(pdf: TestPdf) -> PageContent {
        let bytes = pdf.bytes();
        let doc = Document::load_mem(&bytes).expect("test PDF loads");
        let page_id = doc.page_iter().next().expect("a page");
        let page = doc.get_dictionary(page_id).expect("page dict");
        let resources = inherited(&doc, page, b"Resources").and_then(|o| dict_of(&doc, o));
        let mut caches = Caches::default();
        let mut it = Interpreter::new(&doc, &mut caches, [0.0, 0.0, 595.0, 842.0]);
        let data = page
            .get(b"Contents")
            .ok()
            .and_then(|o| stream_bytes(&doc, o, &Budget::default()))
            .expect("content");
        it.run(&data, resources);
        it.finish()
    }

    fn one_page(content: &str) -> PageContent {
        let mut pdf = TestPdf::new();
        pdf.page(content);
        run(pdf)
    }

    fn texts(c: &PageContent) -> Vec<&str> {
        c.glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 0.01
    }

    #[test]
    fn tj_positions_top_left_and_advance() {
        let c = one_page("BT /F1 10 Tf 1 0 0 1 100 700 Tm (AB) Tj ET");
        assert_eq!(texts(&c), ["A", "B"]);
        let (a, b) = (&c.glyphs[0], &c.glyphs[1]);
        assert!(close(a.x, 100.0) && close(a.y, 142.0), "{a:?}");
        assert!(close(a.advance, 5.0) && close(a.font_size, 10.0));
        assert!(close(b.x, 105.0) && close(b.y, 142.0), "{b:?}");
    }

    #[test]
    fn tj_array_kerning_and_spacing() {
        // -1000 moves right by one font size; Tc adds after each glyph, Tw after spaces.
        let c = one_page("BT /F1 10 Tf 2 Tc 3 Tw 100 700 Td [(A) -1000 (B)] TJ ( C) Tj ET");
        let xs: Vec<f32> = c.glyphs.iter().map(|g| g.x).collect();
        assert_eq!(texts(&c), ["A", "B", " ", "C"]);
        assert!(close(xs[1], 100.0 + 5.0 + 2.0 + 10.0), "{xs:?}");
        assert!(close(xs[2], xs[1] + 7.0));
        assert!(close(xs[3], xs[2] + 5.0 + 2.0 + 3.0), "{xs:?}");
    }

    #[test]
    fn horizontal_scaling_and_text_leading() {
        let c = one_page("BT /F1 10 Tf 50 Tz 12 TL 100 700 Td (AB) Tj T* (C) Tj 0 -20 TD (D) Tj (E) ' ET");
        let g = &c.glyphs;
        assert!(close(g[1].x - g[0].x, 2.5), "Tz 50 halves the advance");
        assert!(close(g[2].x, 100.0) && close(g[2].y, 142.0 + 12.0));
        assert!(close(g[3].y, 142.0 + 32.0));
        // TD set the leading to 20, which ' uses.
        assert!(close(g[4].y, 142.0 + 52.0), "{:?}", g[4]);
    }

    #[test]
    fn cm_scales_and_q_restores() {
        let c =
            one_page("q 2 0 0 2 0 0 cm BT /F1 10 Tf 10 10 Td (A) Tj ET Q BT /F1 10 Tf 10 10 Td (B) Tj ET");
        let (a, b) = (&c.glyphs[0], &c.glyphs[1]);
        assert!(close(a.x, 20.0) && close(a.y, 822.0) && close(a.font_size, 20.0), "{a:?}");
        assert!(close(b.x, 10.0) && close(b.y, 832.0) && close(b.font_size, 10.0), "{b:?}");
    }

    #[test]
    fn rotated_pages_read_upright() {
        let b = [0.0, 0.0, 600.0, 800.0];
        // A point near the box's bottom-left corner, for each rotation.
        let at = |r| {
            let (m, size) = page_matrix(b, r);
            (m.apply(10.0, 20.0), size)
        };
        assert_eq!(at(0), ((10.0, 780.0), (600.0, 800.0)));
        assert_eq!(at(90), ((20.0, 10.0), (800.0, 600.0)));
        assert_eq!(at(180), ((590.0, 20.0), (600.0, 800.0)));
        assert_eq!(at(270), ((780.0, 590.0), (800.0, 600.0)));
        assert_eq!(at(-90), at(270));
    }

    #[test]
    fn quote_operator_sets_spacing() {
        let c = one_page("BT /F1 10 Tf 14 TL 100 700 Td 1 2 (AB) \" ET");
        assert!(close(c.glyphs[0].y, 142.0 + 14.0));
        assert!(close(c.glyphs[1].x - c.glyphs[0].x, 7.0));
    }

    #[test]
    fn cid_font_two_byte_codes_radicals_and_unmapped() {
        let c = one_page("BT /C1 12 Tf 100 700 Td <000100020003> Tj <0009> Tj <0004> Tj ET");
        // The radical is kept as mapped: `normalize` folds it, for PDF and text alike.
        assert_eq!(texts(&c), ["日", "\u{2F47}", "本", "\u{FFFD}", "\u{FFFD}"]);
        assert_eq!(crate::normalize::text(&texts(&c).concat()), "日日本\u{FFFD}\u{FFFD}");
        assert!(close(c.glyphs[1].x - c.glyphs[0].x, 12.0));
        assert_eq!(c.unmapped_fonts.iter().collect::<Vec<_>>(), ["TestMincho"]);
    }

    #[test]
    fn actual_text_replaces_covered_glyphs() {
        let c = one_page(
            "BT /C1 12 Tf 100 700 Td /Span <</ActualText <FEFF672C65E5>>> BDC <00020001> Tj EMC <0003> Tj ET",
        );
        assert_eq!(texts(&c), ["本日", "", "本"]);
    }

    #[test]
    fn actual_text_from_named_properties() {
        let mut pdf = TestPdf::new();
        pdf.properties.set("P0", dictionary! { "ActualText" => lopdf::Object::string_literal("X") });
        pdf.page("BT /F1 10 Tf /Span /P0 BDC (AB) Tj EMC ET");
        let c = run(pdf);
        assert_eq!(texts(&c), ["X", ""]);
    }

    #[test]
    fn invisible_only_page_uses_its_text() {
        let mut pdf = TestPdf::new();
        pdf.page("BT /F1 10 Tf 3 Tr 100 700 Td (OCR) Tj ET");
        let (doc, diags) = crate::input::pdf::read(&pdf.bytes()).expect("readable");
        assert_eq!(doc.pages[0].lines[0].text, "OCR");
        assert!(diags.iter().any(|d| d.code == crate::model::Code::PdfInvisibleText));
        assert!(!diags.iter().any(|d| d.code == crate::model::Code::PdfNoTextLayer));
    }

    #[test]
    fn invisible_text_is_flagged() {
        let c = one_page("BT /F1 10 Tf 3 Tr (A) Tj 0 Tr (B) Tj ET");
        assert!(c.glyphs[0].invisible && !c.glyphs[1].invisible);
    }

    #[test]
    fn form_xobject_with_matrix_and_nesting() {
        let mut pdf = TestPdf::new();
        pdf.form("Inner", "BT /F1 10 Tf (I) Tj ET", dictionary! {});
        let inner_xobjects = pdf.xobjects.clone();
        pdf.form(
            "Outer",
            "BT /F1 10 Tf (O) Tj ET /Inner Do",
            dictionary! {
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 100.into(), 200.into()],
                "Resources" => dictionary! { "Font" => pdf.fonts.clone(), "XObject" => inner_xobjects },
            },
        );
        pdf.page("/Outer Do BT /F1 10 Tf (P) Tj ET");
        let c = run(pdf);
        assert_eq!(texts(&c), ["O", "I", "P"]);
        assert!(close(c.glyphs[0].x, 100.0) && close(c.glyphs[0].y, 642.0));
        assert!(close(c.glyphs[1].x, 100.0), "inner form inherits the outer matrix");
        assert!(close(c.glyphs[2].x, 0.0) && close(c.glyphs[2].y, 842.0), "matrix undone after Do");
    }

    #[test]
    fn self_drawing_form_stops() {
        let mut pdf = TestPdf::new();
        let id = pdf.doc.new_object_id();
        let mut xobjects = Dictionary::new();
        xobjects.set("Loop", id);
        let dict = dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "Resources" => dictionary! { "XObject" => xobjects.clone(), "Font" => pdf.fonts.clone() },
        };
        pdf.doc
            .objects
            .insert(id, Object::Stream(Stream::new(dict, b"BT /F1 10 Tf (L) Tj ET /Loop Do".to_vec())));
        pdf.xobjects = xobjects;
        pdf.page("/Loop Do");
        let c = run(pdf);
        assert_eq!(texts(&c), ["L"]);
        assert!(c.problems.iter().any(|p| p.contains("draws itself")));
    }

    /// An interpreter over an empty document (no fonts, no resources), for driving one
    /// operator step at a time.
    fn bare(doc: &Document, caches: &mut Caches, f: impl FnOnce(&mut Interpreter<'_, '_>)) -> PageContent {
        let mut it = Interpreter::new(doc, caches, [0.0, 0.0, 595.0, 842.0]);
        f(&mut it);
        it.finish()
    }

    fn nums(v: &[f32]) -> Vec<Object> {
        v.iter().map(|&x| Object::Real(x)).collect()
    }

    /// Every operator the interpreter models belongs to exactly one step, and an
    /// operator it does not model (colour, image) to none.
    #[test]
    fn operator_families_are_disjoint() {
        let doc = Document::with_version("1.7");
        let mut caches = Caches::default();
        let known = [
            "q", "Q", "cm", "BT", "ET", "Tf", "Tc", "Tw", "Tz", "TL", "Ts", "Tr", "Td", "TD", "Tm", "T*",
            "Tj", "'", "\"", "TJ", "BMC", "BDC", "EMC", "Do", "m", "l", "c", "v", "y", "re", "h", "S", "s",
            "B", "B*", "b", "b*", "f", "F", "f*", "n",
        ];
        bare(&doc, &mut caches, |it| {
            for op in known.iter().chain(&["rg", "G", "BI", "W", "sh", "gs"]) {
                let claims = [
                    it.graphics_state(op, &[]),
                    it.text_state(op, &[], None),
                    it.text_showing(op, &[]),
                    it.marked_content(op, &[], None),
                    it.xobject(op, &[], None),
                    it.path_operator(op, &[]),
                ];
                let expected = usize::from(known.contains(op));
                assert_eq!(claims.iter().filter(|&&c| c).count(), expected, "{op}: {claims:?}");
            }
        });
    }

    #[test]
    fn graphics_state_step_saves_transforms_and_restores() {
        let doc = Document::with_version("1.7");
        let mut caches = Caches::default();
        bare(&doc, &mut caches, |it| {
            it.graphics_state("q", &[]);
            it.graphics_state("cm", &nums(&[2.0, 0.0, 0.0, 2.0, 10.0, 20.0]));
            assert_eq!(it.gs.ctm.apply(1.0, 1.0), (12.0, 22.0));
            // A second `cm` applies before the first (it is concatenated on the left).
            it.graphics_state("cm", &nums(&[1.0, 0.0, 0.0, 1.0, 5.0, 0.0]));
            assert_eq!(it.gs.ctm.apply(0.0, 0.0), (20.0, 20.0));
            it.graphics_state("Q", &[]);
            assert_eq!(it.gs.ctm, Matrix::IDENTITY);
            // A `Q` without its `q` changes nothing; the stack is bounded.
            it.graphics_state("Q", &[]);
            for _ in 0..MAX_GSTATE_DEPTH + 10 {
                it.graphics_state("q", &[]);
            }
            assert_eq!(it.stack.len(), MAX_GSTATE_DEPTH);
        });
    }

    #[test]
    fn text_state_step_sets_parameters_and_positions() {
        let doc = Document::with_version("1.7");
        let mut caches = Caches::default();
        let c = bare(&doc, &mut caches, |it| {
            for (op, v) in [("Tc", 1.5), ("Tw", 2.5), ("Tz", 50.0), ("TL", 12.0), ("Ts", 3.0)] {
                assert!(it.text_state(op, &nums(&[v]), None));
            }
            it.text_state("Tr", &[Object::Integer(3)], None);
            let gs = &it.gs;
            assert_eq!((gs.char_spacing, gs.word_spacing, gs.h_scale), (1.5, 2.5, 0.5));
            assert_eq!((gs.leading, gs.rise, gs.render_mode), (12.0, 3.0, 3));
            it.text_state("BT", &[], None);
            it.text_state("Td", &nums(&[100.0, 700.0]), None);
            it.text_state("T*", &[], None);
            assert_eq!(it.tm.apply(0.0, 0.0), (100.0, 688.0));
            // `TD` also sets the leading to minus its y.
            it.text_state("TD", &nums(&[0.0, -20.0]), None);
            assert_eq!((it.gs.leading, it.tm.apply(0.0, 0.0)), (20.0, (100.0, 668.0)));
            it.text_state("Tm", &nums(&[1.0, 0.0, 0.0, 1.0, 50.0, 60.0]), None);
            assert_eq!((it.tm, it.tlm), (it.tlm, Matrix::translate(50.0, 60.0)));
            // A font the resources do not have is noted, not a failure.
            it.text_state("Tf", &[Object::Name(b"F9".to_vec()), Object::Integer(10)], None);
            assert!(it.gs.font.is_none() && it.gs.font_size == 10.0);
        });
        assert_eq!(c.missing_fonts.iter().collect::<Vec<_>>(), ["F9"]);
    }

    #[test]
    fn text_showing_step_places_glyphs_and_kerns() {
        let doc = Document::with_version("1.7");
        let mut caches = Caches::default();
        let c = bare(&doc, &mut caches, |it| {
            it.gs.font_size = 10.0;
            it.text_state("Td", &nums(&[100.0, 700.0]), None);
            assert!(it.text_showing("Tj", &[Object::string_literal("A")]));
            let after_tj = it.tm.apply(0.0, 0.0);
            // A `TJ` number moves back by thousandths of the font size.
            it.text_showing(
                "TJ",
                &[Object::Array(vec![Object::Integer(-1000), Object::string_literal("B")])],
            );
            let b = it.out.glyphs.last().map(|g| g.x);
            assert_eq!(b, Some(after_tj.0 + 10.0));
            // `"` sets word and character spacing, then moves to the next line.
            it.gs.leading = 14.0;
            it.text_showing("\"", &[Object::Real(1.0), Object::Real(2.0), Object::string_literal("C")]);
            assert_eq!((it.gs.word_spacing, it.gs.char_spacing), (1.0, 2.0));
            assert!(!it.text_showing("Tf", &[]));
        });
        // Shown without a font: placed with the stand-in font, the missing font noted.
        assert_eq!(texts(&c), ["A", "B", "C"]);
        assert!(close(c.glyphs[2].y, 142.0 + 14.0));
        assert!(c.missing_fonts.contains("(none)"));
    }

    #[test]
    fn marked_content_step_takes_inline_actual_text() {
        let doc = Document::with_version("1.7");
        let mut caches = Caches::default();
        let c = bare(&doc, &mut caches, |it| {
            it.gs.font_size = 10.0;
            let props = Object::Dictionary(dictionary! { "ActualText" => Object::string_literal("ff") });
            assert!(it.marked_content("BDC", &[Object::Name(b"Span".to_vec()), props], None));
            it.text_showing("Tj", &[Object::string_literal("xy")]);
            it.marked_content("EMC", &[], None);
            // Marked content without /ActualText changes no text.
            it.marked_content("BMC", &[Object::Name(b"Artifact".to_vec())], None);
            it.text_showing("Tj", &[Object::string_literal("z")]);
            it.marked_content("EMC", &[], None);
        });
        assert_eq!(texts(&c), ["ff", "", "z"]);
    }

    #[test]
    fn xobject_step_ignores_what_is_not_a_form() {
        let doc = Document::with_version("1.7");
        let mut caches = Caches::default();
        let c = bare(&doc, &mut caches, |it| {
            assert!(it.xobject("Do", &[Object::Name(b"Im1".to_vec())], None));
            assert!(!it.xobject("BI", &[], None));
        });
        assert!(c.glyphs.is_empty() && c.problems.is_empty());
    }

    #[test]
    fn path_step_keeps_axis_strokes_and_thin_fills() {
        let doc = Document::with_version("1.7");
        let mut caches = Caches::default();
        let c = bare(&doc, &mut caches, |it| {
            // An unpainted path (`n`) leaves nothing.
            it.path_operator("m", &nums(&[0.0, 0.0]));
            it.path_operator("l", &nums(&[50.0, 0.0]));
            it.path_operator("n", &[]);
            assert!(it.path.is_empty());
            // A curve breaks the subpath: only the straight piece after it is a rule.
            it.path_operator("m", &nums(&[10.0, 800.0]));
            it.path_operator("c", &nums(&[20.0, 810.0, 30.0, 810.0, 40.0, 800.0]));
            it.path_operator("l", &nums(&[90.0, 800.0]));
            it.path_operator("S", &[]);
            // `s` closes the triangle: its closing edge is axis-parallel too.
            it.path_operator("m", &nums(&[100.0, 100.0]));
            it.path_operator("l", &nums(&[200.0, 100.0]));
            it.path_operator("l", &nums(&[100.0, 150.0]));
            it.path_operator("s", &[]);
            // A thin filled rectangle is a rule along its length.
            it.path_operator("re", &nums(&[300.0, 400.0, 0.5, 60.0]));
            it.path_operator("f", &[]);
            assert!(!it.path_operator("Tj", &[]));
        });
        let r: Vec<[f32; 4]> = c.rules.iter().map(|r| [r.x0, r.y0, r.x1, r.y1]).collect();
        assert_eq!(r.len(), 4, "{r:?}");
        assert!(r.contains(&[40.0, 42.0, 90.0, 42.0]), "{r:?}");
        assert!(
            r.contains(&[100.0, 742.0, 200.0, 742.0]) && r.contains(&[100.0, 692.0, 100.0, 742.0]),
            "{r:?}"
        );
        assert!(r.iter().any(|r| close(r[0], 300.25) && close(r[1], 382.0) && close(r[3], 442.0)), "{r:?}");
    }

    #[test]
    fn rules_from_strokes_and_thin_fills() {
        let c = one_page(
            "100 100 m 200 100 l S 50 50 100 0.5 re f 300 300 50 50 re f 10 10 m 20 30 l S 400 400 40 20 re S",
        );
        let r = &c.rules;
        assert!(r.iter().any(|r| close(r.x0, 100.0) && close(r.x1, 200.0) && close(r.y0, 742.0)));
        assert!(r.iter().any(|r| close(r.x0, 50.0) && close(r.x1, 150.0) && close(r.y0, 791.75)));
        assert!(!r.iter().any(|r| close(r.x0, 300.0)), "a large filled box is not a rule");
        assert!(!r.iter().any(|r| close(r.x0, 10.0)), "a diagonal is not a rule");
        assert_eq!(r.iter().filter(|r| r.x0 >= 400.0 - 0.01 && r.x1 <= 440.01).count(), 4, "{r:?}");
    }

    #[test]
    fn unreadable_token_skipped_not_the_rest_of_the_page() {
        let c = one_page("BT /F1 10 Tf (A) Tj ) ] >> (B) Tj ET\nBT /F1 10 Tf (C) Tj ET");
        assert_eq!(texts(&c), ["A", "B", "C"]);
        assert!(!c.problems.is_empty());
        let ok = one_page("BT /F1 10 Tf (A) Tj ET\n");
        assert!(ok.problems.is_empty(), "{:?}", ok.problems);
    }

    /// Random soups of operators and operands, with forms and fonts present: the
    /// interpreter must take anything.
    #[test]
    fn token_soup_never_panics() {
        const TOKENS: &[&str] = &[
            "BT",
            "ET",
            "q",
            "Q",
            "cm",
            "Tm",
            "Td",
            "TD",
            "T*",
            "Tj",
            "TJ",
            "'",
            "\"",
            "Tf",
            "Tc",
            "Tw",
            "Tz",
            "TL",
            "Ts",
            "Tr",
            "BDC",
            "BMC",
            "EMC",
            "Do",
            "m",
            "l",
            "c",
            "re",
            "h",
            "S",
            "f",
            "n",
            "/F1",
            "/C1",
            "/Form",
            "/Span",
            "0",
            "1",
            "-1",
            "1e38",
            "-99999",
            "0.5",
            "(A)",
            "<0001>",
            "<00>",
            "[",
            "]",
            "<<",
            ">>",
            "/ActualText",
            "(x)",
            "3",
            "12",
            "NaN",
        ];
        let mut pdf = TestPdf::new();
        pdf.form("Form", "BT /F1 5 Tf (f) Tj ET 0 0 10 0.5 re f", dictionary! {});
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut streams = Vec::new();
        for _ in 0..200 {
            let mut s = String::new();
            for _ in 0..60 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(TOKENS[(seed % TOKENS.len() as u64) as usize]);
                s.push(' ');
            }
            streams.push(s);
        }
        for s in &streams {
            pdf.page(s);
        }
        let bytes = pdf.bytes();
        let (doc, _) = crate::input::pdf::read(&bytes).expect("readable");
        assert_eq!(doc.pages.len(), streams.len());
    }

    #[test]
    fn missing_font_and_garbage_operands_do_not_panic() {
        let c = one_page(
            "BT /Nope 10 Tf (A) Tj Tf Tj TJ 1 2 Tm cm re [1 2 (x)] TJ /F1 Tf (B) Tj ET Q Q Q EMC EMC",
        );
        assert!(c.missing_fonts.contains("Nope"));
        assert_eq!(texts(&c), ["A", "x", "B"]);
    }
}
