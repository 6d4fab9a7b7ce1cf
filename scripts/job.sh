#!/usr/bin/env bash
# Run one scheduled job of the portal (deploy/crontab): from the project directory, under a lock
# named after the job (a run never starts while the previous one is still going), its output in
# the journal under "ocop-NAME". Says one line on stderr — which cron mails — only when the job
# failed or was skipped.
#
#   bash scripts/job.sh NAME COMMAND [ARGUMENT…]
#   bash scripts/job.sh notices .venv/bin/python manage.py notify_expiring
#
# OCOP_LOCK_DIR (default /run/lock) holds the locks; OCOP_JOB_LOG=stdout writes the output on
# stdout instead of the journal (also when systemd-cat is missing).
set -uo pipefail
NAME=${1:?usage: job.sh NAME COMMAND [ARGUMENT…]}
shift
[[ $# -gt 0 ]] || { echo "usage: job.sh NAME COMMAND [ARGUMENT…]" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
LOCK=${OCOP_LOCK_DIR:-/run/lock}/ocop-$NAME.lock
BUSY=75
if [[ ${OCOP_JOB_LOG:-journal} != stdout ]] && command -v systemd-cat >/dev/null; then
  LOG=(systemd-cat -t "ocop-$NAME")
else
  LOG=(cat)
fi
flock --nonblock --conflict-exit-code "$BUSY" "$LOCK" "$@" 2>&1 | "${LOG[@]}"
STATUS=${PIPESTATUS[0]}
if [[ $STATUS -eq $BUSY ]]; then
  echo "ocop-$NAME: skipped, the previous run still holds $LOCK" >&2
elif [[ $STATUS -ne 0 ]]; then
  echo "ocop-$NAME: failed with status $STATUS (journalctl -t ocop-$NAME)" >&2
fi
exit "$STATUS"
