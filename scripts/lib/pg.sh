# Private PostgreSQL 15 servers for the scripts: a data directory owned by the `postgres` OS user
# (initdb refuses root), listening on a free loopback port, with its socket inside the directory.
# Source this file; it defines pg_free_port, pg_start and pg_stop.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# Prints a TCP port on 127.0.0.1 that nothing listens on, starting from $1.
pg_free_port() {
  local port=${1:-15432}
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

# Runs a command as the postgres OS user when we are root, as ourselves otherwise.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_start DATA_DIR PORT [extra postgres -c settings...]: initializes DATA_DIR if empty and starts
# the server; waits until it accepts connections.
pg_start() {
  local dir=$1 port=$2
  shift 2
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    # The postgres user must be able to reach the directory (mktemp makes private parents).
    chmod o+x "$(dirname "$dir")"
  fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$dir/../initdb.log" 2>&1 ||
      { cat "$dir/../initdb.log" >&2; return 1; }
  fi
  local opts="-p $port -c listen_addresses=127.0.0.1 -k $dir"
  for setting in "$@"; do opts="$opts -c $setting"; done
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null ||
    { cat "$dir/server.log" >&2; return 1; }
}

# pg_stop DATA_DIR: fast shutdown; quiet when it is not running.
pg_stop() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}
