#!/usr/bin/env bash
# Benchmark of the public catalogue: /catalogue/ and one product page under wrk, served by
# gunicorn (2 workers) with DEBUG off, on a throwaway SQLite copy loaded with the demo.
# Loopback traffic only; every run is bounded in time; the server is stopped at the end.
#
#   bash bench/catalogue.sh                 # 15 s a run (DURATION=30s to change)
#
# Two modes: the cache as configured (local memory unless CACHE_URL is set), then no cache
# (CACHE_URL=dummycache://) to show what the cache is worth. Not a test: figures vary with the
# machine; the README keeps one run's.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
PORT=${PORT:-8765}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
BASE="http://127.0.0.1:$PORT"

BENCH_NAME=catalogue
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
export DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
CONFIGURED_CACHE=${CACHE_URL:-}

echo "Preparing: collectstatic, migrate, load_demo into $WORK…"
"$PY" manage.py collectstatic --no-input -v 0
"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py load_demo --allow-demo-passwords >/dev/null
PRODUCT_ID=$("$PY" manage.py shell -v 0 -c \
  "from products.models import Product; print(Product.objects.get(name='Gạo ST25 Hồ Quang Trí').pk)")

start_server() {
  "$GUNICORN" ocop_portal.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
    --log-level warning >"$WORK/gunicorn.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 50); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "gunicorn did not start:" >&2
  cat "$WORK/gunicorn.log" >&2
  exit 1
}

# One wrk run: "requests/s p50 p90 p99" on one line.
measure() {
  local url=$1 out
  # Every worker renders the page once before the clock starts.
  for _ in 1 2 3 4; do curl -fs -o /dev/null "$url"; done
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "wrk saw errors on $url:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="90%" {p90=$2} $1=="99%" {p99=$2}
       END {printf "%8.0f %9s %9s %9s", rps, p50, p90, p99}' <<<"$out"
}

RESULTS=()
for mode in cached uncached; do
  if [[ $mode == cached ]]; then
    if [[ -n "$CONFIGURED_CACHE" ]]; then export CACHE_URL="$CONFIGURED_CACHE"; else unset CACHE_URL; fi
  else
    export CACHE_URL="dummycache://"
  fi
  start_server
  PRODUCT_URL="$BASE$(curl -fs -o /dev/null -w '%{redirect_url}' "$BASE/catalogue/$PRODUCT_ID/" | sed "s#^$BASE##")"
  for url in "$BASE/catalogue/" "$PRODUCT_URL"; do
    echo "wrk $DURATION, $CONNECTIONS connections, $mode: $url"
    RESULTS+=("$(printf '%-9s %-45s %s' "$mode" "${url#"$BASE"}" "$(measure "$url")")")
  done
  stop_server
done

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
  "gunicorn 2 sync workers; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; SQLite, demo data."
printf '%-9s %-45s %8s %9s %9s %9s\n' mode page "req/s" p50 p90 p99
printf '%s\n' "${RESULTS[@]}"
