"""What a person reads from a client-matrix folder: summary.md.

    entries = stack_summaries(matrix)   # one per stack, the table's figures
    text = summary_markdown(matrix)

`matrix` is what scripts/clients writes as matrix.json: the median rows of
client_matrix_join.median_rows, the same-run baselines of the bench, the
stacks (available or not, with what they reported) and the runs.

The headline figures are streams of HEADLINE_IMAGES images at 1 and 8 in
flight, and ListImages with one call in flight, against image_server.
"""
import math

import client_matrix_join as join
from result_report import Table

HEADLINE_IMAGES = 100
PRODUCT = "image_server"
REFERENCE = "async_reference"
BENCH = "image-bench"
# The bar for image_server against the async reference, same client.
SERVER_RATIO_BAR = 0.95
# The limit is called the client's when a stack leaves the server less than
# this share of the bench's busy time, one stream alone on it ...
CLIENT_BUSY_OF_BENCH = 0.5
# ... and gets less than this share of the bench's GB/s on that stream.
CLIENT_THROUGHPUT_OF_BENCH = 0.8
# Closer than this, a settings change is not told from noise on a shared
# machine with a few repetitions.
NOISE = 0.05
CONTRACT_ORDER = ("image-bench", "cpp-default", "python-grpcio", "python-aio",
                  "node-grpc-js", "go-grpc", "java-grpc", "ruby-grpc")
UNREACHABLE = {
    name: "cannot be installed from the reachable registries (no PyPI / crates.io)"
    for name in ("grpclib", "betterproto", "purerpc", "tonic")}


def stack_order(stacks):
    """The contract's order (the bench first), any other name after it."""
    return sorted(stacks, key=lambda s: (CONTRACT_ORDER.index(s) if s in CONTRACT_ORDER
                                         else len(CONTRACT_ORDER), s))


def _figures(rows, stack, settings, server):
    """The headline figures of one stack, settings and server (None if absent)."""
    def stream(concurrency):
        return join.find(rows, stack=stack, settings=settings, server=server,
                         scenario="stream", concurrency=concurrency,
                         images_per_stream=HEADLINE_IMAGES)

    listed = join.find(rows, stack=stack, settings=settings, server=server,
                       scenario="list", concurrency=1)
    one, eight = stream(1), stream(8)
    if not (listed or one or eight):
        return None
    return {"list": listed, "1": one, "8": eight}


def _value(figures, which, key):
    row = figures.get(which) if figures else None
    return row.get(key) if row else None


def _ratio(a, b):
    return a / b if a is not None and b else None


def _strength(figures):
    """Geometric mean of the 1- and 8-stream GB/s: the best settings' score."""
    values = [_value(figures, w, "bytes_per_s") for w in ("1", "8")]
    values = [v for v in values if v]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else 0


def _settings_effect(default, recommended):
    """(verdict, {"1": change, "8": change, "list": change}) of recommended
    against default; changes are fractions (+0.3 = 30 % more GB/s; for
    ListImages p50, negative is faster)."""
    changes = {}
    for which in ("1", "8"):
        a, b = _value(default, which, "bytes_per_s"), _value(recommended, which, "bytes_per_s")
        changes[which] = b / a - 1 if a and b is not None else None
    a = _value(default, "list", "latency_p50_us")
    b = _value(recommended, "list", "latency_p50_us")
    changes["list"] = b / a - 1 if a and b is not None else None
    streams = [c for c in (changes["1"], changes["8"]) if c is not None]
    if not streams:
        return None, changes
    better, worse = max(streams) > NOISE, min(streams) < -NOISE
    verdict = ("mixed" if better and worse else "helped" if better else "hurt" if worse
               else "no clear effect")
    return verdict, changes


def _limit(entry, bench_busy):
    """Who limits the stack's streams: "client", "server" or "-" (neither
    told). The client, when one stream of it leaves the server much less busy
    than the bench's does and gets much less than the bench's GB/s; the server,
    when image_server falls below the bar against the async reference."""
    busy = entry["server_busy_1"]
    if (busy is not None and bench_busy and busy < CLIENT_BUSY_OF_BENCH * bench_busy
            and entry["of_bench_1"] is not None
            and entry["of_bench_1"] < CLIENT_THROUGHPUT_OF_BENCH):
        return "client"
    return "server" if entry["below_server_bar"] else "-"


