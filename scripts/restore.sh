#!/usr/bin/env bash
# Restore a dump of backup.sh into a NEW database, as the portal's own role (the owner of every
# restored table, so that `manage.py migrate` works on it afterwards).
#
#   bash scripts/restore.sh FILE.dump NEW_DATABASE
#
# Connects with the role and server of DATABASE_URL (.env or the environment); the role needs
# CREATEDB. Refuses to touch a database that already exists: nothing is ever dropped. Then point
# DATABASE_URL at NEW_DATABASE, run `manage.py migrate` and reload the portal (README, "Restore").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DUMP=${1:?usage: restore.sh FILE.dump NEW_DATABASE}
TARGET=${2:?usage: restore.sh FILE.dump NEW_DATABASE}
[[ -r $DUMP ]] || { echo "Cannot read $DUMP" >&2; exit 2; }
ocop_check_db_name "$TARGET"
ocop_load_env
ocop_pg_env

if ocop_db_exists "$TARGET"; then
  echo "Database $TARGET already exists: choose a new name (nothing was changed)." >&2
  exit 3
fi
psql -X -q --dbname=postgres -c "CREATE DATABASE \"$TARGET\""
# Tables come out owned by the connecting role: the portal's, not postgres.
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$TARGET" "$DUMP"
echo "Restored $DUMP into $TARGET (owner: $PGUSER)."
