"""The faults Scripts/chaos injects, each undone by its context manager: network namespaces joined by a veth
pair (packet loss with nftables, a slow link with `tc tbf`), a fault proxy, a small tmpfs for the agent's
data directory with a ballast file that fills it, fdatasync/fsync failures injected with strace, and a
wall clock that jumps (an LD_PRELOAD shim)."""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


class Namespaces:
    """Two network namespaces, the agent's and the hub's, joined by a veth pair: 10.77.N.1 (agent side)
    and 10.77.N.2 (hub side). Only addresses inside these namespaces are used."""

    def __init__(self, tag):
        self.agent, self.hub = f"ps-agent-{tag}", f"ps-hub-{tag}"
        self.agent_if, self.hub_if = f"psa{tag}"[:15], f"psh{tag}"[:15]
        subnet = int(tag) % 250 + 1
        self.agent_address, self.hub_address = f"10.77.{subnet}.1", f"10.77.{subnet}.2"

    def __enter__(self):
        for ns in (self.agent, self.hub):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", self.agent_if, "netns", self.agent, "type", "veth", "peer", "name", self.hub_if,
           "netns", self.hub)
        sh("ip", "-n", self.agent, "addr", "add", self.agent_address + "/30", "dev", self.agent_if)
        sh("ip", "-n", self.hub, "addr", "add", self.hub_address + "/30", "dev", self.hub_if)
        sh("ip", "-n", self.agent, "link", "set", self.agent_if, "up")
        sh("ip", "-n", self.hub, "link", "set", self.hub_if, "up")
        return self

    def __exit__(self, *exc):
        for ns in (self.agent, self.hub):
            sh("ip", "netns", "del", ns, check=False)

    def exec(self, ns, *args, check=True):
        return sh("ip", "netns", "exec", ns, *args, check=check)

    # packet loss on the agent's side of the link, both directions, counted
    def drop_packets(self, percent):
        self.exec(self.agent, "nft", "add", "table", "inet", "chaos")
        for hook, direction in (("output", "oifname"), ("input", "iifname")):
            self.exec(self.agent, "nft", "add", "chain", "inet", "chaos", hook,
                      f"{{ type filter hook {hook} priority 0; }}")
            self.exec(self.agent, "nft", "add", "rule", "inet", "chaos", hook, direction, self.agent_if,
                      "numgen", "random", "mod", "100", "<", str(percent), "counter", "drop")

    def dropped_packets(self):
        text = self.exec(self.agent, "nft", "list", "table", "inet", "chaos", check=False).stdout
        return sum(int(n) for n in re.findall(r"counter packets (\d+)", text))

    def clear_drops(self):
        self.exec(self.agent, "nft", "delete", "table", "inet", "chaos", check=False)

    # a slow link: token bucket on both ends
    def slow_link(self, rate):
        for ns, interface in ((self.agent, self.agent_if), (self.hub, self.hub_if)):
            self.exec(ns, "tc", "qdisc", "add", "dev", interface, "root", "tbf", "rate", rate, "burst", "16kb",
                      "latency", "500ms")

    def slow_link_stats(self):
        text = self.exec(self.agent, "tc", "-s", "qdisc", "show", "dev", self.agent_if, check=False).stdout
        sent = re.search(r"Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+)", text)
        return {"bytes": int(sent.group(1)), "dropped": int(sent.group(3)), "overlimits": int(sent.group(4))} \
            if sent else {}

    def clear_slow_link(self):
        for ns, interface in ((self.agent, self.agent_if), (self.hub, self.hub_if)):
            self.exec(ns, "tc", "qdisc", "del", "dev", interface, "root", check=False)


class FaultProxy:
    """chaos.d/faultproxy.py as a process (in the agent's namespace when given); plan changes at runtime."""

    def __init__(self, directory, port, prefix=()):
        self.control, self.stats = os.path.join(directory, "proxy-plan.json"), os.path.join(directory, "proxy-stats.json")
        self.port, self.prefix = port, list(prefix)
        self.set_plan(upstream=None)
        log = open(os.path.join(directory, "faultproxy.log"), "wb")
        self.process = subprocess.Popen(self.prefix + [sys.executable, os.path.join(HERE, "faultproxy.py"), "--listen",
                                                       f"127.0.0.1:{port}", "--control", self.control, "--stats",
                                                       self.stats], stdout=log, stderr=log, start_new_session=True)

    def set_plan(self, upstream, cut_request_every=0, lose_response_every=0):
        with open(self.control + ".tmp", "w") as f:
            json.dump({"upstream": upstream, "cut_request_every": cut_request_every,
                       "lose_response_every": lose_response_every}, f)
        os.replace(self.control + ".tmp", self.control)
        time.sleep(0.6)  # the proxy re-reads its plan twice a second

    def counters(self):
        try:
            return json.load(open(self.stats))
        except (OSError, ValueError):
            return {}

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextlib.contextmanager
def small_tmpfs(path, size):
    """Mounts a tmpfs of `size` at `path` (the agent's data directory) for the block's duration."""
    os.makedirs(path, exist_ok=True)
    sh("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path)
    try:
        yield path
    finally:
        sh("umount", "-l", path, check=False)


def fill(path, leave_bytes=0):
    """Writes a ballast file into the file system of `path` until it is full (or only `leave_bytes` are
    free); returns the ballast's path and size."""
    ballast = os.path.join(path, "ballast")
    stat = os.statvfs(path)
    free = stat.f_bavail * stat.f_frsize
    chunk = b"\0" * (1 << 20)
    written = 0
    with open(ballast, "wb", buffering=0) as f:
        try:
            while written + len(chunk) <= free - leave_bytes:
                f.write(chunk)
                written += len(chunk)
            rest = max(0, free - leave_bytes - written)
            while rest > 0:
                f.write(b"\0" * min(rest, 4096))
                written += min(rest, 4096)
                rest -= 4096
            f.flush()
        except OSError:
            pass
    return ballast, written


def free_bytes(path):
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


class FsyncFailure:
    """strace attached to every thread of a running process, failing its fsync and fdatasync calls with
    EIO until `stop()` detaches it (the process runs on, with working fsync again)."""

    def __init__(self, pid, log):
        self.process = subprocess.Popen(
            ["strace", "-f", "-qq", "-p", str(pid), "-e", "trace=fsync,fdatasync", "-e",
             "inject=fsync,fdatasync:error=EIO", "-o", log], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.log = log
        time.sleep(0.5)  # attaching to every thread takes a moment

    def injected(self):
        try:
            return sum(1 for line in open(self.log, errors="replace") if "(INJECTED)" in line)
        except OSError:
            return 0

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # strace detaches cleanly on SIGINT
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class FakeClock:
    """The agent's wall clock through an LD_PRELOAD shim (clockshift.c, compiled here): an offset file it
    re-reads, so the clock can jump while the agent runs. The monotonic clock is left alone, as an NTP
    step would leave it."""

    def __init__(self, directory):
        self.file = os.path.join(directory, "clock-offset")
        self.library = os.path.join(directory, "clockshift.so")
        sh("cc", "-shared", "-fPIC", "-O2", "-o", self.library, os.path.join(HERE, "clockshift.c"), "-ldl")
        self.set(0)

    def set(self, seconds):
        with open(self.file + ".tmp", "w") as f:
            f.write(f"{int(seconds)}\n")
        os.replace(self.file + ".tmp", self.file)

    @property
    def environment(self):
        return {"LD_PRELOAD": self.library, "CHAOS_CLOCK_FILE": self.file}


def available(tool):
    return shutil.which(tool) is not None
