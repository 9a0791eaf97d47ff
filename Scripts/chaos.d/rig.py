"""One hub, one agent and the simulators, run as separate processes the way an operator would run them.

A Rig owns a working directory: a CA and the hub's certificate made with `openssl`, the plant's token
from `plantsync hub add-plant`, hub.yaml and agent.yaml (three telemetry lines, two scanner stations,
one file-drop folder), the simulators' manifests and recorded feeds, and every process's log. Nothing
here looks inside the agent: it is driven through its configuration, its inputs, signals, its logs and
`plantsync status`.
"""

import json
import os
import random
import signal
import socket
import subprocess
import time

LINES = ["L1", "L2", "L3"]
STATIONS = {"RCV-1": "receipt", "QA-1": "quality_hold"}


class ChaosError(Exception):
    pass


def wait_until(what, condition, timeout, poll=0.1, detail=lambda: ""):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise ChaosError(f"{what}: not reached within {timeout:.0f} s. {detail()}")
        time.sleep(poll)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class Service:
    """`plantsync hub` or `plantsync agent`: start (wait for its ready line), kill -9, stop (SIGTERM).
    Each run logs to its own file; `log()` is every run so far."""

    def __init__(self, name, argv, ready, directory, prefix=(), env=None):
        self.name, self.argv, self.ready, self.directory = name, list(argv), ready, directory
        self.prefix, self.env = list(prefix), env
        self.process = None
        self.starts = self.kills = 0
        self.run_logs = []

    @property
    def current_log_path(self):
        return self.run_logs[-1] if self.run_logs else None

    def current_log(self):
        path = self.current_log_path
        return open(path, errors="replace").read() if path and os.path.exists(path) else ""

    def log(self):
        return "".join(open(p, errors="replace").read() + f"--- end of {os.path.basename(p)} ---\n"
                       for p in self.run_logs if os.path.exists(p))

    def running(self):
        return self.process is not None and self.process.poll() is None

    def spawn(self, extra_prefix=()):
        assert self.process is None, f"{self.name} already running"
        self.starts += 1
        path = os.path.join(self.directory, f"{self.name}-run{self.starts:03d}.log")
        self.run_logs.append(path)
        env = dict(os.environ, **(self.env or {}))
        with open(path, "wb") as log:
            self.process = subprocess.Popen(self.prefix + list(extra_prefix) + self.argv, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log, env=env, start_new_session=True)
        return self.process

    def start(self, timeout=30, extra_prefix=()):
        self.spawn(extra_prefix)
        self.wait_log(self.ready, timeout)

    def wait_log(self, text, timeout):
        def seen():
            if text in self.current_log():
                return True
            if self.process.poll() is not None:
                raise ChaosError(f"{self.name} exited ({self.process.returncode}) before '{text}':\n"
                                 + self.current_log()[-3000:])
            return False

        wait_until(f"{self.name}: '{text}'", seen, timeout, poll=0.02)

    def kill(self):
        """SIGKILL (the whole session: a wrapper like strace or faketime goes too) and reap."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self.process = None
        self.kills += 1

    def stop(self, timeout=60):
        """SIGTERM and wait; returns the exit status."""
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise ChaosError(f"{self.name} did not stop within {timeout} s of SIGTERM")
        self.process = None
        return status

    def exited(self):
        """The exit status of a run that ended by itself (None while running)."""
        if self.process is None or self.process.poll() is None:
            return None
        status = self.process.returncode
        self.process = None
        return status


class Rig:
    """Directories, PKI, configurations and processes of one scenario."""

    def __init__(self, root, binary, plant="P100", rng=None, agent_ns=None, hub_ns=None, hub_address="127.0.0.1"):
        self.root, self.binary, self.plant = root, binary, plant
        self.rng = rng or random.Random()
        self.agent_prefix = ["ip", "netns", "exec", agent_ns] if agent_ns else []
        self.hub_prefix = ["ip", "netns", "exec", hub_ns] if hub_ns else []
        self.hub_address = hub_address
        for d in ("pki", "hub", "agent", "drop", "out", "logs"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        self.hub_port = free_port() if not hub_ns else 8443
        self.hub_url_port = self.hub_port  # where the agent sends (a proxy may sit in between)
        self.feed_ports = {line: free_port() for line in LINES}
        self.scanner_ports = {station: free_port() for station in STATIONS}
        self.status_port = free_port()
        self.sims = []
        self.sim_number = 0
        self._make_pki()
        self._enrol()
        self.hub = Service("hub", [binary, "hub", "--config", self.path("hub/hub.yaml")], 'msg="hub listening"',
                           self.path("logs"), prefix=self.hub_prefix)
        self.agent = Service("agent", [binary, "agent", "--config", self.path("agent/agent.yaml")],
                             "component=agent msg=running", self.path("logs"), prefix=self.agent_prefix)

    def path(self, relative):
        return os.path.join(self.root, relative)

    # -- setup ---------------------------------------------------------------------------------

    def _make_pki(self):
        pki = self.path("pki")
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{pki}/ca.key", "-out", f"{pki}/ca.pem", "-days", "2", "-subj", "/CN=PlantSync chaos CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{pki}/hub.key", "-out", f"{pki}/hub.csr", "-subj", "/CN=hub"])
        sans = "IP:127.0.0.1,DNS:localhost" + (f",IP:{self.hub_address}" if self.hub_address != "127.0.0.1" else "")
        with open(f"{pki}/hub.ext", "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    f"extendedKeyUsage=serverAuth\nsubjectAltName={sans}\n")
        run(["openssl", "x509", "-req", "-in", f"{pki}/hub.csr", "-CA", f"{pki}/ca.pem", "-CAkey", f"{pki}/ca.key",
             "-set_serial", str(self.rng.randint(1, 2**31)), "-days", "2", "-out", f"{pki}/hub.crt",
             "-extfile", f"{pki}/hub.ext"])
        for key in ("ca.key", "hub.key"):
            os.chmod(f"{pki}/{key}", 0o600)

    def _enrol(self):
        out = run([self.binary, "hub", "add-plant", self.plant]).stdout.splitlines()
        self.token = out[1].strip()
        self.token_sha256 = next(l for l in out if "token_sha256:" in l).split("token_sha256:")[1].strip()
        with open(self.path("agent/token"), "w") as f:
            f.write(self.token + "\n")
        os.chmod(self.path("agent/token"), 0o600)

    def write_hub_config(self):
        listen = f"{self.hub_address}:{self.hub_port}"
        with open(self.path("hub/hub.yaml"), "w") as f:
            f.write(f"""listen: {listen}
