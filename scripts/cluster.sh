#!/usr/bin/env bash
# A local hub cluster: N nodes as background processes on 127.0.0.1, set up like docker-compose.yml's nodes
# (the same HUB_* variables), for trying the cluster without Docker.
#
#   scripts/cluster.sh up N [BASE_PORT [CLUSTER_BASE_PORT]]
#       Builds src/Hub.Host (Release) once, starts N nodes and returns when every node's /readyz answers 200.
#       Node i serves WebSocket and HTTP at http://127.0.0.1:(BASE_PORT+i-1)/rpc (BASE_PORT: 8080) and talks to
#       the other nodes on 127.0.0.1:(CLUSTER_BASE_PORT+i-1) (CLUSTER_BASE_PORT: 4053). Nodes 1 and 2 are the
#       seeds, node 1 first: node 1 forms the cluster, the others join it.
#   scripts/cluster.sh down      SIGTERM to every node (they drain and leave the cluster), SIGKILL past the grace.
#   scripts/cluster.sh status    each node: pid, running or not, /readyz answer, endpoint.
#
# Tokens: the nodes run as you and, unless HUB_AUTH__SIGNING_KEY (or HUB_AUTH__SIGNING_KEY_FILE) is set in the
# environment of `up`, share your development key (~/.config/hub/signing-key, made by the first node that needs
# it), so `dotnet run --project src/Hub.Host -- token --user NAME` mints tokens every node accepts.
#
# TLS between the nodes: set HUB_TLS_CERTIFICATE_PATH (a .pfx with the certificate and its key; relative to where
# you run the script) and, if it has one, HUB_TLS_CERTIFICATE_PASSWORD, as docker-compose.tls.yml does:
#   HUB_TLS_CERTIFICATE_PATH=cluster.pfx HUB_TLS_CERTIFICATE_PASSWORD=secret scripts/cluster.sh up 3
# Every node then presents that certificate and accepts only peers that present it (akka.ssl.tcp). Either way the
# cluster ports must not be reachable by clients: a node trusts what its peers send.
#
# Pids, ports and logs are kept in .cluster/ at the repository root (node<i>.pid, node<i>.ports, node<i>.log).
# Switches (environment):
#   HUB_CLUSTER_SKIP_BUILD=1     do not build; run the newest Hub.Host.dll already built (Release or Debug)
#   HUB_CLUSTER_READY_TIMEOUT=60  seconds `up` waits for every node to be ready
#   HUB_CLUSTER_STOP_TIMEOUT=20  seconds `down` waits after SIGTERM before SIGKILL
#   HUB_CLUSTER_NODE<i>_<NAME>=value   NAME=value in node i's environment only, e.g. HUB_CLUSTER_NODE1_HUB_DEMO=false
#                                (node 1 serves no demo method: its clients' calls go to the other nodes)
# These switches are not passed on to the nodes.
# Needs bash and, preferably, curl (without curl, bash's /dev/tcp asks /readyz).

set -euo pipefail

CALLER_DIR=$PWD
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.cluster"
PROJECT="src/Hub.Host/Hub.Host.csproj"
BIN="src/Hub.Host/bin"

