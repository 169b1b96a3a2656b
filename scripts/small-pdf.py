#!/usr/bin/env python3
"""Write a small one-page PDF showing the given text in Helvetica: the base for the
encrypted fixtures (fixtures/hostile/, encrypted with qpdf) and a fuzz seed.
Usage: small-pdf.py OUT.pdf TEXT"""
import sys

out, text = sys.argv[1], sys.argv[2]
content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
    b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
]
pdf = bytearray(b"%PDF-1.7\n")
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(pdf))
    pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
pdf += b"".join(b"%010d 00000 n \n" % off for off in offsets)
pdf += b"trailer\n<< /Size %d /Root 1 0 R /ID [<0123456789abcdef> <0123456789abcdef>] >>\n" % (len(objs) + 1)
pdf += b"startxref\n%d\n%%%%EOF\n" % xref
open(out, "wb").write(pdf)