def stack_summaries(matrix):
    """One entry per stack that ran: its best settings (against image_server)
    and the ratios of the summary table."""
    rows = matrix.get("rows", [])
    tcp = (matrix.get("baselines") or {}).get("tcp_bulk_bytes_per_s")
    bench = _figures(rows, BENCH, "recommended", PRODUCT)
    out = []
    for stack in stack_order({r["stack"] for r in rows}):
        by_settings = {s: _figures(rows, stack, s, PRODUCT) for s in ("default", "recommended")}
        by_settings = {s: f for s, f in by_settings.items() if f}
        if not by_settings:
            continue
        best = max(by_settings, key=lambda s: (_strength(by_settings[s]), s == "default"))
        figures = by_settings[best]
        reference = _figures(rows, stack, best, REFERENCE)
        verdict, changes = (None, {})
        if len(by_settings) == 2:
            verdict, changes = _settings_effect(by_settings["default"],
                                                by_settings["recommended"])
        entry = {"stack": stack, "best_settings": best, "settings_run": sorted(by_settings),
                 "settings_verdict": verdict, "settings_changes": changes}
        for which in ("1", "8"):
            bps = _value(figures, which, "bytes_per_s")
            entry[f"images_per_s_{which}"] = _value(figures, which, "images_per_s")
            entry[f"bytes_per_s_{which}"] = bps
            entry[f"of_bench_{which}"] = _ratio(bps, _value(bench, which, "bytes_per_s"))
            entry[f"of_tcp_{which}"] = _ratio(bps, tcp)
            entry[f"server_ratio_{which}"] = _ratio(bps, _value(reference, which, "bytes_per_s"))
            entry[f"blocked_share_{which}"] = _value(figures, which, "blocked_share")
        entry["server_busy_1"] = _value(figures, "1", "server_busy")
        entry["list_p50_us"] = _value(figures, "list", "latency_p50_us")
        entry["list_p99_us"] = _value(figures, "list", "latency_p99_us")
        ratios = [entry[f"server_ratio_{w}"] for w in ("1", "8")
                  if entry[f"server_ratio_{w}"] is not None]
        entry["below_server_bar"] = bool(ratios) and min(ratios) < SERVER_RATIO_BAR
        entry["limit"] = _limit(entry, _value(bench, "1", "server_busy"))
        entry["errors"] = sum(r["errors"] for r in rows if r["stack"] == stack)
        out.append(entry)
    return out


# --------------------------------------------------------------------------
# Formatting.


def fmt_us(value):
    if value is None:
        return "-"
    if value < 1000:
        return f"{value:.0f} us"
    if value < 1e6:
        return f"{value / 1e3:.1f} ms"
    return f"{value / 1e6:.2f} s"


def fmt_rate(value):
    if value is None:
        return "-"
    if value >= 1e4:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def fmt_gbps(value):
    return "-" if value is None else f"{value / 1e9:.2f}"


def fmt_pct(value):
    return "-" if value is None else f"{100 * value:.0f} %"


def fmt_share(value):
    """A share of time, one decimal: a server blocked 99.2 % is not 99.9 %."""
    return "-" if value is None else f"{100 * value:.1f} %"


def fmt_change(value):
    return "-" if value is None else f"{100 * value:+.0f} %"


def pair(a, b, fmt):
    """'a / b' of two figures (1 and 8 streams), '-' for a missing one."""
    return f"{fmt(a)} / {fmt(b)}"


def _effect_text(entry):
    if entry["stack"] == BENCH:
        return "its own, fixed (see Settings)"
    if not entry["settings_verdict"]:
        return f"{entry['best_settings']} only"
    c = entry["settings_changes"]
    return (f"{entry['settings_verdict']}: 1 stream {fmt_change(c.get('1'))}, "
            f"8 streams {fmt_change(c.get('8'))}, ListImages p50 {fmt_change(c.get('list'))}")


def _server_ratio_text(entry):
    text = pair(entry["server_ratio_1"], entry["server_ratio_8"], fmt_pct)
    return f"**{text} (below 95 %)**" if entry["below_server_bar"] else text


SUMMARY_HEADER = [
    "stack", "settings", "ListImages p50 / p99", "images/s (1 / 8 streams)",
    "GB/s (1 / 8 streams)", "% of bench (1 / 8)", "% of TCP (1 / 8)",
    "image_server ÷ async reference (1 / 8)", "time in Write (1 / 8)",
    "server busy (1 stream)", "limit", "recommended vs default (GB/s, p50)", "errors"]