usage() {
    sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

fail() {
    echo "cluster.sh: $*" >&2
    exit 1
}

is_uint() {
    [[ $1 =~ ^[0-9]+$ ]]
}

# True when VALUE is a whole number from MIN to MAX.
in_range() {
    is_uint "$1" && ((10#$1 >= $2 && 10#$1 <= $3))
}

# The HTTP status of GET http://127.0.0.1:PORT/PATH, or 000 when nothing answers.
http_status() {
    local port=$1 path=$2 code
    if command -v curl >/dev/null 2>&1; then
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port$path" 2>/dev/null) || true
        echo "${code:-000}"
        return
    fi
    # In a subshell, so the descriptor closes with it; a refused connection is not an error here.
    code=$({
        exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
        printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
        IFS=' ' read -r -t 3 _ status _ <&3 || exit 1
        echo "$status"
    } 2>/dev/null) || true
    is_uint "${code:-}" && echo "$code" || echo 000
}

# True when something accepts connections on 127.0.0.1:PORT.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when PID runs a Hub.Host.dll (so a recycled pid is never signalled).
is_node() {
    local pid=$1
    is_uint "$pid" || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r /proc/$pid/cmdline ]]; then
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'Hub\.Host\.dll'
    else
        ps -p "$pid" -o args= 2>/dev/null | grep -q 'Hub\.Host\.dll'
    fi
}

# The node numbers that have a pid file, in order.
nodes() {
    local file
    shopt -s nullglob
    for file in "$STATE"/node*.pid; do
        file=${file##*/node}
        echo "${file%.pid}"
    done | sort -n
    shopt -u nullglob
}

pid_of() {
    cat "$STATE/node$1.pid" 2>/dev/null || true
}

# Sets HTTP_PORT and CLUSTER_PORT from node I's ports file.
ports_of() {
    HTTP_PORT='' CLUSTER_PORT=''
    # shellcheck disable=SC1090
    [[ -r $STATE/node$1.ports ]] && source "$STATE/node$1.ports"
    return 0
}

log_tail() {
    local i=$1
    echo "---- node $i: last lines of $STATE/node$i.log ----" >&2
    tail -n 30 "$STATE/node$i.log" >&2 2>/dev/null || echo "(no log)" >&2
}

dll_path() {
    local release="$BIN/Release/net10.0/Hub.Host.dll" debug="$BIN/Debug/net10.0/Hub.Host.dll"
    if [[ ${HUB_CLUSTER_SKIP_BUILD:-} != 1 ]]; then
        echo "$release"
    elif [[ -f $release && -f $debug ]]; then
        [[ $debug -nt $release ]] && echo "$debug" || echo "$release"
    elif [[ -f $release ]]; then
        echo "$release"
    elif [[ -f $debug ]]; then
        echo "$debug"
    else
        fail "HUB_CLUSTER_SKIP_BUILD=1 but no Hub.Host.dll under $BIN/{Release,Debug}/net10.0: build first"
    fi
}

cmd_up() {
    [[ $# -ge 1 && $# -le 3 ]] || usage
    local count=$1 base=${2:-8080} cluster_base=${3:-4053}
    in_range "$count" 1 50 || fail "N must be a number from 1 to 50, not '$count'"
    count=$((10#$count))
    in_range "$base" 1 $((65536 - count)) || fail "bad BASE_PORT '$base'"
    base=$((10#$base))
    in_range "$cluster_base" 1 $((65536 - count)) || fail "bad CLUSTER_BASE_PORT '$cluster_base'"
    cluster_base=$((10#$cluster_base))
    if ((cluster_base < base + count && base < cluster_base + count)); then
        fail "HTTP ports $base-$((base + count - 1)) and cluster ports $cluster_base-$((cluster_base + count - 1)) overlap: choose another CLUSTER_BASE_PORT"
    fi

    local i pid
    for i in $(nodes); do
        pid=$(pid_of "$i")
        is_node "$pid" && fail "node $i (pid $pid) is still running: scripts/cluster.sh down first"
        rm -f "$STATE/node$i.pid" "$STATE/node$i.ports"
    done
    rm -f "$STATE"/node*.log
    for ((i = 0; i < count; i++)); do
        port_in_use $((base + i)) && fail "port $((base + i)) is in use"
        port_in_use $((cluster_base + i)) && fail "port $((cluster_base + i)) is in use"
    done
    mkdir -p "$STATE"

    if [[ ${HUB_CLUSTER_SKIP_BUILD:-} != 1 ]]; then
        echo "building $PROJECT (Release)..."
        if ! dotnet build "$PROJECT" -c Release -nologo -v quiet >"$STATE/build.log" 2>&1; then
            tail -n 40 "$STATE/build.log" >&2
            fail "build failed (whole log: $STATE/build.log)"
        fi
    fi
    local dll
    dll=$(dll_path)
    [[ -f $dll ]] || fail "$dll not found"
    local dir="$ROOT/${dll%/*}"

    # TLS: the nodes run from the dll's folder, so the certificate's path is made absolute (from the caller's
    # folder); the nodes inherit both variables. Seeds stay akka.tcp://, which the nodes read as akka.ssl.tcp://.
    local scheme=akka.tcp
    if [[ -n ${HUB_TLS_CERTIFICATE_PATH:-} ]]; then
        local certificate=$HUB_TLS_CERTIFICATE_PATH
        [[ $certificate == /* ]] || certificate="$CALLER_DIR/$certificate"
        [[ -f $certificate && -r $certificate ]] || fail "HUB_TLS_CERTIFICATE_PATH: '$certificate' is not a readable file"
        export HUB_TLS_CERTIFICATE_PATH="$certificate"
        scheme=akka.ssl.tcp
    fi

    # Seeds as in docker-compose.yml: nodes 1 and 2, node 1 first (it forms the cluster; a restarted node 1
    # rejoins through node 2 instead of forming a second cluster).
    local seeds="akka.tcp://hub@127.0.0.1:$cluster_base"
    ((count >= 2)) && seeds+=",akka.tcp://hub@127.0.0.1:$((cluster_base + 1))"

    # The script's own switches stay out of the nodes' environment (the host reads every HUB_* variable).
    local -a unset_switches=()
    local name
    for name in $(compgen -e | grep '^HUB_CLUSTER_' || true); do
        unset_switches+=(-u "$name")
    done

    local node http_port cluster_port launch=() own=()
    command -v setsid >/dev/null 2>&1 && launch=(setsid) || launch=(nohup)
    for ((node = 1; node <= count; node++)); do
        http_port=$((base + node - 1))
        cluster_port=$((cluster_base + node - 1))
        printf 'HTTP_PORT=%s\nCLUSTER_PORT=%s\n' "$http_port" "$cluster_port" >"$STATE/node$node.ports"
        own=()
        for name in $(compgen -e | grep "^HUB_CLUSTER_NODE${node}_" || true); do
            own+=("${name#HUB_CLUSTER_NODE${node}_}=${!name}")
        done
        # The node runs from the dll's folder, so it finds its appsettings.json. The inner bash writes its own pid
        # and then becomes dotnet (exec keeps the pid); setsid detaches it from this terminal.
        # shellcheck disable=SC2016 # $$, $1.. are the inner bash's
        env ${unset_switches[@]+"${unset_switches[@]}"} \
            HUB_HOSTNAME=127.0.0.1 \
            HUB_PUBLIC_HOSTNAME=127.0.0.1 \
            HUB_PORT="$cluster_port" \
            HUB_SEEDS="$seeds" \
            ${own[@]+"${own[@]}"} \
            "${launch[@]}" bash -c 'echo $$ >"$1" && cd "$2" && exec dotnet Hub.Host.dll --urls "$3"' \
            node "$STATE/node$node.pid" "$dir" "http://127.0.0.1:$http_port" \
            >"$STATE/node$node.log" 2>&1 </dev/null &
        disown # no job notices from this shell; the pid files track the nodes
    done

    # Every node must be ready within the timeout; a node that exits fails at once.
    local timeout=${HUB_CLUSTER_READY_TIMEOUT:-60} started=$SECONDS ready status
    is_uint "$timeout" || fail "bad HUB_CLUSTER_READY_TIMEOUT '$timeout'"
    echo "starting $count node(s), waiting up to ${timeout}s for /readyz..."
    while :; do
        ready=0
        for ((node = 1; node <= count; node++)); do
            pid=$(pid_of "$node")
            ports_of "$node"
            if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
                log_tail "$node"
                cmd_down >/dev/null
                fail "node $node (pid $pid) exited while starting"
            fi
            status=$(http_status "$HTTP_PORT" /readyz)
            [[ $status == 200 ]] && ready=$((ready + 1))
        done
        ((ready == count)) && break
        if ((SECONDS - started >= timeout)); then
            ready=0
            for ((node = 1; node <= count; node++)); do
                ports_of "$node"
                status=$(http_status "$HTTP_PORT" /readyz)
                if [[ $status == 200 ]]; then
                    ready=$((ready + 1))
                else
                    echo "node $node: /readyz answered $status" >&2
                    log_tail "$node"
                fi
            done
            cmd_down >/dev/null
            fail "$ready of $count node(s) ready after ${timeout}s; stopped them all (logs in $STATE)"
        fi
        sleep 1
    done

    echo "cluster of $count node(s) ready after $((SECONDS - started))s ($dll):"
    for ((node = 1; node <= count; node++)); do
        ports_of "$node"
        echo "  node $node  pid $(pid_of "$node")  ws://127.0.0.1:$HTTP_PORT/rpc  (cluster $scheme://hub@127.0.0.1:$CLUSTER_PORT)"
    done
    echo "stop with: scripts/cluster.sh down"
}

cmd_down() {
    [[ $# -eq 0 ]] || usage
    local i pid stopping=()
    for i in $(nodes); do
        pid=$(pid_of "$i")
        if is_node "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            stopping+=("$i:$pid")
        fi
    done

    local timeout=${HUB_CLUSTER_STOP_TIMEOUT:-20} started=$SECONDS entry alive
    is_uint "$timeout" || fail "bad HUB_CLUSTER_STOP_TIMEOUT '$timeout'"
    while ((${#stopping[@]} > 0)); do
        alive=()
        for entry in "${stopping[@]}"; do
            is_node "${entry#*:}" && alive+=("$entry")
        done
        stopping=(${alive[@]+"${alive[@]}"})
        ((${#stopping[@]} == 0)) && break
        if ((SECONDS - started >= timeout)); then
            for entry in "${stopping[@]}"; do
                echo "node ${entry%%:*} (pid ${entry#*:}) still running after ${timeout}s: SIGKILL" >&2
                kill -KILL "${entry#*:}" 2>/dev/null || true
            done
            break
        fi
        sleep 0.5
    done

    local count=0
    for i in $(nodes); do
        rm -f "$STATE/node$i.pid" "$STATE/node$i.ports"
        count=$((count + 1))
    done
    echo "stopped $count node(s); logs stay in $STATE"
}

cmd_status() {
    [[ $# -eq 0 ]] || usage
    local i pid state ready any=0
    for i in $(nodes); do
        any=1
        pid=$(pid_of "$i")
        ports_of "$i"
        if is_node "$pid"; then
            state=running
            ready=$(http_status "$HTTP_PORT" /readyz)
        else
            state=exited
            ready=-
        fi
        echo "node $i  pid $pid  $state  readyz $ready  ws://127.0.0.1:$HTTP_PORT/rpc  cluster 127.0.0.1:$CLUSTER_PORT  log $STATE/node$i.log"
    done
    ((any)) || echo "no nodes (scripts/cluster.sh up N starts some)"
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case $command in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
esac
