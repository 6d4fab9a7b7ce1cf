#!/usr/bin/env bash
# Back up the portal's PostgreSQL database with pg_dump in its custom format: compressed,
# restorable table by table with pg_restore (scripts/restore.sh).
#
#   bash scripts/backup.sh [DIRECTORY]
#
# Reads DATABASE_URL from the portal's .env (or the environment), as the portal does, and
# connects as the portal's own role. Writes DIRECTORY/<database>-YYYYmmdd-HHMMSS.dump (default
# directory: BACKUP_DIR, else ./backups in the project) and prints its path; dumps older than
# BACKUP_KEEP_DAYS days (default 30; 0 keeps all) in that directory are removed. Media files
# (MEDIA_ROOT) are not in the dump: back up the media storage beside it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ocop_load_env
ocop_pg_env

DIR=${1:-${BACKUP_DIR:-$OCOP_ROOT/backups}}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-30}
mkdir -p "$DIR"
umask 077  # a dump holds every record: readable by the portal's user only
FILE="$DIR/$PGDATABASE-$(date -u +%Y%m%d-%H%M%S).dump"
# No owner or privileges in the dump: it restores into a database owned by whoever restores it
# (the portal's role, see restore.sh).
pg_dump --format=custom --no-owner --no-privileges --file="$FILE.partial"
mv "$FILE.partial" "$FILE"
if [[ $KEEP_DAYS -gt 0 ]]; then
  find "$DIR" -maxdepth 1 -name "$PGDATABASE-*.dump" -mtime "+$KEEP_DAYS" -delete
fi
echo "$FILE"
