#!/usr/bin/env bash
# Set-up command 2: builds, lints and runs every test suite, including the end-to-end suite in the real sf CLI.
source "$(dirname "$0")/env.sh"
SF_CLI_VERSION="2.150.6"
SF_CLI_DIR="$CACHE_DIR/sf-cli"

if ! command -v xmllint >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq libxml2-utils) >&2
  else
    echo "xmllint is missing: install libxml2-utils" >&2; exit 1
  fi
fi
if [ ! -x "$SF_CLI_DIR/node_modules/.bin/sf" ] || ! "$SF_CLI_DIR/node_modules/.bin/sf" --version 2>/dev/null | grep -q "cli/$SF_CLI_VERSION"; then
  echo "Installing @salesforce/cli@$SF_CLI_VERSION into $SF_CLI_DIR for the end-to-end suite..." >&2
  npm install --prefix "$SF_CLI_DIR" --no-audit --no-fund "@salesforce/cli@$SF_CLI_VERSION" >&2
fi
export SF_CLI_BIN="$SF_CLI_DIR/node_modules/.bin/sf"

npm run build
npm run lint
npm test
npm run test:e2e
