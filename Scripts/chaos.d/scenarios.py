"""The chaos scenarios. Each runs producers against a real hub and agent, injects its faults within a time
bound, lets the system settle and hands the end state to the independent checker (check.py).

Each returns a Result: what was injected, what the checker found, and notes for the report."""

import json
import os
import random
import subprocess
import time

import faults
from rig import LINES, STATIONS, ChaosError, Rig, free_port, wait_until


class Result:
    def __init__(self, name):
        self.name, self.started = name, time.monotonic()
        self.injected, self.notes = "", []
        self.verdict, self.summary, self.report = "FAIL", {}, ""
        self.seconds = 0

    def finish(self, passed, summary, report, extra_ok=True):
        self.summary, self.report = summary, report
        self.verdict = "PASS" if passed and extra_ok else "FAIL"
        self.seconds = time.monotonic() - self.started

    def skip(self, reason):
        self.verdict, self.notes = "SKIP", [reason]
        self.seconds = time.monotonic() - self.started


class Profile:
    """Sizes: `full` for Scripts/chaos --full, `short` for CI."""

    def __init__(self, full):
        self.full = full
        self.hub_down_s = 150 if full else 20
        self.agent_kills = 100 if full else 4
        self.hub_kills = 20 if full else 3
        self.phase_s = 40 if full else 12
        self.disk_full_s = 30 if full else 8
        self.fsync_s = 10 if full else 4
        self.clock_phase_s = 30 if full else 0


