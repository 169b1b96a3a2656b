#!/usr/bin/env bash
# Side-by-side speed and memory: shisaku vs pdftotext -layout vs PyMuPDF, on the bundled
# PDFs (or the PDFs given as arguments). Installs what it needs on a Debian-like machine.
#
#   bench/compare.sh [--runs N] [FILE.pdf ...]
#
# Each round runs the three tools one after the other (alternating, so drift in machine
# load hits all alike); the table shows medians of wall time, peak RSS of the process,
# and shisaku's ratio to each. PyMuPDF's time is measured in-process around get_text()
# over all pages (the import is excluded), its memory is the whole Python process.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
[ ${#files[@]} -gt 0 ] || files=(fixtures/aomori-r5.chromium.pdf fixtures/aomori-r5.libreoffice.pdf)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
if ! command -v pdftotext >/dev/null; then
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq poppler-utils >/dev/null
fi
if ! python3 -c 'import pymupdf' 2>/dev/null; then
  python3 -m pip install -q pymupdf
fi
cargo build --release -q
# Where cargo put it: CARGO_TARGET_DIR when set (a shared target folder), else ./target.
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/shisaku"

python3 - "$runs" "$bin" "${files[@]}" <<'PY'
import os, statistics, subprocess, sys, tempfile, time

runs, shisaku, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
tmp = tempfile.mkdtemp()
PYMUPDF = r'''
import sys, time
import pymupdf
t = time.perf_counter()
doc = pymupdf.open(sys.argv[1])
text = [page.get_text() for page in doc]
print(time.perf_counter() - t)
'''

def run(cmd):
    """Wall seconds, peak RSS (MB) and stdout of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(cmd)}")
    return wall, ru.ru_maxrss / 1024, out

print(f"{'file':32} {'tool':34} {'wall (median)':>14} {'peak RSS':>9} {'shisaku ÷ tool':>15}")
for f in files:
    res = {"shisaku convert (PDF → validated JSON)": [], "pdftotext -layout (text only)": [],
           "PyMuPDF get_text() (in-process)": []}
    for _ in range(runs):
        w, m, _ = run([shisaku, "convert", f, "-o", os.path.join(tmp, "out.json")])
        res["shisaku convert (PDF → validated JSON)"].append((w, m))
        w, m, _ = run(["pdftotext", "-layout", f, os.path.join(tmp, "out.txt")])
        res["pdftotext -layout (text only)"].append((w, m))
        _, m, out = run([sys.executable, "-c", PYMUPDF, f])
        res["PyMuPDF get_text() (in-process)"].append((float(out), m))
    med = {k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in res.items()}
    ours = med["shisaku convert (PDF → validated JSON)"][0]
    for k, (w, m) in med.items():
        ratio = "" if k.startswith("shisaku") else f"{ours / w:.2f}×"
        print(f"{os.path.basename(f):32} {k:34} {w * 1000:11.1f} ms {m:6.0f} MB {ratio:>15}")
PY
