#!/usr/bin/env bash
# Set up everything shumao needs on a fresh Debian machine: the Debian packages (CJK fonts
# for PDFs and charts, pango for WeasyPrint, poppler for the PDF checks, Chromium for the
# browser test, PostgreSQL for the server-store tests) when missing, then ./.venv with shumao.
# Quiet when all goes well (a few progress lines); a failing apt or pip prints its whole output.
set -euo pipefail
cd "$(dirname "$0")/.."

LOG=$(mktemp "${TMPDIR:-/tmp}/shumao-setup.XXXXXX")
trap 'rm -f "$LOG"' EXIT

# Run a command with its output in $LOG: pip's index warnings and setuptools' banner stay
# hidden, but on failure the whole output is shown and setup stops with the command's code.
quietly() {
    if "$@" >"$LOG" 2>&1; then
        return 0
    else
        local rc=$?
        echo "失败（退出码 $rc）：$*" >&2
        cat "$LOG" >&2
        exit "$rc"
    fi
}

# Same search as tests/support/pgcluster.py find_bindir: pg_config, Debian's versioned
# folders, PATH.  pg_config alone may come from libpq-dev, so the folder must hold the tools.
has_pg_tools() { [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ]; }
postgres_found() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null) && has_pg_tools "$d" && return 0
    fi
    for d in /usr/lib/postgresql/*/bin; do
        has_pg_tools "$d" && return 0
    done
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

need=()
# not grep -q: it exits at the first match, fc-list gets SIGPIPE and pipefail fails the test
fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)          # the browser the HTML tests open
python3 -c 'import ctypes.util, sys; sys.exit(not ctypes.util.find_library("pango-1.0"))' \
    2>/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)   # WeasyPrint's text layout
postgres_found || need+=(postgresql)                  # throwaway test clusters (initdb, pg_ctl)
# the tests (make test) also open the Word output in LibreOffice, to compare its page count
# with the PDF's, and run report --engine spark (Java for PySpark); the demo needs neither
EXTRAS=dev
if [ "${SHUMAO_SETUP_TESTS:-}" = 1 ]; then
    command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
    { [ -n "${JAVA_HOME:-}" ] || command -v java >/dev/null 2>&1; } || need+=(default-jre-headless)
    EXTRAS=dev,spark
fi
if [ ${#need[@]} -gt 0 ]; then
    echo "安装系统软件包（可能需要几分钟）：${need[*]}…"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    quietly $SUDO apt-get update
    quietly $SUDO env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${need[@]}"
fi

PY=${PYTHON:-python3}
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "shumao 需要 Python 3.11 或更高版本"'
if [ ! -x .venv/bin/python ]; then
    echo "创建虚拟环境 .venv…"
    quietly "$PY" -m venv .venv
fi
echo "安装 Python 依赖（约半分钟）…"
PIP=(.venv/bin/python -m pip install --disable-pip-version-check --progress-bar off)
# uv installs the same pinned packages as pip in a fraction of the time (downloads in
# parallel, its own cache); should it fail (an index it cannot reach), pip does it as before
UV=uv==0.13.10
if ! { "${PIP[@]}" "$UV" && .venv/bin/uv pip install --python .venv/bin/python -e ".[$EXTRAS]"; } \
        >"$LOG" 2>&1; then
    echo "uv 未能安装，改用 pip（约 2 分钟）…"
    quietly "${PIP[@]}" --upgrade pip
    quietly "${PIP[@]}" -e ".[$EXTRAS]"
fi
# the portal's ECharts and htmx, from the npm registry, checked against their sha512
quietly .venv/bin/python -m shumao.web.assets
echo "安装完成：.venv/bin/shumao"
