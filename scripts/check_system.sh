#!/usr/bin/env bash
# Checks what the machine needs beyond Python: a CJK font (PDF documents with Chinese
# glyphs) and pango (WeasyPrint). Installs them with apt-get when running as root,
# otherwise says exactly what to install.
set -uo pipefail
missing=()
# Read each listing whole before grepping it: `fc-list | grep -q` under pipefail fails with
# 141 (SIGPIPE) when grep exits at the first match while fc-list is still writing.
fonts=$(fc-list 2>/dev/null || true)
libs=$(ldconfig -p 2>/dev/null || true)
if ! grep -qiE 'Noto (Sans|Serif) CJK|WenQuanYi|Source Han' <<<"$fonts"; then missing+=(fonts-noto-cjk); fi
if ! grep -q libpango-1.0 <<<"$libs"; then missing+=(libpango-1.0-0 libpangoft2-1.0-0); fi
# WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is there; without it falls
# back to fontTools, which takes ~10 s per PDF with the Noto CJK fonts (measured: 11.2 s vs 0.19 s
# for one page).
if ! grep -q libharfbuzz-subset <<<"$libs"; then missing+=(libharfbuzz-subset0); fi
if [ "${WANT_FAKETIME:-0}" = "1" ] && ! command -v faketime >/dev/null 2>&1; then missing+=(faketime); fi
if [ "${WANT_CHROMIUM:-0}" = "1" ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if [ "${WANT_CHROMIUM:-0}" = "1" ] && ! command -v pdftotext >/dev/null 2>&1; then missing+=(poppler-utils); fi
# the HTTP load generator of bench/load_bench.py (only when the bench runs)
if [ "${WANT_WRK:-0}" = "1" ] && ! command -v wrk >/dev/null 2>&1; then missing+=(wrk); fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing system packages: ${missing[*]}"
  (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null) \
    || { echo "警告：无法安装 ${missing[*]}；PDF 文书可能缺少中文字形。(could not install ${missing[*]})" >&2; exit 0; }
else
  echo "警告：缺少系统软件包 ${missing[*]}。请以管理员身份运行：sudo apt-get install ${missing[*]}" >&2
  echo "(missing system packages: ${missing[*]}; PDF documents need a CJK font)" >&2
fi
