# Sourced by scripts/test: installs PostgreSQL from Debian's packages when missing, starts a
# throwaway cluster on a free loopback port, exports SLATE_TEST_POSTGRES_URL, and stops and
# removes the cluster when the calling shell exits.

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $bin ]]; then
    if [[ $EUID -ne 0 ]]; then
      echo "PostgreSQL is not installed; run as root or: sudo apt-get install -y postgresql" >&2
      return 1
    fi
    echo "installing PostgreSQL (Debian's postgresql package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi

  PG_DIR=$(mktemp -d /tmp/slate-pg.XXXXXX)
  local as=()
  if [[ $EUID -eq 0 ]]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U slate --auth=trust -E UTF8 --no-locale --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o \
    "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_CTL=("${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop)
  export SLATE_TEST_POSTGRES_URL="postgres://slate@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_postgres() {
  if [[ -n ${PG_DIR:-} ]]; then
    "${PG_CTL[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
