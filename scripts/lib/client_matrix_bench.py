"""image_bench as the client matrix's reference row (stack "image-bench").

scripts/clients runs out/bench/image_bench over the peer clients' scenarios
(docs/client-matrix-format.md) and converts what it writes (the gbench JSON,
the --histogram_out file and the time each result row was printed) into an
image-client/1 document, so that the bench's figures sit in the same table
as every peer client's.

    command = bench_command(BENCH, target, quick, min_time_s, json_path, hist_path)
    doc = convert(gbench_json, histogram_text, row_times, started, ended)

Differences from a peer client, said in the document's notes: ListImages runs
for --min_time_s rather than for --list_calls calls, and gbench sizes each run
before the run it reports, so the server sees more calls than the bench
counts; `records_of: "reported_connection"` tells the join to match only the
reported run's calls (client_matrix_join.reported_connection).
"""
import math
import re

import bench_results

# The scenario table of docs/client-matrix-format.md: images per stream by
# concurrency, full and quick.
LIST_CONCURRENCY = (1, 8)
STREAM_SIZES = {
    False: {1: (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000), 8: (1, 10, 100, 1000)},
    True: {1: (1, 10, 100), 8: (10, 100)},
}
BASELINES = ("tcp_bulk", "tcp_ping_pong", "health_check")

# What image_bench's channels set (bench/client/image_client.cc): its fixed
# transport arguments, one connection shared by the calls in flight as the
# contract asks of every client.
CHANNEL_OPTIONS = {
    "grpc.max_receive_message_length": -1,
    "grpc.http2.bdp_probe": 0,
    "grpc.http2.lookahead_bytes": 4194304,
    "grpc.http2.max_frame_size": 1048576,
    "image_bench --channels": 1,
}
SERVER_CPU_CALLS = 2
NOTES = ("image_bench converted by scripts/clients: one channel (--channels=1); "
         "ListImages runs for --min_time_s, not --list_calls calls; gbench sizes "
         "each run first, and only the run it reports is counted")


def contract_scenarios(quick):
    """[(scenario, concurrency, images per stream)] in the contract's run order."""
    out = [("list", c, 0) for c in LIST_CONCURRENCY]
    for concurrency, sizes in STREAM_SIZES[quick].items():
        out += [("stream", concurrency, n) for n in sizes]
    return out


def display_name(scenario, concurrency, images_per_stream):
    """The bench's display name of one contract scenario."""
    if scenario == "list":
        return f"ListImages/concurrency:{concurrency}"
    return f"StreamImages/images_per_stream:{images_per_stream}/concurrency:{concurrency}"


def benchmark_filter(quick):
    """A --benchmark_filter matching the baselines and exactly the contract's
    scenarios (the bench would otherwise run every size at every concurrency)."""
    sizes = STREAM_SIZES[quick]
    streams = "|".join(
        f"StreamImages/images_per_stream:({'|'.join(map(str, ns))})/concurrency:{c}"
        for c, ns in sizes.items())
    lists = f"ListImages/concurrency:({'|'.join(map(str, LIST_CONCURRENCY))})"
    return f"^(Baseline/({'|'.join(BASELINES)})|{lists}|{streams})/"


def bench_command(bench, target, quick, min_time_s, json_path, histograms_path):
    sizes = STREAM_SIZES[quick]
    every_size = sorted({n for ns in sizes.values() for n in ns})
    return [bench, f"--target={target}", "--channels=1",
            f"--list_concurrency={','.join(map(str, LIST_CONCURRENCY))}",
            f"--stream_concurrency={','.join(map(str, sorted(sizes)))}",
            f"--images_per_stream={','.join(map(str, every_size))}",
            f"--benchmark_filter={benchmark_filter(quick)}",
            f"--benchmark_min_time={min_time_s:g}",
            f"--benchmark_out={json_path}", "--benchmark_out_format=json",
            f"--histogram_out={histograms_path}"]


class ConversionError(Exception):
    """The bench's output cannot be turned into a result document."""


