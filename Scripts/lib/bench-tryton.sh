# Sourced by Scripts/bench: `Scripts/bench tryton`, postings/s of the hub's tryton connector into a real
# Tryton 8.2 (trytond on SQLite, loopback; release build of plantsync).
#
#   BENCH_TRYTON_RECEIPTS (300) inventory receipts and BENCH_TRYTON_CONFIRMATIONS (100) production
#   confirmations are journaled by an agent (two file_drop inputs) and stored by a hub without ERP (not
#   timed). Then the hub starts again with a tryton connector (one worker, as shipped) on a fresh copy of
#   the prepared Tryton database; the clock runs from its start until its /metrics count every event
#   delivered. Each posting is 3 Tryton calls: the idempotency search, then create + do (receipt) or the
#   order's search + write (confirmation).
#   Baseline, same run, fresh copy of the same database: Scripts/lib/tryton-baseline.py making the same
#   postings straight over JSON-RPC with the fewest calls (create + do per receipt, one write per
#   confirmation): no idempotency search, no outbox, no hub.
# Best of BENCH_TRYTON_REPEATS (1) runs each. Skipped, with the reason, when trytond cannot be installed.

# Journals and stores the events once (hub without ERP); leaves the hub store in $1/hub.
tryton_bench_events() {
    local dir="$1" receipts="$2" confirmations="$3" enrol token digest agent
    enrol="$("$PLANTSYNC" hub add-plant P100)"
    token="$(sed -n 2p <<<"$enrol")"
    digest="$(sed -n 's/.*token_sha256: //p' <<<"$enrol")"
    printf '%s' "$token" >"$dir/agent.token"
    chmod 600 "$dir/agent.token"
    printf 'listen: 127.0.0.1:0\nallow_plain_http: true\ndata_dir: %s/hub\nplants:\n  - id: P100\n    token_sha256: %s\n' \
        "$dir" "$digest" >"$dir/hub.plain.yaml"
    cp "$dir/hub.plain.yaml" "$dir/hub.yaml"
    sync_start_hub "$dir" >/dev/null
    mkdir -p "$dir/drop/inventory" "$dir/drop/production" "$dir/staging"
    cat >"$dir/agent.yaml" <<YAML
plant: P100
data_dir: $dir/agent
hub:
  url: http://127.0.0.1:$HUB_PORT
  allow_plain_http: true
  token_file: $dir/agent.token
status:
  listen: 127.0.0.1:0
inputs:
  - name: inventory
    type: file_drop
    directory: $dir/drop/inventory
    event: inventory_movement
    settle_time: 0s
    poll_interval: 200ms
    columns:
      occurred_at: time
      kind: "=receipt"
      plant: "=P100"
      item: "=MAT-200"
      quantity: qty
      unit: "=KG"
      to_location: "=A-01-02"
  - name: production
    type: file_drop
    directory: $dir/drop/production
    event: production_confirmation
    default_unit: PCE
    settle_time: 0s
    poll_interval: 200ms
    columns:
      plant: "=P100"
      line: "=L3"
      order: order
      operation: "=10"
      yield: yield
      window_start: start
      window_end: end
YAML
    "$PLANTSYNC" agent --config "$dir/agent.yaml" 2>"$dir/agent.log" &
    agent=$!
    # One CSV per stream, written aside and renamed in (whole files only); windows a minute apart.
    python3 - "$dir/staging" "$receipts" "$confirmations" <<'PY'
import sys, time
staging, receipts, confirmations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
# In the past: Tryton refuses to do a move dated after its own today (UserWarning effective_date_future).
base = int(time.time()) // 86400 * 86400 - 2 * 86400
stamp = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
with open(f"{staging}/inventory.csv", "w") as f:
    f.write("time,qty\n" + "".join(f"{stamp(base + n)},{n % 20}.5\n" for n in range(1, receipts + 1)))
with open(f"{staging}/production.csv", "w") as f:
    f.write("order,yield,start,end\n" + "".join(
        f"WO-{4711 + n % 3},{n % 9 + 1},{stamp(base + 60 * n)},{stamp(base + 60 * n + 60)}\n"
        for n in range(1, confirmations + 1)))
PY
    mv "$dir/staging/inventory.csv" "$dir/drop/inventory/receipts.csv"
    mv "$dir/staging/production.csv" "$dir/drop/production/confirmations.csv"
    # Stored at the hub: every event journaled and acknowledged.
    local i done=0
    for ((i = 0; i < 1200; i++)); do
        if "$PLANTSYNC" status --data-dir "$dir/agent" --json 2>/dev/null | python3 -c '
import json, sys
streams = {s["stream"]: s for s in json.load(sys.stdin)["streams"]}
want = {"inventory": int(sys.argv[1]), "production": int(sys.argv[2])}
sys.exit(0 if all(streams.get(k, {}).get("last_seq") == n and streams[k]["pending"] == 0 for k, n in want.items()) else 1)
' "$receipts" "$confirmations"; then
            done=1
            break
        fi
        sleep 0.1
    done
    sync_stop "$agent"
    sync_stop "$HUB_PID"
    if ((done == 0)); then
        echo "tryton: the hub did not store the $receipts + $confirmations events; see $dir/agent.log" >&2
        return 1
    fi
}

