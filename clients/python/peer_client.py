#!/usr/bin/env python3
"""The Python peer clients of the client matrix (docs/client-matrix-format.md).

    /usr/bin/python3 clients/python/peer_client.py STACK --out=FILE [--target=...]
        [--settings=default|recommended] [--quick] [--min_time_s=S]
        [--list_calls=N] | STACK --check

STACK is python-grpcio (blocking API, one shared channel, threads) or
python-aio (grpc.aio, an async channel per call, tasks); clients/STACK/run
starts it with PYTHONPATH holding the generated image_service_pb2 and this
folder. This file holds what both stacks share: the command line, the
scenarios, the checks on every image, nearest-rank percentiles and the result
file. How a call is made lives in one module per stack (STYLES below), which
gets a Scenario and drives its workers; it never imports this file (run as a
script, this file is __main__, and a second import would be another module).
"""
import argparse
import importlib
import json
import math
import os
import platform
import sys
import threading
import time

SCHEMA = "image-client/1"
STYLES = {"python-grpcio": "grpcio_blocking", "python-aio": "grpcio_aio"}
UNAVAILABLE = 3
CONNECT_TIMEOUT_S = 10
MAX_ERROR_SAMPLES = 5
MAX_SAMPLE_CHARS = 200

DEFAULT_OPTIONS = {"grpc.max_receive_message_length": 64 * 1024 * 1024}
# What README recommends for C-core stacks, and what image_bench uses.
RECOMMENDED_OPTIONS = {
    **DEFAULT_OPTIONS,
    "grpc.http2.max_frame_size": 1048576,
    "grpc.http2.bdp_probe": 0,
    "grpc.http2.lookahead_bytes": 4194304,
}

FULL_STREAMS = ((1, (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)),
                (8, (1, 10, 100, 1000)))
QUICK_STREAMS = ((1, (1, 10, 100)), (8, (10, 100)))
LIST_CONCURRENCY = (1, 8)


class UsageError(Exception):
    """Bad command-line input; main prints it as one line."""


