//! The README's table of diagnostic codes is the enum's: every code with its level and
//! meaning, in order. On a change to `src/diagnostic.rs`, paste the table this test
//! prints into the README's "Diagnostic codes" section.

use shisaku::diagnostic::{markdown_table, Code};

#[test]
fn readme_lists_every_code_as_the_enum_does() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let table = markdown_table();
    assert!(
        readme.contains(&table),
        "README's table of diagnostic codes is out of date; it should read:\n{table}"
    );
    // The generated table is not vacuous: one row per code.
    assert_eq!(table.lines().count(), Code::ALL.len() + 2);
    assert!(Code::ALL.len() > 30);
}

#[test]
fn every_code_the_readme_names_is_known() {
    // Codes quoted anywhere in the README (`card.missing`, …) must be codes of the enum,
    // so prose cannot drift either.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let prefixes = ["text.", "report.", "chapter.", "summary.", "card.", "metrics.", "pdf."];
    for quoted in readme.split('`').skip(1).step_by(2) {
        let looks_like_code = prefixes.iter().any(|p| quoted.starts_with(p))
            && quoted.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
            && quoted.matches('.').count() == 1;
        if looks_like_code {
            assert!(
                !matches!(Code::parse(quoted), Code::Other(_)),
                "the README names `{quoted}`, which is no diagnostic code"
            );
        }
    }
}
