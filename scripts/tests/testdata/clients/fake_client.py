#!/usr/bin/python3
"""A stand-in peer client for clients_test: takes the contract's command line
(docs/client-matrix-format.md) and writes a valid result file of the quick
scenarios without calling the server, so scripts/clients can be tested on
its own. Its stack is the name of the folder it is started from
(clients_dir/<stack>/run, a symlink to this file); the file `mode` beside it
says how it behaves:

  ok           writes the file (the default)
  unavailable  --check exits 3 with "unavailable: <why>"
  crash        exits 2 without writing anything
  errors       writes the file with failed calls counted

Started as `setup` (a symlink of that name), it prints two steps and exits 0,
or 1 after its first step when the mode is `unavailable`.
"""
import argparse
import json
import os
import sys
import time

IMAGE_BYTES = 500000


def latency(us):
    return {"min": us, "p50": us, "p90": us, "p99": us, "max": us, "mean": us}


def result(scenario, concurrency, n, start, errors):
    calls = 4
    images = (calls - errors) * n
    wall = 0.01
    return {
        "scenario": scenario, "rpc": "ListImages" if scenario == "list" else "StreamImages",
        "concurrency": concurrency, "images_per_stream": n, "calls": calls, "errors": errors,
        "started_unix_s": start, "ended_unix_s": start + wall, "wall_s": wall,
        "images": images, "bytes": images * IMAGE_BYTES, "calls_per_s": calls / wall,
        "images_per_s": images / wall, "bytes_per_s": images * IMAGE_BYTES / wall,
        "latency_us": latency(100.0 * max(1, n)),
        "first_image_us": latency(50.0) if scenario == "stream" else None,
    }


def main():
    here = os.path.dirname(os.path.abspath(sys.argv[0]))
    stack = os.path.basename(here)
    try:
        with open(os.path.join(here, "mode")) as f:
            mode = f.read().strip()
    except OSError:
        mode = "ok"
    if os.path.basename(sys.argv[0]) == "setup":
        print("fake setup: step 1", flush=True)
        if mode == "unavailable":
            print("fake setup: no such package", flush=True)
            return 1
        print("fake setup: step 2")
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--settings", default="default")
    parser.add_argument("--out")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--min_time_s", type=float, default=1.0)
    parser.add_argument("--list_calls", type=int, default=200)
    args = parser.parse_args()
    if args.check:
        if mode == "unavailable":
            print(f"unavailable: {stack} is a fake that says so")
            return 3
        return 0
    if mode == "crash":
        print("fake client: crashing on purpose", file=sys.stderr)
        return 2
    start = time.time()
    scenarios = [("list", 1, 0), ("list", 8, 0), ("stream", 1, 1), ("stream", 1, 10),
                 ("stream", 1, 100), ("stream", 8, 10), ("stream", 8, 100)]
    errors = 1 if mode == "errors" else 0
    results = [result(s, c, n, start + 0.02 * i, errors) for i, (s, c, n) in enumerate(scenarios)]
    doc = {
        "schema": "image-client/1", "stack": stack, "library": "fake 1.0",
        "runtime": "CPython", "settings": args.settings,
        "channel_options": {"fake.option": 1 if args.settings == "recommended" else 0},
        "target": args.target, "images_in_set": 24, "started_unix_s": start,
        "ended_unix_s": start + 0.02 * len(scenarios), "notes": "a fake",
        "errors": errors * len(results),
        "error_samples": ["UNAVAILABLE: a fake failure"] if errors else [],
        "results": results,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
