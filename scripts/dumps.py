#!/usr/bin/env python3
"""Make text dumps of report PDFs with the usual extractors, for fixtures/dumps/.

People who cannot hand over a PDF send a text dump made by whatever extractor they had;
shisaku detects the dump's kind and reads it (README, "Text dumps"). This script makes
one dump per extractor and PDF so that tests can check each kind:

    python3 scripts/dumps.py [--kind KIND]... [PDF...]
        # default PDFs: the two fixture PDFs and the renditions of distinct writers;
        # default kinds: all of those below

writes fixtures/dumps/<stem>.<kind>.txt for kind in
  pdftotext         poppler `pdftotext` default (reading order, form feed per page)
  pdftotext-layout  `pdftotext -layout` (columns kept by character positions)
  pdftotext-raw     `pdftotext -raw` (content-stream order)
  pymupdf           PyMuPDF `page.get_text()` (one span per line)
  pymupdf-blocks    PyMuPDF `page.get_text("blocks")`, blocks joined by blank lines
  pdfplumber        pdfplumber `page.extract_text()` (pdfminer), pages joined by newlines
  pdfminer          pdfminer.six `high_level.extract_text()` (= `pdf2txt.py`, default
                    LAParams): text boxes joined by blank lines, a form feed after each page
  pymupdf-sort      PyMuPDF `page.get_text(sort=True)` (lines by position, gaps as runs of
                    spaces), pages concatenated as they come (as for `pymupdf`): a sorted
                    page's text does not end with a newline, so its footer is glued to the
                    next page's first line. A script joining pages with "\n" has the
                    footers apart; that join of the two fixture PDFs is written to
                    fixtures/dumps/newline-joined/<stem>.pymupdf-sort.txt (read alike)

  pypdf             pypdf `page.extract_text()`, pages joined by "\n\f" (a newline and
                    a form feed, as a typical script marks its page breaks)
  pypdf-layout      pypdf `page.extract_text(extraction_mode="layout")`, pages joined
                    the same way
  pdfium            pypdfium2 `page.get_textpage().get_text_range()` (lines end in CRLF,
                    kept as they come), pages joined by "\n" as a typical script does. A
                    script joining pages with "\f" instead has its page breaks marked;
                    that join of the two fixture PDFs is written to
                    fixtures/dumps/formfeed-joined/<stem>.pdfium.txt (read alike)

Needs poppler-utils, PyMuPDF (`pip install pymupdf`), pdfplumber, pdfminer.six, pypdf and
pypdfium2. The outputs are
deterministic for a given tool version; the versions used are printed.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "dumps")
# The renditions made by distinct PDF writers (fixtures/renditions/, scripts/render/):
# each writer orders and splits its text its own way, and so each extractor's dump of it
# differs. (gs-redistill and rotated are re-writes of another rendition; nospace-excerpt
# is a part of the report.)
RENDITIONS = ["reportlab-ttf", "reportlab-cid", "fpdf2", "libreoffice-docx", "weasyprint", "r6-reportlab"]
DEFAULT = [
    os.path.join(ROOT, "fixtures", "aomori-r5.libreoffice.pdf"),
    os.path.join(ROOT, "fixtures", "aomori-r5.chromium.pdf"),
] + [os.path.join(ROOT, "fixtures", "renditions", f"{r}.pdf") for r in RENDITIONS]


def pdftotext(pdf, *flags):
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *flags, pdf, "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")


def pymupdf_sort_newline_joined(pdf):
    import pymupdf as fitz

    with fitz.open(pdf) as doc:
        return "\n".join(page.get_text(sort=True) for page in doc)


def pymupdf(pdf, blocks=False, sort=False):
    import pymupdf as fitz

    pages = []
    with fitz.open(pdf) as doc:
        for page in doc:
            if sort:
                pages.append(page.get_text(sort=True))
            elif blocks:
                bl = [b[4].rstrip("\n") for b in page.get_text("blocks") if b[6] == 0]
                pages.append("\n\n".join(bl) + "\n")
            else:
                pages.append(page.get_text())
    # A typical script: page texts concatenated as they come.
    return "".join(pages)


def pdfplumber_text(pdf):
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return "\n".join((p.extract_text() or "") for p in doc.pages) + "\n"


def pdfminer_text(pdf):
    from pdfminer.high_level import extract_text

    return extract_text(pdf)


def pypdf_text(pdf, layout=False):
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    mode = {"extraction_mode": "layout"} if layout else {}
    # A typical script: each page's text, a newline and a form feed between pages.
    return "\n\f".join(page.extract_text(**mode) for page in reader.pages) + "\n"


def pdfium_text(pdf, join="\n"):
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        doc.close()
    # A typical script: page texts joined by a newline, written as they come (CRLF kept).
    return join.join(pages)


KINDS = {
    "pdftotext": lambda p: pdftotext(p),
    "pdftotext-layout": lambda p: pdftotext(p, "-layout"),
    "pdftotext-raw": lambda p: pdftotext(p, "-raw"),
    "pymupdf": lambda p: pymupdf(p),
    "pymupdf-blocks": lambda p: pymupdf(p, blocks=True),
    "pymupdf-sort": lambda p: pymupdf(p, sort=True),
    "pdfplumber": pdfplumber_text,
    "pdfminer": pdfminer_text,
    "pypdf": lambda p: pypdf_text(p),
    "pypdf-layout": lambda p: pypdf_text(p, layout=True),
    "pdfium": lambda p: pdfium_text(p),
}


def main(argv):
    # `--kind K` (repeatable) makes only those kinds, leaving the other dumps as they are.
    kinds = [argv[i + 1] for i, a in enumerate(argv) if a == "--kind" and i + 1 < len(argv)]
    rest = [a for i, a in enumerate(argv) if a != "--kind" and (i == 0 or argv[i - 1] != "--kind")]
    pdfs = rest or DEFAULT
    os.makedirs(OUT, exist_ok=True)
    for pdf in pdfs:
        stem = os.path.basename(pdf)
        stem = stem[: -len(".pdf")] if stem.lower().endswith(".pdf") else stem
        for kind, fn in KINDS.items():
            if kinds and kind not in kinds:
                continue
            path = os.path.join(OUT, f"{stem}.{kind}.txt")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(fn(pdf))
            print(path)
        if pdf in DEFAULT[:2] and (not kinds or "pymupdf-sort" in kinds):
            # The other join a script may use (tests/dumps.rs reads both alike).
            os.makedirs(os.path.join(OUT, "newline-joined"), exist_ok=True)
            path = os.path.join(OUT, "newline-joined", f"{stem}.pymupdf-sort.txt")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(pymupdf_sort_newline_joined(pdf))
            print(path)
        if pdf in DEFAULT[:2] and (not kinds or "pdfium" in kinds):
            # The other join a script may use: a form feed between pages.
            os.makedirs(os.path.join(OUT, "formfeed-joined"), exist_ok=True)
            path = os.path.join(OUT, "formfeed-joined", f"{stem}.pdfium.txt")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(pdfium_text(pdf, join="\f"))
            print(path)
    import pdfminer
    import pdfplumber
    import pymupdf as fitz
    import pypdf
    import pypdfium2

    ver = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"{ver}; PyMuPDF {fitz.VersionBind}; pdfplumber {pdfplumber.__version__}; pdfminer.six {pdfminer.__version__}; pypdf {pypdf.__version__}; pypdfium2 {pypdfium2.version.PYPDFIUM_INFO}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
