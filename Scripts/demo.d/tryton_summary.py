#!/usr/bin/env python3
"""What Tryton holds next to what the hub stored (Scripts/demo --erp tryton).

Reads the hub (GET /v1/events, GET /metrics) and Tryton (JSON-RPC, as the admin user) independently of
the hub's connector. Waits up to PATIENCE seconds for the hub's tryton connector to post everything,
then prints, per production order, Tryton's state, planned quantity, output quantity and output moves
next to the yield the hub stored; and Tryton's stock moves from PlantSync next to the hub's inventory
movements. Exit 0 when every figure matches (each event posted exactly once), 1 otherwise.

usage: tryton_summary.py HUB_URL TOKEN CA_FILE PLANT TRYTON_URL DATABASE PASSWORD_FILE [PATIENCE]"""
import base64
import json
import ssl
import sys
import time
import urllib.request
from collections import Counter
from decimal import Decimal

hub, token, cafile, plant, tryton, database, password_file = sys.argv[1:8]
patience = float(sys.argv[8]) if len(sys.argv) > 8 else 0
context = ssl.create_default_context(cafile=cafile)


def hub_get(path):
    request = urllib.request.Request(f"{hub}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        return response.read()


def feed(stream):
    events, after = [], 0
    while True:
        page = json.loads(hub_get(f"/v1/events?plant={plant}&stream={stream}&after={after}&limit=5000"))
        events += page["events"]
        if not page["events"]:
            return events
        after = page["next_after"]


def outbox_state():
    """(pending events, parked lines) of the tryton connector, from /metrics."""
    pending, parked = 0, []
    for line in hub_get("/metrics").decode().splitlines():
        if line.startswith('plantsync_hub_erp_pending_events{connector="tryton"'):
            pending += int(float(line.rsplit(" ", 1)[1]))
        elif line.startswith('plantsync_hub_erp_parked{connector="tryton"'):
            parked.append(line)
    return pending, parked


class Tryton:
    def __init__(self):
        self.session = None
        self.login()

    def call(self, method, params):
        body = json.dumps({"id": 1, "method": method, "params": params}).encode()
        headers = {"Content-Type": "application/json"}
        if self.session:
            headers["Authorization"] = self.session
        request = urllib.request.Request(f"{tryton}/{database}/rpc/", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get("error"):
            raise RuntimeError(f"Tryton {method}: {answer['error']}")
        return answer["result"]

    def login(self):
        password = open(password_file).read().strip()
        uid, session = self.call("common.db.login", ["admin", {"password": password}, "en"])[:2]
        self.session = "Session " + base64.b64encode(f"admin:{uid}:{session}".encode()).decode()

    def search_read(self, model, domain, fields):
        return self.call(f"model.{model}.search_read", [domain, 0, None, None, fields, {"company": 1}])


def number(value):
    return Decimal(str(value)).normalize() if value is not None else Decimal(0)


def text(value):
    """A decimal as plain digits: 100, not 1E+2."""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


deadline = time.monotonic() + patience
pending, parked = outbox_state()
while pending and not parked and time.monotonic() < deadline:
    time.sleep(1)
    pending, parked = outbox_state()

production, inventory = feed("production"), feed("inventory")
confirmations = [e["event"] for e in production if e["event"]["type"] == "production_confirmation"]
movements = [e["event"] for e in inventory if e["event"]["type"] == "inventory_movement"]
confirmed = Counter()
for event in confirmations:
    confirmed[event["data"]["order"]] += Decimal(str(event["data"]["yield"]))

erp = Tryton()
keyed = erp.search_read("stock.move", [["plantsync_event", "!=", None]],
                        ["plantsync_event", "quantity", "state", "production_output"])
per_key = Counter(move["plantsync_event"] for move in keyed)
rows, ok = [], True
print(f"{'order':10} {'Tryton state':>12} {'planned':>8} {'output in Tryton':>17} {'output moves':>13}"
      f" {'confirmed at the hub':>21}")
for order in sorted(set(confirmed) | {"WO-4711", "WO-4712", "WO-4713"}):
    found = erp.search_read("production", [["reference", "=", order]], ["state", "quantity"])
    outputs = []
    if found:
        outputs = erp.search_read("stock.move", [["production_output", "=", found[0]["id"]]], ["quantity"])
    output = sum((number(m["quantity"]) for m in outputs), Decimal(0))
    good = len(found) == 1 and output == confirmed[order]
    ok &= good
    state = found[0]["state"] if len(found) == 1 else f"{len(found)} orders"
    planned = number(found[0]["quantity"]) if found else "-"
    print(f"{order:10} {state:>12} {text(planned):>8} {text(output):>17} {len(outputs):>13}"
          f" {text(confirmed[order]):>21}  {'ok' if good else 'MISMATCH'}")

receipts = [m for m in keyed if m["production_output"] is None]
states = Counter(m["state"] for m in receipts)
hub_quantity = sum((Decimal(str(e["data"].get("quantity", 0))) for e in movements), Decimal(0))
tryton_quantity = sum((number(m["quantity"]) for m in receipts), Decimal(0))
good = len(receipts) == len(movements) and tryton_quantity == hub_quantity
ok &= good
by_state = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
print(f"\nstock moves from PlantSync (receipts): {len(receipts)} ({by_state}), {text(tryton_quantity)} u;"
      f" hub inventory movements: {len(movements)}, {text(hub_quantity)}  {'ok' if good else 'MISMATCH'}")
expected = {e["id"] for e in movements} | {e["id"] for e in confirmations if Decimal(str(e["data"]["yield"])) != 0}
doubled = sorted(key for key, count in per_key.items() if count > 1)
missing = sorted(expected - set(per_key))
strays = sorted(set(per_key) - expected)
wrong = doubled + missing + strays
ok &= not wrong
print(f"moves per event: {len(per_key)} event ids in Tryton, {len(doubled)} posted twice, {len(missing)} missing,"
      f" {len(strays)} unknown to the hub" + (f": {wrong[:5]}" if wrong else ""))
if pending or parked:
    ok = False
    print(f"the hub's tryton connector still has {pending} events pending"
          + (f"; parked: {parked}" if parked else "") + " (plantsync hub erp-errors shows why)")
print("\nTryton holds every confirmation and movement the hub stored, exactly once." if ok
      else "\nMISMATCH: see above.")
sys.exit(0 if ok else 1)