# One timed run of the hub's connector against a fresh Tryton; prints its postings/s.
tryton_bench_hub_run() {
    local dir="$1" total="$2" t0 out
    tryton_start "$dir/tryton" || return 1
    {
        cat "$dir/hub.plain.yaml"
        tryton_connector_yaml
        printf '        products:\n          MAT-200: RM-200\n        locations:\n          A-01-02: A-01\n'
        printf '        units:\n          KG: kg\n          PCE: u\n'
    } >"$dir/hub.yaml"
    rm -rf "$dir/hub.run"
    cp -r "$dir/hub" "$dir/hub.run"
    sed -i "s|data_dir: $dir/hub\$|data_dir: $dir/hub.run|" "$dir/hub.yaml"
    t0="$(python3 -c 'import time; print(time.monotonic())')"
    sync_start_hub "$dir" >/dev/null
    out="$(python3 - "$HUB_PORT" "$total" "$t0" <<'PY'
import sys, time, urllib.request
port, total, t0 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
while time.monotonic() - t0 < 1800:
    lines = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode().splitlines()
    parked = [l for l in lines if l.startswith("plantsync_hub_erp_parked{")]
    if parked:
        sys.exit(f"parked: {parked}")
    delivered = sum(int(float(l.rsplit(" ", 1)[1])) for l in lines
                    if l.startswith('plantsync_hub_erp_delivered_events_total{connector="tryton"'))
    if delivered >= total:
        print(f"{total / (time.monotonic() - t0):.1f}")
        sys.exit(0)
    time.sleep(0.05)
sys.exit("not delivered within 30 min")
PY
)" || {
        echo "tryton: the hub's run failed" >&2
        "$PLANTSYNC" hub erp-errors --config "$dir/hub.yaml" >&2 || tail -5 "$dir/hub.log" >&2
        out=""
    }
    sync_stop "$HUB_PID"
    kill "$TRYTON_PID" 2>/dev/null; wait "$TRYTON_PID" 2>/dev/null || true
    [ -n "$out" ] && echo "$out"
}

# One baseline run against a fresh Tryton; prints its postings/s.
tryton_bench_baseline_run() {
    local dir="$1" receipts="$2" confirmations="$3" out
    tryton_start "$dir/tryton" || return 1
    out="$(python3 "$ROOT/Scripts/lib/tryton-baseline.py" "$TRYTON_URL" "$TRYTON_PASSWORD_FILE" "$receipts" "$confirmations")"
    kill "$TRYTON_PID" 2>/dev/null; wait "$TRYTON_PID" 2>/dev/null || true
    echo "  $out" >&2
    sed -n 's/.*postings_per_s=\([0-9.]*\).*/\1/p' <<<"$out"
}

bench_tryton() {
    local receipts="${BENCH_TRYTON_RECEIPTS:-300}" confirmations="${BENCH_TRYTON_CONFIRMATIONS:-100}"
    local repeats="${BENCH_TRYTON_REPEATS:-1}" PLANTSYNC TESTKIT HUB_PID HUB_PORT status=0
    local TRYTON_VENV TRYTON_PREPARED TRYTON_PID TRYTON_URL TRYTON_PASSWORD_FILE
    ensure_packages python3-venv
    tryton_prepare || status=$?
    if ((status != 0)); then
        echo "tryton: skipped (no Tryton here, see above)" >&2
        return 0
    fi
    sync_binaries
    new_scratch
    local dir="$SCRATCH_DIR" total=$((receipts + confirmations)) best=0 base=0 r rate
    tryton_bench_events "$dir" "$receipts" "$confirmations" || { MISSED=1; return 0; }
    local load_before
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    for ((r = 0; r < repeats; r++)); do
        rate="$(tryton_bench_hub_run "$dir" "$total")" || rate=0
        echo "  hub run $((r + 1)): ${rate:-0} postings/s" >&2
        best="$(awk -v a="${rate:-0}" -v b="$best" 'BEGIN { print (a > b) ? a : b }')"
        rate="$(tryton_bench_baseline_run "$dir" "$receipts" "$confirmations")" || rate=0
        base="$(awk -v a="${rate:-0}" -v b="$base" 'BEGIN { print (a > b) ? a : b }')"
    done
    local ratio
    ratio="$(awk -v a="$best" -v b="$base" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
    printf '\ntryton: %s receipts + %s confirmations into Tryton 8.2 (trytond on SQLite, loopback), release hub,\n' \
        "$receipts" "$confirmations"
    printf '        1 worker; best of %s; load average %s before\n' "$repeats" "$load_before"
    printf '%-44s %12s %12s %6s\n' figure postings/s baseline/s ratio
    printf '%-44s %12s %12s %6s\n' "hub tryton connector (3 calls per posting)" "$best" "$base" "$ratio"
    mkdir -p "$RESULTS"
    cat >"$RESULTS/tryton.json" <<JSON
{
  "benchmark": "tryton",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "machine": {"cpus": $(nproc), "load_average_before": "$load_before", "load_average_after": "$(cut -d' ' -f1-3 /proc/loadavg)"},
  "events": {"receipts": $receipts, "confirmations": $confirmations},
  "repeats_best_of": $repeats,
  "note": "hub: the tryton connector, 1 worker, from hub start to the last delivery; baseline: Scripts/lib/tryton-baseline.py, the same postings straight over JSON-RPC without the idempotency search (create + do per receipt, one write per confirmation); each on a fresh copy of the prepared database",
  "figures": [
    {"figure": "hub → Tryton postings ($receipts receipts + $confirmations confirmations)", "value": $best, "unit": "postings/s", "baseline": $base, "ratio": $ratio, "target": "", "meets_target": null}
  ]
}
JSON
    echo "wrote $RESULTS/tryton.json"
}
