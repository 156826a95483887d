# Sourced by the scripts: start what the tests need when stopped, install it from
# Debian's packages when missing. Needs root (or sudo) only when installing.
sudo_if() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  sudo_if env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo_if env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

PG_URL="postgres://postgres@127.0.0.1:5432/test"

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed: installing it"
    apt_install postgresql postgresql-client
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "PostgreSQL is not running: starting it"
    local v; v=$(ls /etc/postgresql | sort -V | tail -n1)
    sudo_if pg_ctlcluster --skip-systemctl-redirect "$v" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # A fresh install asks for passwords on TCP; give the test user one then.
  if ! psql "postgres://postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    sudo_if su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'kechuang-test'\"" >/dev/null
    PG_URL="postgres://postgres:kechuang-test@127.0.0.1:5432/test"
  fi
  local admin="${PG_URL%/test}/postgres"
  if ! psql "$admin" -Atqc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
    psql "$admin" -qc 'CREATE DATABASE test' >/dev/null
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "Chromium is not installed: installing Debian's chromium"
    apt_install chromium chromium-driver
  fi
}

ensure_e2e_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  if [ ! -d tests/e2e/node_modules/playwright-core ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund)
  fi
}

# The report's PDF embeds a CJK font (fonts-wqy-microhei, Apache-2.0 / GPLv3 with
# the font exception) and its tests read the PDF back with poppler-utils.
ensure_report_tools() {
  local missing=()
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing what the report tests need: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# The line's pedals and PLC signals go through an MQTT broker: Debian's Mosquitto
# on 127.0.0.1:1883.
ensure_mosquitto() {
  if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
    echo "Mosquitto is not installed: installing it"
    apt_install mosquitto
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
    echo "Mosquitto is not running: starting it"
    local bin; bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    # TCP_NODELAY on the broker's sockets: with Nagle on, a pedal and its release
    # answer wait for the peer's delayed ACK (40 ms); see docs/line.md.
    local conf; conf=$(mktemp --suffix=.conf)
    printf 'listener 1883 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n' > "$conf"
    chmod 644 "$conf"
    sudo_if "$bin" -d -c "$conf" || "$bin" -d -c "$conf"
    for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null && break; sleep 0.2; done
  fi
}
