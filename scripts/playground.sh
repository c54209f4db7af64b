#!/usr/bin/env bash
# make playground — the bot plus the Microsoft 365 Agents Playground (a local Teams client).
#
# Starts `python bot.py` (local mode, 127.0.0.1:$BOT_PORT) and the Playground binary pointing at
# it, waits until both answer, prints the URL(s) to open, and stops everything on Ctrl-C.
#
#   BOT_PORT=3978           port of the bot (/api/messages, /healthz)
#   PLAYGROUND_PORT=56150   port of the Playground UI and its fake Teams connector
#   PLAYGROUND_AS=staff     who you are in the UI (it always acts as the config's currentUser):
#                             staff  Anna Lindqvist, region staff (the yml's currentUser)
#                             admin  Karin Holm, central admin (a generated copy of the yml)
#                             both   Anna on PLAYGROUND_PORT and Karin on PLAYGROUND_ADMIN_PORT
#   PLAYGROUND_ADMIN_PORT   Karin's port with PLAYGROUND_AS=both (default PLAYGROUND_PORT + 1)
#
# The bot gets the yml's two administrators as ADMIN_IDS and its team channel as the central
# channel (CENTRAL_TEAM_ID, CENTRAL_CHANNEL_ID); set any of them to override (empty = none).
# Its store is ./data (DATA_DIR), kept between runs.
#
# The Playground reads deployment/playground/.m365agentsplayground.yml (people, team, channels),
# Karin's copy is written to deployment/playground/devTools/as-admin/, and the Playground logs
# to deployment/playground/devTools/m365agentsplayground[-admin].log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PLAYGROUND_DIR="$ROOT/deployment/playground"
PLAYGROUND_BIN="$PLAYGROUND_DIR/node_modules/.bin/agentsplayground"
PYTHON="$ROOT/.venv/bin/python"
BOT_PORT="${BOT_PORT:-3978}"
PLAYGROUND_PORT="${PLAYGROUND_PORT:-56150}"
PLAYGROUND_AS="${PLAYGROUND_AS:-staff}"
PLAYGROUND_ADMIN_PORT="${PLAYGROUND_ADMIN_PORT:-$((PLAYGROUND_PORT + 1))}"
ADMIN_NAME="Karin Holm"
ADMIN_CONFIG="$PLAYGROUND_DIR/devTools/as-admin/.m365agentsplayground.yml"

# The admins and the channel of .m365agentsplayground.yml (tests/e2e/test_playground_config.py
# checks that they match it).
export ADMIN_IDS="${ADMIN_IDS-29:user-karin-holm=Karin Holm,29:user-lars-ekstrom=Lars Ekström}"
export CENTRAL_TEAM_ID="${CENTRAL_TEAM_ID-19:team-lifecare-sp-forvaltning@thread.tacv2}"
export CENTRAL_CHANNEL_ID="${CENTRAL_CHANNEL_ID-19:channel-skyddad-identitet@thread.tacv2}"

die() { echo "playground: $*" >&2; exit 1; }

case "$PLAYGROUND_AS" in
  staff) UIS="staff:$PLAYGROUND_PORT" ;;
  admin) UIS="admin:$PLAYGROUND_PORT" ;;
  both) UIS="staff:$PLAYGROUND_PORT admin:$PLAYGROUND_ADMIN_PORT" ;;
  *) die "PLAYGROUND_AS=$PLAYGROUND_AS: use staff, admin or both" ;;
esac

[ -x "$PYTHON" ] || die "no virtualenv at .venv — run 'make test' once first"
command -v node >/dev/null || die "node is missing (apt-get install nodejs npm)"

if [ ! -x "$PLAYGROUND_BIN" ]; then
  echo "playground: installing @microsoft/m365agentsplayground (npm ci)..."
  (cd "$PLAYGROUND_DIR" && npm ci --no-audit --no-fund) || die "npm ci failed in deployment/playground"
fi

