#!/usr/bin/env python3
"""Runs the chaos scenarios (see Scripts/chaos) and prints one table. Standard library only."""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402


def row(result):
    s = result.summary
    produced = s.get("produced", "-")
    return [result.name, result.injected or "-", str(produced), str(s.get("events_stored", "-")),
            str(s.get("duplicates", "-")), str(s.get("missing", "-")), str(s.get("out_of_order", "-")),
            str(s.get("lost_unacked", "-")), result.verdict, f"{result.seconds:.0f} s"]


def table(results):
    header = ["scenario", "kills / faults injected", "produced", "stored", "dup", "missing", "out-of-order",
              "unacked-lost", "verdict", "time"]
    rows = [header] + [row(r) for r in results]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for index, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--only", help="comma-separated scenario numbers, e.g. 2,5")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument("--json")
    args = parser.parse_args()

    seed = args.seed or random.randint(1, 2**31)
    rng = random.Random(seed)
    profile = scenarios.Profile(args.full)
    chosen = scenarios.ALL if args.full else scenarios.SHORT
    if args.only:
        numbers = {int(n) for n in args.only.split(",")}
        chosen = [s for s in scenarios.ALL if scenarios.ALL.index(s) + 1 in numbers]
    root = tempfile.mkdtemp(prefix="plantsync-chaos.")
    print(f"chaos: {'full' if args.full else 'short'} suite, seed {seed}, working directory {root}", flush=True)
    results = []
    started = time.monotonic()
    for scenario in chosen:
        print(f"--- {scenario.__name__}: {scenario.__doc__.splitlines()[0]}", flush=True)
        try:
            result = scenario(root, args.binary, profile, rng)
        except Exception as error:  # a harness failure is a failed scenario, with its reason
            result = scenarios.Result(scenario.__name__)
            result.notes = [f"harness error: {error}", traceback.format_exc()[-1500:]]
            result.seconds = 0
        results.append(result)
        print(result.report, flush=True)
        for note in result.notes:
            print("  " + note, flush=True)
        print(f"  => {result.verdict} in {result.seconds:.0f} s", flush=True)
    total = time.monotonic() - started
    print()
    print(table(results))
    print(f"total {total:.0f} s, seed {seed}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seed": seed, "seconds": total, "scenarios": [
                {"name": r.name, "injected": r.injected, "verdict": r.verdict, "seconds": round(r.seconds, 1),
                 "notes": r.notes, "summary": r.summary} for r in results]}, f, indent=1)
    failed = [r for r in results if r.verdict == "FAIL"]
    if failed or args.keep:
        print(f"logs kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
