#!/usr/bin/env python3
"""A TCP proxy between the agent and the hub that breaks connections on a schedule (standard library only).

  mid-request:    forwards the start of a request, then closes both sides (the hub never sees it whole);
  lost response:  forwards the whole request, waits until the hub starts answering (the hub committed),
                  then closes both sides without relaying a byte of the answer.

The traffic is TLS, so the proxy follows record framing: a request begins with the first application-data
record the client sends after the server sent one, a response with the first the server sends after the
client sent one. TLS 1.3 sends session tickets as application data in a connection's first server turns,
so responses are only cut from a connection's third server turn on.

The plan can change while it runs: it re-reads --control (JSON {"cut_request_every": n, "lose_response_every":
m, "upstream": "host:port" or null}) every second, and writes its counters to --stats.

Usage: faultproxy.py --listen 127.0.0.1:PORT --control FILE --stats FILE
"""

import argparse
import json
import os
import select
import socket
import threading
import time

APPLICATION_DATA = 23
SMALLEST_MESSAGE = 64


class Records:
    """Follows TLS record boundaries in one direction; yields (content type, length, header end offset)
    for each record that starts in a chunk."""

    def __init__(self):
        self.header = b""
        self.remaining = 0

    def scan(self, chunk):
        starts, i = [], 0
        while i < len(chunk):
            if self.remaining:
                step = min(self.remaining, len(chunk) - i)
                self.remaining -= step
                i += step
                continue
            need = 5 - len(self.header)
            self.header += chunk[i:i + need]
            i += min(need, len(chunk) - i)
            if len(self.header) == 5:
                kind, length = self.header[0], int.from_bytes(self.header[3:5], "big")
                starts.append((kind, length, i))
                self.header = b""
                self.remaining = length
        return starts


class Proxy:
    def __init__(self, listen, control, stats):
        host, port = listen.rsplit(":", 1)
        self.listener = socket.create_server((host, int(port)), reuse_port=False)
        self.control, self.stats_path = control, stats
        self.lock = threading.Lock()
        self.plan = {}
        self.counts = dict(connections=0, upstream_refused=0, requests=0, answers=0, cut_mid_request=0,
                           lost_responses=0)

    def reload(self):
        while True:
            try:
                with open(self.control) as f:
                    plan = json.load(f)
                with self.lock:
                    self.plan = plan
                    counts = dict(self.counts)
                with open(self.stats_path + ".tmp", "w") as f:
                    json.dump(counts, f)
                os.replace(self.stats_path + ".tmp", self.stats_path)
            except (OSError, ValueError):
                pass
            time.sleep(0.5)

    def serve(self):
        threading.Thread(target=self.reload, daemon=True).start()
        while True:
            client, _ = self.listener.accept()
            with self.lock:
                self.counts["connections"] += 1
                upstream = self.plan.get("upstream")
            threading.Thread(target=self.relay, args=(client, upstream), daemon=True).start()

    def begin_request(self):
        with self.lock:
            self.counts["requests"] += 1
            every = self.plan.get("cut_request_every", 0)
            if every and self.counts["requests"] % every == every // 2:
                self.counts["cut_mid_request"] += 1
                return True
        return False

    def begin_response(self, eligible):
        with self.lock:
            self.counts["answers"] += 1
            every = self.plan.get("lose_response_every", 0)
            if eligible and every and self.counts["answers"] % every == every // 3:
                self.counts["lost_responses"] += 1
                return True
        return False

    def relay(self, client, upstream):
        server = None
        try:
            if not upstream:
                raise OSError("no upstream")
            host, port = upstream.rsplit(":", 1)
            server = socket.create_connection((host, int(port)), timeout=5)
            server.settimeout(None)
        except OSError:
            with self.lock:
                self.counts["upstream_refused"] += 1
            client.close()
            return
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        records = {client: Records(), server: Records()}
        last_turn, server_turns = None, 0
        try:
            while True:
                readable, _, _ = select.select([client, server], [], [])
                for source in readable:
                    chunk = source.recv(65536)
                    if not chunk:
                        return
                    target = server if source is client else client
                    forward, cut = len(chunk), False
                    for kind, length, header_end in records[source].scan(chunk):
                        if kind != APPLICATION_DATA or length < SMALLEST_MESSAGE:
                            continue
                        if source is client:
                            if last_turn == "request":
                                continue
                            last_turn = "request"
                            if self.begin_request():
                                forward, cut = min(len(chunk), header_end + max(1, length // 2)), True
                                break
                        else:
                            if last_turn != "request":
                                last_turn = "response"
                                continue
                            last_turn = "response"
                            server_turns += 1
                            if self.begin_response(server_turns >= 3):
                                forward, cut = max(0, header_end - 5), True
                                break
                    target.sendall(chunk[:forward])
                    if cut:
                        return
        except OSError:
            return
        finally:
            client.close()
            server.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--control", required=True)
    parser.add_argument("--stats", required=True)
    args = parser.parse_args()
    Proxy(args.listen, args.control, args.stats).serve()


if __name__ == "__main__":
    main()
