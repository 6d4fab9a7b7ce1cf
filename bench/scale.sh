#!/usr/bin/env bash
# The pages changed for national scale, side by side with the Django admin's product changelist,
# in one run on PostgreSQL: each page's median time (sequential requests, warm and cold), its
# query counts at demo and at national scale, and the dashboard against its own SQL.
# Loopback traffic only; every run is bounded in time; the server is stopped at the end.
#
#   bash bench/scale.sh                  # SCALE=2: about 100,000 products
#   SCALE=0.2 bash bench/scale.sh        # smaller
#   REUSE_DB=1 bash bench/scale.sh       # keep an existing ocop_scale_bench database
#   RUNS=21 bash bench/scale.sh          # requests per page (default 11)
#   SHEETS=30000 EVALUATIONS=6000 bash bench/scale.sh   # fewer score sheets (default 300,000)
#
# Needs PostgreSQL on 127.0.0.1:5432 with a role that may create databases (PGUSER/PGPASSWORD,
# default ocop/ocop). The database (BENCH_DB, default ocop_scale_bench) is dropped and re-created.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
PORT=${PORT:-8768}
RUNS=${RUNS:-11}
SCALE=${SCALE:-2}
SEED=${SEED:-1}
EVALUATIONS=${EVALUATIONS:-60000}
SHEETS=${SHEETS:-300000}
BENCH_DB=${BENCH_DB:-ocop_scale_bench}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-ocop} PGPASSWORD=${PGPASSWORD:-ocop}
BASE="http://127.0.0.1:$PORT"
NATIONAL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$BENCH_DB"

BENCH_NAME=scale
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# The admin's changelist is what a department would use otherwise: the yardstick.
CHANGELIST=/admin/products/product/
PAGES=(
  "$CHANGELIST"
  /products/
  "/products/?page=200"
  "/products/?page=last"
  /products/expiring/
  "/dashboard/?year=2022"
  /dashboard/years/
  /catalogue/
  /catalogue.json
  /catalogue.csv
  /evaluations/
  /evaluations/all/
  "/evaluations/all/?page=last"
  /evaluations/EVAL/
  /evaluations/EVAL/sheets/SHEET/
)

