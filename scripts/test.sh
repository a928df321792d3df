#!/usr/bin/env bash
# The README's test command: every test, the compose test (tests/Hub.Tests/Compose) and the JavaScript client's
# tests (scripts/js-test.sh, after `dotnet test`) included.
#
#   scripts/test.sh [dotnet test arguments]
#
# As root with apt-get (CI, a fresh machine of this kind), it first makes Docker run here with
# scripts/compose-test.sh prepare (installs docker.io, docker-compose and debootstrap when missing, starts dockerd
# when none answers, builds local base images from Debian's packages), runs `dotnet test`, and at the end removes
# the images it built and stops the dockerd it started (scripts/compose-test.sh cleanup), whatever happened.
# Otherwise it says why, and `dotnet test` runs the compose tests only if a Docker engine and compose answer
# anyway (with the official images), else skips them with the reason.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COMPOSE_TEST=scripts/compose-test.sh

if ((EUID == 0)) && command -v apt-get >/dev/null; then
    trap '"$COMPOSE_TEST" cleanup' EXIT
    exports=$("$COMPOSE_TEST" prepare)
    eval "$exports"
elif docker info >/dev/null 2>&1; then
    echo "test.sh: not root with apt-get: the compose tests use the Docker engine already running and the official base images" >&2
else
    echo "test.sh: the compose tests will be skipped: Docker cannot run here (not root with apt-get to install and start it, and no Docker engine answers)" >&2
fi

dotnet test "$@"
"$ROOT/scripts/js-test.sh"
