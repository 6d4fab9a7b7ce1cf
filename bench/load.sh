#!/usr/bin/env bash
# Load test at national scale on PostgreSQL: the city reviewer's dashboard, the product list and
# the public catalogue under wrk, served by gunicorn (2 workers) with DEBUG off.
# Loopback traffic only; every run is bounded in time; the server is stopped at the end.
#
#   bash bench/load.sh                    # 15 s per page (DURATION=30s to change)
#   SCALE=0.1 bash bench/load.sh          # a tenth of the synthetic registry
#   PREPARE_ONLY=1 bash bench/load.sh     # build the bench database, measure nothing
#   REUSE_DB=1 bash bench/load.sh         # keep an existing ocop_bench database
#
# Needs PostgreSQL on 127.0.0.1:5432 with a role that may create databases (PGUSER/PGPASSWORD,
# default ocop/ocop). The database (BENCH_DB, default ocop_bench) is dropped and re-created.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
PORT=${PORT:-8766}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-10s}
SCALE=${SCALE:-1}
SEED=${SEED:-1}
BENCH_DB=${BENCH_DB:-ocop_bench}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-ocop} PGPASSWORD=${PGPASSWORD:-ocop}
BASE="http://127.0.0.1:$PORT"

BENCH_NAME=load
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$BENCH_DB"

db_exists() {
  [[ $(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'") == 1 ]]
}

if [[ -n "${REUSE_DB:-}" ]] && db_exists; then
  echo "Reusing the database $BENCH_DB."
else
  echo "Preparing $BENCH_DB: migrate, load_demo, load_areas (34 provinces), generate_synthetic…"
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB"
  "$PY" manage.py migrate --no-input -v 0
  DEBUG=true "$PY" manage.py load_demo --allow-demo-passwords >/dev/null
  "$PY" manage.py load_areas | tail -1
  "$PY" manage.py generate_synthetic --seed "$SEED" --scale "$SCALE" \
    --i-know-this-is-not-production | tr "\r" "\n" | grep -v "^\["
fi
[[ -n "${PREPARE_ONLY:-}" ]] && exit 0

echo "collectstatic…"
"$PY" manage.py collectstatic --no-input -v 0
for po in locale/*/LC_MESSAGES/django.po; do
  [[ -f "${po%.po}.mo" ]] || { "$PY" manage.py compilemessages -v 0; break; }
done
COUNTS=$("$PY" manage.py shell -v 0 -c "
from areas.models import Area; from products.models import Certificate, Product
from subjects.models import Producer
print(f'{Area.objects.count()} areas, {Producer.objects.count()} producers, '
      f'{Product.objects.count()} products, {Certificate.objects.count()} certificates')")

"$GUNICORN" ocop_portal.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
  --log-level warning >"$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$BASE/healthz" >/dev/null || { echo "gunicorn did not start:" >&2; cat "$WORK/gunicorn.log" >&2; exit 1; }

# Log in the city reviewer: the form's CSRF token, then the POST with the Referer HTTPS-less
# Django still checks.
JAR="$WORK/cookies"
TOKEN=$(curl -fs -c "$JAR" "$BASE/accounts/login/" |
  sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -c "$JAR" \
  -H "Referer: $BASE/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "username=city" \
  --data-urlencode "password=ocop-demo" "$BASE/accounts/login/")
SESSION=$(awk '$6 == "sessionid" {print $7}' "$JAR")
if [[ $STATUS != 302 || -z $SESSION ]]; then
  echo "login as city failed (HTTP $STATUS)" >&2
  exit 1
fi
COOKIE="sessionid=$SESSION"

# One wrk run: "requests/s p50 p90 p99 errors" on one line; errors must stay 0.
measure() {
  local url=$1 out errors
  for _ in 1 2 3 4; do curl -fs -o /dev/null -H "Cookie: $COOKIE" "$url"; done
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency -H "Cookie: $COOKIE" "$url")
  echo "$out" >>"$WORK/wrk.log"
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10}
                END {print n + 0}' <<<"$out")
  awk -v errors="$errors" '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="90%" {p90=$2}
       $1=="99%" {p99=$2} END {printf "| %8.1f | %8s | %8s | %8s | %6s |", rps, p50, p90, p99, errors}' <<<"$out"
}

RESULTS=()
FAILED=0
for page in "/dashboard/?year=2022" "/products/" "/catalogue/"; do
  echo "wrk $DURATION, $CONNECTIONS connections: $page"
  row=$(measure "$BASE$page")
  [[ $(awk -F'|' '{gsub(/ /, "", $6); print $6}' <<<"$row") == 0 ]] || FAILED=1
  RESULTS+=("$(printf '| %-22s %s' "\`$page\`" "$row")")
done
stop_server

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
  "PostgreSQL $(psql -d postgres -tAc 'SHOW server_version' | cut -d' ' -f1) on the same machine;" \
  "gunicorn 2 sync workers; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; logged in as city."
echo "Data: $COUNTS."
echo
echo "| page                   |    req/s |      p50 |      p90 |      p99 | errors |"
echo "|------------------------|---------:|---------:|---------:|---------:|-------:|"
printf '%s\n' "${RESULTS[@]}"
if [[ $FAILED != 0 ]]; then
  echo "Some requests failed (non-2xx or socket errors): see above." >&2
  exit 1
fi
