"""What a person reads from a result folder: summary.md and index.html.

Both show the same tables, built once here from the parts' gbench JSON:
medians over repetitions, each stream beside its own part's TCP bulk rate and
each unary call beside its own part's gRPC floor, never another part's.
"""
import html
import os

import bench_results as br


def _fmt_rate(value):
    if value is None:
        return "-"
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e4:
        return f"{value / 1e3:.1f}k"
    return f"{value:.1f}"


def _fmt_us(value):
    if value is None:
        return "-"
    if value < 1000:
        return f"{value:.1f} us"
    if value < 1e6:
        return f"{value / 1e3:.2f} ms"
    return f"{value / 1e6:.2f} s"


def _fmt_bytes(value):
    if value is None:
        return "-"
    for unit, size in (("MB", 1e6), ("KB", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f} B"


def _ratio(numerator, denominator, fmt):
    if numerator is None or not denominator:
        return "-"
    return fmt.format(numerator / denominator)


class Table:
    """A titled table: a header row, body rows of strings, and a note under it."""

    def __init__(self, title, header, rows, note=""):
        self.title, self.header, self.rows, self.note = title, header, rows, note

    def markdown(self):
        lines = [f"### {self.title}", "", "| " + " | ".join(self.header) + " |",
                 "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines) + "\n"

    def html(self):
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        note = f"<p class='note'>{html.escape(self.note)}</p>" if self.note else ""
        return (f"<h3>{html.escape(self.title)}</h3>\n<table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>{note}\n")


def _baseline_note(base):
    parts = []
    if base["tcp_bulk_bytes_per_second"]:
        parts.append(f"TCP bulk {base['tcp_bulk_bytes_per_second'] / 1e9:.2f} GB/s")
    if base["tcp_round_trip_us"]:
        parts.append(f"64-byte TCP round trip {_fmt_us(base['tcp_round_trip_us'])}")
    if base["grpc_floor_us"]:
        parts.append(f"gRPC floor (Health/Check p50) {_fmt_us(base['grpc_floor_us'])}")
    if not parts:
        return ""
    return "Same-run baselines: " + ", ".join(parts) + "."


def _stream_rows(rows_by_name, errors, base):
    rows = []
    for name, rows_ in rows_by_name.items():
        if not name.startswith("StreamImages/"):
            continue
        bytes_per_second = br.median(rows_, "bytes_per_second")
        rows.append([
            name,
            _fmt_rate(br.median(rows_, "images_per_second")),
            "-" if bytes_per_second is None else f"{bytes_per_second / 1e9:.3f}",
            _ratio(bytes_per_second, base["tcp_bulk_bytes_per_second"], "{:.1%}"),
            _fmt_us(br.median(rows_, "p50_us")), _fmt_us(br.median(rows_, "p99_us")),
            _fmt_us(br.median(rows_, "p999_us")),
            f"{sum(r.get('errors', 0) for r in rows_):.0f}",
        ])
    rows += [[name, "ERROR: " + message[:80], "", "", "", "", "", ""]
             for name, message in errors.items() if name.startswith("StreamImages/")]
    return rows


def _list_rows(rows_by_name, errors, base):
    rows = []
    for name, rows_ in rows_by_name.items():
        if not name.startswith("ListImages/"):
            continue
        p50 = br.median(rows_, "p50_us")
        rows.append([
            name, _fmt_rate(br.median(rows_, "rpcs_per_second")), _fmt_us(p50),
            _ratio(p50, base["grpc_floor_us"], "{:.2f}x"), _ratio(p50, base["tcp_round_trip_us"], "{:.2f}x"),
            _fmt_us(br.median(rows_, "p99_us")), _fmt_us(br.median(rows_, "p999_us")),
            f"{sum(r.get('errors', 0) for r in rows_):.0f}",
        ])
    rows += [[name, "ERROR: " + message[:80], "", "", "", "", "", ""]
             for name, message in errors.items() if name.startswith("ListImages/")]
    return rows


STREAM_HEADER = ["benchmark", "images/s", "GB/s", "% of TCP bulk", "p50", "p99", "p99.9", "errors"]
LIST_HEADER = ["benchmark", "calls/s", "p50", "x gRPC floor", "x TCP round trip", "p99", "p99.9",
               "errors"]


def _part_tables(part):
    gbench = part["gbench"]
    rows_by_name, errs, base = br.samples(gbench), br.errors(gbench), br.baselines(gbench)
    repetitions = max((len(r) for r in rows_by_name.values()), default=0)
    note = _baseline_note(base)
    if repetitions > 1:
        note += f" Medians of {repetitions} repetitions."
    tables = []
    stream = _stream_rows(rows_by_name, errs, base)
    if stream:
        tables.append(Table(f"{part['title']}: StreamImages", STREAM_HEADER, stream, note))
    listed = _list_rows(rows_by_name, errs, base)
    if listed:
        tables.append(Table(f"{part['title']}: ListImages", LIST_HEADER, listed, note))
    return tables


def _size_table(parts):
    rows = []
    for part in parts:
        rows_by_name = br.samples(part["gbench"])
        params = part["params"]
        for name, rows_ in rows_by_name.items():
            if not name.startswith("StreamImages/"):
                continue
            bytes_per_second = br.median(rows_, "bytes_per_second")
            rows.append([
                params.get("label", part["name"]), _fmt_bytes(params.get("image_bytes")),
                str(params.get("images_per_stream", "-")),
                _fmt_rate(br.median(rows_, "images_per_second")),
                "-" if bytes_per_second is None else f"{bytes_per_second / 1e9:.3f}",
                _fmt_us(br.median(rows_, "first_image_p50_us")),
                _fmt_us(br.median(rows_, "gap_p50_us")),
                f"{sum(r.get('errors', 0) for r in rows_):.0f}",
            ])
    header = ["size", "image bytes", "images per stream", "images/s", "GB/s", "first image p50",
              "gap p50", "errors"]
    return Table("Image size: one stream at a time", header, rows,
                 "From per-message cost (small images) to bandwidth (large ones).")


def _rate_table(parts):
    rows = []
    for part in parts:
        for name, rows_ in br.samples(part["gbench"]).items():
            if not name.startswith(("ListImages/", "StreamImages/")):
                continue
            rows.append([
                name, f"{part['params'].get('rate', 0):.0f}",
                _fmt_rate(br.median(rows_, "achieved_rate")),
                _fmt_us(br.median(rows_, "p50_us")), _fmt_us(br.median(rows_, "p99_us")),
                _fmt_us(br.median(rows_, "p999_us")),
                _fmt_us(br.median(rows_, "p99_uncorrected_us")),
                f"{sum(r.get('late_starts', 0) for r in rows_):.0f}",
                f"{sum(r.get('errors', 0) for r in rows_):.0f}",
            ])
    header = ["benchmark", "requested/s", "achieved/s", "p50", "p99", "p99.9",
              "p99 uncorrected", "late starts", "errors"]
    return Table("Open loop: latency against rate", header, rows,
                 "Latency counts from each call's intended start (coordinated omission "
                 "corrected); past the knee, achieved falls below requested and latency takes off.")


def _number(value, fmt):
    return "-" if value is None else fmt.format(value)


def _streams_table(parts):
    rows = []
    for step in (br.streams_step(p["gbench"], p["params"]) for p in parts):
        error = str(step["errors"])
        if step["first_error"]:
            error += f" ({step['first_error'][:100]})"
        rows.append([
            str(step["concurrency"]), str(step["channels"]), step["server"],
            _fmt_rate(step["images_per_second"]),
            _number(step["bytes_per_second"] and step["bytes_per_second"] / 1e9, "{:.3f}"),
            _number(step["server_cpu_s_per_gb"], "{:.2f}"),
            f"{_number(step['server_rss_mb_peak'], '{:.0f}')} ({_number(step['server_rss_mb_idle'], '{:.0f}')})",
            _number(step["server_threads_peak"], "{}"), _fmt_us(step["p99_us"]),
            _number(step["bench_rss_mb_peak"], "{:.0f}"),
            _number(step["load_average_1min"], "{:.2f}")
            + ("" if step["others_cpu_share"] is None else f" ({step['others_cpu_share']:.0%})"),
            error,
        ])
    header = ["streams", "connections", "server", "images/s", "GB/s", "server CPU s per GB",
              "server peak RSS MB (idle)", "server peak threads", "p99 per stream",
              "bench peak RSS MB", "load avg (others' CPU)", "errors"]
    return Table("Concurrent streams: each step on a fresh server", header, rows,
                 "Images/s, GB/s and p99 are the bench's measured run; the server's CPU is "
                 "its /proc time over the whole bench process divided by the bytes it sent; "
                 "RSS and threads are the largest of samples every 0.1 s; load avg is the "
                 "machine's 1-minute load average when the step began, and others' CPU the "
                 "share of all cores that other processes used during the step.")


def streams_ratios(parts):
    """[(streams, {metric: image_server / async_reference_server})] per step with both."""
    by_step = {}
    for step in (br.streams_step(p["gbench"], p["params"]) for p in parts):
        by_step.setdefault(step["concurrency"], {})[step["server"]] = step
    ratios = []
    for streams, servers in sorted(by_step.items()):
        sync, reference = servers.get("image_server"), servers.get("async_reference_server")
        if not sync or not reference:
            continue
        ratios.append((streams, {key: (sync[key] / reference[key]
                                       if sync[key] is not None and reference[key] else None)
                                 for key in ("images_per_second", "server_cpu_s_per_gb",
                                             "server_rss_mb_peak", "server_threads_peak")}))
    return ratios


def _streams_ratio_table(parts):
    rows = [[str(streams), _number(r["images_per_second"], "{:.0%}"),
             _number(r["server_cpu_s_per_gb"], "{:.2f}x"), _number(r["server_rss_mb_peak"], "{:.2f}x"),
             _number(r["server_threads_peak"], "{:.1f}x")]
            for streams, r in streams_ratios(parts)]
    header = ["streams", "images/s", "CPU per GB", "peak RSS", "peak threads"]
    return Table("image_server ÷ async_reference_server, same run", header, rows,
                 "Each step ran on both servers back to back.")


def tables(result):
    """Every table of the folder, in part order; sizes, rates and streams as one table each."""
    out, done = [], set()
    by_kind = {}
    for part in result["parts"]:
        by_kind.setdefault(part["kind"], []).append(part)
    grouped = {"image_size": lambda parts: [_size_table(parts)],
               "rate": lambda parts: [_rate_table(parts)],
               "streams": lambda parts: [_streams_table(parts), _streams_ratio_table(parts)]}
    for part in result["parts"]:
        kind = part["kind"]
        if kind not in grouped:
            out += _part_tables(part)
        elif kind not in done:
            done.add(kind)
            out += grouped[kind](by_kind[kind])
    return out


def machine_rows(result):
    """[label, value] pairs of the machine context."""
    machine = result.get("machine", {})
    commit = machine.get("git_commit", "")
    if commit and machine.get("git_dirty"):
        commit += " (with uncommitted changes)"
    return [
        ["profile", result.get("profile", "")],
        ["created (UTC)", result.get("created_utc", "")],
        ["target", result.get("target", "")],
        ["images", (result.get("server") or {}).get("images_dir", "(a server not started here)")],
        ["CPU", machine.get("cpu", "")], ["cores", str(machine.get("cores", ""))],
        ["memory", f"{machine.get('memory_gb', 0):.1f} GB"], ["kernel", machine.get("kernel", "")],
        ["OS", machine.get("os", "")], ["build", machine.get("build", "")],
        ["git commit", commit], ["command", result.get("command", "")],
    ]


def summary_markdown(result):
    lines = [f"# image_bench results: {result['profile']}, {result['created_utc']}", ""]
    for table in tables(result):
        lines.append(table.markdown())
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine_rows(result)]
    return "\n".join(lines) + "\n"


_STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 1200px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
.note { color: #555; font-size: 0.85em; margin-top: 0; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; border: 1px solid #ddd; }
#check { color: #555; font-size: 0.85em; }
"""

# Says on the page whether every plot loaded, so that a missing picture in a
# CI artifact is visible rather than a silent broken icon.
_CHECK = """
<script>
window.addEventListener('load', function () {
  var images = document.querySelectorAll('figure img');
  var loaded = 0;
  images.forEach(function (img) { if (img.complete && img.naturalWidth > 0) loaded++; });
  var check = document.getElementById('check');
  check.textContent = 'plots loaded: ' + loaded + ' of ' + images.length +
      ', tables: ' + document.querySelectorAll('table').length;
  check.setAttribute('data-loaded', loaded);
  check.setAttribute('data-images', images.length);
});
</script>
"""


def index_html(result, plot_files):
    """A static page: the tables, the plots (relative paths) and the machine context."""
    title = f"image_bench results: {result['profile']}, {result['created_utc']}"
    body = [f"<h1>{html.escape(title)}</h1>", "<p id='check'>plots loaded: ?</p>", "<h2>Results</h2>"]
    body += [table.html() for table in tables(result)]
    if plot_files:
        body.append("<h2>Plots</h2>")
        for path in plot_files:
            name = os.path.splitext(os.path.basename(path))[0].replace("_", " ")
            body.append(f"<figure><img src='{html.escape(path)}' alt='{html.escape(name)}'>"
                        f"<figcaption>{html.escape(name)}</figcaption></figure>")
    body.append(Table("Machine", ["", ""], machine_rows(result)).html().replace("<h3>", "<h2>")
                .replace("</h3>", "</h2>"))
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + _CHECK + "</body></html>\n")