tls:
  cert_file: {self.path('pki/hub.crt')}
  key_file: {self.path('pki/hub.key')}
data_dir: {self.path('hub/data')}
durability: full
plants:
  - id: {self.plant}
    token_sha256: {self.token_sha256}
""")

    def write_agent_config(self, catch_up_rate=None, max_batch_events=500, disk_budget="1GiB", disk_reserve="4MiB",
                           raw_telemetry=False, data_dir=None, hub_host="127.0.0.1"):
        self.agent_data = data_dir or self.path("agent/data")
        os.makedirs(self.agent_data, exist_ok=True)
        text = f"""plant: {self.plant}
data_dir: {self.agent_data}
durability: full
disk_budget: {disk_budget}
disk_reserve: {disk_reserve}
log:
  level: info
hub:
  url: https://{hub_host}:{self.hub_url_port}
  token_file: {self.path('agent/token')}
  ca_file: {self.path('pki/ca.pem')}
  max_batch_events: {max_batch_events}
  connect_timeout: 2s
  request_timeout: 10s
"""
        if catch_up_rate:
            text += f"  catch_up_rate: {catch_up_rate}\n"
        text += f"status:\n  listen: 127.0.0.1:{self.status_port}\ninputs:\n"
        for line in LINES:
            text += f"""  - name: {line.lower()}-feed
    type: telemetry_tcp
    listen: 127.0.0.1:{self.feed_ports[line]}
    format: kepware_json
"""
            if raw_telemetry:
                text += "    raw_stream:\n      enabled: true\n      deadband: 0\n      min_interval: 0s\n"
        for station, movement in STATIONS.items():
            text += f"""  - name: {station.lower()}
    type: scanner_tcp
    mode: server
    listen: 127.0.0.1:{self.scanner_ports[station]}
    station:
      id: {station}
      movement: {movement}
