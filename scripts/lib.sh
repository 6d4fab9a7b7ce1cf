# Shared by the portal's shell scripts (backup.sh, restore.sh, restore_check.sh): sourced, not run.
#
# They read the portal's own configuration, as gunicorn and manage.py do: the project's .env
# (or the file named by OCOP_ENV_FILE), with real environment variables winning. They work
# from any directory and under cron (no PATH or working directory assumed beyond /usr/bin).

OCOP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PATH="$PATH:/usr/local/bin:/usr/bin:/bin"

# Read .env without letting it override what the environment already says.
ocop_load_env() {
  local file=${OCOP_ENV_FILE:-$OCOP_ROOT/.env}
  [[ -f $file ]] || return 0
  local saved
  saved=$(export -p)
  set -a
  # shellcheck disable=SC1090
  . "$file"
  set +a
  eval "$saved" 2>/dev/null || true
}

# DATABASE_URL → the PG* variables of libpq, so that no password shows in `ps`; prints the
# database's name. Only PostgreSQL URLs.
ocop_pg_env() {
  local url=${DATABASE_URL:?set DATABASE_URL (in .env or the environment) to the postgres:// URL}
  case $url in
    postgres://* | postgresql://* | pgsql://*) ;;
    *) echo "DATABASE_URL is not a PostgreSQL URL" >&2; return 2 ;;
  esac
  local python=python3
  [[ -x $OCOP_ROOT/.venv/bin/python ]] && python=$OCOP_ROOT/.venv/bin/python
  local parsed
  parsed=$("$python" - "$url" <<'PY'
import shlex, sys
from urllib.parse import unquote, urlsplit

url = urlsplit(sys.argv[1])
values = {
    "PGHOST": unquote(url.hostname or ""),
    "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
}
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
PY
)
  eval "$parsed"
  : "${PGDATABASE:?DATABASE_URL names no database}"
}

# A database name we are willing to put in SQL and on the command line.
ocop_check_db_name() {
  if [[ ! $1 =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]]; then
    echo "Not a plain database name: '$1' (letters, digits, _; at most 63)" >&2
    return 2
  fi
}

ocop_db_exists() {
  [[ $(psql -X -tA --dbname=postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'") == 1 ]]
}

# Exact row counts of every table of a database, "table count" lines sorted by table.
ocop_row_counts() {
  local sql query
  sql="SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM %I.%I', tablename, schemaname, tablename), ' UNION ALL ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
  query=$(psql -X -tA --dbname="$1" -c "$sql")
  psql -X -tA -F ' ' --dbname="$1" -c "$query ORDER BY t"
}
