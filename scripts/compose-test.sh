#!/usr/bin/env bash
# The container cluster (docker-compose.yml: three hub nodes and the load balancer) built, started and tested on
# this machine, from Debian's packages alone: no image is pulled from a registry.
#
#   scripts/compose-test.sh [run]   prepare, run the compose test (tests/Hub.Tests/Compose), clean up
#   scripts/compose-test.sh prepare what `run` does first; prints the variables to export for the test or compose
#   scripts/compose-test.sh cleanup what `run` does last: removes the images `prepare` built, stops its dockerd
#
# prepare, as root:
#   1. installs docker.io, docker-compose and debootstrap with apt-get when they are missing;
#   2. starts dockerd when none answers (its pid, log and the images built are kept in .compose-test/);
#   3. builds local base images, unless they exist already, tagged under hub-local/ so they never replace a real
#      image: hub-local/debian:bookworm (debootstrap --variant=minbase, with libssl3, libicu72 and the host's
#      certificate authorities, /etc/ssl/certs/ca-certificates.crt, so `dotnet restore` and apt-get work from a
#      container behind a TLS-inspecting proxy), hub-local/dotnet/sdk:10.0 and hub-local/dotnet/aspnet:10.0 (the
#      host's .NET SDK and runtimes on it, scripts/local-images/) and hub-local/haproxy:2.6 (Debian's haproxy).
#   The compose file then builds with HUB_DOTNET_IMAGES=hub-local/dotnet (the Dockerfile's DOTNET_IMAGES build
#   argument) and runs the balancer from HUB_LB_IMAGE=hub-local/haproxy:2.6; with neither set it uses the official
#   images, as in production.
# cleanup removes exactly the images prepare built (by tag, then the untagged build layers that carry their label)
# and stops exactly the dockerd it started (by pid), then undoes what that dockerd left on the host: the docker0
# bridge if it made it, its iptables rules (the rules saved before it started are restored) and IP forwarding's
# setting. An engine that was already running is left running, and so is what it made.
# The test itself removes its compose project (docker-compose down -v) and the hub image it built.
#
# Switches (environment):
#   HUB_COMPOSE_KEEP_IMAGES=1   cleanup leaves the base images (the next prepare reuses them: about 2 minutes less)
#   HUB_COMPOSE_KEEP_DOCKERD=1  cleanup leaves the dockerd it started running

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.compose-test"
IMAGES_DIR="$ROOT/scripts/local-images"
SUITE=bookworm
BASE_IMAGE=hub-local/debian:$SUITE
DOTNET_IMAGES=hub-local/dotnet
SDK_IMAGE=$DOTNET_IMAGES/sdk:10.0
ASPNET_IMAGE=$DOTNET_IMAGES/aspnet:10.0
LB_IMAGE=hub-local/haproxy:2.6
# Every image built here carries this label, and so does every layer built on them: cleanup prunes the untagged ones.
LABEL=hub.local-image
HOST_CA=/etc/ssl/certs/ca-certificates.crt
# The classic builder: the docker CLI may lack the buildx plugin BuildKit needs, and compose 1.29 builds this way.
export DOCKER_BUILDKIT=0

say() {
    echo "compose-test.sh: $*" >&2
}

fail() {
    say "$*"
    exit 1
}

usage() {
    sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

engine_answers() {
    docker info >/dev/null 2>&1
}

# The first Debian mirror the host's apt uses (deb822 .sources or one-line .list), so no mirror is written here.
debian_mirror() {
    local uri
    uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
    if [[ -z $uri ]]; then
        uri=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v -- '-security' | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit }}' | head -n1 || true)
    fi
    [[ -n $uri ]] || fail "no Debian mirror found in /etc/apt/sources.list*"
    echo "$uri"
}

