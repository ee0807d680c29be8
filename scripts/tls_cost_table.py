#!/usr/bin/python3
"""Prints the TLS-against-plaintext table from the JSON files scripts/tls-cost wrote.

    tls_cost_table.py DIR ALTERNATIONS

DIR holds N-plaintext.json and N-tls.json for N = 1..ALTERNATIONS. Each
figure is first the median over one bench run's repetitions; a transport's
figure is the median of its runs, and the ratio is the median of the
alternations' own TLS / plaintext ratios (each pair measured minutes apart,
so drift of the shared machine cancels better than in a ratio of medians).
"""
import datetime
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import bench_results  # noqa: E402

ONE = "StreamImages/images_per_stream:100/concurrency:1"
SIXTY_FOUR = "StreamImages/images_per_stream:100/concurrency:64"
LIST = "ListImages/concurrency:1"
FLOOR = "Baseline/health_check"

# (row label, benchmark, counter, scale to the unit shown)
METRICS = [
    ("1 stream x 100 images, GB/s", ONE, "bytes_per_second", 1e-9),
    ("64 streams x 100 images (8 connections), GB/s", SIXTY_FOUR, "bytes_per_second", 1e-9),
    ("ListImages, 1 in flight, p50 us", LIST, "p50_us", 1),
    ("gRPC floor (Health/Check) p50 us", FLOOR, "p50_us", 1),
    ("1 stream: server CPU s per GB", ONE, "server_cpu_s_per_gb", 1),
    ("1 stream: bench CPU s per GB", ONE, "bench_cpu_s_per_gb", 1),
    ("64 streams: server CPU s per GB", SIXTY_FOUR, "server_cpu_s_per_gb", 1),
    ("64 streams: bench CPU s per GB", SIXTY_FOUR, "bench_cpu_s_per_gb", 1),
    ("ListImages: server CPU us per call", LIST, "server_cpu_us_per_call", 1),
]


def run_medians(path):
    """{(benchmark, counter): median over the run's repetitions}."""
    rows = bench_results.samples(bench_results.load_json(path))
    return {(name, key): bench_results.median(rows.get(name, []), key)
            for _, name, key, _ in METRICS}


def main():
    folder, alternations = sys.argv[1], int(sys.argv[2])
    runs = {t: [run_medians(os.path.join(folder, f"{i}-{t}.json"))
                for i in range(1, alternations + 1)]
            for t in ("plaintext", "tls")}
    print(f"TLS against plaintext, {datetime.date.today().isoformat()}: "
          f"{alternations} alternations, medians (see scripts/tls-cost)\n")
    print("| metric | plaintext | TLS | TLS / plaintext | range of the ratio |")
    print("|---|---|---|---|---|")
    for label, name, key, scale in METRICS:
        plain = [r[(name, key)] for r in runs["plaintext"]]
        tls = [r[(name, key)] for r in runs["tls"]]
        pairs = [(p, t) for p, t in zip(plain, tls) if p and t]
        if not pairs:
            print(f"| {label} | - | - | - | - |")
            continue
        ratios = [t / p for p, t in pairs]
        print(f"| {label} | {statistics.median(p for p, _ in pairs) * scale:.3g} "
              f"| {statistics.median(t for _, t in pairs) * scale:.3g} "
              f"| {statistics.median(ratios):.2f}x "
              f"| {min(ratios):.2f}-{max(ratios):.2f}x |")


if __name__ == "__main__":
    main()
