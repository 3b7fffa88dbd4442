#!/usr/bin/env bash
# Install the system libraries CHW Learn needs that pip cannot: Pango (WeasyPrint), fonts for the PDFs (Latin with
# Vietnamese, Armenian, Arabic, Khmer, Gurmukhi and more from Noto; Chinese and Korean from Noto CJK: Medi-Cal's
# threshold languages), and the tools only tests and benchmarks use: Chromium (browser tests), poppler-utils (PDF
# text in the tests) and wrk (bench/). As root it runs apt-get; otherwise it prints the command.
# A production machine sets LMS_SKIP_TEST_TOOLS=1 to leave out all three (docs/deploy.md); LMS_SKIP_BROWSER=1 leaves
# out Chromium alone. `make test`, `make bench` and .ci/run set neither, so they get everything.
set -euo pipefail

packages=()
have_lib() {
  ldconfig -p 2>/dev/null | grep -q "$1" && return 0
  # just installed: the linker cache may not list it yet
  compgen -G "/usr/lib/*/$1*" >/dev/null || compgen -G "/lib/*/$1*" >/dev/null
}
have_lib 'libpango-1.0.so' || packages+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || packages+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so' || packages+=(libharfbuzz-subset0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || packages+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/noto ] || packages+=(fonts-noto-core)
compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK*' >/dev/null || packages+=(fonts-noto-cjk)
if [ "${LMS_SKIP_TEST_TOOLS:-}" != "1" ]; then
  command -v wrk >/dev/null 2>&1 || packages+=(wrk)
  command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)
  if [ "${LMS_SKIP_BROWSER:-}" != "1" ]; then
    command -v chromium >/dev/null 2>&1 || packages+=(chromium)
  fi
fi

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "CHW Learn needs these system packages. Please run:" >&2
  echo "  sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
