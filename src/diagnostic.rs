//! The diagnostic codes: one typed list of every code a conversion or check can emit,
//! each with its default level and a one-line meaning.
//!
//! A code is written to JSON (and to the database) as its dotted string
//! (`card.no_department`); the list here is the single place those strings, their levels
//! and their meanings are defined, so that a code cannot be an error in one place and a
//! warning in another. The README's table of codes is checked against [`Code::ALL`]
//! (`tests/diagnostic_codes.rs`).
//!
//! JSON written by another version of shisaku may carry a code this version does not
//! know; it is read back as [`Code::Other`] (kept as written) rather than refused, so
//! `validate` and `load` accept it as they accept any code of the schema's pattern.
//! Nothing in this crate emits [`Code::Other`]: [`crate::model::Diagnostic::new`] takes a
//! known code, so an emission site with a bare string does not compile.

use crate::model::Level;

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $meaning:literal;)*) => {
        /// A diagnostic code; see the module documentation.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Code {
            $(
                #[doc = $meaning]
                $variant,
            )*
            /// A code not known to this version, read from JSON; never emitted.
            Other(String),
        }

        impl Code {
            /// Every known code, in the order of the README's table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written in JSON, e.g. `card.no_department`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Code::$variant => $name,)*
                    Code::Other(s) => s,
                }
            }

            /// The level a diagnostic of this code has ([`Level::Warning`] for an unknown
            /// one, which is only ever read back with its own level).
            pub fn level(&self) -> Level {
                match self {
                    $(Code::$variant => Level::$level,)*
                    Code::Other(_) => Level::Warning,
                }
            }

            /// What a diagnostic of this code means, in one line.
            pub fn meaning(&self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                    Code::Other(_) => "a code this version of shisaku does not know",
                }
            }

            /// The code written as `s`: a known one, else [`Code::Other`].
            pub fn parse(s: &str) -> Code {
                match s {
                    $($name => Code::$variant,)*
                    other => Code::Other(other.to_string()),
                }
            }
        }
    };
}

