# Sourced by Scripts/bench: `Scripts/bench sync`, agent → hub sync on loopback (release build).
#
#   drain     BENCH_SYNC_EVENTS (1,000,000) synthetic events (~180 bytes canonical, 3 streams) journaled
#             while the hub is down (plantsync-testkit journal-prefill), then hub and agent start, both
#             durability full; events/s from the agent's start to the last acknowledgement it recorded
#             (the journal's acked_at), TLS and plain. Baseline: the same batches POSTed over plain
#             loopback HTTP to a sink that reads and answers 200 without journal or hub logic.
#   latency   a file_drop input fed CSV files of BENCH_SYNC_DROP_ROWS (100) rows at BENCH_SYNC_RATE (5,000)
#             rows/s for BENCH_SYNC_SECONDS (20), TLS: capture (the file renamed into the folder) to
#             acknowledgement (first seen recorded in the agent's journal, polled every ms).
#   memory    the agent's VmHWM over the drain, its VmRSS at the end of the steady latency run.
#   hub load  BENCH_SYNC_AGENTS (500) simulated agents (one keep-alive connection and plant each, plain
#             HTTP: the testkit links no TLS) posting 10-event batches back to back; events/s and p99.
#             Baseline: the same load against the sink.
# Also reported: CPU seconds the agent and hub used per drain (µs/event), which the shared box's load
# does not distort the way it distorts wall-clock rates; and the load average during the run.

# Builds release plantsync as the .deb ships it (Swift runtime and Foundation linked statically, in its
# own scratch directory so the two link modes do not rebuild each other) and plantsync-testkit; sets
# PLANTSYNC and TESTKIT. The static link is what a gateway runs, and it keeps about 6 MB of shared
# library pages out of the agent's RSS.
sync_binaries() {
    local static=(-c release --static-swift-stdlib --scratch-path "$PACKAGE_DIR/.build-static")
    (cd "$PACKAGE_DIR" && swift build "${static[@]}" --product plantsync >&2 \
        && swift build -c release --product plantsync-testkit >&2)
    PLANTSYNC="$(cd "$PACKAGE_DIR" && swift build "${static[@]}" --show-bin-path)/plantsync"
    TESTKIT="$(cd "$PACKAGE_DIR" && swift build -c release --show-bin-path)/plantsync-testkit"
}

# Waits (up to 30 s) for a line matching $2 in log file $1 and prints it.
sync_wait_log() {
    local file="$1" pattern="$2" i
    for ((i = 0; i < 1500; i++)); do
        if grep -m1 -E "$pattern" "$file" 2>/dev/null; then return 0; fi
        sleep 0.02
    done
    echo "no line matching '$pattern' in $file:" >&2
    cat "$file" >&2
    return 1
}

# Stops a process started here (SIGTERM, then waits).
sync_stop() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Writes hub.yaml in $1 for transport $2 (tls|plain) and the plants listed in $1/plants ("ID DIGEST" lines).
sync_hub_config() {
    local dir="$1" transport="$2"
    {
        echo "listen: 127.0.0.1:0"
        if [ "$transport" = tls ]; then
            printf 'tls:\n  cert_file: %s\n  key_file: %s\n' "$SYNC_PKI/hub.crt" "$SYNC_PKI/hub.key"
        else
            echo "allow_plain_http: true"
        fi
        printf 'data_dir: %s/hubdata\ndurability: full\n' "$dir"
        printf 'limits:\n  max_connections: 2048\nplants:\n'
        while read -r id digest; do printf '  - id: %s\n    token_sha256: %s\n' "$id" "$digest"; done <"$dir/plants"
    } >"$dir/hub.yaml"
}

# Starts the hub in $1; sets HUB_PID and HUB_PORT.
sync_start_hub() {
    local dir="$1" line
    "$PLANTSYNC" hub --config "$dir/hub.yaml" 2>"$dir/hub.log" &
    HUB_PID=$!
    line="$(sync_wait_log "$dir/hub.log" 'hub listening')"
    HUB_PORT="$(sed -n 's/.*address=127\.0\.0\.1:\([0-9]*\).*/\1/p' <<<"$line")"
}

