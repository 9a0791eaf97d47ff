# Sourced by Scripts/demo (--erp tryton) and Scripts/bench (tryton): a real Tryton 8.2 on loopback.
#
# The venv and the prepared database are cached (Scripts/erp.d/tryton-install and tryton-setup), in
# $PLANTSYNC_TRYTON_CACHE, else the tests' /var/cache/plantsync-tests/tryton-8.2 when writable, else
# ~/.cache/plantsync/tryton-8.2. Each trytond runs on a copy of the prepared database.

TRYTON_ORDERS=WO-4711:FG-100:100,WO-4712:FG-100:50,WO-4713:FG-100:10
TRYTON_ERP_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../erp.d" && pwd)"

# tryton_prepare: installs (the first time: ~1 min from PyPI) and prepares the cached database; sets
# TRYTON_VENV and TRYTON_PREPARED. Returns 2 when trytond cannot be installed here (no PyPI), 1 on
# another failure, with the reason on stderr.
tryton_prepare() {
    local cache="${PLANTSYNC_TRYTON_CACHE:-/var/cache/plantsync-tests/tryton-8.2}" status=0
    if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
        cache="${XDG_CACHE_HOME:-$HOME/.cache}/plantsync/tryton-8.2"
        mkdir -p "$cache"
    fi
    TRYTON_VENV="$cache/venv"
    TRYTON_PREPARED="$cache/db"
    "$TRYTON_ERP_SCRIPTS/tryton-install" "$TRYTON_VENV" || status=$?
    if [ "$status" -eq 2 ]; then
        echo "pip cannot install trytond 8.2 here (no PyPI?)" >&2
        return 2
    elif [ "$status" -ne 0 ]; then
        echo "Scripts/erp.d/tryton-install $TRYTON_VENV failed (exit $status)" >&2
        return 1
    fi
    "$TRYTON_ERP_SCRIPTS/tryton-setup" "$TRYTON_VENV" "$TRYTON_PREPARED" --orders "$TRYTON_ORDERS" >/dev/null || {
        echo "Scripts/erp.d/tryton-setup failed" >&2
        return 1
    }
}

# tryton_start DIR: starts trytond on a free port with a fresh copy of the prepared database in DIR (after
# tryton_prepare) and waits until it answers a login; sets TRYTON_PID, TRYTON_URL, TRYTON_PASSWORD_FILE.
tryton_start() {
    local dir="$1" port
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$TRYTON_PREPARED/plantsync.sqlite" "$TRYTON_PREPARED/admin.password" "$dir/"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    printf '[database]\nuri = sqlite://\npath = %s\n[web]\nlisten = 127.0.0.1:%s\n' "$dir" "$port" >"$dir/trytond.conf"
    "$TRYTON_VENV/bin/trytond" -c "$dir/trytond.conf" -d plantsync >/dev/null 2>"$dir/trytond.log" &
    TRYTON_PID=$!
    TRYTON_URL="http://127.0.0.1:$port"
    TRYTON_PASSWORD_FILE="$dir/admin.password"
    # Ready when it answers a login: a second or two.
    python3 - "$TRYTON_URL" "$TRYTON_PASSWORD_FILE" <<'PY' || tryton_failed "$dir"
import json, sys, time, urllib.request
url, password = sys.argv[1], open(sys.argv[2]).read().strip()
body = json.dumps({"id": 1, "method": "common.db.login", "params": ["admin", {"password": password}, "en"]})
deadline = time.monotonic() + 60
while True:
    try:
        request = urllib.request.Request(url + "/plantsync/rpc/", data=body.encode(),
                                         headers={"Content-Type": "application/json"})
        if json.load(urllib.request.urlopen(request, timeout=5)).get("result"):
            sys.exit(0)
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.2)
PY
}

# Stops the trytond that did not come up, and says where its log is.
tryton_failed() {
    kill "$TRYTON_PID" 2>/dev/null || true
    wait "$TRYTON_PID" 2>/dev/null || true
    echo "trytond did not answer within 60 s; see $1/trytond.log" >&2
    return 1
}

# tryton_connector_yaml [KEY: VALUE…]: a hub.yaml erp section with one tryton connector posting to
# $TRYTON_URL, plant P100 → company 1, warehouse WH; extra connector settings (e.g. "retry_max: 10s")
# as arguments. The caller appends the tryton mapping (products:, locations:, units:) at 8 spaces.
tryton_connector_yaml() {
    printf 'erp:\n  connectors:\n    - name: tryton\n      type: tryton\n      streams: [production, inventory]\n'
    local setting
    for setting in "$@"; do printf '      %s\n' "$setting"; done
    cat <<YAML
      tryton:
        url: $TRYTON_URL
        allow_plain_http: true
        database: plantsync
        user: admin
        password_file: $TRYTON_PASSWORD_FILE
        plants:
          - plant: P100
            company: 1
            warehouse: WH
YAML
}