def parse_histograms(text):
    """{display name: run} of an --histogram_out file, the first repetition of
    each; a run is {"wall_ns", "rpcs", "images", "bytes", "errors",
    "histograms": {name: {"count", "sum", "min", "max", "buckets": [(lower, n)]}}}.
    Times are nanoseconds."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("image_bench.RecordedRuns"):
        raise ConversionError("the histogram file does not start with image_bench.RecordedRuns")
    runs, run, histogram, repetition = {}, None, None, 0
    for line in lines[1:]:
        key, _, value = line.partition(" ")
        if key == "run":
            run = {"histograms": {}}
            name = bench_results.display_name(value)
            histogram = None
        elif run is None:
            continue
        elif key == "repetition":
            repetition = int(value)
            if repetition == 0:
                runs.setdefault(name, run)
        elif key == "histogram":
            histogram = {"buckets": []}
            run["histograms"][value] = histogram
        elif key == "bucket" and histogram is not None:
            lower, count = value.split()
            histogram["buckets"].append((int(lower), int(count)))
        elif key in ("count", "sum", "min", "max", "overflow") and histogram is not None:
            histogram[key] = int(value)
        elif key in ("wall_ns", "rpcs", "images", "bytes", "errors") and histogram is None:
            run[key] = int(value)
    return runs


def _bucket_value(lower):
    """A value inside the bench histogram's bucket that starts at `lower`:
    exact below 256 ns, else the middle of a bucket 1/128 of its power of two."""
    if lower < 256:
        return lower
    width = 1 << (lower.bit_length() - 8)
    return lower + width // 2


def histogram_percentile(histogram, percentile):
    """Nearest-rank percentile (ns) of a parsed histogram, as the bench reports
    it: the extremes exact, other ranks at their bucket, within [min, max]."""
    count = histogram.get("count", 0)
    if count == 0:
        return 0
    rank = max(1, math.ceil(percentile / 100 * count))
    if rank <= 1:
        return histogram["min"]
    if rank >= count:
        return histogram["max"]
    seen = 0
    for lower, n in histogram["buckets"]:
        seen += n
        if seen >= rank:
            return min(max(_bucket_value(lower), histogram["min"]), histogram["max"])
    return histogram["max"]


def _summary_us(histogram, counters=None, prefix=""):
    """A latency_us object; the bench's own counters win where it has them,
    so the row reads as the bench's console does."""
    if not histogram or histogram.get("count", 0) == 0:
        return None
    out = {"min": histogram["min"] / 1e3, "max": histogram["max"] / 1e3,
           "mean": histogram["sum"] / histogram["count"] / 1e3}
    for key, percentile in (("p50", 50), ("p90", 90), ("p99", 99)):
        value = (counters or {}).get(f"{prefix}{key}_us")
        if not isinstance(value, (int, float)):
            value = histogram_percentile(histogram, percentile) / 1e3
        out[key] = value
    # Counters and buckets can disagree by a bucket's width: keep the order.
    out["p50"] = min(max(out["p50"], out["min"]), out["max"])
    out["p90"] = min(max(out["p90"], out["p50"]), out["max"])
    out["p99"] = min(max(out["p99"], out["p90"]), out["max"])
    out["mean"] = min(max(out["mean"], out["min"]), out["max"])
    return out


def _result(scenario, concurrency, n, run, counters, printed_at, window_start):
    wall_s = run["wall_ns"] / 1e9
    histograms = run["histograms"]
    latency = _summary_us(histograms.get("rpc_latency"), counters)
    if latency is None:
        return None
    counts = {"calls": run["rpcs"], "images": run["images"], "bytes": run["bytes"]}
    rates = {f"{key}_per_s": value / wall_s if wall_s > 0 else 0
             for key, value in counts.items()}
    first = None
    if scenario == "stream":
        first = _summary_us(histograms.get("first_image"), counters, "first_image_")
    return {
        "scenario": scenario, "rpc": "ListImages" if scenario == "list" else "StreamImages",
        "concurrency": concurrency, "images_per_stream": n,
        "calls": counts["calls"], "errors": min(run["errors"], counts["calls"]),
        # The run gbench reports is the last one before its row is printed.
        "started_unix_s": printed_at - wall_s, "ended_unix_s": printed_at, "wall_s": wall_s,
        "images": counts["images"], "bytes": counts["bytes"], **rates,
        "latency_us": latency, "first_image_us": first,
        "records_window_unix_s": [window_start, printed_at],
        "records_of": "reported_connection",
        # The bench reads the server's CPU time with a ListImages call on the
        # run's connection before and after the run (bench/client's
        # ServerCpuTime).
        "extra_server_calls": SERVER_CPU_CALLS if scenario == "list" else 0,
    }


def _library(build):
    grpc = re.search(r"gRPC ([0-9.]+)", build or "")
    return f"grpc++ {grpc.group(1)}" if grpc else "grpc++"


def baselines(gbench):
    """Same-run TCP bulk (bytes/s), TCP round trip and gRPC floor (p50 us)."""
    found = bench_results.baselines(gbench)
    return {"tcp_bulk_bytes_per_s": found["tcp_bulk_bytes_per_second"],
            "tcp_round_trip_us": found["tcp_round_trip_us"],
            "grpc_floor_us": found["grpc_floor_us"]}


def convert(gbench, histogram_text, row_times, started_unix_s, ended_unix_s, quick):
    """An image-client/1 document of one image_bench run.

    row_times: {display name: unix time its console row appeared}; a row's
    records window starts where the previous row's ended (the first
    scenario's, at the last baseline's)."""
    runs = parse_histograms(histogram_text)
    rows = bench_results.samples(gbench)
    failures = bench_results.errors(gbench)
    context = gbench.get("context", {})
    ordered = sorted(row_times.items(), key=lambda item: item[1])
    previous = {name: (ordered[i - 1][1] if i else started_unix_s)
                for i, (name, _) in enumerate(ordered)}
    results, samples = [], []
    for scenario, concurrency, n in contract_scenarios(quick):
        name = display_name(scenario, concurrency, n)
        if name not in runs or name not in row_times:
            continue
        counters = rows[name][0] if rows.get(name) else {}
        result = _result(scenario, concurrency, n, runs[name], counters, row_times[name],
                         previous[name])
        if result is None:
            continue
        results.append(result)
        if name in failures and len(samples) < 5:
            samples.append(f"{name}: {failures[name]}"[:200])
    if not results:
        raise ConversionError("the bench reported none of the matrix's scenarios")
    errors = sum(r["errors"] for r in results)
    if errors and not samples:
        samples.append("image_bench counted errors; see its console log")
    return {
        "schema": "image-client/1", "stack": "image-bench",
        "library": _library(context.get("build")),
        "runtime": context.get("build") or "image_bench",
        "settings": "recommended", "channel_options": dict(CHANNEL_OPTIONS),
        "target": context.get("target", ""),
        "images_in_set": int(context.get("images", 0) or 0),
        "started_unix_s": started_unix_s, "ended_unix_s": ended_unix_s,
        "notes": NOTES, "errors": errors, "error_samples": samples,
        "results": results, "baselines": baselines(gbench),
    }
