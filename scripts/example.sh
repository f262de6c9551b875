#!/usr/bin/env bash
# Set-up command 1: builds the plugin and runs `sf eca check` (through bin/run.js) on the bundled example project.
source "$(dirname "$0")/env.sh"
npm run build >/dev/null
cd examples/acme-isv
node ../../bin/run.js eca check "$@"
