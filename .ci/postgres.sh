#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests.
#
#   eval "$(.ci/postgres.sh start [DIR])"   # prints export lines for the URL and DIR
#   .ci/postgres.sh stop DIR                # stops the server and removes DIR
#
# `start` installs the distribution's server package when no initdb is found (apt-get),
# creates a cluster in DIR (default: a new mktemp folder) with trust authentication,
# starts it on 127.0.0.1 on a free port with its socket in DIR, creates the database
# `shisaku_test`, and prints on stdout:
#   export SHISAKU_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/shisaku_test
#   export SHISAKU_PG_DIR=DIR
# Everything else goes to stderr. PostgreSQL refuses to run as root, so as root the server
# runs as the user `postgres` (created if missing).
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# Directory holding initdb/pg_ctl, or nothing.
find_bin() {
    local initdb
    if initdb=$(command -v initdb 2>/dev/null); then
        dirname "$(readlink -f "$initdb")"
        return
    fi
    initdb=$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$initdb" ]; then
        dirname "$initdb"
    fi
}

install_server() {
    command -v apt-get >/dev/null || die "no initdb found and no apt-get to install PostgreSQL"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "no initdb found; installing PostgreSQL needs root or sudo"
        sudo=(sudo)
    fi
    log "installing PostgreSQL from the distribution's packages"
    "${sudo[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq postgresql >&2
}

# Run a server program as the account that owns the cluster.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local bin dir port tries
    bin=$(find_bin)
    if [ -z "$bin" ]; then
        install_server
        bin=$(find_bin)
        [ -n "$bin" ] || die "PostgreSQL installed but initdb not found"
    fi
    log "server binaries: $bin"

    dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/shisaku-pg.XXXXXX")}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
        chown postgres "$dir"
    fi
    chmod 700 "$dir"

    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-locale -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    tries=0
    while :; do
        port=$((20000 + RANDOM % 20000))
        tries=$((tries + 1))
        if port_in_use "$port"; then
            continue
        fi
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off" start >&2; then
            break
        fi
        [ "$tries" -lt 10 ] || { cat "$dir/server.log" >&2; die "could not start the server"; }
        log "start on port $port failed; trying another"
    done

    local createdb="$bin/createdb"
    [ -x "$createdb" ] || createdb=$(command -v createdb) || die "createdb not found"
    "$createdb" -h "$dir" -p "$port" -U postgres shisaku_test
    log "running on 127.0.0.1:$port, data in $dir"
    echo "export SHISAKU_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/shisaku_test"
    echo "export SHISAKU_PG_DIR=$dir"
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR} bin
    bin=$(find_bin)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || log "pg_ctl stop failed"
    fi
    rm -rf "$dir"
}

case "${1:-}" in
start) shift; start "$@" ;;
stop) shift; stop "$@" ;;
*) die "usage: postgres.sh start [DIR] | stop DIR" ;;
esac