port_in_use() { (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
http_ok() {
  "$PYTHON" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=1) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

# The Playground silently moves to a random port when its port is taken; refuse instead.
port_in_use "$BOT_PORT" && die "port $BOT_PORT is in use (another bot?). Set BOT_PORT=..."
for ui in $UIS; do
  port_in_use "${ui#*:}" && die "port ${ui#*:} is in use. Set PLAYGROUND_PORT=... (or PLAYGROUND_ADMIN_PORT=...)"
done

# Karin's config: the yml with her as currentUser and Anna among the users.
if [ "$PLAYGROUND_AS" != staff ]; then
  (cd "$ROOT" && "$PYTHON" -m tests.e2e.playground_config "$ADMIN_NAME" "$ADMIN_CONFIG") \
    || die "could not write $ADMIN_CONFIG"
fi

BOT_PID=""
PLAYGROUND_PIDS=""
stop() {
  trap - INT TERM EXIT
  local pid alive
  for pid in $PLAYGROUND_PIDS $BOT_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 50); do  # up to 5 s to shut down cleanly
    alive=""
    for pid in $PLAYGROUND_PIDS $BOT_PID; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ -n "$alive" ] || break
    sleep 0.1
  done
  for pid in $PLAYGROUND_PIDS $BOT_PID; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  echo "playground: stopped."
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The bot, in local mode whatever .env says: the Playground sends no tokens.
(
  cd "$ROOT"
  # LANGUAGE=sv: the Playground always sends locale en-US, but our users are Swedish.
  HOST=127.0.0.1 PORT="$BOT_PORT" LANGUAGE="${LANGUAGE:-sv}" MicrosoftAppId="" MicrosoftAppPassword="" \
    exec "$PYTHON" bot.py
) &
BOT_PID=$!

PLAYGROUND_LOG=""
wait_for() {  # name pid url
  for _ in $(seq 300); do
    if ! kill -0 "$2" 2>/dev/null; then
      # A bad .m365agentsplayground.yml: the reason is only in the Playground's own log file.
      [ "$1" = Playground ] && grep '^error' "$PLAYGROUND_LOG" 2>/dev/null | tail -3 >&2
      die "$1 exited during start-up (see above)"
    fi
    http_ok "$3" && return 0
    sleep 0.1
  done
  die "$1 did not answer $3 within 30 s"
}
wait_for bot "$BOT_PID" "http://127.0.0.1:$BOT_PORT/healthz"
echo
echo "  Skyddad ID-bot:  http://127.0.0.1:$BOT_PORT/api/messages  (pid $BOT_PID)"

# The Playground binary itself (not npx), so there is exactly one PID per UI to stop.
for ui in $UIS; do
  who="${ui%%:*}"
  port="${ui#*:}"
  config="$PLAYGROUND_DIR/.m365agentsplayground.yml"
  PLAYGROUND_LOG="$PLAYGROUND_DIR/devTools/m365agentsplayground.log"
  name="Anna Lindqvist (region staff)"
  if [ "$who" = admin ]; then
    config="$ADMIN_CONFIG"
    PLAYGROUND_LOG="$PLAYGROUND_DIR/devTools/m365agentsplayground-admin.log"
    name="$ADMIN_NAME (central admin)"
  fi
  (
    cd "$PLAYGROUND_DIR"
    TEAMSAPPTESTER_BROWSER=none M365_AGENTS_PLAYGROUND_CONFIG_PATH="$config" \
      M365_AGENTS_PLAYGROUND_LOGFILE="$PLAYGROUND_LOG" exec "$PLAYGROUND_BIN" \
      -e "http://127.0.0.1:$BOT_PORT/api/messages" -c msteams --disable-telemetry -p "$port"
  ) &
  pid=$!
  PLAYGROUND_PIDS="$PLAYGROUND_PIDS $pid"
  wait_for Playground "$pid" "http://127.0.0.1:$port/"
  echo "  Playground:      http://localhost:$port  as $name  (pid $pid)"
done

channel_hint="Open the channel \"Skyddad identitet – ärenden\" once first"
[ "$PLAYGROUND_AS" = both ] && channel_hint="$channel_hint, as Karin"
cat <<EOF

  Open the URL(s) above in a browser.   Ctrl-C stops everything.
  $channel_hint: the bot learns the channel
  when the Playground installs it there, and then posts every case there as a thread.

EOF

# Stay until one of them exits (or Ctrl-C); then stop the rest.
all_running() {
  local pid
  for pid in $BOT_PID $PLAYGROUND_PIDS; do
    kill -0 "$pid" 2>/dev/null || return 1
  done
}
while all_running; do
  sleep 1
done
sleep 0.3  # on Ctrl-C the children may die first; let the INT trap run before blaming one
echo "playground: the $(kill -0 "$BOT_PID" 2>/dev/null && echo Playground || echo bot) exited; stopping the rest."
