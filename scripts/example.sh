#!/usr/bin/env bash
# Set-up command 1: builds the plugin and runs `sf eca check` (through bin/run.js) in the bundled example project,
# in place: the example commits no global OAuth settings (its eca-source-org/.gitignore keeps them out of git), so the
# check passes inside this checkout as in a project of its own.
source "$(dirname "$0")/env.sh"
npm run build >/dev/null
cd "$REPO_ROOT/examples/acme-isv"
node "$REPO_ROOT/bin/run.js" eca check "$@"