db_exists() {
  [[ $(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'") == 1 ]]
}

"$PY" manage.py collectstatic --no-input -v 0
for po in locale/*/LC_MESSAGES/django.po; do
  [[ -f "${po%.po}.mo" ]] || { "$PY" manage.py compilemessages -v 0; break; }
done

# Query counts at demo scale first: the demo alone, in a database of its own (dropped after).
DEMO_DB="${BENCH_DB}_demo"
DEMO="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DEMO_DB"
echo "Demo database $DEMO_DB…"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DEMO_DB" -c "CREATE DATABASE $DEMO_DB"
DATABASE_URL="$DEMO" "$PY" manage.py migrate --no-input -v 0
DATABASE_URL="$DEMO" DEBUG=true "$PY" manage.py load_demo --allow-demo-passwords >/dev/null
# The addresses with their numbers for one database: the last pages, a scored dossier, a sheet.
resolve() {
  local page=$1
  page=${page//products\/?page=last/products\/?page=$LAST}
  page=${page//all\/?page=last/all\/?page=$ELAST}
  page=${page//EVAL/$EVAL}
  echo "${page//SHEET/$SHEET}"
}
resolved_pages() { for page in "${PAGES[@]}"; do resolve "$page"; done | paste -sd" "; }
eval "$(DATABASE_URL="$DEMO" "$PY" manage.py shell -v 0 <bench/targets.py)"
DEMO_COUNTS=$(BENCH_PAGES="$(resolved_pages)" DATABASE_URL="$DEMO" \
  "$PY" manage.py shell -v 0 <bench/pages.py | grep -v "^SQL")
DEMO_PAGES=$(resolved_pages)
psql -q -d postgres -c "DROP DATABASE $DEMO_DB"

export DATABASE_URL="$NATIONAL"
if [[ -n "${REUSE_DB:-}" ]] && db_exists; then
  echo "Reusing the database $BENCH_DB."
else
  echo "Preparing $BENCH_DB: migrate, load_demo, load_areas (34 provinces), generate_synthetic…"
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB"
  "$PY" manage.py migrate --no-input -v 0
  DEBUG=true "$PY" manage.py load_demo --allow-demo-passwords >/dev/null
  "$PY" manage.py load_areas | tail -1
  "$PY" manage.py generate_synthetic --seed "$SEED" --scale "$SCALE" \
    --evaluations "$EVALUATIONS" --sheets "$SHEETS" --i-know-this-is-not-production | tr "\r" "\n" | grep -v "^\["
  psql -q -d "$BENCH_DB" -c "VACUUM ANALYZE" 2>/dev/null
fi
COUNTS=$("$PY" manage.py shell -v 0 -c "
from evaluations.models import Evaluation, ScoreSheet
from products.models import Certificate, Product
from subjects.models import Producer
print(f'{Producer.objects.count()} producers, {Product.objects.count()} products, '
      f'{Certificate.objects.count()} certificates, {Evaluation.objects.count()} evaluations, '
      f'{ScoreSheet.objects.count()} score sheets')")
eval "$("$PY" manage.py shell -v 0 <bench/targets.py)"
NATIONAL_COUNTS=$(BENCH_PAGES="$(resolved_pages)" "$PY" manage.py shell -v 0 <bench/pages.py)

# A shared cache, as in production, when Redis is there; else each worker's own.
if [[ -z "${CACHE_URL:-}" ]] && command -v redis-cli >/dev/null && redis-cli ping >/dev/null 2>&1; then
  export CACHE_URL=redis://127.0.0.1:6379/9
fi
start_server() {
  "$GUNICORN" ocop_portal.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
    --log-level warning >>"$WORK/gunicorn.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 50); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "$BASE/healthz" >/dev/null || { cat "$WORK/gunicorn.log" >&2; exit 1; }
}
start_server

JAR="$WORK/cookies"
TOKEN=$(curl -fs -c "$JAR" "$BASE/accounts/login/" |
  sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -c "$JAR" \
  -H "Referer: $BASE/accounts/login/" --data-urlencode "csrfmiddlewaretoken=$TOKEN" \
  --data-urlencode "username=admin" --data-urlencode "password=ocop-demo" "$BASE/accounts/login/")
[[ $STATUS == 302 ]] || { echo "login as admin failed (HTTP $STATUS)" >&2; exit 1; }

# The median of RUNS sequential requests, in ms; the first one (cold) apart; errors counted.
ERRORS=0
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_page() {
  local url=$1 times=() code t
  for _ in $(seq 1 "$RUNS"); do
    read -r code t < <(curl -s -o /dev/null -b "$JAR" -H "Accept-Encoding: gzip" \
      --max-time 60 -w '%{http_code} %{time_total}\n' "$url")
    [[ $code == 200 ]] || ERRORS=$((ERRORS + 1))
    times+=("$(awk -v t="$t" 'BEGIN {printf "%.0f", t * 1000}')")
  done
  echo "${times[0]} $(printf '%s\n' "${times[@]:1}" | median)"
}
# Cold: the open-data files removed and every cached page gone, as after a deploy.
rm -rf "$MEDIA_ROOT/open-data"
"$PY" manage.py shell -v 0 -c "from django.core.cache import cache; cache.clear()"

declare -A COLD WARM
for page in "${PAGES[@]}"; do
  url=$(resolve "$page")
  read -r cold warm < <(time_page "$BASE$url")
  COLD[$page]=$cold WARM[$page]=$warm
done
# The dashboard requested once, in ms (a save before it made it cold).
dashboard_ms() {
  curl -s -o /dev/null -b "$JAR" --max-time 60 -w '%{time_total}' "$BASE/dashboard/?year=2022" |
    awk '{printf "%.0f", $1 * 1000}'
}
# For five minutes after a data load its records lie within the window of late commits, and a
# save reads the province's rows in full (dashboards/rows.py: more than PATCH_LIMIT products
# to read again): the saves below are timed once the load is that old, as an officer's day
# meets them.
WAIT=$("$PY" manage.py shell -v 0 -c "
from django.utils import timezone
from dashboards.rows import OVERLAP, PATCH_LIMIT, PATCHED
times = [m.objects.order_by('-updated_at').values_list('updated_at', flat=True)[PATCH_LIMIT:PATCH_LIMIT + 1] for m in PATCHED]
loaded = max((t[0] for t in times if t), default=None)
print(max(0, int((loaded + OVERLAP - timezone.now()).total_seconds()) + 1) if loaded else 0)")
if ((WAIT > 0)); then
  echo "Waiting ${WAIT} s: the data load is less than five minutes old."
  sleep "$WAIT"
fi
# Cold after a save, as the portal meets it every working day: one certificate of the
# dashboard's province saved (its kinds of record move on), then the dashboard once.
AFTER_SAVE=()
for _ in 1 2 3 4 5; do
  "$PY" manage.py shell -v 0 -c "
from areas.provinces import home_code
from products.models import Certificate
Certificate.objects.filter(area__path__startswith=home_code() + '/').order_by('pk').first().save()"
  AFTER_SAVE+=("$(dashboard_ms)")
done
after_save=$(printf '%s\n' "${AFTER_SAVE[@]}" | median)
# The same after a save of one of its products, then of one of its producers (an officer edits
# them every day): their rows patched, not the province's read again.
AFTER_RECORD=()
for model in Product Producer Product Producer Product Producer; do
  "$PY" manage.py shell -v 0 -c "
from areas.provinces import home_code
from products.models import Product
from subjects.models import Producer
lookup = 'area__path__startswith' if '$model' == 'Producer' else 'producer__area__path__startswith'
$model.objects.filter(**{lookup: home_code() + '/'}).order_by('pk').first().save()"
  AFTER_RECORD+=("$(dashboard_ms)")
done
after_record=$(printf '%s\n' "${AFTER_RECORD[@]}" | median)
# Cold after a change that moves its figures: one certificate it counts in 2022 re-rated 3★ and
# back to 4★, four times (the province's rows patched, the certificates' figures counted and
# drawn again).
AFTER_CHANGE=()
for stars in 3 4 3 4 3 4 3 4; do
  "$PY" manage.py shell -v 0 -c "
from datetime import date
from areas.provinces import home_code
from products.models import Certificate
certificate = Certificate.objects.filter(
    area__path__startswith=home_code() + '/', decision_date__year=2022, kind='new',
    valid_until__gt=date(2022, 12, 31), revoked_on__isnull=True, stars__in=[3, 4],
).order_by('pk').first()
certificate.stars = $stars
certificate.save()"
  AFTER_CHANGE+=("$(dashboard_ms)")
done
after_change=$(printf '%s\n' "${AFTER_CHANGE[@]}" | median)
stop_server

base=${WARM[$CHANGELIST]}
count_of() { awk -v p="$2" '$1 == p {print $'"$3"'}' <<<"$1"; }
echo
echo "Machine: $(nproc) cores; PostgreSQL $(psql -d postgres -tAc 'SHOW server_version' | cut -d' ' -f1);" \
  "gunicorn 2 sync workers; cache ${CACHE_URL:-local memory per worker}; $RUNS requests a page, logged in as admin."
echo "Data: $COUNTS (demo: the demo alone). Last pages: products $LAST, evaluations $ELAST;" \
  "EVAL = dossier $EVAL, SHEET = its sheet $SHEET."
echo
echo "| page | first (cold) ms | median ms | × changelist | queries demo | queries national |"
echo "|---|---:|---:|---:|---:|---:|"
read -ra DEMO_RESOLVED <<<"$DEMO_PAGES"
for i in "${!PAGES[@]}"; do
  page=${PAGES[$i]}
  national_page=$(resolve "$page")
  ratio=$(awk -v a="${WARM[$page]}" -v b="$base" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')
  printf '| `%s` | %s | %s | %s | %s | %s |\n' "$page" "${COLD[$page]}" "${WARM[$page]}" "$ratio" \
    "$(count_of "$DEMO_COUNTS" "${DEMO_RESOLVED[$i]}" 2)" \
    "$(count_of "$NATIONAL_COUNTS" "$national_page" 2)"
done
sql=$(awk '$1 == "SQL" && $2 == "/dashboard/?year=2022" {print $3}' <<<"$NATIONAL_COUNTS")
cold=${COLD["/dashboard/?year=2022"]}
# "<ms> ms = <×> the changelist, <×> its own SQL"
against() {
  awk -v a="$1" -v b="$base" -v s="$sql" 'BEGIN {printf "%s ms = %.2f× the changelist, %.2f× its own SQL", a, a / b, a / s}'
}
echo
echo "Cold dashboard, made cold by a save in its province (every save anywhere made every dashboard cold before):"
echo "- after a save of one of its certificates that moves no figure (median of 5): $(against "$after_save") (${sql} ms);"
echo "- after a save of one of its products or producers (median of 6): $(against "$after_record");"
echo "- after a change of its figures (a certificate's stars; median of 8): $(against "$after_change")."
echo "First dashboard with the cache emptied (Redis restarted or flushed, a release that changes what" \
  "is kept; bench/README.md): $(against "$cold")."
if [[ $ERRORS != 0 ]]; then
  echo "$ERRORS requests did not answer 200." >&2
  exit 1
fi
