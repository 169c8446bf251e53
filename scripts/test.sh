#!/usr/bin/env bash
# The README's test command: type check, lint, then every test (unit, kube stand-in, FRR and
# network-namespace end-to-end). Needs root for the namespaces, as CI has.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent typecheck
npm run --silent lint
npm test -- --ci