# Writes agent.yaml in $1: hub on port $2 over $3 (tls|plain), plus any extra lines on stdin (inputs).
sync_agent_config() {
    local dir="$1" port="$2" transport="$3" scheme=https extra=""
    [ "$transport" = plain ] && scheme=http
    [ "$transport" = plain ] && extra="  allow_plain_http: true"
    {
        printf 'plant: P100\ndata_dir: %s/agent\ndurability: full\nlog:\n  level: info\n' "$dir"
        printf 'hub:\n  url: %s://127.0.0.1:%s\n  token_file: %s\n' "$scheme" "$port" "$SYNC_PKI/agent.token"
        [ -n "$extra" ] && echo "$extra"
        [ "$transport" = tls ] && printf '  ca_file: %s\n' "$SYNC_PKI/ca.pem"
        # The forwarder's default catch-up limit (ForwarderSettings: 20,000 events/s) would cap the drain.
        printf '  catch_up_rate: 10000000\n  max_batch_events: %s\n  max_batch_bytes: %s\n' \
            "$SYNC_BATCH_EVENTS" "$SYNC_BATCH_BYTES"
        printf 'status:\n  listen: 127.0.0.1:0\n'
        cat
    } >"$dir/agent.yaml"
}

# key=value from a testkit result line.
sync_field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

# One drain over transport $1 from the prefilled journal; sets DRAIN_* figures.
sync_drain() {
    local transport="$1" dir
    new_scratch
    dir="$SCRATCH_DIR"
    cp "$SYNC_PKI/plants.one" "$dir/plants"
    sync_hub_config "$dir" "$transport"
    sync_start_hub "$dir"
    cp -r "$SYNC_PREFILL" "$dir/agent"
    sync_agent_config "$dir" "$HUB_PORT" "$transport" </dev/null
    local t0 result
    t0="$(date +%s%3N)"
    "$PLANTSYNC" agent --config "$dir/agent.yaml" 2>"$dir/agent.log" &
    local agent=$!
    result="$("$TESTKIT" wait-drained --journal "$dir/agent/journal.sqlite" --count "$SYNC_EVENTS" --pid "$agent" \
        --hub-pid "$HUB_PID" --timeout-s 900)" || {
        echo "drain ($transport) did not finish: $result" >&2
        tail -5 "$dir/agent.log" "$dir/hub.log" >&2
    }
    sync_stop "$agent"
    sync_stop "$HUB_PID"
    local last
    last="$(sync_field "$result" last_acked_at_ms)"
    DRAIN_RATE="$(awk -v n="$SYNC_EVENTS" -v a="$t0" -v b="${last:-0}" 'BEGIN { printf "%d", (b > a) ? n * 1000 / (b - a) : 0 }')"
    DRAIN_HWM="$(sync_field "$result" agent_hwm_kb)"
    DRAIN_AGENT_US="$(awk -v c="$(sync_field "$result" agent_cpu_s)" -v n="$SYNC_EVENTS" 'BEGIN { printf "%.2f", c * 1e6 / n }')"
    DRAIN_HUB_US="$(awk -v c="$(sync_field "$result" hub_cpu_s)" -v n="$SYNC_EVENTS" 'BEGIN { printf "%.2f", c * 1e6 / n }')"
    rm -rf "$dir/agent" "$dir/hubdata"
}

# Best of SYNC_REPEATS drains over $1; sets BEST_* figures.
sync_best_drain() {
    local transport="$1" r
    BEST_RATE=0 BEST_HWM=0 BEST_AGENT_US=0 BEST_HUB_US=0
    for ((r = 0; r < SYNC_REPEATS; r++)); do
        sync_drain "$transport"
        printf '  drain %s run %s: %s ev/s, agent VmHWM %s kB, CPU agent %s µs/ev, hub %s µs/ev\n' \
            "$transport" "$((r + 1))" "$DRAIN_RATE" "$DRAIN_HWM" "$DRAIN_AGENT_US" "$DRAIN_HUB_US" >&2
        if ((DRAIN_RATE > BEST_RATE)); then
            BEST_RATE=$DRAIN_RATE BEST_HWM=$DRAIN_HWM BEST_AGENT_US=$DRAIN_AGENT_US BEST_HUB_US=$DRAIN_HUB_US
        fi
    done
}

