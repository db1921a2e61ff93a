#!/usr/bin/env bash
# A trial of the deployment on one machine (Debian 12): the course site and the sandbox
# replicas behind nginx on http://127.0.0.1:$PORT/, and the gradebook in Debian's PostgreSQL.
# Runs in the foreground until Ctrl-C and installs no service; deploy/README.md does the
# real deployment. Needs root or sudo (packages, PostgreSQL's own account).
#
#   bash deploy/trial.sh                  # PORT=8080 REPLICAS=2 by default
#   bash deploy/trial.sh --hub            # and JupyterHub at /hub/, with trial accounts
#
# --hub also starts JupyterHub on loopback behind the same nginx, with nbgrader's exchange:
# local accounts trial-trainer, trial-learner1 and trial-learner2 (passwords printed), two
# exercises released (English and French); Ctrl-C or SIGTERM stops the hub, its proxy and
# the learners' servers, and removes the accounts with their homes.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
REPLICAS=${REPLICAS:-2}
HUB=()
case "${1:-}" in
    --hub) HUB=(--hub --release reading-performance-en --release reading-performance-fr) ;;
    "") ;;
    *) echo "usage: bash deploy/trial.sh [--hub]" >&2; exit 2 ;;
esac
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

# The virtual environment, nginx and PostgreSQL (Makefile: install, servers).
make install servers

# 1. The course site, its "Try it in the sandbox" buttons pointing at the balancer.
make site SANDBOX_URL="http://127.0.0.1:$PORT/sandbox"

# 2. The gradebook: Debian's cluster, a role named after this account (peer authentication
#    on the local socket: no password anywhere) and its database.
read -r VERSION CLUSTER _ < <(pg_lsclusters --no-header | head -n 1)
$SUDO pg_ctlcluster "$VERSION" "$CLUSTER" start 2>/dev/null || true
ME=$(id -un)
if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ME'" | grep -q 1; then
    as_postgres createuser "$ME"
fi
if ! as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'aimed_gradebook'" | grep -q 1; then
    as_postgres createdb --owner "$ME" --encoding UTF8 --locale C.UTF-8 --template template0 \
        aimed_gradebook
fi
GRADEBOOK="postgresql:///aimed_gradebook?host=/var/run/postgresql"
echo "Gradebook: export AIMED_GRADEBOOK_URL='$GRADEBOOK'  (then aimed-trainer as usual)"

# 3. With --hub: JupyterHub's proxy (npm) for the hub.
if [ ${#HUB[@]} -gt 0 ]; then make hub-proxy; fi

# 4. The sandbox replicas and nginx (and the hub), until Ctrl-C. The hub makes local
#    accounts: as root.
if [ ${#HUB[@]} -gt 0 ]; then RUN=$SUDO; else RUN=; fi
exec $RUN .venv/bin/python -m aimed.servers.balancer trial --replicas "$REPLICAS" --port "$PORT" \
    "${HUB[@]}"
