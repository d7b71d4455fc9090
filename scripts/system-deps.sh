#!/usr/bin/env bash
# Installs the Debian packages Lifeline's tests need and makes sure PostgreSQL and
# NATS (with JetStream) are running on 127.0.0.1. Idempotent; safe to run often.
#   scripts/system-deps.sh run    — only what `make run` needs (nothing from apt)
#   scripts/system-deps.sh test   — browsers, X, PostgreSQL, NATS for `make test`
set -euo pipefail
mode=${1:-test}
[ "$mode" = run ] && exit 0

TEST_PACKAGES=(xvfb xauth x11-utils xdotool xterm x11-apps xclip chromium fonts-dejavu-core
               postgresql nats-server x11vnc websockify novnc twm python3-tk)

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${TEST_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 50); do port_open "$1" && return 0; sleep 0.2; done
  return 1
}

if ! port_open 5432; then
  echo "system-deps: starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  sudo_ pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_port 5432 || { echo "system-deps: PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
fi
# Tests connect as the postgres role over TCP without a password.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
  echo "system-deps: allowing trusted local TCP connections for the postgres role"
  hba=$(sudo_ -u postgres psql -Atc 'show hba_file')
  sudo_ sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  sudo_ -u postgres psql -Atc 'select pg_reload_conf()' >/dev/null
  psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null \
    || { echo "system-deps: cannot connect to PostgreSQL as postgres@127.0.0.1" >&2; exit 1; }
fi

if ! port_open 4222; then
  echo "system-deps: starting NATS with JetStream"
  sudo_ mkdir -p /var/lib/nats-server
  sudo_ start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 4222 || { echo "system-deps: NATS did not start on 127.0.0.1:4222" >&2; exit 1; }
fi
echo "system-deps: ok (PostgreSQL :5432, NATS :4222, Chromium, Xvfb)"