class RunError(Exception):
    """The client could not run at all (server unreachable, file not writable)."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage block before the error; one line is enough.
    def error(self, message):
        raise UsageError(message)


def parse_args(argv, stack):
    parser = _Parser(prog=f"clients/{stack}/run",
                     description=f"The {stack} peer client: runs the scenarios of "
                                 "docs/client-matrix-format.md against an "
                                 "image_service server and writes the result JSON.")
    parser.add_argument("--target", default="127.0.0.1:50051",
                        help="host:port of the server, plaintext (default %(default)s)")
    parser.add_argument("--settings", default="default",
                        choices=("default", "recommended"),
                        help="default: gRPC's defaults but a 64 MiB receive limit; "
                             "recommended: plus the HTTP/2 options README "
                             "recommends (default %(default)s)")
    parser.add_argument("--out", help="where to write the result JSON (required)")
    parser.add_argument("--quick", action="store_true",
                        help="the short scenario set, for tests and CI")
    parser.add_argument("--min_time_s", type=float,
                        help="each stream scenario repeats its calls for at least "
                             "this long (default 1.0, quick 0.2)")
    parser.add_argument("--list_calls", type=int,
                        help="ListImages calls per concurrency level "
                             "(default 200, quick 50)")
    parser.add_argument("--check", action="store_true",
                        help="exit 0 if this stack can run here, else print "
                             "'unavailable: <why>' and exit 3")
    args = parser.parse_args(argv)
    if args.check:
        return args
    if not args.out:
        raise UsageError("--out is required")
    if args.min_time_s is None:
        args.min_time_s = 0.2 if args.quick else 1.0
    if args.list_calls is None:
        args.list_calls = 50 if args.quick else 200
    if not math.isfinite(args.min_time_s) or args.min_time_s < 0:
        raise UsageError(f"--min_time_s must be a number >= 0, got {args.min_time_s}")
    if args.list_calls < 1:
        raise UsageError(f"--list_calls must be >= 1, got {args.list_calls}")
    return args


def stream_names(names, count):
    """The names a stream of `count` images asks for: N[0], N[1], ... cycling."""
    return [names[i % len(names)] for i in range(count)]


def nearest_rank(sorted_values, percent):
    """The nearest-rank percentile of an ascending, non-empty list."""
    rank = math.ceil(percent / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


def summary_us(seconds):
    """min, p50, p90, p99, max, mean in microseconds; None for no values."""
    if not seconds:
        return None
    values = sorted(s * 1e6 for s in seconds)
    out = {"min": values[0]}
    for p in (50, 90, 99):
        out[f"p{p}"] = nearest_rank(values, p)
    out["max"] = values[-1]
    out["mean"] = sum(values) / len(values)
    return {k: round(v, 1) for k, v in out.items()}


def one_line(text, limit=MAX_SAMPLE_CHARS):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


class ErrorSamples:
    """The first few distinct error lines of a run, each bounded."""

    def __init__(self, limit=MAX_ERROR_SAMPLES):
        self.limit = limit
        self.samples = []
        self._lock = threading.Lock()

    def add(self, text):
        text = one_line(text)
        with self._lock:
            if len(self.samples) < self.limit and text not in self.samples:
                self.samples.append(text)


class CallTimer:
    """One call, from just before it is made to its status; checks each image.

    The stack's code calls image() for every image received, then exactly one
    of done() (status OK) or failed(code_name, details).
    """

    def __init__(self, scenario):
        self.scenario = scenario
        self.expected = scenario.names
        self.images = 0
        self.bytes = 0
        self.first_image_s = None
        self.problem = None
        self.start = time.perf_counter()

    def image(self, image):
        if self.first_image_s is None:
            self.first_image_s = time.perf_counter() - self.start
        size = len(image.content)
        if self.problem is None:
            self.problem = self._check(image, size)
        self.images += 1
        self.bytes += size

    def _check(self, image, size):
        i = self.images
        if i >= len(self.expected):
            return f"check failed: more than the {len(self.expected)} images asked for"
        if image.name != self.expected[i]:
            return (f"check failed: image {i} is {image.name!r}, "
                    f"asked for {self.expected[i]!r}")
        if size != image.size_in_bytes:
            return (f"check failed: {image.name!r} has {size} bytes of content, "
                    f"size_in_bytes says {image.size_in_bytes}")
        return None

    def done(self):
        end = time.perf_counter()
        if (self.problem is None and self.expected is not None
                and self.images != len(self.expected)):
            self.problem = (f"check failed: the stream ended OK after {self.images} "
                            f"of {len(self.expected)} images")
        self.scenario.record(self, end - self.start, self.problem)

    def failed(self, code_name, details):
        end = time.perf_counter()
        message = f"{code_name}: {details}" if details else code_name
        self.scenario.record(self, end - self.start, message)


class Scenario:
    """One row of the scenario table, shared by its workers.

    A worker loops `while scenario.take(): timer = scenario.begin(); ...`.
    ListImages scenarios hand out exactly `calls` calls; stream scenarios hand
    out calls until `min_time_s` has passed since start() and at least one per
    worker. `names` is None for ListImages, else the names each stream asks for.
    """

    def __init__(self, rpc, concurrency, names, calls=None, min_time_s=0.0,
                 errors=None):
        self.rpc = rpc
        self.concurrency = concurrency
        self.names = names
        self._calls = calls
        self._min_time_s = min_time_s
        self._samples = errors
        self._lock = threading.Lock()
        self._taken = 0
        self._deadline = None
        self.latencies = []
        self.first_images = []
        self.completed = 0
        self.errors = 0
        self.images = 0
        self.bytes = 0
        self.started_unix_s = self.ended_unix_s = None

    @property
    def label(self):
        if self.names is None:
            return f"{self.rpc} concurrency {self.concurrency}"
        return f"{self.rpc} {len(self.names)} images, concurrency {self.concurrency}"

    def start(self):
        self.started_unix_s = time.time()
        self._deadline = time.monotonic() + self._min_time_s

    def finish(self):
        self.ended_unix_s = time.time()

    def take(self):
        with self._lock:
            if self._calls is not None:
                more = self._taken < self._calls
            else:
                more = (self._taken < self.concurrency
                        or time.monotonic() < self._deadline)
            self._taken += more
            return more

    def begin(self):
        return CallTimer(self)

    def record(self, timer, latency_s, problem):
        with self._lock:
            self.completed += 1
            self.latencies.append(latency_s)
            if timer.first_image_s is not None:
                self.first_images.append(timer.first_image_s)
            self.images += timer.images
            self.bytes += timer.bytes
            if problem is not None:
                self.errors += 1
        if problem is not None and self._samples is not None:
            self._samples.add(f"{self.label}: {problem}")

    def result(self):
        wall_s = self.ended_unix_s - self.started_unix_s
        per_s = (lambda n: n / wall_s) if wall_s > 0 else (lambda n: 0.0)
        is_list = self.names is None
        return {
            "scenario": "list" if is_list else "stream",
            "rpc": self.rpc,
            "concurrency": self.concurrency,
            "images_per_stream": 0 if is_list else len(self.names),
            "calls": self.completed,
            "errors": self.errors,
            "started_unix_s": self.started_unix_s,
            "ended_unix_s": self.ended_unix_s,
            "wall_s": wall_s,
            "images": self.images,
            "bytes": self.bytes,
            "calls_per_s": per_s(self.completed),
            "images_per_s": per_s(self.images),
            "bytes_per_s": per_s(self.bytes),
            "latency_us": summary_us(self.latencies),
            # None when no stream got as far as an image (every call failed first).
            "first_image_us": None if is_list else summary_us(self.first_images),
        }


def plan(args, names, errors):
    """The scenarios in the contract's order."""
    out = [Scenario("ListImages", c, None, calls=args.list_calls, errors=errors)
           for c in LIST_CONCURRENCY]
    for concurrency, sizes in (QUICK_STREAMS if args.quick else FULL_STREAMS):
        out += [Scenario("StreamImages", concurrency, stream_names(names, k),
                         min_time_s=args.min_time_s, errors=errors) for k in sizes]
    return out


