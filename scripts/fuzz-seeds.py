#!/usr/bin/env python3
"""Seed the fuzz corpora (fuzz/corpus/<target>/) from fixtures/: slices of the text dump,
ToUnicode CMaps and page content streams of the fixture PDFs (read with qpdf), and the
PDFs themselves. Run from the repository root; needs qpdf."""
import json, os, subprocess

def stream(pdf, ref):
    return subprocess.run(['qpdf', '--show-object=' + ref.split()[0], '--filtered-stream-data', pdf],
                          capture_output=True, check=True).stdout

for t in ('pdf', 'text', 'cmap', 'content'):
    os.makedirs(f'fuzz/corpus/{t}', exist_ok=True)

lines = open('fixtures/aomori-r5.txt', 'rb').read().split(b'\n')
for i, (a, n) in enumerate([(0, 60), (0, 400), (100, 200), (500, 150), (900, 300), (1500, 120),
                            (2000, 250), (2500, 80), (3000, 400), (len(lines) - 300, 300)]):
    open(f'fuzz/corpus/text/slice{i:02}.txt', 'wb').write(b'\n'.join(lines[a:a + n]))

for pdf, tag in [('fixtures/aomori-r5.libreoffice.pdf', 'lo'), ('fixtures/aomori-r5.chromium.pdf', 'cr')]:
    out = subprocess.run(['qpdf', '--json=2', pdf], capture_output=True, check=True).stdout
    objs = json.loads(out)['qpdf'][1]
    tounicode, contents = set(), []
    for v in objs.values():
        d = v.get('value') if 'value' in v else (v.get('stream') or {}).get('dict')
        if not isinstance(d, dict):
            continue
        if '/ToUnicode' in d:
            tounicode.add(d['/ToUnicode'])
        if d.get('/Type') == '/Page':
            c = d.get('/Contents')
            contents += [c] if isinstance(c, str) else (c or [])
    for i, ref in enumerate(sorted(tounicode)[:4]):
        open(f'fuzz/corpus/cmap/{tag}{i}.cmap', 'wb').write(stream(pdf, ref))
    for i, ref in enumerate(contents[:40:10]):
        open(f'fuzz/corpus/content/{tag}{i}.content', 'wb').write(stream(pdf, ref))
    subprocess.run(['cp', pdf, f'fuzz/corpus/pdf/{tag}.pdf'], check=True)

# Small PDFs: a plain one, the same with object streams, the encrypted fixtures, and single
# pages of the fixtures (real fonts, CMaps and layout at a tenth of the size).
subprocess.run(['python3', 'scripts/small-pdf.py', 'fuzz/corpus/pdf/plain.pdf', 'Hello (world) 123'], check=True)
subprocess.run(['qpdf', '--object-streams=generate', '--compress-streams=y', 'fuzz/corpus/pdf/plain.pdf',
                'fuzz/corpus/pdf/objstm.pdf'], check=True)
for name in os.listdir('fixtures/hostile'):
    subprocess.run(['cp', f'fixtures/hostile/{name}', 'fuzz/corpus/pdf/'], check=True)
for pdf, tag in [('fixtures/aomori-r5.libreoffice.pdf', 'lo'), ('fixtures/aomori-r5.chromium.pdf', 'cr')]:
    for p in ('1', '5'):
        subprocess.run(['qpdf', '--empty', '--pages', pdf, p, '--', f'fuzz/corpus/pdf/{tag}-p{p}.pdf'], check=True)
