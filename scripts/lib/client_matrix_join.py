"""Joins what each client measured with what the server recorded of the same
calls, and takes medians over repetitions (docs/client-matrix-format.md).

    log = read_stream_log("stream-log.jsonl")
    joined = join_run(doc, log)            # one entry per result of doc
    rows = median_rows([(meta, doc, joined), ...])

Clients run one at a time, so the server's records whose start falls inside
a scenario's [started_unix_s, ended_unix_s] are that scenario's calls. Counts
are compared exactly: calls, and for streams images and bytes; any difference
is a mismatch, reported, never corrected.

How busy the server was is server_cpu_us / duration_us, summed over the
scenario's records, for stream scenarios with one call in flight only: each
record's server_cpu_us is the whole process's CPU during that call, so
overlapping calls count the same CPU several times, and the records hold no
clock to undo that with. ListImages calls are left out: they last a few
hundred microseconds, and the process clock takes in other threads' CPU
time late (when they are switched out, or at a tick), so calls that short
read far above what two cores can give.
"""
import bisect
import json
import statistics

KEY_FIELDS = ("stack", "settings", "server", "scenario", "concurrency", "images_per_stream")


class StreamLog:
    """The records of an image_server --stream_log file, sorted by start."""

    def __init__(self, records, bad_lines=0):
        self.records = sorted(records, key=lambda r: r["start_unix_us"])
        self.starts = [r["start_unix_us"] for r in self.records]
        self.bad_lines = bad_lines

    def between(self, start_unix_s, end_unix_s):
        """The records whose start lies in [start, end] (seconds)."""
        lo = bisect.bisect_left(self.starts, start_unix_s * 1e6)
        hi = bisect.bisect_right(self.starts, end_unix_s * 1e6)
        return self.records[lo:hi]


def read_stream_log(path):
    """The StreamLog of a file; lines that are not a record are counted in
    bad_lines. A missing file is an empty log."""
    records, bad = [], 0
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    bad += 1
                    continue
                if not isinstance(record, dict) or not isinstance(
                        record.get("start_unix_us"), (int, float)):
                    bad += 1
                    continue
                records.append(record)
    except FileNotFoundError:
        pass
    return StreamLog(records, bad)


def _count(record, key):
    value = record.get(key)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _total_or_none(records, key):
    """The sum of a field over records, or None when any record lacks it (an
    older server's): unknown is not 0."""
    values = [r.get(key) for r in records]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    return sum(values)


def reported_connection(records, result):
    """The records of the one run gbench reported, out of a window that also
    holds the runs gbench made while sizing it (and, since the row is read a
    moment after the bench prints it, maybe the next benchmark's first call).

    Each run opens a fresh connection (the bench's --channels=1), so the
    records group by peer; the reported run is the last connection whose
    first call started by the time the run's timer did (its end, the row,
    less its wall time), with a little slack for the call's own start."""
    slack = min(0.25 * result["wall_s"], 0.05)
    latest_start_us = (result["started_unix_s"] + slack) * 1e6
    first_start = {}
    for r in records:
        first_start.setdefault(r.get("peer"), r["start_unix_us"])
    candidates = [(start, peer) for peer, start in first_start.items()
                  if start <= latest_start_us]
    if not candidates:
        return []
    chosen = max(candidates)[1]
    return [r for r in records if r.get("peer") == chosen]


