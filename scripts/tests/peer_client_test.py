#!/usr/bin/env python3
"""Runs one peer client (clients/<stack>/run) against a real image_server on a
free port and checks what it writes against docs/client-matrix-format.md.

    peer_client_test.py --stack=python-grpcio [--keep]

1. `run --check`: exit 3 means the stack is unavailable here; the test then
   exits 77 (CTest's SKIP_RETURN_CODE) printing the client's reason.
2. A quick run with each settings (default, recommended): the file is valid,
   names this stack and the settings, and has no errors.
3. A quick run against a server that refuses to send messages over 200 kB
   (grpc.max_send_message_length): the file is still valid, and the streams
   that include a larger image are counted as errors with samples.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import build_tree  # noqa: E402
import client_results  # noqa: E402
import server_process  # noqa: E402

SKIP = 77
UNAVAILABLE = 3


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def run_client(run, args, timeout):
    try:
        return subprocess.run([run, *args], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        fail(f"{' '.join([run, *args])} did not finish within {timeout} s")


def quick_run(run, stack, address, settings, out, timeout):
    done = run_client(run, [f"--target={address}", f"--settings={settings}",
                            f"--out={out}", "--quick", "--min_time_s=0.05",
                            "--list_calls=20"], timeout)
    if done.returncode != 0:
        fail(f"{stack} --settings={settings} exited {done.returncode}: "
             f"{(done.stderr or done.stdout).strip()[-400:]}")
    try:
        doc = client_results.load(out)
    except client_results.ResultError as e:
        fail(str(e))
    if doc["stack"] != stack or doc["settings"] != settings:
        fail(f"{out} says stack {doc['stack']!r}, settings {doc['settings']!r}")
    return doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--timeout", type=int, default=240, help="per client run, s")
    args = parser.parse_args()
    run = os.path.join(build_tree.REPO, "clients", args.stack, "run")
    if not os.access(run, os.X_OK):
        fail(f"{run} is missing or not executable")

    check = run_client(run, ["--check"], 120)
    if check.returncode == UNAVAILABLE:
        print(f"{args.stack}: {check.stdout.strip() or check.stderr.strip()}")
        return SKIP
    if check.returncode != 0:
        fail(f"{run} --check exited {check.returncode}: "
             f"{(check.stderr or check.stdout).strip()[-400:]}")

    scratch = tempfile.mkdtemp(prefix=f"peer_client_{args.stack}_")
    images = os.path.join(build_tree.REPO, "images")
    server = server_process.Server(images, os.path.join(scratch, "server.log"),
                                   os.path.join(scratch, "port"))
    try:
        for settings in ("default", "recommended"):
            out = os.path.join(scratch, f"{settings}.json")
            doc = quick_run(run, args.stack, server.address, settings, out,
                            args.timeout)
            if doc["errors"]:
                fail(f"{settings}: {doc['errors']} errors: {doc['error_samples']}")
            kinds = {(r["scenario"], r["concurrency"]) for r in doc["results"]}
            for want in (("list", 1), ("list", 8), ("stream", 1), ("stream", 8)):
                if want not in kinds:
                    fail(f"{settings}: no {want[0]} scenario at concurrency {want[1]}")
            print(f"ok {args.stack} {settings}: {len(doc['results'])} scenarios, "
                  f"{doc['library']}, {doc['runtime']}")
    finally:
        server.stop()

    server = server_process.Server(
        images, os.path.join(scratch, "small-server.log"),
        os.path.join(scratch, "small-port"),
        extra_args=["--grpc_arg=grpc.max_send_message_length=200000"])
    try:
        out = os.path.join(scratch, "errors.json")
        doc = quick_run(run, args.stack, server.address, "default", out, args.timeout)
        stream_errors = sum(r["errors"] for r in doc["results"]
                            if r["scenario"] == "stream")
        if stream_errors == 0:
            fail("streams of images over the server's send limit were not counted as errors")
        if not doc["error_samples"]:
            fail("errors counted without samples")
        print(f"ok {args.stack} errors: {stream_errors} counted, e.g. "
              f"{doc['error_samples'][0][:100]}")
    finally:
        server.stop()
    if not args.keep:
        subprocess.run(["rm", "-rf", scratch], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