def check_imports(stack):
    """The stack's module, or None and the reason it cannot be imported."""
    try:
        importlib.import_module("image_service_pb2")
    except ImportError as e:
        return None, (f"cannot import image_service_pb2 ({e}); build first "
                      "(./build generates it into out/clients/python)")
    try:
        return importlib.import_module(STYLES[stack]), None
    except ImportError as e:
        return None, f"cannot import {e.name or 'grpc'} ({e}) with {sys.executable}"


def check_writable(path):
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise RunError(f"cannot write {path}: it is a folder")
    if not os.path.isdir(folder):
        raise RunError(f"cannot write {path}: no folder {folder}")
    if not os.access(folder, os.W_OK) or (os.path.exists(path)
                                          and not os.access(path, os.W_OK)):
        raise RunError(f"cannot write {path}: permission denied")


def write_json(path, doc):
    """Writes to a temporary file and renames, so no reader sees half a file."""
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        os.replace(temporary, path)
    except OSError as e:
        raise RunError(f"cannot write {path}: {e.strerror}")


def run(stack, style, args):
    check_writable(args.out)
    options = RECOMMENDED_OPTIONS if args.settings == "recommended" else DEFAULT_OPTIONS
    errors = ErrorSamples()
    started = time.time()
    client = style.Client(args.target, list(options.items()))
    try:
        try:
            client.connect(CONNECT_TIMEOUT_S)
            names = client.list_names()
        except ConnectionError as e:
            raise RunError(str(e))
        if not names:
            raise RunError(f"{args.target} lists no images")
        scenarios = plan(args, names, errors)
        for scenario in scenarios:
            scenario.start()
            client.run(scenario)
            scenario.finish()
    finally:
        client.close()
    results = [s.result() for s in scenarios]
    write_json(args.out, {
        "schema": SCHEMA,
        "stack": stack,
        "library": style.LIBRARY,
        "runtime": f"{platform.python_implementation()} {platform.python_version()}",
        "settings": args.settings,
        "channel_options": dict(options),
        "target": args.target,
        "images_in_set": len(names),
        "started_unix_s": started,
        "ended_unix_s": time.time(),
        "notes": style.NOTES,
        "errors": sum(r["errors"] for r in results),
        "error_samples": errors.samples,
        "results": results,
    })


def main(argv):
    if not argv or argv[0] not in STYLES:
        print(f"peer_client: the first argument must be one of {', '.join(STYLES)}",
              file=sys.stderr)
        return 2
    stack = argv[0]
    try:
        args = parse_args(argv[1:], stack)
    except UsageError as e:
        print(f"clients/{stack}/run: {e}", file=sys.stderr)
        return 2
    style, why = check_imports(stack)
    if args.check:
        if style is None:
            print(f"unavailable: {why}")
            return UNAVAILABLE
        return 0
    if style is None:
        print(f"clients/{stack}/run: {why}", file=sys.stderr)
        return 1
    try:
        run(stack, style, args)
    except RunError as e:
        print(f"clients/{stack}/run: {one_line(e, 400)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
