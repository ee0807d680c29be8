"""Reading image_bench results: Google Benchmark JSON files and result folders.

A result folder (docs/results-format.md) is what scripts/bench writes;
scripts/plot and scripts/ci-perf read it. Everything here is the one place
that knows gbench's JSON layout, so the three scripts agree on names and
medians.
"""
import json
import math
import os
import re
import statistics

FORMAT = "image_bench.result/1"

# gbench appends how a benchmark runs to its name; these parts say nothing
# about what it measures (the same rule as image_bench's console).
_RUN_SETTING = re.compile(
    r"^(process_time|manual_time|real_time|min_time:.*|iterations:.*|"
    r"repeats:.*|min_warmup_time:.*|threads:.*)$")


def display_name(name):
    """'ListImages/concurrency:4/iterations:500/manual_time' -> 'ListImages/concurrency:4'."""
    return "/".join(p for p in name.split("/") if not _RUN_SETTING.match(p))


def load_json(path):
    """The parsed JSON of `path`; ValueError naming the file when it is not JSON."""
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON ({e})") from e


def samples(gbench):
    """Rows of one gbench JSON by display name, one per repetition in repetition order.

    Only per-repetition rows: gbench's own aggregates would count twice, and
    rows with an error measured nothing.
    """
    by_name = {}
    for row in gbench.get("benchmarks", []):
        if row.get("run_type", "iteration") != "iteration" or row.get("error_occurred"):
            continue
        by_name.setdefault(display_name(row["name"]), []).append(row)
    for rows in by_name.values():
        rows.sort(key=lambda r: r.get("repetition_index", 0))
    return by_name


def errors(gbench):
    """{display name: error message} of the runs that reported an error."""
    return {display_name(r["name"]): r.get("error_message", "")
            for r in gbench.get("benchmarks", []) if r.get("error_occurred")}


def error_count(message):
    """The count of failed calls in image_bench's error message
    ("2742 errors against HOST:PORT; first: ..."), or None."""
    match = re.match(r"(\d+) errors against ", message or "")
    return int(match.group(1)) if match else None


def median(rows, key):
    """Median of `key` over the rows that have a finite value of it, or None.

    A median is robust to the one slow repetition a shared machine produces.
    """
    values = [r[key] for r in rows
              if isinstance(r.get(key), (int, float)) and math.isfinite(r[key])]
    return statistics.median(values) if values else None


def names_in_order(gbench):
    """Display names in the order they first appear in the JSON (run order)."""
    seen = []
    for row in gbench.get("benchmarks", []):
        name = display_name(row["name"])
        if name not in seen:
            seen.append(name)
    return seen


def scenario_params(name):
    """{'images_per_stream': 100, 'concurrency': 8} from a scenario's name."""
    params = {}
    for part in name.split("/")[1:]:
        key, sep, value = part.partition(":")
        if sep and value.isdigit():
            params[key] = int(value)
    return params


def load_result(folder):
    """The manifest of a result folder, each part with its gbench JSON loaded as part['gbench']."""
    manifest_path = os.path.join(folder, "result.json")
    if not os.path.isfile(manifest_path):
        raise ValueError(f"{folder}: no result.json (not a result folder)")
    result = load_json(manifest_path)
    if result.get("format") != FORMAT:
        raise ValueError(f"{manifest_path}: format is {result.get('format')!r}, expected {FORMAT!r}")
    result["folder"] = folder
    for part in result.get("parts", []):
        path = os.path.join(folder, part["json"])
        part["gbench"] = load_json(path) if os.path.isfile(path) else {"benchmarks": []}
    return result


def baselines(gbench):
    """The same-run baselines of one part: TCP bulk bytes/s, TCP and gRPC-floor p50 (us)."""
    rows = samples(gbench)
    return {
        "tcp_bulk_bytes_per_second": median(rows.get("Baseline/tcp_bulk", []), "bytes_per_second"),
        "tcp_round_trip_us": median(rows.get("Baseline/tcp_ping_pong", []), "p50_us"),
        "grpc_floor_us": median(rows.get("Baseline/health_check", []), "p50_us"),
    }


def streams_step(gbench, params):
    """What one part of the streams profile measured, as numbers (None: not
    measured), from the part's gbench JSON and its params in result.json.

    The bench's figures are medians of its measured runs (a run with errors
    has none but its error count); the server's come from its process over
    the whole bench process (params["measured"], scripts/bench's
    run_streams_part)."""
    rows = next(iter(samples(gbench).values()), [])
    messages = list(errors(gbench).values())
    failed = sum(r.get("errors", 0) for r in rows) + sum(error_count(m) or 1 for m in messages)
    measured = params.get("measured", {})
    return {
        "server": params.get("server", "?"),
        "concurrency": params.get("concurrency"),
        "channels": params.get("channels"),
        "images_per_second": median(rows, "images_per_second"),
        "bytes_per_second": median(rows, "bytes_per_second"),
        "p99_us": median(rows, "p99_us"),
        "server_cpu_s_per_gb": measured.get("server_cpu_s_per_gb"),
        "server_rss_mb_idle": measured.get("server_rss_mb_idle"),
        "server_rss_mb_peak": measured.get("server_rss_mb_peak"),
        "server_threads_peak": measured.get("server_threads_peak"),
        "bench_rss_mb_peak": measured.get("bench_rss_mb_peak"),
        "load_average_1min": measured.get("load_average_1min"),
        "others_cpu_share": measured.get("others_cpu_share"),
        "errors": int(failed),
        "first_error": messages[0].split("; first: ", 1)[-1] if messages else "",
    }