def producers(rig, seconds, line_rate=20, scan_rate=5, drop_files=None, drop_rows=200, compressed=False):
    """Three lines, two scanners and file drops, all spread over about `seconds`."""
    count = max(20, int(seconds * line_rate))
    start, step = None, None
    if compressed:  # one message per simulated second: `line_rate` times faster than real time
        step = 1000
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - count))
    for line in LINES:
        rig.start_line(line, rate=line_rate, count=count, step_ms=step, start=start,
                       order_every=max(20, count // 6))
    for station in STATIONS:
        rig.start_scanner(station, rate=scan_rate, count=max(5, int(seconds * scan_rate)))
    files = drop_files or max(3, int(seconds / 2))
    rig.start_drops(files=files, rows=drop_rows, rate=files / max(1.0, seconds))


def problem_lines(log):
    """The warning and error lines of an agent log."""
    return [l for l in log.splitlines() if "level=warning" in l or "level=error" in l]


def shows_refusal(status):
    """What in a `plantsync status --json` document says the journal is refusing appends or shedding."""
    found = []
    agent = status.get("agent") or {}
    if agent.get("journal_health") not in (None, "ok"):
        found.append(f"agent.journal_health={agent['journal_health']}")
    for stream in status.get("streams", []):
        if stream.get("state") not in (None, "ok"):
            found.append(f"{stream['stream']}.state={stream['state']}")
    disk = status.get("disk") or {}
    if disk and disk.get("free_bytes") is not None and disk["free_bytes"] < (disk.get("reserve_bytes") or 0):
        found.append("disk.free_bytes below the reserve")
    return found


def new_rig(root, name, binary, rng, **kwargs):
    directory = os.path.join(root, name)
    os.makedirs(directory, exist_ok=True)
    return Rig(directory, binary, rng=rng, **kwargs)


def start_pair(rig, **agent_settings):
    rig.write_hub_config()
    rig.write_agent_config(**agent_settings)
    rig.hub.start()
    rig.agent.start()


def finish(result, rig, allow_scanner_loss=0, windows=False, extra_ok=True):
    passed, report, summary = rig.check(result.name, allow_scanner_loss=allow_scanner_loss, windows=windows)
    result.finish(passed, summary, report, extra_ok)
    return result


# 1 -------------------------------------------------------------------------------------------------


def hub_down(root, binary, profile, rng):
    """The hub is down for a long stretch (hours of plant time compressed into minutes) while three lines,
    two scanners and file drops keep producing; then it comes back and the agent drains the backlog at
    its configured catch-up rate."""
    result = Result("1 hub down, paced drain")
    rig = new_rig(root, "s1-hub-down", binary, rng)
    try:
        rate = 1500
        start_pair(rig, catch_up_rate=rate, max_batch_events=500)
        producers(rig, profile.hub_down_s, line_rate=50, scan_rate=8, drop_files=60, drop_rows=300, compressed=True)
        time.sleep(3)
        rig.hub.stop()
        down = time.monotonic()
        rig.wait_sims(profile.hub_down_s + 120)
        wait_until("the agent read everything", rig.inputs_idle, 60, poll=0.2)
        backlog = sum(s["pending"] for s in rig.streams().values())
        outage = time.monotonic() - down
        rig.hub.start()
        back = time.monotonic()
        wait_until("backlog drained", rig.drained, backlog / rate * 3 + 60, poll=0.25)
        drain_s = time.monotonic() - back
        measured = backlog / drain_s
        # The pacer lets one second's worth through at once; anything clearly above the rate is a failure.
        paced = measured <= rate * 1.10 + rate / max(drain_s, 1)
        result.injected = f"hub down {outage:.0f} s (≈{outage * 50 / 3600:.1f} h plant time)"
        result.notes.append(f"backlog {backlog} events drained in {drain_s:.1f} s = {measured:.0f} ev/s "
                            f"(catch_up_rate {rate}): {'paced' if paced else 'NOT PACED'}")
        rig.settle()
        return finish(result, rig, extra_ok=paced)
    finally:
        rig.cleanup()


# 2 -------------------------------------------------------------------------------------------------


def agent_kills(root, binary, profile, rng):
    """SIGKILL the agent at random moments under load, restart it at once."""
    result = Result("2 agent SIGKILL")
    rig = new_rig(root, "s2-agent-kills", binary, rng)
    try:
        start_pair(rig, max_batch_events=200)
        seconds = profile.agent_kills * 1.6 + 10
        producers(rig, seconds, line_rate=20, scan_rate=5, drop_rows=200)
        while rig.agent.kills < profile.agent_kills:
            time.sleep(rng.uniform(0.05, 1.6))
            rig.agent.kill()
            rig.agent.start()
        rig.wait_sims(seconds + 120)
        kills = rig.agent.kills
        result.injected = f"{kills} agent SIGKILLs"
        rig.settle()
        # Raw TCP scanners have no acknowledgement: a scan written into the socket of an agent that was
        # just killed is lost (Scanner README, Limits). At most a couple per kill and station.
        return finish(result, rig, allow_scanner_loss=2 * kills)
    finally:
        rig.cleanup()


# 3 -------------------------------------------------------------------------------------------------


def hub_kills(root, binary, profile, rng):
    """SIGKILL the hub at random moments under load; it restarts after a random pause."""
    result = Result("3 hub SIGKILL")
    rig = new_rig(root, "s3-hub-kills", binary, rng)
    try:
        start_pair(rig, max_batch_events=200)
        seconds = profile.hub_kills * 3.5 + 5
        producers(rig, seconds, line_rate=30, scan_rate=8, drop_rows=300)
        while rig.hub.kills < profile.hub_kills:
            time.sleep(rng.uniform(0.3, 3.5))
            rig.hub.kill()
            time.sleep(rng.uniform(0, 1.5))
            rig.hub.start()
        rig.wait_sims(seconds + 120)
        result.injected = f"{rig.hub.kills} hub SIGKILLs"
        rig.settle()
        sequence_conflicts = rig.agent.log().count("sequence_conflict")
        if sequence_conflicts:
            result.notes.append(f"{sequence_conflicts} sequence_conflict lines in the agent's log")
        return finish(result, rig, extra_ok=sequence_conflicts == 0)
    finally:
        rig.cleanup()


# 4 -------------------------------------------------------------------------------------------------


def network(root, binary, profile, rng):
    """Agent and hub in two network namespaces joined by a veth pair. Phase 1: a fault proxy cuts requests
    midway and loses responses after the hub committed. Phase 2: the link drops 10% of packets
    (nftables). Phase 3: the link is slow (tc tbf 256 kbit/s). Production runs through all three."""
    result = Result("4 network faults")
    tag = str(os.getpid() % 10000)
    with faults.Namespaces(tag) as ns:
        rig = new_rig(root, "s4-network", binary, rng, agent_ns=ns.agent, hub_ns=ns.hub, hub_address=ns.hub_address)
        proxy = None
        try:
            rig.hub_url_port = free_port()
            proxy = faults.FaultProxy(rig.path("logs"), rig.hub_url_port, prefix=rig.agent_prefix)
            start_pair(rig, max_batch_events=100)
            upstream = f"{ns.hub_address}:{rig.hub_port}"
            proxy.set_plan(upstream, cut_request_every=6, lose_response_every=5)
            seconds = profile.phase_s * 3
            producers(rig, seconds, line_rate=20, scan_rate=5, drop_rows=100)
            time.sleep(profile.phase_s)
            cuts = proxy.counters()
            proxy.set_plan(upstream)
            ns.drop_packets(10)
            time.sleep(profile.phase_s)
            dropped = ns.dropped_packets()
            ns.clear_drops()
            ns.slow_link("256kbit")
            time.sleep(profile.phase_s)
            slow = ns.slow_link_stats()
            rig.wait_sims(120)
            ns.clear_slow_link()
            result.injected = (f"{cuts.get('cut_mid_request', 0)} requests cut, {cuts.get('lost_responses', 0)} "
                               f"responses lost; {dropped} packets dropped; slow link "
                               f"({slow.get('overlimits', 0)} overlimits)")
            rig.settle()
            ok = cuts.get("cut_mid_request", 0) > 0 and cuts.get("lost_responses", 0) > 0 and dropped > 0
            if not ok:
                result.notes.append("a fault was not exercised: " + result.injected)
            return finish(result, rig, extra_ok=ok)
        finally:
            rig.cleanup()
            if proxy:
                proxy.stop()


# 5 -------------------------------------------------------------------------------------------------


def disk_full(root, binary, profile, rng):
    """The agent's data directory is a small tmpfs; a ballast file fills it while production runs, then is
    removed. Nothing may be lost silently, capture must resume, and the shedding must show in status."""
    result = Result("5 disk full")
    rig = new_rig(root, "s5-tmpfs", binary, rng)
    data = rig.path("agent/data")
    try:
        with faults.small_tmpfs(data, "64m"):
            start_pair(rig, data_dir=data, disk_budget="1GiB", disk_reserve="4MiB", raw_telemetry=True)
            seconds = profile.disk_full_s + 30
            producers(rig, seconds, line_rate=20, scan_rate=5, drop_rows=200)
            time.sleep(8)
            ballast, size = faults.fill(data)
            full_at = time.monotonic()
            statuses, refusing, live_refusing = [], [], []
            before = {k: v["last_seq"] for k, v in rig.streams().items()}
            while time.monotonic() - full_at < profile.disk_full_s:
                time.sleep(1)
                status = rig.status()
                statuses.append(status)
                refusing += shows_refusal(status)
                code, health = rig.live("/healthz")
                if code == 503:
                    live_refusing.append(f"/healthz 503 {health.get('status')}: {health.get('reason', '')[:120]}")
                code, live = rig.live("/status")
                if code == 200:
                    live_refusing += [f"/status {f}" for f in shows_refusal(live)]
            during = {k: v["last_seq"] for k, v in rig.streams().items()}
            os.remove(ballast)
            freed = time.monotonic()
            # Capture of business events resumes: the inventory stream grows again.
            resumed = wait_until("capture resumes after the disk has room again",
                                 lambda: rig.streams().get("inventory", {}).get("last_seq", 0) > during.get("inventory", 0),
                                 60, poll=0.5) and time.monotonic() - freed
            rig.wait_sims(seconds + 120)
            logged = problem_lines(rig.agent.log())
            result.injected = f"tmpfs 64 MiB filled ({size >> 20} MiB ballast) for {profile.disk_full_s} s"
            result.notes.append(f"journaled while full: " + ", ".join(
                f"{k} +{during.get(k, 0) - before.get(k, 0)}" for k in sorted(during)))
            result.notes.append(f"capture resumed {resumed:.1f} s after space returned")
            result.notes.append(f"status endpoint while full: {sorted(set(live_refusing))[:3] or 'shows nothing'}")
            result.notes.append(f"plantsync status (journal) while full: {sorted(set(refusing)) or 'shows nothing'}")
            result.notes.append(f"{len(logged)} warning/error log lines; first: {logged[:2]}")
            rig.settle()
            visible = bool(live_refusing)
            if not visible:
                result.notes.append("FINDING: the status endpoint does not show that the journal refused appends")
            if not refusing:
                result.notes.append("FINDING: `plantsync status` cannot show the refusal while the disk is full: the "
                                    "agent state record lives in the full journal ('could not write the agent state "
                                    "record'), so the command shows the state from before")
            finish(result, rig, extra_ok=visible)
            rig.cleanup()
            return result
    finally:
        rig.cleanup()


# 6 -------------------------------------------------------------------------------------------------


def fsync_failure(root, binary, profile, rng):
    """fsync/fdatasync fail with EIO (strace fault injection) for a while under load. The agent must not
    acknowledge what was not durable, must report the fault, and recover or stop clearly."""
    result = Result("6 fsync failure")
    if not faults.available("strace"):
        result.skip("strace is not installed")
        return result
    rig = new_rig(root, "s6-fsync", binary, rng)
    try:
        start_pair(rig)
        seconds = profile.fsync_s + 25
        producers(rig, seconds, line_rate=20, scan_rate=5, drop_rows=200)
        time.sleep(6)
        injection = faults.FsyncFailure(rig.agent.process.pid, rig.path("logs/strace.log"))
        health = set()
        until = time.monotonic() + profile.fsync_s
        while time.monotonic() < until:
            time.sleep(0.5)
            code, body = rig.live("/healthz")
            if code == 503:
                health.add(f"/healthz 503 {body.get('status')}")
        injection.stop()
        injected = injection.injected()
        exited = rig.agent.exited()
        outcome = "kept running"
        if exited is not None:
            outcome = f"stopped with exit status {exited}"
            rig.agent.start()  # what systemd's Restart= does
        reported = problem_lines(rig.agent.log())
        result.injected = f"{injected} fsync/fdatasync calls failed with EIO over {profile.fsync_s} s"
        result.notes.append(f"agent {outcome}; {len(reported)} warning/error log lines; first: {reported[:1]}")
        result.notes.append(f"status endpoint during the failure: {sorted(health) or 'shows nothing'}")
        rig.wait_sims(seconds + 120)
        rig.settle()
        clear = bool(reported) and injected > 0
        if not reported:
            result.notes.append("FINDING: the fsync failure was not reported in the agent's log")
        return finish(result, rig, extra_ok=clear)
    finally:
        rig.cleanup()


# 7 -------------------------------------------------------------------------------------------------


def clock_jumps(root, binary, profile, rng):
    """The agent's wall clock jumps +1 h, back, -1 h and back (an LD_PRELOAD shim, as libfaketime would, but
    libfaketime hides a Swift program's arguments) while lines report in real time. Ids, order and the
    attribution of counts to windows must stay right."""
    result = Result("7 clock jumps")
    if not faults.available("cc"):
        result.skip("no C compiler for the clock shim")
        return result
    rig = new_rig(root, "s7-clock", binary, rng)
    try:
        clock = faults.FakeClock(rig.path("logs"))
        rig.agent.env = clock.environment
        start_pair(rig)
        phase = profile.clock_phase_s or 10
        seconds = phase * 5
        producers(rig, seconds, line_rate=10, scan_rate=4, drop_rows=100)
        jumps = []
        # CHAOS_CLOCK_OFFSETS="0,0,0,0" runs the same scenario without jumps (the control).
        offsets = [int(o) for o in os.environ.get("CHAOS_CLOCK_OFFSETS", "3600,0,-3600,0").split(",")]
        for offset in offsets:
            time.sleep(phase)
            clock.set(offset)
            jumps.append(f"{offset:+d} s")
        rig.wait_sims(seconds + 120)
        result.injected = "agent clock jumps " + ", ".join(jumps) + f", {phase} s apart"
        rig.settle()
        return finish(result, rig, windows=True)
    finally:
        rig.cleanup()


# 8 -------------------------------------------------------------------------------------------------


def damaged_journal(root, binary, profile, rng):
    """The journal is damaged while the agent is down: the WAL truncated mid-frame, a page of the database
    overwritten, the database truncated. The agent must refuse to start with a clear message, or salvage
    and report exactly what it could not recover; the checker then shows whether anything went missing
    without a word."""
    result = Result("8 damaged journal")
    outcomes, all_ok = [], True
    for case in ("wal-truncated", "page-overwritten", "db-truncated"):
        rig = new_rig(root, f"s8-{case}", binary, rng)
        try:
            start_pair(rig, max_batch_events=200)
            producers(rig, 12, line_rate=20, scan_rate=5, drop_files=8, drop_rows=200)
            time.sleep(4)
            rig.hub.stop()  # what follows stays in the journal only
            rig.wait_sims(120)
            wait_until("the agent read everything", rig.inputs_idle, 60)
            pending = sum(s["pending"] for s in rig.streams().values())
            journal = os.path.join(rig.agent_data, "journal.sqlite")
            if case == "wal-truncated":
                rig.agent.kill()
                wal = journal + "-wal"
                size = os.path.getsize(wal)
                cut = size - rng.randint(size // 3, size // 2)
                os.truncate(wal, cut)
                damage = f"WAL cut from {size} to {cut} bytes"
            else:
                rig.agent.stop()  # a clean stop checkpoints the WAL into the database
                size = os.path.getsize(journal)
                if case == "page-overwritten":
                    page = 4096
                    pages = size // page
                    victim = rng.randint(pages // 3, max(pages // 3, pages - 2))
                    with open(journal, "r+b") as f:
                        f.seek(victim * page)
                        f.write(os.urandom(page))
                    damage = f"page {victim + 1} of {pages} overwritten with random bytes"
                else:
                    os.truncate(journal, size // 2)
                    damage = f"database cut from {size} to {size // 2} bytes"
            rig.agent.spawn()
            started = None
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if rig.agent.process.poll() is not None:
                    break
                if "component=agent msg=running" in rig.agent.current_log():
                    started = True
                    break
                time.sleep(0.1)
            log = rig.agent.current_log()
            if not started:
                status = rig.agent.exited()
                message = [l for l in log.splitlines() if "level=error" in l][-1:] or [log[-300:]]
                clear = status not in (None, 0) and "journal" in " ".join(message).lower()
                outcomes.append(f"{case}: {damage}; {pending} events unsent; agent refused to start "
                                f"(exit {status}): {message[0][:300]}")
                all_ok &= clear
                continue
            # It started: everything must arrive, or the agent must say what it could not recover.
            rig.hub.start()
            try:
                rig.settle(timeout=90)
                passed, report, summary = rig.check(f"8 {case}")
            except ChaosError as error:
                passed, report, summary = False, str(error)[:2000], {}
            words = ("salvag", "recover", "corrupt", "damaged", "malformed")
            said = [l for l in problem_lines(rig.agent.log()) if any(w in l.lower() for w in words)]
            stuck = sum(s["pending"] for s in rig.streams().values()) if not passed else 0
            if passed:
                outcomes.append(f"{case}: {damage}; started; nothing missing")
            elif said:
                outcomes.append(f"{case}: {damage}; {pending} events unsent; started without a check, then: "
                                f"{said[0][:260]}; {stuck} events stuck, checker missing "
                                f"{summary.get('missing', 'n/a (not drained)')}")
                all_ok = False
            else:
                outcomes.append(f"{case}: {damage}; {pending} events unsent; started WITHOUT a word; checker: "
                                f"missing {summary.get('missing', '?')}, duplicates {summary.get('duplicates', '?')}: "
                                "SILENT LOSS")
                all_ok = False
            result.report += report
        except ChaosError as error:
            outcomes.append(f"{case}: harness error: {error}"[:600])
            all_ok = False
        finally:
            rig.cleanup()
    result.injected = "3 damaged journals"
    result.notes = outcomes
    result.verdict = "PASS" if all_ok else "FAIL"
    result.seconds = time.monotonic() - result.started
    return result


ALL = [hub_down, agent_kills, hub_kills, network, disk_full, fsync_failure, clock_jumps, damaged_journal]
SHORT = [agent_kills, hub_kills, network, disk_full, fsync_failure]