bench_sync() {
    ensure_packages openssl
    local SYNC_EVENTS="${BENCH_SYNC_EVENTS:-1000000}" SYNC_REPEATS="${BENCH_SYNC_REPEATS:-1}"
    local SYNC_RATE="${BENCH_SYNC_RATE:-5000}" SYNC_SECONDS="${BENCH_SYNC_SECONDS:-20}"
    local SYNC_AGENTS="${BENCH_SYNC_AGENTS:-500}" SYNC_BATCH_EVENTS="${BENCH_SYNC_BATCH_EVENTS:-1000}"
    local SYNC_BATCH_BYTES="${BENCH_SYNC_BATCH_BYTES:-1MiB}" SYNC_DROP_ROWS="${BENCH_SYNC_DROP_ROWS:-100}"
    local PLANTSYNC TESTKIT HUB_PID HUB_PORT
    sync_binaries
    local load_before
    load_before="$(cut -d' ' -f1 /proc/loadavg)"

    # Certificates and tokens, made here.
    new_scratch
    local SYNC_PKI="$SCRATCH_DIR"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$SYNC_PKI/ca.key" \
        -out "$SYNC_PKI/ca.pem" -days 2 -subj "/CN=bench CA" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$SYNC_PKI/hub.key" \
        -out "$SYNC_PKI/hub.csr" -subj "/CN=hub" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$SYNC_PKI/hub.ext"
    openssl x509 -req -in "$SYNC_PKI/hub.csr" -CA "$SYNC_PKI/ca.pem" -CAkey "$SYNC_PKI/ca.key" -set_serial 1 \
        -days 2 -out "$SYNC_PKI/hub.crt" -extfile "$SYNC_PKI/hub.ext" 2>/dev/null
    chmod 600 "$SYNC_PKI/hub.key"
    local enrol
    enrol="$("$PLANTSYNC" hub add-plant P100)"
    sed -n 2p <<<"$enrol" | tr -d '\n' >"$SYNC_PKI/agent.token"
    chmod 600 "$SYNC_PKI/agent.token"
    echo "P100 $(sed -n 's/.*token_sha256: //p' <<<"$enrol")" >"$SYNC_PKI/plants.one"
    local i id
    : >"$SYNC_PKI/plants.many"
    for ((i = 1; i <= SYNC_AGENTS; i++)); do
        id="$(printf 'P%04d' "$i")"
        echo "$id $(printf '%s' "bench-token-$id" | sha256sum | cut -c1-64)" >>"$SYNC_PKI/plants.many"
    done

    printf '\nsync: release build, loopback, agent and hub durability full; box: %s cpus, load %s\n' \
        "$(nproc)" "$load_before"
    # The prefilled journal (not timed), copied for every drain.
    local SYNC_PREFILL="$SYNC_PKI/prefill"
    local prefill body_bytes
    prefill="$("$TESTKIT" journal-prefill --data-dir "$SYNC_PREFILL" --plant P100 --count "$SYNC_EVENTS")"
    echo "  $prefill" >&2
    body_bytes="$(sync_field "$prefill" mean_body_bytes)"

    sync_best_drain tls
    local tls_rate=$BEST_RATE tls_hwm=$BEST_HWM tls_agent_us=$BEST_AGENT_US tls_hub_us=$BEST_HUB_US
    sync_best_drain plain
    local plain_rate=$BEST_RATE plain_agent_us=$BEST_AGENT_US plain_hub_us=$BEST_HUB_US

    # Baseline: the sink, and the same batches over plain loopback HTTP.
    local sink_log sink_pid sink_port base_drain=0 r out
    new_scratch
    sink_log="$SCRATCH_DIR/sink.log"
    "$TESTKIT" http-sink >"$sink_log" &
    sink_pid=$!
    sink_port="$(sync_wait_log "$sink_log" 'http-sink port=' | sed 's/.*port=//')"
    for ((r = 0; r < SYNC_REPEATS; r++)); do
        out="$("$TESTKIT" bench-post --port "$sink_port" --mode drain --count "$SYNC_EVENTS" --batch "$SYNC_BATCH_EVENTS")"
        local rate
        rate="$(sync_field "$out" events_per_s)"
        ((rate > base_drain)) && base_drain=$rate
    done

    # Latency at a steady rate through a file_drop input (files of SYNC_DROP_ROWS rows renamed in), TLS.
    # Not scanner_tcp: it journals one scan per durable commit, one at a time, so with durability
    # full it takes a few hundred scans/s, far below 5,000/s.
    local dir
    new_scratch
    dir="$SCRATCH_DIR"
    mkdir -p "$dir/drop" "$dir/staging"
    cp "$SYNC_PKI/plants.one" "$dir/plants"
    sync_hub_config "$dir" tls
    sync_start_hub "$dir"
    sync_agent_config "$dir" "$HUB_PORT" tls <<INPUTS
inputs:
  - name: goods-in
    type: file_drop
    directory: $dir/drop
    event: inventory_movement
    settle_time: 0s
    columns:
      occurred_at: time
      kind: "=receipt"
      plant: "=P100"
      item: item
      quantity: qty
      unit: "=PCE"
      to_location: "=WE01"
INPUTS
    "$PLANTSYNC" agent --config "$dir/agent.yaml" 2>"$dir/agent.log" &
    local agent=$!
    sync_wait_log "$dir/agent.log" 'msg=running' >/dev/null
    local latency
    latency="$("$TESTKIT" bench-drop-latency --folder "$dir/drop" --staging "$dir/staging" \
        --journal "$dir/agent/journal.sqlite" --pid "$agent" --rate "$SYNC_RATE" --seconds "$SYNC_SECONDS" \
        --rows "$SYNC_DROP_ROWS" --warmup 2)" || echo "latency run: $latency" >&2
    sync_stop "$agent"
    sync_stop "$HUB_PID"
    local p50 p99 steady_rss
    p50="$(sync_field "$latency" p50_ms)"
    p99="$(sync_field "$latency" p99_ms)"
    steady_rss="$(sync_field "$latency" agent_rss_kb)"

    # The hub under many agents (plain), and the same load against the sink.
    new_scratch
    dir="$SCRATCH_DIR"
    cp "$SYNC_PKI/plants.many" "$dir/plants"
    sync_hub_config "$dir" plain
    sync_start_hub "$dir"
    local hub_load sink_load
    hub_load="$("$TESTKIT" bench-post --port "$HUB_PORT" --mode agents --connections "$SYNC_AGENTS" --batch 10 \
        --seconds 10 --warmup 2)"
    sync_stop "$HUB_PID"
    sink_load="$("$TESTKIT" bench-post --port "$sink_port" --mode agents --connections "$SYNC_AGENTS" --batch 10 \
        --seconds 10 --warmup 2)"
    sync_stop "$sink_pid"
    local load_after
    load_after="$(cut -d' ' -f1 /proc/loadavg)"

    # The table.
    local rows=() pass=true
    sync_row() { # figure value baseline ratio target verdict
        rows+=("$(printf '%-44s %12s %12s %7s  %s' "$1" "$2" "$3" "$4" "$5")")
    }
    sync_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
    sync_verdict() { if [ "$1" = 1 ]; then echo "ok ($2)"; else echo "MISSED ($2)"; fi; }
    local ok
    ok=$(awk -v r="$tls_rate" 'BEGIN { print (r >= 150000) ? 1 : 0 }')
    sync_row "drain TLS, events/s" "$tls_rate" "$base_drain" "$(sync_ratio "$tls_rate" "$base_drain")" \
        "$(sync_verdict "$ok" "≥150,000 ev/s")"
    sync_row "drain plain, events/s" "$plain_rate" "$base_drain" "$(sync_ratio "$plain_rate" "$base_drain")" "-"
    ok=$(awk -v p="$p99" 'BEGIN { print (p != "" && p <= 25) ? 1 : 0 }')
    sync_row "latency p50 at ${SYNC_RATE}/s TLS (file_drop), ms" "$p50" "-" "-" "-"
    sync_row "latency p99 at ${SYNC_RATE}/s TLS (file_drop), ms" "$p99" "-" "-" "$(sync_verdict "$ok" "≤25 ms")"
    ok=$(awk -v k="$tls_hwm" 'BEGIN { print (k > 0 && k <= 65536) ? 1 : 0 }')
    sync_row "agent peak RSS during drain, MB" "$((tls_hwm / 1024))" "-" "-" "$(sync_verdict "$ok" "≤64 MB")"
    ok=$(awk -v k="$steady_rss" 'BEGIN { print (k > 0 && k <= 30720) ? 1 : 0 }')
    sync_row "agent RSS at steady ${SYNC_RATE}/s, MB" "$((steady_rss / 1024))" "-" "-" "$(sync_verdict "$ok" "≤30 MB")"
    local hub_rate sink_rate hub_p99 sink_p99
    hub_rate="$(sync_field "$hub_load" events_per_s)"
    sink_rate="$(sync_field "$sink_load" events_per_s)"
    hub_p99="$(sync_field "$hub_load" p99_ms)"
    sink_p99="$(sync_field "$sink_load" p99_ms)"
    sync_row "hub, $SYNC_AGENTS agents plain, events/s" "$hub_rate" "$sink_rate" "$(sync_ratio "$hub_rate" "$sink_rate")" "-"
    sync_row "hub, $SYNC_AGENTS agents plain, p99 ms" "$hub_p99" "$sink_p99" "$(sync_ratio "$hub_p99" "$sink_p99")" "-"
    sync_row "CPU per event, drain TLS: agent / hub, µs" "$tls_agent_us / $tls_hub_us" "-" "-" "-"
    sync_row "CPU per event, drain plain: agent / hub, µs" "$plain_agent_us / $plain_hub_us" "-" "-" "-"

    grep -q MISSED <<<"${rows[*]}" && pass=false
    printf '%-44s %12s %12s %7s  %s\n' figure value baseline ratio target
    printf '%s\n' "${rows[@]}"
    printf 'events %s of %s bytes (canonical, mean); batches of %s events; %s run(s) each, best kept; load %s → %s\n' \
        "$SYNC_EVENTS" "$body_bytes" "$SYNC_BATCH_EVENTS" "$SYNC_REPEATS" "$load_before" "$load_after"
    printf 'baselines: drain = same batches POSTed to a sink over plain loopback HTTP (no journal, no hub); hub = same load against the sink\n'
    printf 'hub load: %s\n' "$(sync_field "$hub_load" refused | sed 's/^/refused /')"

    mkdir -p "$RESULTS"
    {
        printf '{\n  "benchmark": "sync",\n  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        printf '  "machine": {"cpus": %s, "loadavg_before": %s, "loadavg_after": %s},\n' "$(nproc)" "$load_before" "$load_after"
        printf '  "durability": "full",\n  "events": %s,\n  "mean_event_bytes": %s,\n  "batch_events": %s,\n' \
            "$SYNC_EVENTS" "${body_bytes:-null}" "$SYNC_BATCH_EVENTS"
        printf '  "repeats_best_of": %s,\n' "$SYNC_REPEATS"
        printf '  "drain": {"tls_events_per_s": %s, "plain_events_per_s": %s, "baseline_http_events_per_s": %s,\n' \
            "$tls_rate" "$plain_rate" "$base_drain"
        printf '            "agent_cpu_us_per_event_tls": %s, "hub_cpu_us_per_event_tls": %s,\n' "$tls_agent_us" "$tls_hub_us"
        printf '            "agent_cpu_us_per_event_plain": %s, "hub_cpu_us_per_event_plain": %s,\n' \
            "$plain_agent_us" "$plain_hub_us"
        printf '            "agent_peak_rss_kb": %s, "target_events_per_s_tls": 150000, "target_peak_rss_kb": 65536},\n' "$tls_hwm"
        printf '  "latency": {"rate_per_s": %s, "seconds": %s, "transport": "tls", "p50_ms": %s, "p99_ms": %s,\n' \
            "$SYNC_RATE" "$SYNC_SECONDS" "${p50:-null}" "${p99:-null}"
        printf '              "p999_ms": %s, "max_ms": %s, "agent_rss_kb": %s, "target_p99_ms": 25, "target_rss_kb": 30720,\n' \
            "$(sync_field "$latency" p999_ms)" "$(sync_field "$latency" max_ms)" "${steady_rss:-null}"
        printf '              "input": "file_drop, %s rows per file", "measured_from": "file renamed into the folder",\n' \
            "$SYNC_DROP_ROWS"
        printf '              "measured_to": "acknowledgement recorded in the agent journal (upper bound of the 200)"},\n'
        printf '  "hub_load": {"agents": %s, "batch_events": 10, "transport": "plain", "events_per_s": %s, "p50_ms": %s,\n' \
            "$SYNC_AGENTS" "${hub_rate:-0}" "$(sync_field "$hub_load" p50_ms)"
        printf '               "p99_ms": %s, "baseline_events_per_s": %s, "baseline_p99_ms": %s, "refused": "%s"},\n' \
            "${hub_p99:-null}" "${sink_rate:-0}" "${sink_p99:-null}" "$(sync_field "$hub_load" refused)"
        printf '  "pass": %s\n}\n' "$pass"
    } >"$RESULTS/sync.json"
    echo "wrote $RESULTS/sync.json"
    [ "$pass" = true ] || MISSED=1
}
