#!/usr/bin/python3
"""Prints the performance table from the JSON files scripts/performance wrote."""
import json
import os
import statistics
import sys


def runs(path):
    with open(path) as f:
        data = json.load(f)
    by_name = {}
    for run in data["benchmarks"]:
        if run.get("run_type") != "iteration" or run.get("error_occurred"):
            continue
        name = run["name"].split("/min_time")[0].split("/process_time")[0]
        by_name.setdefault(name, []).append(run)
    return by_name


def median(runs_, key):
    return statistics.median(r[key] for r in runs_)


def cpu_per_gb(runs_):
    """Bench / server CPU per GB; the server part only if it reports it."""
    server = ("%.2f" % median(runs_, "server_cpu_s_per_gb")
              if all("server_cpu_s_per_gb" in r for r in runs_) else "-")
    return "%.2f / %s s" % (median(runs_, "bench_cpu_s_per_gb"), server)


def main(out_dir):
    rows = []
    single = runs(os.path.join(out_dir, "single.json"))
    tcp = median(single["Baseline/tcp_bulk"], "bytes_per_second")
    stream = single["StreamImages/images_per_stream:1000/concurrency:1"]
    rates = sorted(r["bytes_per_second"] for r in stream)
    rows.append(("1 stream x 1000 images, median of %d connections" % len(rates),
                 "%.2f GB/s" % (statistics.median(rates) / 1e9),
                 "%.0f %% of TCP bulk %.2f GB/s" % (100 * statistics.median(rates) / tcp, tcp / 1e9)))
    rows.append(("  worst / best connection",
                 "%.2f / %.2f GB/s" % (rates[0] / 1e9, rates[-1] / 1e9),
                 "%.0f %% / %.0f %%" % (100 * rates[0] / tcp, 100 * rates[-1] / tcp)))
    rows.append(("  CPU per GB: bench / server", cpu_per_gb(stream), ""))
    concurrent = runs(os.path.join(out_dir, "concurrent.json"))
    tcp_c = median(concurrent["Baseline/tcp_bulk"], "bytes_per_second")
    many = concurrent["StreamImages/images_per_stream:100/concurrency:64"]
    rate = median(many, "bytes_per_second")
    rows.append(("64 streams x 100 images, 8 connections",
                 "%.2f GB/s" % (rate / 1e9),
                 "%.0f %% of TCP bulk %.2f GB/s" % (100 * rate / tcp_c, tcp_c / 1e9)))
    rows.append(("  CPU per GB: bench / server", cpu_per_gb(many), ""))
    listed = runs(os.path.join(out_dir, "list.json"))
    rtt = median(listed["Baseline/tcp_ping_pong"], "p50_us")
    one = listed["ListImages/concurrency:1"]
    rows.append(("ListImages, 1 in flight: p50",
                 "%.1f us" % median(one, "p50_us"),
                 "%.2fx TCP round trip %.1f us" % (median(one, "p50_us") / rtt, rtt)))
    if "Baseline/health_check" in listed:
        floor = median(listed["Baseline/health_check"], "p50_us")
        rows.append(("  gRPC floor: Health/Check, 1 in flight: p50",
                     "%.1f us" % floor,
                     "ListImages is %.2fx of it" % (median(one, "p50_us") / floor)))
    sixty_four = listed["ListImages/concurrency:64"]
    rows.append(("ListImages, 64 in flight: calls/s, p99",
                 "%.0f /s, %.0f us" % (median(sixty_four, "rpcs_per_second"),
                                       median(sixty_four, "p99_us")), ""))
    with open(os.path.join(out_dir, "server_rss.txt")) as f:
        peak_kb = int(f.read().split(":")[1].split()[0])
    with open(os.path.join(out_dir, "list.json")) as f:
        image_mb = float(json.load(f)["context"]["image_bytes"]) / 1e6
    rows.append(("server peak RSS (whole run)", "%.1f MB" % (peak_kb / 1e3),
                 "limit 1.2 x %.1f MB of images + 64 MB = %.1f MB"
                 % (image_mb, 1.2 * image_mb + 64)))
    width = max(len(r[0]) for r in rows)
    for label, value, baseline in rows:
        print("%-*s  %-22s %s" % (width, label, value, baseline))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "perf-results")