codes! {
    // Text input.
    TextControlCharacters = "text.control_characters", Warning,
        "control characters (NUL, escape, …) were removed from the text";
    TextVariantFolded = "text.variant_folded", Warning,
        "a dump's ideograph outside JIS X 0208 was read as the JIS X 0208 form it is a glyph variant of";
    TextUnassigned = "text.unassigned", Warning,
        "a line belongs to no card or section and is not part of the output";
    // The report's structure.
    ReportRepeated = "report.repeated", Error,
        "a second title page or a basic-policy number read twice: several reports in one file";
    ReportNoFiscalYear = "report.no_fiscal_year", Warning,
        "the report's title and fiscal year were not found";
    ChapterNoHeading = "chapter.no_heading", Error,
        "a chapter has no heading line: its policy number and title are unknown";
    ChapterIncomplete = "chapter.incomplete", Error,
        "a card starts inside a chapter's overview or summary table, which is cut short";
    // Summary tables.
    SummaryNoSubtotal = "summary.no_subtotal", Error,
        "a summary table has no 小計 line";
    SummarySubtotalUnreadable = "summary.subtotal_unreadable", Error,
        "a summary table's 小計 line could not be read";
    SummaryRowUnreadable = "summary.row_unreadable", Error,
        "a summary row could not be read (no cost, or no No.) and is left out; or a summary table gave no row at all (said once, on its chapter)";
    SummaryRowUncertain = "summary.row_uncertain", Warning,
        "a summary row was read, but part of it is a guess";
    SummaryColumnsUncertain = "summary.columns_uncertain", Warning,
        "a summary table printed column by column (or `-layout`'s wrapped rows) was rebuilt, but part of it is a guess";
    SummarySubtotalMismatch = "summary.subtotal_mismatch", Warning,
        "小計 is not the sum of the rows";
    SummaryRowDuplicated = "summary.row_duplicated", Warning,
        "a summary row has more than one card";
    // Cards.
    CardIncomplete = "card.incomplete", Error,
        "a card ends without its （担当課：…） line: the report may be cut or the card damaged";
    CardNoTitle = "card.no_title", Error,
        "a card has no title";
    CardNoNumber = "card.no_number", Warning,
        "a card has no printed number and is numbered by its position";
    CardNoCost = "card.no_cost", Error,
        "a card's head has no 事業費 line";
    CardCostUnreadable = "card.cost_unreadable", Error,
        "a card's 事業費 could not be read as an amount";
    CardNoDepartment = "card.no_department", Error,
        "a card has no （担当課：…） line";
    CardSplitUncertain = "card.split_uncertain", Warning,
        "where a dump's box splits into 事業概要 and 事業実績 is a judgement";
    CardMissing = "card.missing", Warning,
        "a summary row has no card";
    CardUnlisted = "card.unlisted", Warning,
        "a card has no summary row";
    CardNameDiffers = "card.name_differs", Warning,
        "a card's name differs from its summary row's";
    CardCostDiffers = "card.cost_differs", Warning,
        "a card's cost differs from its summary row's";
    CardPageDiffers = "card.page_differs", Warning,
        "a card's printed page differs from its summary row's";
    CardPageOrder = "card.page_order", Warning,
        "a card's page is lower than the card's before it";
    CardDuplicate = "card.duplicate", Warning,
        "a card printed twice in its chapter, or two cards under one number";
    // Metrics tables.
    MetricsUncertain = "metrics.uncertain", Warning,
        "which column a metric value belongs to is a guess";
    MetricsCellCount = "metrics.cell_count", Warning,
        "a metric row has not one cell per column";
    // PDF input.
    PdfPageTree = "pdf.page_tree", Warning,
        "the page tree lists an object more than once (a cycle?); it is read once";
    PdfNoTextLayer = "pdf.no_text_layer", Warning,
        "a page has no text layer (a scan?)";
    PdfInvisibleText = "pdf.invisible_text", Info,
        "a page's text is drawn invisible (an OCR layer), and is read";
    PdfUnmappedGlyph = "pdf.unmapped_glyph", Warning,
        "a font has codes without a Unicode mapping (shown as U+FFFD)";
    PdfMissingFont = "pdf.missing_font", Warning,
        "a page uses a font resource that is not there";
    PdfWidthsUnknown = "pdf.widths_unknown", Warning,
        "a font's glyph widths are unknown, so positions on its lines are estimates";
    PdfTounicodeRepaired = "pdf.tounicode_repaired", Info,
        "characters were read by the embedded font's cmap instead of a wrong ToUnicode";
    PdfTounicodeUnverified = "pdf.tounicode_unverified", Warning,
        "ToUnicode gave ideographs outside JIS X 0208 that the font cannot confirm";
    PdfStreamCorrupt = "pdf.stream_corrupt", Error,
        "a content stream does not decode: the page's text from the damage on is missing";
    PdfContent = "pdf.content", Warning,
        "a page's content stream has a syntax problem or hit a bound";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Code::parse(&s))
    }
}

/// The Markdown table of [`Code::ALL`] (code, level, meaning) that the README carries.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | level | meaning |\n|---|---|---|\n");
    for code in Code::ALL {
        let level = match code.level() {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        out.push_str(&format!("| `{code}` | {level} | {} |\n", code.meaning()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert_eq!(&Code::parse(code.as_str()), code);
            assert!(seen.insert(code.as_str()), "{code} twice");
            let json = serde_json::to_string(code).unwrap_or_default();
            assert_eq!(json, format!("\"{code}\""));
            assert_eq!(serde_json::from_str::<Code>(&json).ok().as_ref(), Some(code));
        }
    }

    #[test]
    fn unknown_codes_are_kept() {
        let code: Code = serde_json::from_str("\"future.code\"").unwrap_or(Code::CardMissing);
        assert_eq!(code, Code::Other("future.code".into()));
        assert_eq!(serde_json::to_string(&code).unwrap_or_default(), "\"future.code\"");
    }

    #[test]
    fn losses_that_change_numbers_are_errors() {
        // The README's rule: a row or card left out, or a cost not read, is an error.
        for code in
            [Code::SummaryRowUnreadable, Code::CardNoCost, Code::CardIncomplete, Code::PdfStreamCorrupt]
        {
            assert_eq!(code.level(), Level::Error, "{code}");
        }
        assert_eq!(Code::CardSplitUncertain.level(), Level::Warning);
    }
}
