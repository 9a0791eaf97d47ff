#!/usr/bin/env python3
"""The baseline of `Scripts/bench tryton`: the same postings made straight to Tryton over JSON-RPC, with
the fewest calls Tryton needs and no PlantSync in between.

Per receipt `stock.move.create` (with its plantsync_event) and `stock.move.do`; per confirmation one
`production.write` creating the output move. Master-data ids are looked up once before the clock starts.
No idempotency search, no outbox, no hub: what PlantSync adds on top is the difference.

usage: tryton-baseline.py TRYTON_URL PASSWORD_FILE RECEIPTS CONFIRMATIONS
prints: tryton-baseline receipts=R confirmations=C calls=N seconds=S postings_per_s=P"""
import base64
import json
import sys
import time
import urllib.request

url, password_file, receipts, confirmations = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
session = None
calls = 0


def call(method, params):
    global calls
    calls += 1
    headers = {"Content-Type": "application/json"}
    if session:
        headers["Authorization"] = session
    body = json.dumps({"id": calls, "method": method, "params": params}).encode()
    request = urllib.request.Request(url + "/plantsync/rpc/", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    if answer.get("error"):
        sys.exit(f"tryton-baseline: {method}: {answer['error']}")
    return answer["result"]


uid, token = call("common.db.login", ["admin", {"password": open(password_file).read().strip()}, "en"])[:2]
session = "Session " + base64.b64encode(f"admin:{uid}:{token}".encode()).decode()
context = {"company": 1}


def one(model, domain, fields=()):
    rows = call(f"model.{model}.search_read", [domain, 0, None, None, list(fields), context])
    if len(rows) != 1:
        sys.exit(f"tryton-baseline: {model} {domain}: {len(rows)} rows, expected 1")
    return rows[0]


warehouse = one("stock.location", [["code", "=", "WH"]], ["storage_location", "production_location"])
rack = one("stock.location", [["code", "=", "A-01"]])["id"]
supplier = one("stock.location", [["code", "=", "SUP"]])["id"]
steel = one("product.product", [["code", "=", "RM-200"]])["id"]
kg = one("product.uom", [["symbol", "=", "kg"]])["id"]
pieces = one("product.uom", [["symbol", "=", "u"]])["id"]
currency = call("model.company.company.read", [[1], ["currency"], context])[0]["currency"]
orders = [one("production", [["reference", "=", reference]], ["product"])
          for reference in ("WO-4711", "WO-4712", "WO-4713")]
zero = {"__class__": "Decimal", "decimal": "0"}
today = {"__class__": "date", "year": 2026, "month": 11, "day": 22}

calls = 0
started = time.monotonic()
for number in range(1, max(receipts, confirmations) + 1):
    if number <= receipts:
        move, = call("model.stock.move.create", [[{
            "product": steel, "unit": kg, "quantity": number % 20 + 0.5, "from_location": supplier,
            "to_location": rack, "company": 1, "plantsync_event": f"baseline/receipt/{number}",
            "effective_date": today, "unit_price": zero, "currency": currency}], context])
        call("model.stock.move.do", [[move], context])
    if number <= confirmations:
        order = orders[number % len(orders)]
        call("model.production.write", [[order["id"]], {"outputs": [["create", [{
            "product": order["product"], "unit": pieces, "quantity": number % 9 + 1,
            "from_location": warehouse["production_location"], "to_location": warehouse["storage_location"],
            "company": 1, "unit_price": zero, "currency": currency,
            "plantsync_event": f"baseline/confirmation/{number}"}]]]}, context])
seconds = time.monotonic() - started
print(f"tryton-baseline receipts={receipts} confirmations={confirmations} calls={calls} seconds={seconds:.3f}"
      f" postings_per_s={(receipts + confirmations) / seconds:.1f}")
