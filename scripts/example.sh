#!/usr/bin/env bash
# Set-up command 1: builds the plugin and runs `sf eca check` (through bin/run.js) on the bundled example project.
# It runs on a copy outside this repository: the example stands for a project of its own, and inside this checkout
# git would (truly) report that the plugin's repository tracks the example's global OAuth settings.
source "$(dirname "$0")/env.sh"
npm run build >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R examples/acme-isv "$work/acme-isv"
cd "$work/acme-isv"
node "$REPO_ROOT/bin/run.js" eca check "$@"
