"""Reads and checks peer-client result files (docs/client-matrix-format.md).

    import client_results
    problems = client_results.problems(json.load(open(path)))  # [] when valid
    doc = client_results.load(path)  # raises ResultError naming the first problem

Run as a script, it checks files given on the command line and prints one
line per file: `ok PATH` or `invalid PATH: the problems`.
"""
import json
import math
import sys

SCHEMA = "image-client/1"
STACKS = ("cpp-default", "python-grpcio", "python-aio", "node-grpc-js",
          "go-grpc", "java-grpc", "ruby-grpc", "image-bench")
SETTINGS = ("default", "recommended")
PERCENTILES = ("min", "p50", "p90", "p99", "max", "mean")
MAX_ERROR_SAMPLES = 5
MAX_SAMPLE_CHARS = 200


class ResultError(Exception):
    """A result file that does not follow the format; the message says how."""


def _is_number(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _percentile_problems(where, value):
    if not isinstance(value, dict):
        return [f"{where} is not an object"]
    out = [f"{where}.{key} is missing or not a finite number >= 0"
           for key in PERCENTILES
           if not _is_number(value.get(key)) or value.get(key) < 0]
    if not out and not (value["min"] <= value["p50"] <= value["p90"] <=
                        value["p99"] <= value["max"]):
        out.append(f"{where}: min <= p50 <= p90 <= p99 <= max does not hold")
    return out


def _close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b)) + 1e-3


def _result_problems(i, r):
    where = f"results[{i}]"
    if not isinstance(r, dict):
        return [f"{where} is not an object"]
    out = []
    scenario = r.get("scenario")
    if scenario not in ("list", "stream"):
        return [f"{where}.scenario is {scenario!r}, not 'list' or 'stream'"]
    rpc = {"list": "ListImages", "stream": "StreamImages"}[scenario]
    if r.get("rpc") != rpc:
        out.append(f"{where}.rpc is {r.get('rpc')!r}, not {rpc!r}")
    for key in ("concurrency", "images_per_stream", "calls", "errors", "images",
                "bytes"):
        if not _is_count(r.get(key)):
            out.append(f"{where}.{key} is missing or not a count")
    for key in ("started_unix_s", "ended_unix_s", "wall_s", "calls_per_s",
                "images_per_s", "bytes_per_s"):
        if not _is_number(r.get(key)) or r.get(key) < 0:
            out.append(f"{where}.{key} is missing or not a finite number >= 0")
    if out:
        return out
    if r["concurrency"] < 1:
        out.append(f"{where}.concurrency is below 1")
    if r["errors"] > r["calls"]:
        out.append(f"{where}: more errors ({r['errors']}) than calls ({r['calls']})")
    if r["ended_unix_s"] < r["started_unix_s"]:
        out.append(f"{where} ends before it starts")
    elif not _close(r["wall_s"], r["ended_unix_s"] - r["started_unix_s"]):
        out.append(f"{where}.wall_s is not ended_unix_s - started_unix_s")
    if r["wall_s"] > 0:
        for rate, count in (("calls_per_s", "calls"), ("images_per_s", "images"),
                            ("bytes_per_s", "bytes")):
            if not _close(r[rate], r[count] / r["wall_s"]):
                out.append(f"{where}.{rate} is not {count} / wall_s")
    out += _percentile_problems(f"{where}.latency_us", r.get("latency_us"))
    if scenario == "list":
        if r["images_per_stream"] != 0 or r["images"] != 0 or r["bytes"] != 0:
            out.append(f"{where}: a list scenario with images")
        if r.get("first_image_us") is not None:
            out.append(f"{where}.first_image_us is not null for a list scenario")
    else:
        if r["images_per_stream"] < 1:
            out.append(f"{where}.images_per_stream is below 1")
        ok_calls = r["calls"] - r["errors"]
        if r["images"] < ok_calls * r["images_per_stream"]:
            out.append(f"{where}: fewer images ({r['images']}) than its "
                       f"{ok_calls} calls without error asked for")
        # A scenario none of whose calls got an image has no first-image time.
        if r["images"] > 0 or r.get("first_image_us") is not None:
            out += _percentile_problems(f"{where}.first_image_us",
                                        r.get("first_image_us"))
    return out


def problems(doc):
    """Every way `doc` (parsed JSON) departs from the format; [] when none."""
    if not isinstance(doc, dict):
        return ["the file is not a JSON object"]
    out = []
    if doc.get("schema") != SCHEMA:
        out.append(f"schema is {doc.get('schema')!r}, not {SCHEMA!r}")
    if doc.get("stack") not in STACKS:
        out.append(f"stack is {doc.get('stack')!r}, not one of {', '.join(STACKS)}")
    if doc.get("settings") not in SETTINGS:
        out.append(f"settings is {doc.get('settings')!r}, not default or recommended")
    for key in ("library", "runtime", "target", "notes"):
        if not isinstance(doc.get(key), str):
            out.append(f"{key} is missing or not a string")
    if not isinstance(doc.get("channel_options"), dict):
        out.append("channel_options is missing or not an object")
    for key in ("images_in_set", "errors"):
        if not _is_count(doc.get(key)):
            out.append(f"{key} is missing or not a count")
    for key in ("started_unix_s", "ended_unix_s"):
        if not _is_number(doc.get(key)):
            out.append(f"{key} is missing or not a number")
    samples = doc.get("error_samples")
    if not isinstance(samples, list) or len(samples) > MAX_ERROR_SAMPLES or any(
            not isinstance(s, str) or len(s) > MAX_SAMPLE_CHARS for s in samples):
        out.append(f"error_samples is not a list of at most {MAX_ERROR_SAMPLES} "
                   f"strings of at most {MAX_SAMPLE_CHARS} characters")
    results = doc.get("results")
    if not isinstance(results, list) or not results:
        out.append("results is missing or empty")
        return out
    for i, r in enumerate(results):
        out += _result_problems(i, r)
    if not out:
        total = sum(r["errors"] for r in results)
        if doc["errors"] != total:
            out.append(f"errors is {doc['errors']}, but the results count {total}")
        if total > 0 and not samples:
            out.append("errors were counted but error_samples is empty")
    return out


def load(path):
    """The parsed result file at `path`; ResultError if it is not valid."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise ResultError(f"{path}: {e}") from None
    found = problems(doc)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ResultError(f"{path}: {found[0]}{more}")
    return doc


def main(paths):
    status = 0
    for path in paths:
        try:
            load(path)
            print(f"ok {path}")
        except ResultError as e:
            print(f"invalid {e}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
