#!/usr/bin/env bash
# Installs everything the product, the lab and the tests need on a fresh Debian 12 machine:
# Debian packages (FRR, network tools, systemd's tools for the packaging tests), npm packages, the
# TypeScript build and the native addon.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for p in frr frr-pythontools arping ndisc6 tcpdump iproute2 build-essential python3 curl systemd; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
# The packaged FRR service would grab the default pathspace; the product and the lab run their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet frr 2>/dev/null; then
  systemctl stop frr || true
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: building"
npm run --silent build
if [ -f native/binding.gyp ]; then
  npm run --silent build:native >/dev/null
fi
# helm for the chart tests (lint, template), from the npm registry into .tools/bin.
bash scripts/get-helm.sh >/dev/null
echo "setup: done"
