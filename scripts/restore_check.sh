#!/usr/bin/env bash
# Prove that a backup restores: back up the database (scripts/backup.sh), restore the dump into
# a fresh database with pg_restore, compare the row count of every table between the two and
# exit non-zero on any difference. The restored database is dropped at the end (KEEP=1 keeps it).
#
#   DATABASE_URL=postgres://ocop:ocop@127.0.0.1:5432/ocop_bench bash scripts/restore_check.sh
#
# Needs a role that may create databases. RESTORE_DB defaults to ocop_restore_check.
set -euo pipefail

cd "$(dirname "$0")/.."
URL=${DATABASE_URL:?set DATABASE_URL to the postgres:// URL of the database to check}
URL=postgresql://${URL#*://}
RESTORE_DB=${RESTORE_DB:-ocop_restore_check}
BASE_URL=${URL%/*}
RESTORE_URL="$BASE_URL/$RESTORE_DB"
WORK=$(mktemp -d /tmp/ocop-restore.XXXXXX)
cleanup() {
  rm -rf "$WORK"
  if [[ -z "${KEEP:-}" ]]; then
    psql -q --dbname="$BASE_URL/postgres" -c "DROP DATABASE IF EXISTS $RESTORE_DB" 2>/dev/null || true
  fi
}
trap cleanup EXIT

echo "1/3 Backup…"
DUMP=$(DATABASE_URL=$URL bash scripts/backup.sh "$WORK")
echo "    $DUMP ($(du -h "$DUMP" | cut -f1))"

echo "2/3 Restore into $RESTORE_DB…"
psql -q --dbname="$BASE_URL/postgres" -c "DROP DATABASE IF EXISTS $RESTORE_DB" \
  -c "CREATE DATABASE $RESTORE_DB"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$RESTORE_URL" "$DUMP"

echo "3/3 Row counts of every table…"
# Exact counts (count(*)), table by table, in one query per database.
COUNT_SQL="SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM %I.%I', tablename, schemaname, tablename), ' UNION ALL ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
counts() {
  local query
  query=$(psql -tA --dbname="$1" -c "$COUNT_SQL")
  psql -tA -F ' ' --dbname="$1" -c "$query ORDER BY t"
}
counts "$URL" >"$WORK/source.txt"
counts "$RESTORE_URL" >"$WORK/restored.txt"
TABLES=$(wc -l <"$WORK/source.txt")
ROWS=$(awk '{n += $2} END {print n}' "$WORK/source.txt")
if ! diff -u "$WORK/source.txt" "$WORK/restored.txt" >"$WORK/diff.txt"; then
  echo "DIFFERENT row counts between the database and its restored backup:" >&2
  cat "$WORK/diff.txt" >&2
  exit 1
fi
echo "OK: $TABLES tables, $ROWS rows, the same counts in the restored copy."
