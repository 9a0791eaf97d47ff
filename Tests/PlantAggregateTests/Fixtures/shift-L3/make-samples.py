#!/usr/bin/env python3
"""Writes samples.txt: one early shift (06:00-14:00 plant time, UTC+01:00) of press line L3 as its PLC
reported it. Deterministic (seeded). Kept so the recording can be explained and remade; the golden test
reads samples.txt and compares with expected.txt."""
import random
from datetime import datetime, timedelta, timezone

rnd = random.Random(4711)
start = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)  # 06:00 at +01:00
end = start + timedelta(hours=8)
out = []

def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"

def emit(t, tag, value, quality="good"):
    out.append(f"{stamp(t)} {tag} {value}" + ("" if quality == "good" else f" {quality}"))

good, total = 61_200, 61_950          # 16-bit counters, about to roll over
state, reason = "1", "0"
order, op = "WO-4711", "0010"
emit(start, "L3.Order", f'"{order}"'); emit(start, "L3.Op", f'"{op}"')
emit(start, "L3.State", state); emit(start, "L3.Reason", f'"{reason}"')
emit(start, "L3.Good", good); emit(start, "L3.Total", total)
t = start
next_tick = start + timedelta(seconds=60)
outage = (start + timedelta(hours=5, minutes=3), start + timedelta(hours=5, minutes=19))
while t < end:
    t += timedelta(milliseconds=rnd.randint(4000, 6000))
    if outage[0] <= t < outage[1]:
        # Feed down: the PLC keeps counting, nothing arrives; the agent's clock keeps ticking.
        if state == "1":
            good = (good + 1) & 0xFFFF; total = (total + 1) & 0xFFFF
        while next_tick <= t:
            out.append(f"tick {stamp(next_tick)}"); next_tick += timedelta(seconds=60)
        continue
    while next_tick <= t:
        out.append(f"tick {stamp(next_tick)}"); next_tick += timedelta(seconds=60)
    minute = (t - start).total_seconds() / 60
    # Breakdowns and a material shortage (idle).
    if 95 <= minute < 118: new_state, new_reason = "3", "E17"    # die change problem
    elif 118 <= minute < 121: new_state, new_reason = "3", "E42"  # then safety door
    elif 240 <= minute < 252: new_state, new_reason = "2", "0"    # waiting for coil
    elif 400 <= minute < 409: new_state, new_reason = "3", "E17"
    else: new_state, new_reason = "1", "0"
    if new_reason != reason: reason = new_reason; emit(t, "L3.Reason", f'"{reason}"')
    if new_state != state: state = new_state; emit(t, "L3.State", state)
    if 187.4 <= minute < 187.5 and order == "WO-4711":
        order = "WO-4712"; emit(t, "L3.Order", f'"{order}"')   # order change mid-window
    if 300.2 <= minute < 300.3 and op == "0010":
        op = "0020"; emit(t, "L3.Op", f'"{op}"')
    if 360.0 <= minute < 360.1 and good > 100:
        good, total = 0, 0                                      # PLC restart clears the counters
    if state == "1":
        made = rnd.choice([1, 1, 1, 2])
        bad = 1 if rnd.random() < 0.03 else 0
        total = (total + made) & 0xFFFF; good = (good + made - bad) & 0xFFFF
    emit(t, "L3.Total", total)
    emit(t, "L3.Good", good)
    r = rnd.random()
    if r < 0.004: emit(t, "L3.Good", good)                                        # duplicate
    elif r < 0.008: emit(t + timedelta(milliseconds=1), "L3.Good", 3, "bad")      # sensor glitch
    elif r < 0.010: emit(t - timedelta(seconds=30), "L3.Total", max(total - 9, 0)) # late repeat
out.append(f"shutdown {stamp(end + timedelta(seconds=20))}")
open("samples.txt", "w").write("\n".join(out) + "\n")