"""
            text += "      to_location: WH-RECV\n" if movement == "receipt" else "      reason: QN-CHAOS\n"
        text += f"""  - name: drops
    type: file_drop
    directory: {self.path('drop')}
    event: inventory_movement
    settle_time: 0s
    poll_interval: 200ms
    columns:
      occurred_at: occurred_at
      kind: kind
      plant: plant
      item: item
      lot: lot
      quantity: quantity
      unit: unit
      to_location: to_location
lines:
"""
        for line in LINES:
            text += f"""  - line: {line}
    work_center: WC-{line}
    counters:
      good: PLC1.{line}.GoodCount
      scrap: PLC1.{line}.ScrapCount
    state:
      tag: PLC1.{line}.State
      values:
        "1": running
        "3": down
      reason_tag: PLC1.{line}.StopReason
    order:
      tag: PLC1.{line}.Order
    window: 1m
"""
        with open(self.path("agent/agent.yaml"), "w") as f:
            f.write(text)

    # -- simulators ----------------------------------------------------------------------------

    def start_line(self, line, rate, count, step_ms=None, start=None, order_every=150, seed=None, record=True):
        """`plantsync simulate line` into `line`'s feed input; its manifest, and (record) the same feed
        generated once more into a file, for the checker's per-window view."""
        seed = seed if seed is not None else self.rng.randint(1, 10**9)
        step_ms = step_ms if step_ms is not None else max(1, int(1000 / rate))
        start = start or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        orders = ",".join(f"WO-{line}-{n}" for n in range(1, 5))
        common = ["--line", line, "--tag-prefix", f"PLC1.{line}", "--count", str(count), "--step-ms", str(step_ms),
                  "--start", start, "--orders", orders, "--order-every", str(order_every), "--seed", str(seed)]
        if record:
            self._record_feed(line, common)
        manifest = self.path(f"out/line-{line}.json")
        return self._sim(f"line-{line}", ["line", "--connect", f"127.0.0.1:{self.feed_ports[line]}",
                                          "--rate", str(rate), "--manifest", manifest] + common)

    def _record_feed(self, line, common):
        """The simulator is deterministic for a seed and start: run it once unpaced into a local listener
        and keep every byte it sends (the checker reads the PLC's view of each window from it)."""
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        sim = subprocess.Popen([self.binary, "simulate", "line", "--connect", f"127.0.0.1:{port}", "--rate", "0"]
                               + common, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        listener.settimeout(30)
        connection, _ = listener.accept()
        with open(self.path(f"out/feed-{line}.jsonl"), "wb") as out:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                out.write(chunk)
        connection.close()
        listener.close()
        sim.wait(timeout=60)

    def start_scanner(self, station, rate, count, seed=None):
        seed = seed if seed is not None else self.rng.randint(1, 10**9)
        manifest = self.path(f"out/scanner-{station}.json")
        return self._sim(f"scanner-{station}", ["scanner", "--connect", f"127.0.0.1:{self.scanner_ports[station]}",
                                                "--rate", str(rate), "--count", str(count), "--location", "",
                                                "--seed", str(seed), "--manifest", manifest])

    def start_drops(self, files, rows, rate, seed=None):
        self.sim_number += 1
        seed = seed if seed is not None else self.rng.randint(1, 10**9)
        manifest = self.path(f"out/drops-{self.sim_number}.json")
        return self._sim(f"drops-{self.sim_number}", ["drops", "--dir", self.path("drop"), "--files", str(files),
                                                      "--rows", str(rows), "--rate", str(rate), "--input", "drops",
                                                      "--seed", str(seed), "--manifest", manifest])

    def _sim(self, name, args):
        log = open(self.path(f"logs/sim-{name}.log"), "wb")
        process = subprocess.Popen(self.agent_prefix + [self.binary, "simulate"] + args, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log, start_new_session=True)
        process.chaos_name = name
        self.sims.append(process)
        return process

    def sims_running(self):
        return [p for p in self.sims if p.poll() is None]

    def wait_sims(self, timeout):
        wait_until("the simulators finish", lambda: not self.sims_running(), timeout, poll=0.2,
                   detail=lambda: f"still running: {[p.chaos_name for p in self.sims_running()]}")
        failed = [(p.chaos_name, p.returncode) for p in self.sims if p.returncode != 0]
        if failed:
            raise ChaosError(f"simulators failed: {failed}; see {self.path('logs')}")

    # -- the agent's view ----------------------------------------------------------------------

    def status(self):
        result = subprocess.run([self.binary, "status", "--data-dir", self.agent_data, "--json"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise ChaosError(f"plantsync status: {result.returncode} {result.stderr}")
        return json.loads(result.stdout)

    def live(self, path):
        """The agent's status endpoint: (HTTP status, parsed JSON body) of GET `path`; (None, error) when
        it does not answer."""
        import urllib.error
        import urllib.request
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.status_port}{path}", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read())
            except ValueError:
                return error.code, {}
        except (OSError, ValueError) as error:
            return None, str(error)

    def streams(self, status=None):
        status = status or self.status()
        return {s["stream"]: s for s in status.get("streams", [])}

    def drained(self):
        """Every stream journaled so far is acknowledged by the hub."""
        try:
            streams = self.streams()
        except (ChaosError, json.JSONDecodeError):
            return False
        return bool(streams) and all(s["pending"] == 0 and s["acked_through"] == s["last_seq"]
                                     for s in streams.values())

    def inputs_idle(self):
        """In the agent's current run, every feed and scanner connection that opened has closed again
        (the simulators' bytes were all read), and no drop file is waiting."""
        log = self.agent.current_log()
        opened = log.count(' connected"')
        closed = (log.count('closed the connection"') + log.count('disconnected"')
                  + log.count('msg="connection to '))
        waiting = [n for n in os.listdir(self.path("drop")) if n.endswith(".csv")]
        return closed >= opened and not waiting

    def settle(self, timeout=240):
        """After the producers finished: let the agent read what was sent, stop it gracefully (partial
        confirmations of open windows are journaled), start it again and wait until the hub has
        acknowledged everything."""
        wait_until("the agent read everything the simulators sent", self.inputs_idle, 60, poll=0.2,
                   detail=lambda: self.agent.current_log()[-2000:])
        status = self.agent.stop()
        if status != 0:
            raise ChaosError(f"agent exited with {status} on SIGTERM:\n{self.agent.current_log()[-3000:]}")
        self.agent.start()
        wait_until("the hub acknowledged every journaled event", self.drained, timeout, poll=0.5,
                   detail=lambda: json.dumps(self.streams()))

    # -- the verdict ---------------------------------------------------------------------------

    def check(self, title, allow_scanner_loss=0, windows=False, extra=()):
        args = ["python3", os.path.join(os.path.dirname(__file__), "check.py"),
                "--hub", f"https://{self.hub_address}:{self.hub_port}", "--ca", self.path("pki/ca.pem"),
                "--token-file", self.path("agent/token"), "--plant", self.plant, "--json", self.path("out/verdict.json"),
                "--title", title, "--allow-scanner-loss", str(allow_scanner_loss)]
        for name in sorted(os.listdir(self.path("out"))):
            full = self.path("out/" + name)
            if name.startswith("drops-") and name.endswith(".json"):
                args += ["--drops", full]
            elif name.startswith("scanner-"):
                args += ["--scanner", f"{name[len('scanner-'):-5]}={full}"]
            elif name.startswith("line-"):
                line = name[len("line-"):-5]
                feed = self.path(f"out/feed-{line}.jsonl")
                args += ["--line", f"{line}={full}" + (f":{feed}" if os.path.exists(feed) else "")]
        if windows:
            args.append("--windows")
        args += list(extra)
        result = subprocess.run(self.hub_prefix + args, capture_output=True, text=True)
        with open(self.path("out/verdict.txt"), "w") as f:
            f.write(result.stdout + result.stderr)
        if result.returncode not in (0, 1):
            raise ChaosError(f"checker failed ({result.returncode}): {result.stderr[-2000:]}")
        return result.returncode == 0, result.stdout, json.load(open(self.path("out/verdict.json")))

    def cleanup(self):
        for p in self.sims_running():
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        for service in (self.agent, self.hub):
            try:
                service.kill()
            except Exception:
                pass
