#!/usr/bin/env bash
# Start / stop the real SPARQL servers the integration tests use, on 127.0.0.1 only.
#
#   source .ci/servers.sh start     # starts Oxigraph + Virtuoso, exports GOALGRAPH_* variables
#   source .ci/servers.sh stop      # stops both (by the PIDs recorded at start) and removes the dir
#   bash .ci/servers.sh start       # same, standalone: prints "source <dir>/env" for your shell
#   bash .ci/servers.sh stop <dir>  # stop servers started standalone
#
# Exports: GOALGRAPH_OXIGRAPH_URL, GOALGRAPH_VIRTUOSO_URL, GOALGRAPH_VIRTUOSO_USER,
# GOALGRAPH_VIRTUOSO_PASSWORD, GOALGRAPH_VIRTUOSO_MAX_ROWS, GOALGRAPH_SERVERS_DIR.
# Virtuoso (Debian virtuoso-opensource 7) is installed with apt-get when missing; set
# GOALGRAPH_SKIP_VIRTUOSO=1 to start only Oxigraph. Recipes: TOOLING.md §4.

_gg_free_port() {
  "${GG_PY:-python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

_gg_wait() {  # _gg_wait <seconds> <command...>: poll until the command succeeds (bounded)
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$end" ]; then return 1; fi
    sleep 0.3
  done
}

_gg_install_virtuoso() {
  if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then return 0; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "servers: installing virtuoso-opensource with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
}

gg_servers_start() {
  local root; root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  GG_PY="$root/.venv/bin/python"
  local dir; dir=$(mktemp -d "${TMPDIR:-/tmp}/goalgraph-servers.XXXXXX")
  export GOALGRAPH_SERVERS_DIR=$dir
  : > "$dir/env"

  # --- Oxigraph server (same engine as the embedded store), from the venv ---------------------
  local oxbin="$root/.venv/bin/oxigraph"
  if [ ! -x "$oxbin" ]; then oxbin=$(command -v oxigraph || true); fi
  if [ -z "$oxbin" ]; then echo "servers: no oxigraph binary (run 'make install')"; return 1; fi
  local oxport; oxport=$(_gg_free_port)
  mkdir -p "$dir/oxigraph"
  "$oxbin" serve --location "$dir/oxigraph/db" --bind "127.0.0.1:$oxport" > "$dir/oxigraph/server.log" 2>&1 &
  echo $! > "$dir/oxigraph.pid"
  if ! _gg_wait 30 curl -sf -o /dev/null "http://127.0.0.1:$oxport/query?query=ASK%7B%7D"; then
    echo "servers: Oxigraph did not answer on 127.0.0.1:$oxport"; cat "$dir/oxigraph/server.log"; return 1
  fi
  echo "export GOALGRAPH_OXIGRAPH_URL=http://127.0.0.1:$oxport" >> "$dir/env"
  echo "servers: Oxigraph $("$oxbin" --version 2>/dev/null | head -1) on 127.0.0.1:$oxport (pid $(cat "$dir/oxigraph.pid"))"

  # --- Virtuoso 7 (private instance in $dir/virtuoso, loopback only) ---------------------------
  if [ "${GOALGRAPH_SKIP_VIRTUOSO:-0}" != "1" ]; then
    _gg_install_virtuoso || { echo "servers: cannot install Virtuoso"; return 1; }
    local V="$dir/virtuoso" sqlport httpport pw maxrows=${GOALGRAPH_VIRTUOSO_MAX_ROWS:-5000}
    sqlport=$(_gg_free_port); httpport=$(_gg_free_port)
    pw=gg$("$GG_PY" -c 'import secrets; print(secrets.token_hex(12))')   # must start with a letter
    mkdir -p "$V/db" "$V/load"
    cp /etc/virtuoso-opensource-7/virtuoso.ini "$V/virtuoso.ini"
    sed -i \
      -e "s#/var/lib/virtuoso-opensource-7/db/#$V/db/#" \
      -e "s#^ServerPort\( *\)= 1111#ServerPort\1= 127.0.0.1:$sqlport#" \
      -e "s#^ServerPort\( *\)= 8890#ServerPort\1= 127.0.0.1:$httpport#" \
      -e "s#^DirsAllowed\( *\)= .*#DirsAllowed\1= ., /usr/share/virtuoso-opensource-7/vad, $V/load#" \
      -e 's#^NumberOfBuffers\( *\)= .*#NumberOfBuffers\1= 170000#' \
      -e 's#^MaxDirtyBuffers\( *\)= .*#MaxDirtyBuffers\1= 130000#' \
      -e "s#^ResultSetMaxRows\( *\)= .*#ResultSetMaxRows\1= $maxrows#" \
      -e 's#^MaxQueryExecutionTime\( *\)= .*#MaxQueryExecutionTime\1= 300#' \
      -e "s#^DefaultHost\( *\)= .*#DefaultHost\1= 127.0.0.1:$httpport#" \
      "$V/virtuoso.ini"
    (cd "$V" && exec virtuoso-t +configfile "$V/virtuoso.ini" +foreground > "$V/stdout.log" 2>&1) &
    echo $! > "$dir/virtuoso.pid"
    if ! _gg_wait 90 grep -q "Server online at" "$V/db/virtuoso.log"; then
      echo "servers: Virtuoso did not start"; tail -20 "$V/db/virtuoso.log" "$V/stdout.log"; return 1
    fi
    # isql-vt exits 0 even on SQL errors: check its output
    if isql-vt "127.0.0.1:$sqlport" dba dba exec="USER_SET_PASSWORD('dba', '$pw');" 2>&1 | grep -q Error; then
      echo "servers: cannot set the Virtuoso dba password"; return 1
    fi
    if ! _gg_wait 60 curl -sf -o /dev/null "http://127.0.0.1:$httpport/sparql?query=ASK%7B%7D"; then
      echo "servers: Virtuoso SPARQL did not answer on 127.0.0.1:$httpport"; return 1
    fi
    {
      echo "export GOALGRAPH_VIRTUOSO_URL=http://127.0.0.1:$httpport"
      echo "export GOALGRAPH_VIRTUOSO_USER=dba"
      echo "export GOALGRAPH_VIRTUOSO_PASSWORD=$pw"
      echo "export GOALGRAPH_VIRTUOSO_MAX_ROWS=$maxrows"
    } >> "$dir/env"
    echo "servers: Virtuoso $(virtuoso-t -? 2>&1 | grep -o 'Version [^ ]*' | head -1) on 127.0.0.1:$httpport (pid $(cat "$dir/virtuoso.pid"), ResultSetMaxRows $maxrows)"
  fi
  echo "export GOALGRAPH_SERVERS_DIR=$dir" >> "$dir/env"
  # shellcheck disable=SC1091
  . "$dir/env"
}

gg_servers_stop() {
  local dir=${1:-${GOALGRAPH_SERVERS_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  local name pid
  for name in oxigraph virtuoso; do
    if [ -f "$dir/$name.pid" ]; then
      pid=$(cat "$dir/$name.pid")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  done
  rm -rf "$dir"
  unset GOALGRAPH_OXIGRAPH_URL GOALGRAPH_VIRTUOSO_URL GOALGRAPH_VIRTUOSO_USER GOALGRAPH_VIRTUOSO_PASSWORD \
        GOALGRAPH_VIRTUOSO_MAX_ROWS GOALGRAPH_SERVERS_DIR
}

case "${1:-}" in
  start)
    if gg_servers_start; then
      if [ "${BASH_SOURCE[0]}" = "$0" ]; then echo "source $GOALGRAPH_SERVERS_DIR/env"; fi
    else
      echo "servers: start failed"; gg_servers_stop
      if [ "${BASH_SOURCE[0]}" = "$0" ]; then exit 1; else return 1; fi
    fi
    ;;
  stop) gg_servers_stop "${2:-}" ;;
  "") ;;  # sourced for the functions only
  *) echo "usage: .ci/servers.sh start|stop [dir]"; if [ "${BASH_SOURCE[0]}" = "$0" ]; then exit 2; fi ;;
esac
