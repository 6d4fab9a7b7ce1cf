#!/usr/bin/env bash
# Fault test: PostgreSQL stops for about 10 s while wrk loads the portal (gunicorn, 2 workers,
# DEBUG off, the bench database of bench/load.sh). Checks that requests then answer the 503
# page (never a 500, never a traceback), and that the same gunicorn answers 200 again once
# PostgreSQL is back (CONN_HEALTH_CHECKS drops the dead connections; no restart).
# Loopback traffic only; bounded in time; PostgreSQL is always started again (trap).
#
#   bash bench/fault.sh        # needs root (pg_ctlcluster) and PostgreSQL 15 "main" locally
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
PORT=${PORT:-8767}
OUTAGE=${OUTAGE:-10}
PG_VERSION=${PG_VERSION:-15} PG_CLUSTER=${PG_CLUSTER:-main}
BENCH_DB=${BENCH_DB:-ocop_bench}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-ocop} PGPASSWORD=${PGPASSWORD:-ocop}
BASE="http://127.0.0.1:$PORT"
MESSAGE="Hệ thống tạm thời gián đoạn"

pg() { pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" "$@"; }

WORK=$(mktemp -d /tmp/ocop-fault.XXXXXX)
SERVER_PID="" WRK_PID="" PG_STOPPED=""
cleanup() {
  if [[ -n "$PG_STOPPED" ]]; then pg start || true; fi
  if [[ -n "$WRK_PID" ]] && kill -0 "$WRK_PID" 2>/dev/null; then kill "$WRK_PID" || true; fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# The bench database, built by bench/load.sh unless it is there already.
if [[ $(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'") != 1 ]]; then
  PREPARE_ONLY=1 SCALE=${SCALE:-0.1} bash bench/load.sh
fi

export DEBUG=false
SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
# No mail leaves a bench run (with DEBUG off the console backend is refused).
export EMAIL_URL=dummymail://
export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$BENCH_DB"
export MEDIA_ROOT="$WORK/media"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0 LOG_LEVEL=WARNING
"$PY" manage.py collectstatic --no-input -v 0

"$GUNICORN" ocop_portal.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
  --log-level warning >"$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

JAR="$WORK/cookies"
TOKEN=$(curl -fs -c "$JAR" "$BASE/accounts/login/" |
  sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -o /dev/null -b "$JAR" -c "$JAR" -H "Referer: $BASE/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "username=city" \
  --data-urlencode "password=ocop-demo" "$BASE/accounts/login/"
COOKIE="sessionid=$(awk '$6 == "sessionid" {print $7}' "$JAR")"
URL="$BASE/products/"

# One probe: the status code; the body is kept to check its content.
probe() { curl -s -m 5 -o "$WORK/body" -w '%{http_code}' -H "Cookie: $COOKIE" "$URL" || echo 000; }

[[ $(probe) == 200 ]] || { echo "the portal does not answer 200 before the fault" >&2; exit 1; }
echo "Before: $URL answers 200 (gunicorn pid $SERVER_PID, PostgreSQL up)."

LOAD_SECONDS=$((OUTAGE + 25))
wrk -t2 -c8 -d"${LOAD_SECONDS}s" -H "Cookie: $COOKIE" "$URL" >"$WORK/wrk.txt" 2>&1 &
WRK_PID=$!
sleep 5

echo "Stopping PostgreSQL for about ${OUTAGE} s under load…"
PG_STOPPED=1
pg stop
DOWN_AT=$(date +%s.%N)
declare -A SEEN=()
BAD=0
for _ in $(seq 1 "$OUTAGE"); do
  code=$(probe)
  SEEN[$code]=$((${SEEN[$code]:-0} + 1))
  if [[ $code != 503 ]]; then BAD=1; echo "  while down: HTTP $code (expected 503)"; fi
  if grep -q "Traceback" "$WORK/body" 2>/dev/null; then BAD=1; echo "  a traceback in the body!"; fi
  if [[ $code == 503 ]] && ! grep -q "$MESSAGE" "$WORK/body"; then BAD=1; echo "  503 without the message"; fi
  sleep 1
done
HEALTH=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$BASE/healthz" || echo 000)
SUMMARY=""
for code in "${!SEEN[@]}"; do SUMMARY+="$code×${SEEN[$code]} "; done
echo "  while down: probes answered ${SUMMARY}(healthz $HEALTH); Retry-After: $(curl -s -m 5 -D - -o /dev/null -H "Cookie: $COOKIE" "$URL" | tr -d '\r' | awk -F': ' 'tolower($1)=="retry-after" {print $2}')"

echo "Starting PostgreSQL again…"
pg start
PG_STOPPED=""
UP_AT=$(date +%s.%N)
RECOVERED=""
for _ in $(seq 1 60); do
  if [[ $(probe) == 200 ]]; then RECOVERED=$(date +%s.%N); break; fi
  sleep 0.5
done
wait "$WRK_PID" || true
WRK_PID=""

echo
echo "Outcome:"
printf '  outage: %.1f s (PostgreSQL stopped, then started)\n' "$(echo "$UP_AT - $DOWN_AT" | bc)"
if [[ -n $RECOVERED ]]; then
  printf '  back to 200 %.1f s after PostgreSQL started, same gunicorn (pid %s, alive: %s)\n' \
    "$(echo "$RECOVERED - $UP_AT" | bc)" "$SERVER_PID" "$(kill -0 "$SERVER_PID" && echo yes)"
else
  echo "  NOT back to 200 within 30 s of PostgreSQL starting"; BAD=1
fi
echo "  wrk over the whole run: $(awk '/requests in/ {printf "%s requests; ", $1}
  /Non-2xx/ {printf "non-2xx (the 503s): %s; ", $NF} /Socket errors/ {printf "%s", $0}' "$WORK/wrk.txt")"
# Every response is logged by the request log (JSON lines, ERROR for 5xx): count them by status.
S500=$(grep '"core.requests"' "$WORK/gunicorn.log" | grep -c '"status": 500' || true)
S503=$(grep '"core.requests"' "$WORK/gunicorn.log" | grep -c '"status": 503' || true)
echo "  responses logged by gunicorn: ${S503} × 503, ${S500} × 500"
[[ $S500 == 0 ]] || BAD=1
if [[ $BAD == 0 ]]; then
  echo "PASS: 503 page while the database was down, no 500, no traceback; 200 again without restart."
else
  echo "FAIL: see above; gunicorn's log:" >&2
  tail -20 "$WORK/gunicorn.log" >&2
  exit 1
fi
