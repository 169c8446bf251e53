#!/usr/bin/env bash
# The README's main job. Installs what a fresh machine lacks, then shows metallb-ts at work.
# (Until the network lab lands, it validates and allocates the example configuration.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo
echo "== metallb-ts validate examples/basic"
bin/metallb-ts validate examples/basic
echo
echo "== metallb-ts allocate examples/basic"
bin/metallb-ts allocate examples/basic
