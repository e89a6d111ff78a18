# Sourced by scripts/test: installs moto's S3 server (PyPI `moto[server]`, into a virtualenv
# under target/services, once per machine), starts it on a free loopback port with a
# `slate-test` bucket, exports SLATE_TEST_S3_ENDPOINT, and stops it with stop_s3.

start_s3() {
  local venv=target/services/moto
  if ! "$venv/bin/python" -c 'import moto.server' 2>/dev/null; then
    echo "installing moto[server] from PyPI into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'moto[server]==5.1.*'
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  S3_LOG=$(mktemp /tmp/slate-moto.XXXXXX)
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$S3_LOG" 2>&1 &
  S3_PID=$!
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -fsS "$url/" >/dev/null 2>&1 && break
    kill -0 "$S3_PID" 2>/dev/null || { cat "$S3_LOG" >&2; return 1; }
    sleep 0.2
  done
  curl -fsS -X PUT "$url/slate-test" >/dev/null || { cat "$S3_LOG" >&2; return 1; }
  export SLATE_TEST_S3_ENDPOINT="$url"
  echo "S3 (moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)')) on 127.0.0.1:$port, bucket slate-test"
}

stop_s3() {
  if [[ -n ${S3_PID:-} ]]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
    rm -f "$S3_LOG"
  fi
}
