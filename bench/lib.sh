# Shared by the bench scripts (sourced, not run): wrk, a scratch folder, a gunicorn that is
# always stopped, and production settings except plain HTTP on the loopback.
# Needs ROOT and PY set by the caller; sets WORK and SERVER_PID.

if ! command -v wrk >/dev/null; then
  echo "wrk is missing: installing it from Debian's packages (apt-get install -y wrk)…"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

WORK=$(mktemp -d "/tmp/ocop-${BENCH_NAME:-bench}.XXXXXX")
SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT

# Production settings, except plain HTTP on the loopback and a key that lives for this run only.
export DEBUG=false
SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
# No mail leaves a bench run (with DEBUG off the console backend is refused).
export EMAIL_URL=dummymail://
export MEDIA_ROOT="$WORK/media"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
