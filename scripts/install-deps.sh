#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with Rust lacks for building and testing chanye.
# Idempotent: installs only missing packages. Needs root (or sudo) when something is missing.
set -euo pipefail

# proj-bin (cs2cs) and gdal-bin (ogrinfo, ogr2ogr) are the reference tools and GIS client of the tests;
# python3-venv (with pip) runs the OpenAPI validator and schemathesis (scripts/check-openapi.sh,
# scripts/schemathesis.sh)
# chromium is the browser of the web page's tests (driven by playwright-core from npm), with a CJK
# font so its screenshots show the Chinese labels
packages=(libproj-dev libclang-dev pkg-config proj-bin gdal-bin python3-venv chromium fonts-wqy-microhei)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm build the web page (any install will do: Debian's, or one already there)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