def _summary_note(reps):
    """What the summary table's columns are, under it; the busy share first,
    since it is the one that tells a client-bound stack."""
    busy = ("server busy = the server process's CPU time during the stream ÷ the stream's "
            "duration, for streams alone on the server; compare with image-bench's: a stack "
            "far below it leaves the server idle, i.e. the client is the limit.")
    note = (f"Against image_server; streams of {HEADLINE_IMAGES} images at 1 and 8 in flight "
            f"over one channel; ListImages one call at a time. Medians over {reps} "
            f"repetition{'s' if reps != 1 else ''} (latencies: median of each run's p50 / "
            "p99). *settings*: the stack's better settings here (higher geometric mean of "
            "the two GB/s). *% of bench*: GB/s against image-bench's in the same run; "
            "*% of TCP*: against the bench's raw loopback TCP bulk rate (Baseline/tcp_bulk), "
            "median over the run. *image_server ÷ async reference*: the same client's GB/s "
            "against each server (the bar is 95 %). *time in Write*: the share of "
            "the server's stream time its handler thread slept inside Write (sum of "
            "write_blocked_us / sum of duration_us of its records); it reads near 100 % for "
            "fast and slow clients alike, since gRPC's own threads do the sending while the "
            "sync handler waits, so it does not say who is the limit (server busy does). "
            "*limit*: client when the stack's server busy is below "
            f"{100 * CLIENT_BUSY_OF_BENCH:.0f} % of image-bench's and its 1-stream GB/s below "
            f"{100 * CLIENT_THROUGHPUT_OF_BENCH:.0f} % of image-bench's; otherwise server when "
            f"image_server ÷ async reference is below {100 * SERVER_RATIO_BAR:.0f} % at 1 or 8 "
            "streams; otherwise -. *recommended vs default*: recommended's change; within "
            f"±{100 * NOISE:.0f} % is not told from noise. *errors*: failed calls over every "
            "run of the stack.")
    return busy + "\n\n" + note


def summary_table(matrix):
    rows = []
    for e in stack_summaries(matrix):
        rows.append([
            e["stack"], e["best_settings"],
            pair(e["list_p50_us"], e["list_p99_us"], fmt_us),
            pair(e["images_per_s_1"], e["images_per_s_8"], fmt_rate),
            pair(e["bytes_per_s_1"], e["bytes_per_s_8"], fmt_gbps),
            pair(e["of_bench_1"], e["of_bench_8"], fmt_pct),
            pair(e["of_tcp_1"], e["of_tcp_8"], fmt_pct),
            _server_ratio_text(e),
            pair(e["blocked_share_1"], e["blocked_share_8"], fmt_share),
            fmt_share(e["server_busy_1"]), e["limit"],
            _effect_text(e), str(e["errors"])])
    return Table("Which client keeps up", SUMMARY_HEADER, rows,
                 _summary_note(matrix.get("repetitions", 1)))


def settings_table(matrix):
    """Default against recommended for each stack, with what each set."""
    rows = []
    channel_options = {s: info.get("channel_options", {})
                       for s, info in (matrix.get("stacks") or {}).items()}
    for stack in stack_order({r["stack"] for r in matrix.get("rows", [])}):
        for settings in ("default", "recommended"):
            f = _figures(matrix["rows"], stack, settings, PRODUCT)
            if not f:
                continue
            options = channel_options.get(stack, {}).get(settings, {})
            rows.append([stack, settings, fmt_us(_value(f, "list", "latency_p50_us")),
                         fmt_gbps(_value(f, "1", "bytes_per_s")),
                         fmt_gbps(_value(f, "8", "bytes_per_s")),
                         ", ".join(f"`{k}={v}`" for k, v in sorted(options.items())) or "-"])
    return Table("Settings: what each stack set, and what it gave (image_server)",
                 ["stack", "settings", "ListImages p50", "GB/s, 1 stream", "GB/s, 8 streams",
                  "channel options"], rows,
                 f"Streams of {HEADLINE_IMAGES} images, medians.")


def stacks_table(matrix):
    rows = []
    stacks = matrix.get("stacks") or {}
    for stack in stack_order([s for s, i in stacks.items() if i.get("status") == "ran"]):
        info = stacks[stack]
        rows.append([stack, info.get("library") or "-", info.get("runtime") or "-",
                     "; ".join(f"`{a}`" for a in info.get("user_agents", [])) or "-",
                     (info.get("notes") or "-").replace("|", "/")])
    return Table("Stacks that ran", ["stack", "library", "runtime",
                                     "user-agent seen by image_server", "notes"], rows)