def join_result(result, log):
    """What the server recorded of one scenario of a client's result:
    {"server_calls", "server_images", "server_bytes", "server_not_ok",
     "write_blocked_us", "duration_us", "blocked_share", "server_cpu_us",
     "server_busy", "mismatches"}.

    blocked_share (streams) is the share of the calls' time the handler slept
    in Write; server_busy (streams, one call in flight) the server process's
    CPU time over the calls' time. Either is None where it cannot be told."""
    window = result.get("records_window_unix_s") or (result["started_unix_s"],
                                                     result["ended_unix_s"])
    mine = [r for r in log.between(*window) if r.get("rpc") == result["rpc"]]
    if result.get("records_of") == "reported_connection":
        mine = reported_connection(mine, result)
    images = sum(_count(r, "images") for r in mine)
    sent = sum(_count(r, "bytes") for r in mine)
    blocked = sum(_count(r, "write_blocked_us") for r in mine)
    duration = sum(_count(r, "duration_us") for r in mine)
    server_cpu = _total_or_none(mine, "server_cpu_us") if mine else None
    alone = result["scenario"] == "stream" and result["concurrency"] == 1
    mismatches = []
    # A caller that makes calls of its own besides the scenario's says how many.
    compared = [("calls", result["calls"] + result.get("extra_server_calls", 0), len(mine))]
    if result["scenario"] == "stream":
        compared += [("images", result["images"], images), ("bytes", result["bytes"], sent)]
    for what, client, server in compared:
        if client != server:
            mismatches.append(f"{what}: client {client}, server {server}")
    return {
        "server_calls": len(mine), "server_images": images, "server_bytes": sent,
        "server_not_ok": sum(1 for r in mine if r.get("status", "OK") != "OK"),
        "write_blocked_us": blocked, "duration_us": duration,
        "blocked_share": blocked / duration if result["scenario"] == "stream" and duration
        else None,
        "server_cpu_us": server_cpu,
        "server_busy": server_cpu / duration if alone and server_cpu is not None and duration
        else None,
        "mismatches": mismatches,
    }


def user_agents(doc, log):
    """The user-agent strings the server saw during the client's whole run."""
    seen = {r.get("user_agent") for r in log.between(doc["started_unix_s"],
                                                      doc["ended_unix_s"])}
    return sorted(agent for agent in seen if isinstance(agent, str) and agent)


def join_run(doc, log):
    """One join_result per result of the document, in its order."""
    return [join_result(result, log) for result in doc["results"]]


def key_of(meta, result):
    """The row a result belongs to: stack, settings, server and scenario."""
    return (meta["stack"], meta["settings"], meta["server"], result["scenario"],
            result["concurrency"], result["images_per_stream"])


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def median_rows(runs):
    """One row per (stack, settings, server, scenario): medians over the
    repetitions of its rates, of its per-run latency percentiles, of the
    handler's blocked share and of the server's busy share; sums of calls and
    errors.

    runs: [(meta with stack/settings/server, result document, joins or None)]."""
    pooled = {}
    for meta, doc, joins in runs:
        for i, result in enumerate(doc["results"]):
            join = joins[i] if joins else None
            pooled.setdefault(key_of(meta, result), []).append((result, join))
    rows = []
    for key, entries in pooled.items():
        results = [r for r, _ in entries]
        joins = [j for _, j in entries if j is not None]
        row = dict(zip(KEY_FIELDS, key))
        row.update({
            "repetitions": len(entries),
            "calls": sum(r["calls"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "calls_per_s": _median([r["calls_per_s"] for r in results]),
            "images_per_s": _median([r["images_per_s"] for r in results]),
            "bytes_per_s": _median([r["bytes_per_s"] for r in results]),
            "latency_p50_us": _median([r["latency_us"]["p50"] for r in results]),
            "latency_p99_us": _median([r["latency_us"]["p99"] for r in results]),
            "first_image_p50_us": _median([(r.get("first_image_us") or {}).get("p50")
                                           for r in results]),
            "blocked_share": _median([j["blocked_share"] for j in joins]),
            "server_busy": _median([j.get("server_busy") for j in joins]),
            "joined": len(joins),
            "mismatches": sum(1 for j in joins if j["mismatches"]),
        })
        rows.append(row)
    rows.sort(key=lambda r: tuple(r[k] for k in KEY_FIELDS))
    return rows


def find(rows, **want):
    """The one row matching every given field, or None."""
    for row in rows:
        if all(row.get(k) == v for k, v in want.items()):
            return row
    return None
