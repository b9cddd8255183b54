#!/usr/bin/env bash
# Installs every Debian package Candor needs to build, test, fuzz and benchmark, and the web
# front end's npm packages (`npm ci` in web/, from web/package-lock.json).
# Idempotent: when every package is already installed it does nothing; otherwise it
# runs `apt-get update` first and installs what is missing, non-interactively.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev llvm clang-format clang-tidy
  libsodium-dev libdecaf-dev valgrind
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libboost-dev libssl-dev libhowardhinnant-date-dev tzdata
  libsqlite3-dev sqlite3
  libpq-dev postgresql
  libcurl4-openssl-dev libgpgme-dev gnupg python3-aiosmtpd microsocks tor help2man debootstrap
  chromium chromium-driver
)
# Node.js and npm build the web front end (Vite). A Node.js from elsewhere (NodeSource, nvm)
# is used as it is; only when there is none do Debian's packages come in.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Vite 8 needs Node.js 20.19 or later (Debian 13 has it; Debian 12's is 18).
node_version=$(node -p 'process.versions.node')
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "install-deps: Node.js $node_version is too old for the web build (Vite needs 20.19+ or 22.12+)." >&2
  echo "install-deps: install a newer Node.js (Debian 13's nodejs package, or NodeSource), then run make again." >&2
  exit 1
fi

# The web front end's packages, exactly as web/package-lock.json pins them. Reinstalled only
# when the lock file changed since the last install.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci in web/"
  (cd web && npm ci --no-audit --no-fund)
fi
