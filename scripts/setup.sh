#!/usr/bin/env bash
# Set up everything shumao needs on a fresh Debian machine: the Debian packages (CJK fonts
# for PDFs and charts, pango for WeasyPrint, poppler for the PDF checks, Chromium for the
# browser test) when missing, then ./.venv with shumao.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)          # the browser the HTML tests open
python3 -c 'import ctypes.util, sys; sys.exit(not ctypes.util.find_library("pango-1.0"))' \
    2>/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)   # WeasyPrint's text layout
if [ ${#need[@]} -gt 0 ]; then
    echo "安装系统软件包：${need[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "shumao 需要 Python 3.11 或更高版本"'
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
echo "安装完成：.venv/bin/shumao"
