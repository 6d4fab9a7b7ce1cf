#!/usr/bin/env bash
# Back up the portal's PostgreSQL database (DATABASE_URL) with pg_dump in its custom format:
# compressed, restorable table by table with pg_restore.
#
#   DATABASE_URL=postgres://ocop:…@127.0.0.1:5432/ocop bash scripts/backup.sh [DIRECTORY]
#
# Writes DIRECTORY/<database>-YYYYmmdd-HHMMSS.dump (default directory: ./backups, or
# BACKUP_DIR) and prints its path. Media files (MEDIA_ROOT) are not in the dump: back up
# the shared media storage beside it.
set -euo pipefail

URL=${DATABASE_URL:?set DATABASE_URL to the postgres:// URL of the database}
case $URL in
  postgres://* | postgresql://* | pgsql://*) ;;
  *) echo "DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
URL=postgresql://${URL#*://}
DIR=${1:-${BACKUP_DIR:-backups}}
mkdir -p "$DIR"
NAME=$(python3 -c "import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip('/'))" "$URL")
FILE="$DIR/$NAME-$(date -u +%Y%m%d-%H%M%S).dump"
# No owner or privileges in the dump: it restores into a database owned by whoever restores.
pg_dump --format=custom --no-owner --no-privileges --file="$FILE.partial" --dbname="$URL"
mv "$FILE.partial" "$FILE"
echo "$FILE"
