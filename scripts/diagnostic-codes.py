#!/usr/bin/env python3
"""Rewrite diagnostic emission sites from `Diagnostic::new(Level::X, "a.b", msg)` to
`Diagnostic::new(Code::AB, msg)` (the level now comes from the code, src/diagnostic.rs).

For merging branches written before the typed codes: run it on their files, then
`cargo fmt`; imports (`use crate::model::{Code, ...}`) and closures taking a level (as in
card.rs's `warn` and validate.rs's `diag`) are fixed by hand. A code missing from
src/diagnostic.rs stops the script with its name: add it to the enum first.

usage: python3 scripts/diagnostic-codes.py FILE.rs...
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CODES = dict(
    (name, variant)
    for variant, name in re.findall(r'(\w+) = "([a-z0-9_]+\.[a-z0-9_.]+)"', (ROOT / "src/diagnostic.rs").read_text())
)


def variant(name):
    if name not in CODES:
        sys.exit(f"unknown diagnostic code {name!r}: add it to src/diagnostic.rs")
    return "Code::" + CODES[name]


for path in map(pathlib.Path, sys.argv[1:]):
    text = original = path.read_text()
    # The level on its own line before the code: drop it.
    text = re.sub(
        r'\n[ \t]*Level::(?:Info|Warning|Error),\n([ \t]*)"([a-z0-9_]+\.[a-z0-9_]+)",',
        lambda m: "\n" + m.group(1) + variant(m.group(2)) + ",",
        text,
    )
    text = re.sub(r'Level::(?:Info|Warning|Error),\s*"([a-z0-9_]+\.[a-z0-9_]+)"', lambda m: variant(m.group(1)), text)
    text = re.sub(
        r'\.code (==|!=) "([a-z0-9_]+\.[a-z0-9_]+)"', lambda m: ".code " + m.group(1) + " " + variant(m.group(2)), text
    )
    if text != original:
        path.write_text(text)
        print("rewrote", path)
