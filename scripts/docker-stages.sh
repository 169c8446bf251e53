#!/usr/bin/env bash
# Runs a Dockerfile's stages without a Docker engine, as far as this machine allows: each stage gets a
# root folder under a temp dir; WORKDIR, ENV, COPY (from the .dockerignore-filtered context or from an
# earlier stage) and the RUN commands of the build stages are turned into one shell script and run.
# RUN commands of the final (runtime) stage need root inside the image (apt-get, links in /usr) and are
# listed, not run. Finally the assembled runtime tree is smoke-tested: its ENTRYPOINT gets --help.
#
#   scripts/docker-stages.sh [--dry-run] [--keep] [--reuse-node-modules] Dockerfile.controller [...]
#
#   --dry-run             print the generated script, run nothing
#   --keep                keep the temp dir (its path is printed)
#   --reuse-node-modules  copy the repository's node_modules instead of running `npm ci` (offline, fast)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

dry=0 keep=0 reuse=0 files=()
for a in "$@"; do
  case "$a" in
    --dry-run) dry=1 ;;
    --keep) keep=1 ;;
    --reuse-node-modules) reuse=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) files+=("$a") ;;
  esac
done
[ ${#files[@]} -gt 0 ] || { echo "usage: $0 [--dry-run] [--keep] [--reuse-node-modules] Dockerfile..." >&2; exit 2; }

# Joins continuation lines and drops comments and blank lines: one instruction per output line.
instructions() {
  sed -e 's/\r$//' "$1" | awk '
    /^[[:space:]]*#/ && cont == "" { next }
    { line = cont $0 }
    /\\[[:space:]]*$/ { sub(/\\[[:space:]]*$/, "", line); cont = line " "; next }
    { cont = ""; if (line ~ /[^[:space:]]/) print line }'
}

# Emits the script for one Dockerfile on stdout.
generate() {
  local dockerfile="$1" work="$2"
  local -A args=()
  local stage="" root="" cwd="" last_stage="" entry=""
  local -a env_lines=()
  last_stage="$(instructions "$dockerfile" | awk 'toupper($1) == "FROM" { for (i = 1; i <= NF; i++) if (toupper($i) == "AS") name = $(i + 1) } END { print name }')"

  echo "set -euo pipefail"
  echo "# generated from $(basename "$dockerfile")"
  echo "ctx=$(printf '%q' "$work/context")"
  while IFS= read -r line; do
    local op rest
    op="$(echo "${line%% *}" | tr '[:lower:]' '[:upper:]')"
    rest="${line#* }"
    case "$op" in
      ARG)
        local name="${rest%%=*}" value=""
        [[ "$rest" == *=* ]] && value="${rest#*=}"
        args[$name]="$value" ;;
      FROM)
        stage="$(echo "$rest" | awk '{ for (i = 1; i <= NF; i++) if (toupper($i) == "AS") print $(i + 1) }')"
        local image="${rest%% *}"
        for k in "${!args[@]}"; do image="${image//\$\{$k\}/${args[$k]}}"; done
        root="$work/stages/$stage"; cwd="$root"; env_lines=()
        echo; echo "# ---- stage $stage (FROM $image)"
        echo "mkdir -p $(printf '%q' "$root")" ;;
      WORKDIR)
        cwd="$root$rest"
        echo "mkdir -p $(printf '%q' "$cwd")" ;;
      ENV)
        # ENV a=b c=d (the key=value form only)
        for kv in $rest; do env_lines+=("export $kv"); done ;;
      COPY)
        local from="" ; local -a parts=()
        read -r -a parts <<<"$rest"
        if [[ "${parts[0]}" == --from=* ]]; then from="${parts[0]#--from=}"; parts=("${parts[@]:1}"); fi
        local dest="${parts[-1]}"; unset 'parts[-1]'
        local destpath
        if [[ "$dest" == /* ]]; then destpath="$root$dest"; else destpath="$cwd/$dest"; fi
        for src in "${parts[@]}"; do
          local srcpath
          if [ -n "$from" ]; then srcpath="$work/stages/$from$src"; else srcpath="\$ctx/$src"; fi
          if [[ "$dest" == */ || ${#parts[@]} -gt 1 ]]; then
            echo "mkdir -p $(printf '%q' "$destpath") && if [ -d \"$srcpath\" ]; then cp -a \"$srcpath\"/. $(printf '%q' "$destpath")/\$(basename \"$srcpath\"); else cp -a \"$srcpath\" $(printf '%q' "$destpath")/; fi"
          else
            echo "mkdir -p \"\$(dirname $(printf '%q' "$destpath"))\" && if [ -d \"$srcpath\" ]; then mkdir -p $(printf '%q' "$destpath") && cp -a \"$srcpath\"/. $(printf '%q' "$destpath")/; else cp -a \"$srcpath\" $(printf '%q' "$destpath"); fi"
          fi
        done ;;
      RUN)
        local cmd="$rest"
        if [ "$stage" = "$last_stage" ]; then
          echo "echo $(printf '%q' "skipped (needs root inside the image): $cmd")"
          continue
        fi
        if [ "$reuse" = 1 ] && [[ "$cmd" == "npm ci"* ]]; then
          cmd="cp -a $(printf '%q' "$repo/node_modules") ./node_modules"
        fi
        echo "( cd $(printf '%q' "$cwd") && ${env_lines[*]+${env_lines[*]/%/ &&}} bash -euo pipefail -c $(printf '%q' "$cmd") )" ;;
      ENTRYPOINT)
        entry="$rest" ;;
      USER|EXPOSE|CMD|LABEL|SHELL|STOPSIGNAL|HEALTHCHECK|VOLUME|ONBUILD) ;;
      *) echo "echo 'unsupported instruction: $op' >&2; exit 1" ;;
    esac
  done < <(instructions "$dockerfile")

  if [ -n "$entry" ]; then
    # ["/app/bin/metallb-ts", "speaker"] -> run the entry point of the assembled tree with --help.
    local -a ep=()
    mapfile -t ep < <(node -e 'for (const x of JSON.parse(process.argv[1])) console.log(x)' "$entry")
    echo; echo "# ---- smoke test: ${ep[*]} --help in the assembled $last_stage tree"
    echo "out=\$(cd $(printf '%q' "$cwd") && node $(printf '%q' "$root${ep[0]}") $(printf '%q ' "${ep[@]:1}")--help)"
    echo 'echo "$out" | head -n 5'
    if [ ${#ep[@]} -gt 1 ]; then
      # commander answers --help for an unknown subcommand with the program's help: insist on the role's own.
      echo "echo \"\$out\" | grep -q $(printf '%q' "Usage: metallb-ts ${ep[1]}") || { echo $(printf '%q' "docker-stages: role '${ep[1]}' is not a metallb-ts subcommand in this build") >&2; exit 1; }"
    fi
  fi
}

for f in "${files[@]}"; do
  dockerfile="$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
  work="$(mktemp -d "${TMPDIR:-/tmp}/docker-stages.XXXXXX")"
  # Removed also when a stage fails (set -e), unless --keep.
  if [ "$keep" = 1 ]; then trap 'echo "docker-stages: kept $work"' EXIT; else trap 'rm -rf "$work"' EXIT; fi
  # The build context, filtered like .dockerignore: only the allow-listed paths, minus the excludes.
  mkdir -p "$work/context"
  includes=() excludes=()
  while IFS= read -r pat; do
    pat="${pat%%#*}"; pat="$(echo "$pat" | xargs)"
    [ -z "$pat" ] || [ "$pat" = "*" ] && continue
    if [[ "$pat" == !* ]]; then includes+=("${pat#!}"); else excludes+=("--exclude=${pat%/}"); fi
  done < "$repo/.dockerignore"
  existing=()
  for p in "${includes[@]}"; do [ -e "$repo/${p%/}" ] && existing+=("${p%/}"); done
  tar -C "$repo" "${excludes[@]}" -cf - "${existing[@]}" | tar -C "$work/context" -xf -

  script="$work/stages.sh"
  generate "$dockerfile" "$work" > "$script"
  if [ "$dry" = 1 ]; then
    cat "$script"
  else
    echo "docker-stages: $(basename "$dockerfile") in $work"
    start=$(date +%s)
    bash "$script"
    echo "docker-stages: $(basename "$dockerfile") done in $(( $(date +%s) - start )) s"
  fi
  if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "docker-stages: kept $work"; fi
  trap - EXIT
done
