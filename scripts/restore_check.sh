#!/usr/bin/env bash
# Prove that a backup restores: back up the portal's database (backup.sh) — or take the dump
# given — restore it under a new name (restore.sh), compare the exact row count of every table
# between the two and exit non-zero on any difference.
#
#   bash scripts/restore_check.sh [FILE.dump]
#
# Reads DATABASE_URL from .env or the environment and runs as the portal's role (it needs
# CREATEDB). The copy is called RESTORE_DB, default <database>_check_<time>_<pid>; it must not
# exist. The check drops only the copy it created, and keeps it with KEEP=1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ocop_load_env
ocop_pg_env

SOURCE=$PGDATABASE
RESTORE_DB=${RESTORE_DB:-${SOURCE:0:30}_check_$(date -u +%Y%m%d%H%M%S)_$$}
ocop_check_db_name "$RESTORE_DB"
if ocop_db_exists "$RESTORE_DB"; then
  echo "Database $RESTORE_DB already exists: set RESTORE_DB to a new name." >&2
  exit 3
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocop-restore.XXXXXX")
CREATED=
cleanup() {
  rm -rf "$WORK"
  if [[ -n $CREATED && -z ${KEEP:-} ]]; then
    psql -X -q --dbname=postgres -c "DROP DATABASE IF EXISTS \"$RESTORE_DB\"" || true
  fi
}
trap cleanup EXIT

if [[ -n ${1:-} ]]; then
  DUMP=$1
  echo "1/3 Dump: $DUMP"
else
  echo "1/3 Backup of $SOURCE…"
  DUMP=$(BACKUP_KEEP_DAYS=0 bash "$OCOP_ROOT/scripts/backup.sh" "$WORK")
  echo "    $DUMP ($(du -h "$DUMP" | cut -f1))"
fi

echo "2/3 Restore into $RESTORE_DB…"
CREATED=1
bash "$OCOP_ROOT/scripts/restore.sh" "$DUMP" "$RESTORE_DB" >/dev/null

echo "3/3 Row counts of every table…"
ocop_row_counts "$SOURCE" >"$WORK/source.txt"
ocop_row_counts "$RESTORE_DB" >"$WORK/restored.txt"
TABLES=$(wc -l <"$WORK/source.txt")
ROWS=$(awk '{n += $2} END {print n + 0}' "$WORK/source.txt")
if ! diff -u "$WORK/source.txt" "$WORK/restored.txt" >"$WORK/diff.txt"; then
  echo "DIFFERENT row counts between $SOURCE and its restored backup $RESTORE_DB:" >&2
  cat "$WORK/diff.txt" >&2
  exit 1
fi
echo "OK: $TABLES tables, $ROWS rows, the same counts in the restored copy $RESTORE_DB."
