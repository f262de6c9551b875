#!/usr/bin/env bash
# Set-up command 2: builds, lints and runs every test suite, including the end-to-end suite in the real sf CLI.
# Nothing may be skipped here: ECA_TESTS_MUST_RUN=1 makes a suite that cannot run (no sf, no xmllint, no corpus) fail,
# and makes a run that skipped a test, or passed none, fail (test/helpers/requirements.ts, count-reporter.ts).
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
if [ ! -x "$SF_CLI_DIR/node_modules/.bin/sf" ] || ! grep -q "\"version\": \"$SF_CLI_VERSION\"" "$SF_CLI_DIR/node_modules/@salesforce/cli/package.json" 2>/dev/null; then
  echo "Installing @salesforce/cli@$SF_CLI_VERSION into $SF_CLI_DIR for the end-to-end suite..." >&2
  npm install --prefix "$SF_CLI_DIR" --no-audit --no-fund "@salesforce/cli@$SF_CLI_VERSION" >&2
fi
export ECA_SF_BIN="$SF_CLI_DIR/node_modules/.bin/sf"
export ECA_TESTS_MUST_RUN=1

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
npm run build
npm run lint
npm test 2>&1 | tee "$logs/unit"
npm run test:e2e 2>&1 | tee "$logs/e2e"
# the count lines of test/helpers/count-reporter.ts, e.g. "end-to-end: 20 passed, 0 skipped, 0 failed"
grep -hE '^(unit|end-to-end): [0-9]+ passed' "$logs/unit" "$logs/e2e"