install_tools() {
    local missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    if ((${#missing[@]} == 0)); then
        return
    fi

    ((EUID == 0)) || fail "${missing[*]} missing, and installing needs root"
    command -v apt-get >/dev/null || fail "${missing[*]} missing, and there is no apt-get"
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_engine() {
    if engine_answers; then
        say "using the Docker engine already running"
        return
    fi

    ((EUID == 0)) || fail "no Docker engine answers, and starting one needs root"
    command -v dockerd >/dev/null || fail "no dockerd"
    mkdir -p "$STATE"
    # dockerd makes the default bridge, docker0, and leaves it when it stops: cleanup removes it if this run made it.
    ip link show docker0 >/dev/null 2>&1 || touch "$STATE/docker0"
    # It also adds its iptables chains and rules, sets FORWARD's policy to DROP and turns IP forwarding on, and leaves
    # them too: cleanup puts back exactly what was there before.
    if command -v iptables-save >/dev/null; then
        iptables-save >"$STATE/iptables.before"
    fi
    cat /proc/sys/net/ipv4/ip_forward >"$STATE/ip_forward.before" 2>/dev/null || true
    # A session of its own, so the caller's signals to its process group do not reach it: cleanup stops it.
    setsid dockerd >"$STATE/dockerd.log" 2>&1 </dev/null &
    echo $! >"$STATE/dockerd.pid"
    say "started dockerd (pid $!, log .compose-test/dockerd.log)"
    local deadline=$((SECONDS + 60))
    until engine_answers; do
        kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null || { tail -n 20 "$STATE/dockerd.log" >&2; fail "dockerd ended"; }
        ((SECONDS < deadline)) || fail "dockerd did not answer within 60 s (see .compose-test/dockerd.log)"
        sleep 0.5
    done
}

image_exists() {
    docker image inspect "$1" >/dev/null 2>&1
}

# Records an image this run built, for cleanup.
built() {
    echo "$1" >>"$STATE/images"
}

build_base() {
    local mirror work
    [[ -s $HOST_CA ]] || fail "$HOST_CA is missing: the images would trust no certificate authority"
    mirror=$(debian_mirror)
    work=$(mktemp -d /var/tmp/hub-rootfs.XXXXXX)
    say "debootstrap $SUITE from $mirror"
    if ! debootstrap --variant=minbase --include=libssl3,libicu72,ca-certificates "$SUITE" "$work/root" "$mirror" >"$STATE/debootstrap.log" 2>&1; then
        tail -n 20 "$STATE/debootstrap.log" >&2
        rm -rf "$work"
        fail "debootstrap failed (see .compose-test/debootstrap.log)"
    fi

    cp "$HOST_CA" "$work/root/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$work"/root/var/cache/apt/archives/*.deb "$work"/root/var/lib/apt/lists/*
    tar -C "$work/root" -c . | docker import --change "LABEL $LABEL=$SUITE" --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$work"
    built "$BASE_IMAGE"
}

build_image() {
    local tag=$1 dockerfile=$2 context=$3
    say "building $tag"
    local log
    if ! log=$(docker build -q --build-arg "BASE=$BASE_IMAGE" -t "$tag" -f "$IMAGES_DIR/$dockerfile" "$context" 2>&1); then
        echo "$log" >&2
        fail "building $tag failed"
    fi
    built "$tag"
}

build_images() {
    local dotnet_root runtime
    dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
    [[ -d $dotnet_root/shared/Microsoft.AspNetCore.App ]] || fail "no ASP.NET Core runtime under $dotnet_root"

    image_exists "$BASE_IMAGE" || build_base
    image_exists "$SDK_IMAGE" || build_image "$SDK_IMAGE" sdk.Dockerfile "$dotnet_root"
    if ! image_exists "$ASPNET_IMAGE"; then
        # The runtime image gets the dotnet executable, host/ and the two shared frameworks, not the SDK.
        runtime=$(mktemp -d /var/tmp/hub-runtime.XXXXXX)
        mkdir -p "$runtime/shared"
        cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$runtime/"
        cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$runtime/shared/"
        build_image "$ASPNET_IMAGE" aspnet.Dockerfile "$runtime"
        rm -rf "$runtime"
    fi

    image_exists "$LB_IMAGE" || build_image "$LB_IMAGE" haproxy.Dockerfile "$IMAGES_DIR"
}

prepare() {
    local started=$SECONDS
    mkdir -p "$STATE"
    install_tools
    start_engine
    build_images
    say "ready in $((SECONDS - started)) s"
    echo "export HUB_DOTNET_IMAGES=$DOTNET_IMAGES HUB_LB_IMAGE=$LB_IMAGE"
}

cleanup() {
    if engine_answers; then
        if [[ -s $STATE/images ]]; then
            if [[ ${HUB_COMPOSE_KEEP_IMAGES:-} == 1 ]]; then
                say "keeping $(sort -u "$STATE/images" | tr '\n' ' ')"
            else
                # Newest first: an image built on another goes before it.
                tac "$STATE/images" | while read -r image; do
                    docker image rm "$image" >/dev/null 2>&1 || say "could not remove $image"
                done
            fi
        fi
        # Untagged images built on ours (the hub Dockerfile's build stage, a failed build's layers): only dangling
        # ones, so kept base images stay.
        docker image prune -f --filter "label=$LABEL" >/dev/null
    fi
    rm -f "$STATE/images"

    if [[ -s $STATE/dockerd.pid ]]; then
        local pid
        pid=$(cat "$STATE/dockerd.pid")
        if [[ ${HUB_COMPOSE_KEEP_DOCKERD:-} == 1 ]]; then
            say "leaving dockerd (pid $pid) running"
            return
        fi

        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            local deadline=$((SECONDS + 30))
            while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
                sleep 0.5
            done
            if kill -0 "$pid" 2>/dev/null; then
                say "dockerd (pid $pid) did not stop within 30 s: SIGKILL"
                kill -KILL "$pid"
            fi
            say "stopped dockerd (pid $pid)"
        fi
        rm -f "$STATE/dockerd.pid"
        if [[ -e $STATE/docker0 ]]; then
            ip link delete docker0 2>/dev/null && say "removed the docker0 bridge it made"
            rm -f "$STATE/docker0"
        fi
        if [[ -s $STATE/iptables.before ]]; then
            iptables-restore <"$STATE/iptables.before" && say "restored the iptables rules from before it"
            rm -f "$STATE/iptables.before"
        fi
        if [[ -s $STATE/ip_forward.before ]]; then
            cat "$STATE/ip_forward.before" >/proc/sys/net/ipv4/ip_forward 2>/dev/null || true
            rm -f "$STATE/ip_forward.before"
        fi
    fi
}

run() {
    local exports
    trap cleanup EXIT
    exports=$(prepare)
    eval "$exports"
    cd "$ROOT"
    # Detailed: each test's own lines (how long each step took) are printed, passed or not.
    dotnet test tests/Hub.Tests --filter "FullyQualifiedName~Hub.Tests.Compose" --logger "console;verbosity=detailed"
}

case "${1:-run}" in
    run) run ;;
    prepare) prepare ;;
    cleanup) cleanup ;;
    *) usage ;;
esac