def scenarios_table(matrix):
    """Every scenario of every stack against image_server, best settings."""
    best = {e["stack"]: e["best_settings"] for e in stack_summaries(matrix)}
    rows = []
    for r in matrix.get("rows", []):
        if r["server"] != PRODUCT or best.get(r["stack"]) != r["settings"]:
            continue
        n = r["images_per_stream"]
        what = "ListImages" if r["scenario"] == "list" else f"{n} image{'' if n == 1 else 's'}"
        rows.append((stack_order(best).index(r["stack"]), r["scenario"], r["concurrency"],
                     r["images_per_stream"],
                     [r["stack"], r["settings"], what, str(r["concurrency"]),
                      fmt_rate(r["calls_per_s"] if r["scenario"] == "list"
                               else r["images_per_s"]),
                      "-" if r["scenario"] == "list" else fmt_gbps(r["bytes_per_s"]),
                      fmt_us(r["latency_p50_us"]), fmt_us(r["latency_p99_us"]),
                      fmt_share(r["blocked_share"]), fmt_share(r.get("server_busy")),
                      str(r["errors"])]))
    rows.sort(key=lambda item: item[:4])
    return Table("Every scenario (image_server, each stack's better settings)",
                 ["stack", "settings", "scenario", "in flight", "calls/s or images/s",
                  "GB/s", "p50", "p99", "time in Write", "server busy", "errors"],
                 [item[4] for item in rows], "Medians over repetitions; p50 and p99 per call. "
                 "*server busy* (streams, one call in flight only): the server process's CPU "
                 "time during the calls ÷ their duration. Streams the server ends within about a "
                 "millisecond (1 image) can read high, even over 100 %: the process clock "
                 "takes in other threads' CPU time late, when they are switched out or at a "
                 "tick.")


def unavailable_table(matrix):
    rows = [[u["stack"], u["reason"]] for u in matrix.get("unavailable", [])]
    listed = {u["stack"] for u in matrix.get("unavailable", [])}
    rows += [[name, why] for name, why in UNREACHABLE.items() if name not in listed]
    return Table("Unavailable stacks", ["stack", "why"], rows)


def _join_section(matrix):
    check = matrix.get("join") or {}
    if not check.get("stream_log"):
        return ["## Join with the server's records", "",
                check.get("note") or "No stream log: nothing to join.", ""]
    lines = ["## Join with the server's records", "",
             f"{check.get('records', 0)} records in {check['stream_log']}"
             + (f" ({check['bad_lines']} lines that are not records)" if check.get("bad_lines")
                else "") + f"; {check.get('scenarios', 0)} scenarios of runs against "
             "image_server joined."]
    if check.get("server_says"):
        lines.append(f"The server: `{check['server_says']}`.")
    mismatches = check.get("mismatches", [])
    if not mismatches:
        lines.append("Every scenario's calls (and for streams, images and bytes) match the "
                     "server's records exactly.")
    else:
        lines += ["", f"{len(mismatches)} scenarios whose counts differ from the server's "
                  "records:", ""]
        lines += [f"- {m}" for m in mismatches[:30]]
        if len(mismatches) > 30:
            lines.append(f"- ... and {len(mismatches) - 30} more (matrix.json)")
    return lines + [""]


def _failed_section(matrix):
    failed = [r for r in matrix.get("runs", []) if not r.get("ok")]
    if not failed:
        return []
    lines = ["## Failed runs", ""]
    lines += [f"- [{r['index']}] {r['stack']} {r['settings']} against {r['server']} "
              f"(repetition {r['repetition']}): {r.get('problem')}" for r in failed]
    return lines + [""]


def _header(matrix):
    base = matrix.get("baselines") or {}
    mode = "quick" if matrix.get("quick") else "full"
    lines = [f"# Client matrix, {matrix.get('created_utc', '')}", "",
             f"`{matrix.get('command', 'scripts/clients')}`: {mode} scenarios, "
             f"--min_time_s={matrix.get('min_time_s')}, "
             f"{matrix.get('repetitions')} repetition(s), random interleaved order with seed "
             f"{matrix.get('seed')} (`--seed={matrix.get('seed')}` repeats it), "
             f"{len(matrix.get('runs', []))} runs in {matrix.get('duration_s', 0):.0f} s."]
    machine = matrix.get("machine") or {}
    if machine:
        lines.append(f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
                     f"kernel {machine.get('kernel', '?')}, commit "
                     f"{(machine.get('git_commit') or '?')[:7]}"
                     f"{'+dirty' if machine.get('git_dirty') else ''}.")
    if base.get("tcp_bulk_bytes_per_s"):
        lines.append(f"Same-run baselines (image_bench, medians): TCP bulk "
                     f"{base['tcp_bulk_bytes_per_s'] / 1e9:.2f} GB/s, 64-byte TCP round trip "
                     f"{fmt_us(base.get('tcp_round_trip_us'))}, gRPC floor (Health/Check p50) "
                     f"{fmt_us(base.get('grpc_floor_us'))}.")
    return lines + [""]


def summary_markdown(matrix):
    lines = _header(matrix)
    text = "\n".join(lines) + "\n"
    for table in (summary_table(matrix), settings_table(matrix), stacks_table(matrix),
                  unavailable_table(matrix)):
        text += table.markdown() + "\n"
    text += "\n".join(_failed_section(matrix) + _join_section(matrix)) + "\n"
    text += scenarios_table(matrix).markdown()
    return text
