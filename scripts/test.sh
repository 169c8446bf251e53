#!/usr/bin/env bash
# The README's test command: type check, lint, then every test (unit, kube stand-in, FRR and
# network-namespace end-to-end). Needs root for the namespaces, as CI has.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent typecheck
npm run --silent lint
results=$(mktemp)
status=0
npm test -- --ci --json --outputFile="$results" || status=$?
# One plain closing line that any CI reader understands.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$results" || true
rm -f "$results"
exit "$status"
