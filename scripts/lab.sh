#!/usr/bin/env bash
# The README's main job: installs what a fresh machine lacks (scripts/setup.sh), then builds the lab
# (two nodes running metallb-ts standalone with FRR, a BGP router with BFD, a client, all in network
# namespaces) and shows the product at work step by step, ending with a summary table.
#
#   scripts/lab.sh              run the story; everything is removed at the end (also on Ctrl-C)
#   scripts/lab.sh --keep       leave the lab running for exploring (prints where to look)
#   scripts/lab.sh --cleanup    remove a lab left by --keep
#   scripts/lab.sh --json FILE  also write the summary as JSON (CI)
# Needs root (network namespaces, FRR, raw sockets).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -E bash "$0" "$@"; fi
  echo "lab: needs root (network namespaces, FRR, raw sockets): run it as root" >&2
  exit 1
fi
if [ "${1:-}" = "--cleanup" ]; then
  exec node dist/e2e/lab/main.js "$@"
fi
bash scripts/setup.sh
echo
exec node dist/e2e/lab/main.js "$@"
