#!/usr/bin/env bash
# The JavaScript client's tests (clients/js): installs its pinned build tools with `npm ci`, builds it, runs
# `node --test` (unit tests, the size budget, and tests against a real hub that they start from this
# repository's Hub.Host build). Called by scripts/test.sh after `dotnet test`; runs alone too.
# Needs Node 20 or later with npm: as root with apt-get it installs Debian's nodejs and npm when node is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v node >/dev/null && ((EUID == 0)) && command -v apt-get >/dev/null; then
    echo "js-test.sh: installing nodejs and npm from Debian's packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm >&2
fi

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((major < 20)); then
    echo "js-test.sh: the JavaScript tests need Node 20 or later (its WebSocket); found: $(node --version 2>/dev/null || echo none)" >&2
    exit 1
fi

cd "$ROOT/clients/js"
npm ci --no-audit --no-fund
npm test
