#!/usr/bin/env python3
"""Compares what the simulators produced (their manifests) with what the hub stored (its read API).

Independent of the agent: it reads only the manifests and GET /v1/events. Polls for up to PATIENCE
seconds (the last window closes at its end + lateness), then prints the table. Exit 0 when every
figure matches exactly, 1 otherwise.

usage: summary.py HUB_URL TOKEN CA_FILE PLANT WORKDIR [PATIENCE]"""
import json
import os
import ssl
import sys
import time
import urllib.request
from decimal import Decimal

hub, token, cafile, plant, workdir = sys.argv[1:6]
patience = float(sys.argv[6]) if len(sys.argv) > 6 else 0
context = ssl.create_default_context(cafile=cafile)


def feed(stream):
    events, after = [], 0
    while True:
        request = urllib.request.Request(
            f"{hub}/v1/events?plant={plant}&stream={stream}&after={after}&limit=5000",
            headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            page = json.load(response)
        events += page["events"]
        if not page["events"]:
            return events
        after = page["next_after"]


def manifest(name):
    with open(f"{workdir}/{name}.json") as f:
        return json.load(f)


def judge():
    """(rows, all_match): produced vs stored, figure by figure."""
    rows = []

    def row(what, produced, stored):
        rows.append((what, produced, stored))

    production, inventory = feed("production"), feed("inventory")
    for name, events in (("production", production), ("inventory", inventory)):
        ids = [e["event"]["id"] for e in events]
        row(f"{name}: duplicate ids at the hub", 0, len(ids) - len(set(ids)))
        seqs = [e["seq"] for e in events if e["epoch"] == events[0]["epoch"]] if events else []
        row(f"{name}: hub seqs gapless from 1", True, seqs == list(range(1, len(seqs) + 1)))

    confirmed = {}
    for e in production:
        if e["event"]["type"] == "production_confirmation":
            data = e["event"]["data"]
            confirmed[data["order"]] = confirmed.get(data["order"], Decimal(0)) + Decimal(data["yield"])
    for order, figures in sorted(manifest("line")["orders"].items()):
        row(f"line L3, order {order}: good pieces", figures["good"], int(confirmed.get(order, 0)))

    # `Scripts/demo --erp tryton` runs no file drops (they stand for receipts the ERP already has).
    if os.path.exists(f"{workdir}/drops.json"):
        drop_ids = manifest("drops")["event_ids"]
        stored_ids = {e["event"]["id"] for e in inventory}
        row("file drops: rows -> events", len(drop_ids), len(stored_ids & set(drop_ids)))

    scan_events = [e for e in inventory if e["event"]["id"].startswith("scan/")]
    row("scanner: goods scans -> movements", manifest("scanner")["goods_scans"], len(scan_events))
    return rows, all(produced == stored for _, produced, stored in rows)


deadline = time.monotonic() + patience
rows, ok = judge()
while not ok and time.monotonic() < deadline:
    time.sleep(1)
    rows, ok = judge()

width = max(len(what) for what, _, _ in rows)
print(f"{'':{width}}  {'produced':>10}  {'at the hub':>10}")
for what, produced, stored in rows:
    print(f"{what:{width}}  {str(produced):>10}  {str(stored):>10}  {'ok' if produced == stored else 'MISMATCH'}")
print("\nEverything the plant produced is at the hub exactly once, in order." if ok else "\nMISMATCH: see above.")
sys.exit(0 if ok else 1)
