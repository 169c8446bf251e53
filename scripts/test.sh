#!/usr/bin/env bash
# The README's test command: type check, lint, then every test (unit, kube stand-in, FRR and
# network-namespace end-to-end). Needs root for the namespaces, as CI has.
# Packaging is tested there too: test/packaging (systemd-analyze verify and security of the unit, the
# install step without a compiler) and e2e/host-install (npm pack, an offline install into a fresh
# prefix, validate, and standalone started by the unit's ExecStart as its user, announcing to a real
# FRR router, READY=1 on a stand-in notification socket, metallb-ts status exit 0).
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
