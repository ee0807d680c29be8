#!/usr/bin/python3
"""Tests for scripts/plot: the pictures it writes and its parsing helpers.

  /usr/bin/python3 scripts/tests/plot_test.py     (from any directory)

The end-to-end tests run scripts/plot on testdata/result_small, a result
folder trimmed from real image_bench runs with one or more parts of every
kind, so that every picture has data. They check that each PNG is a real
PNG of a sensible size, not what it looks like: look at the pictures when
changing how they are drawn.
"""

import importlib.machinery
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLOT = os.path.join(REPO, "scripts", "plot")
FIXTURE = os.path.join(HERE, "testdata", "result_small")

EXPECTED = [
    "stream_time_vs_images.png",
    "images_per_second_vs_images.png",
    "concurrency.png",
    "latency_vs_throughput.png",
    "image_size.png",
    "percentile_spectrum.png",
    "efficiency.png",
    "streams.png",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_plot_module():
    """scripts/plot as a module (it has no .py suffix, being a command)."""
    loader = importlib.machinery.SourceFileLoader("plot", PLOT)
    spec = importlib.util.spec_from_loader("plot", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


plot = load_plot_module()


def run_plot(*args, cwd=None):
    return subprocess.run([PLOT] + list(args), cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def png_size(path):
    """(width, height) from the IHDR chunk, or an AssertionError naming why
    the file is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != PNG_SIGNATURE:
        raise AssertionError("%s: not a PNG signature" % path)
    if head[12:16] != b"IHDR":
        raise AssertionError("%s: first chunk is not IHDR" % path)
    return struct.unpack(">II", head[16:24])


class PlotEndToEndTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="plot_test.")
        self.addCleanup(shutil.rmtree, self.tmp)

    def assert_pngs(self, out_dir, names):
        self.assertEqual(sorted(os.listdir(out_dir)), sorted(names))
        for name in names:
            path = os.path.join(out_dir, name)
            self.assertGreater(os.path.getsize(path), 0, path)
            width, height = png_size(path)
            self.assertGreaterEqual(width, 800, path)
            self.assertGreaterEqual(height, 500, path)

    def test_result_folder_gives_every_plot(self):
        out = os.path.join(self.tmp, "out")
        result = run_plot("--out", out, FIXTURE)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertEqual(result.stdout.splitlines(), [os.path.join(out, n) for n in EXPECTED])
        self.assert_pngs(out, EXPECTED)

    def test_default_out_is_the_first_folders_plots(self):
        folder = os.path.join(self.tmp, "result_copy")
        shutil.copytree(FIXTURE, folder)
        result = run_plot(folder)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_pngs(os.path.join(folder, "plots"), EXPECTED)

    def test_overlay_of_two_inputs(self):
        out = os.path.join(self.tmp, "out")
        result = run_plot("--out", out, "--label", "before", "--label", "after",
                          FIXTURE, FIXTURE)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(result.stdout.splitlines()), len(EXPECTED))
        self.assert_pngs(out, EXPECTED)

    def test_plain_json_skips_what_it_lacks(self):
        # A plain gbench JSON of a scenarios run has no open-loop, image-size
        # or streams runs and no .hgrm files: one line each; the default
        # output is ./plots.
        lacking = ["latency_vs_throughput.png", "image_size.png", "percentile_spectrum.png",
                   "streams.png"]
        result = run_plot(os.path.join(FIXTURE, "runs", "quick.json"), cwd=self.tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        skipped = result.stderr.splitlines()
        self.assertEqual(len(skipped), len(lacking), result.stderr)
        for name, line in zip(lacking, skipped):
            self.assertIn("skipped " + name + ": ", line)
        written = [n for n in EXPECTED if n not in lacking]
        self.assertEqual(result.stdout.splitlines(), [os.path.join("plots", n) for n in written])
        self.assert_pngs(os.path.join(self.tmp, "plots"), written)

    def test_missing_input_is_one_line_and_exit_1(self):
        missing = os.path.join(self.tmp, "no_such_result")
        result = run_plot("--out", os.path.join(self.tmp, "out"), FIXTURE, missing)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn(missing, result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")))

    def test_unreadable_json_is_one_line_and_exit_1(self):
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            f.write("{not json")
        result = run_plot(bad, cwd=self.tmp)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("bad.json", result.stderr)

    def test_folder_without_result_json_is_an_error(self):
        result = run_plot(self.tmp, cwd=self.tmp)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("result.json", result.stderr)

    def test_label_count_must_match_inputs(self):
        result = run_plot("--label", "only_one", FIXTURE, FIXTURE, cwd=self.tmp)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--label", result.stderr)


def row(name, rep=0, run_type="iteration", **counters):
    return dict(name=name, run_type=run_type, repetition_index=rep, **counters)


class NamesTest(unittest.TestCase):

    def test_strip_name_drops_gbench_suffixes(self):
        self.assertEqual(plot.strip_name("Baseline/tcp_bulk/min_time:0.300/process_time/manual_time"),
                         "Baseline/tcp_bulk")
        self.assertEqual(plot.strip_name("ListImages/concurrency:4/iterations:4000/process_time/manual_time"),
                         "ListImages/concurrency:4")
        self.assertEqual(plot.strip_name("StreamImages/images_per_stream:100/concurrency:8"),
                         "StreamImages/images_per_stream:100/concurrency:8")
        self.assertEqual(plot.strip_name("LocalCost/decode/meadow_640x480.jpg/min_time:0.050"),
                         "LocalCost/decode/meadow_640x480.jpg")
        self.assertEqual(plot.strip_name("ListImages/concurrency:1/repeats:3/real_time"),
                         "ListImages/concurrency:1")
        # Only whole components are suffixes: a name that merely starts alike stays.
        self.assertEqual(plot.strip_name("LocalCost/parse/real_time_lapse.jpg"),
                         "LocalCost/parse/real_time_lapse.jpg")

    def test_parse_name_splits_method_and_arguments(self):
        self.assertEqual(plot.parse_name("StreamImages/images_per_stream:10/concurrency:8/process_time"),
                         ("StreamImages", {"images_per_stream": 10, "concurrency": 8}))
        self.assertEqual(plot.parse_name("Baseline/health_check"), ("Baseline/health_check", {}))

    def test_hgrm_names_round_trip(self):
        full = "StreamImages/images_per_stream:1/concurrency:1/process_time/manual_time"
        self.assertEqual(plot.mangle(full),
                         "StreamImages__images_per_stream_1__concurrency_1__process_time__manual_time")
        self.assertEqual(plot.strip_mangled(plot.mangle(full)), plot.mangle(plot.strip_name(full)))
        self.assertEqual(plot.strip_mangled("Baseline__tcp_bulk__min_time_0.300__manual_time"),
                         "Baseline__tcp_bulk")

    def test_unique_labels(self):
        self.assertEqual(plot.unique_labels(["a", "b", "a"]), ["a", "b", "a (2)"])


class MediansTest(unittest.TestCase):

    def test_samples_are_iterations_without_errors(self):
        groups = plot.sample_rows([
            row("ListImages/concurrency:1/process_time/manual_time", 1, p50_us=30.0),
            row("ListImages/concurrency:1/process_time/manual_time", 0, p50_us=10.0),
            row("ListImages/concurrency:1/process_time/manual_time", 2, p50_us=20.0),
            row("ListImages/concurrency:1/process_time/manual_time_median", run_type="aggregate",
                p50_us=999.0),
            dict(row("ListImages/concurrency:8/process_time/manual_time", p50_us=5.0),
                 error_occurred=True),
        ])
        self.assertEqual(list(groups), ["ListImages/concurrency:1"])
        rows = groups["ListImages/concurrency:1"]
        self.assertEqual([r["repetition_index"] for r in rows], [0, 1, 2])
        self.assertEqual(plot.median_of(rows, "p50_us"), 20.0)

    def test_median_of_even_count_and_missing_key(self):
        rows = [{"x": 1.0}, {"x": 4.0}, {"y": 100.0}, {"x": 2.0}, {"x": 3.0}]
        self.assertEqual(plot.median_of(rows, "x"), 2.5)
        self.assertIsNone(plot.median_of(rows, "z"))

    def test_infer_kind(self):
        self.assertEqual(plot.infer_kind([row("ListImages/concurrency:4", requested_rate=200.0)]),
                         "rate")
        self.assertEqual(plot.infer_kind([row("ListImages/concurrency:4")]), "scenarios")


HGRM = """       Value     Percentile TotalCount 1/(1-Percentile)

      50.000 0.000000000000          1           1.00
      60.000 0.500000000000          5           2.00
      90.000 0.900000000000          9          10.00
     120.000 0.990000000000         10         100.00
     150.000 1.000000000000         10
#[Mean    =       70.000, StdDeviation   =       20.000]
#[Max     =      150.000, Total count    =           10]
#[Buckets =           29, SubBuckets     =          256]
"""


class HgrmTest(unittest.TestCase):

    def test_parse_hgrm_rows(self):
        rows = plot.parse_hgrm(HGRM)
        self.assertEqual(rows[0], (50.0, 0.0, 1))
        self.assertEqual(rows[-1], (150.0, 1.0, 10))
        self.assertEqual(len(rows), 5)

    def test_spectrum_points_leave_out_100_percent(self):
        points = plot.spectrum_points(plot.parse_hgrm(HGRM))
        self.assertEqual([round(x, 6) for x, _ in points], [1.0, 2.0, 10.0, 100.0])
        self.assertEqual([y for _, y in points], [0.05, 0.06, 0.09, 0.12])  # ms

    def test_spectrum_points_stop_at_max_percentile(self):
        rows = [(1.0, 0.9999, 1), (2.0, 0.99995, 2)]
        self.assertEqual(len(plot.spectrum_points(rows)), 1)

    def test_fixture_hgrm_is_found_and_parses(self):
        inp = plot.load_input(FIXTURE)
        quick = [p for p in inp.parts if p.kind == "scenarios"][0]
        path = quick.hgrm_file("ListImages/concurrency:1")
        self.assertTrue(path and path.endswith(".rep0.hgrm"), path)
        with open(path) as f:
            rows = plot.parse_hgrm(f.read())
        self.assertGreater(len(rows), 10)
        self.assertEqual(rows[-1][1], 1.0)
        values = [v for v, _, _ in rows]
        self.assertEqual(values, sorted(values))


class SelectionTest(unittest.TestCase):

    def part(self, name, kind, rows, params=None):
        return plot.Part(name, kind, params, {"benchmarks": rows}, None)

    def test_efficiency_divides_by_the_same_parts_baseline_only(self):
        fast = self.part("a", "scenarios", [
            row("Baseline/tcp_bulk/manual_time", bytes_per_second=4e9),
            row("StreamImages/images_per_stream:1/concurrency:1", bytes_per_second=1e9)])
        # No baseline here: its stream must not be divided by part a's.
        alone = self.part("b", "scenarios", [
            row("StreamImages/images_per_stream:1/concurrency:1", bytes_per_second=3e9)])
        inp = plot.Input("x", "x", [fast, alone], "", True)
        streams, lists = plot.efficiency_bars([inp])
        self.assertEqual(streams, [("1 img/stream, 1 in flight", [(0, 25.0)])])
        self.assertEqual(lists, [])

    def test_efficiency_list_ratios(self):
        part = self.part("a", "scenarios", [
            row("Baseline/health_check", p50_us=50.0),
            row("Baseline/tcp_ping_pong", p50_us=20.0),
            row("ListImages/concurrency:1", p50_us=60.0)])
        inp = plot.Input("x", "x", [part], "", True)
        _, lists = plot.efficiency_bars([inp])
        self.assertEqual(lists, [("ListImages, 1 in flight", [(0, 1.2, 3.0)])])

    def test_concurrency_from_scenarios_picks_largest_length_with_several(self):
        rows = [row("StreamImages/images_per_stream:%d/concurrency:%d" % (n, c),
                    bytes_per_second=1.0)
                for n, c in ((1, 1), (1, 8), (100, 1), (100, 8), (1000, 1))]
        inp = plot.Input("x", "x", [self.part("s", "scenarios", rows)], "", True)
        n, series = plot.concurrency_series(inp)
        self.assertEqual(n, 100)
        self.assertEqual([c for c, _ in series], [1, 8])

    def test_images_series_prefers_images_per_stream_parts(self):
        sweep = self.part("ips", "images_per_stream", [
            row("StreamImages/images_per_stream:10/concurrency:1", p50_us=1.0)], {"concurrency": 1})
        scen = self.part("s", "scenarios", [
            row("StreamImages/images_per_stream:1/concurrency:1", p50_us=1.0),
            row("StreamImages/images_per_stream:1/concurrency:8", p50_us=1.0)])
        both = plot.Input("x", "x", [scen, sweep], "", True)
        self.assertEqual([n for n, _ in plot.images_series(both)], [10])
        only = plot.Input("x", "x", [scen], "", True)
        self.assertEqual([n for n, _ in plot.images_series(only)], [1])

    def streams_part(self, server, concurrency, rows, **measured):
        params = {"server": server, "concurrency": concurrency, "channels": 8,
                  "measured": dict({"server_cpu_s_per_gb": 1.0}, **measured)}
        return self.part("streams_%d_%s" % (concurrency, server), "streams", rows, params)

    def test_streams_series_by_server_and_concurrency_with_errors(self):
        name = "StreamImages/images_per_stream:10/concurrency:%d/process_time/manual_time"
        parts = [
            self.streams_part("image_server", 64, [row(name % 64, images_per_second=100.0)],
                              server_cpu_s_per_gb=3.0),
            self.streams_part("image_server", 1, [row(name % 1, images_per_second=50.0)]),
            self.streams_part("async_reference_server", 64,
                              [row(name % 64, images_per_second=400.0)]),
            self.streams_part("image_server", 8000, [dict(
                row(name % 8000), error_occurred=True,
                error_message="1502 errors against 127.0.0.1:1; first: StreamImages: "
                              "RESOURCE_EXHAUSTED: Server Threadpool Exhausted")]),
        ]
        series = plot.streams_series(plot.Input("x", "x", parts, "", True))
        sync = series["image_server"]
        self.assertEqual([s["concurrency"] for s in sync], [1, 64, 8000])
        self.assertEqual([s["images_per_second"] for s in sync], [50.0, 100.0, None])
        self.assertEqual([s["errors"] for s in sync], [0, 0, 1502])
        self.assertEqual(sync[2]["first_error"],
                         "StreamImages: RESOURCE_EXHAUSTED: Server Threadpool Exhausted")
        # Only where both servers ran; a missing figure gives no ratio.
        self.assertEqual(plot.streams_ratio_series(series),
                         [(64, {"images_per_second": 0.25, "server_cpu_s_per_gb": 3.0})])

    def test_fixture_covers_every_kind(self):
        inp = plot.load_input(FIXTURE)
        kinds = {p.kind for p in inp.parts}
        self.assertEqual(kinds, {"scenarios", "images_per_stream", "concurrency",
                                 "image_size", "rate", "streams"})
        self.assertEqual(inp.label, "result_small")
        self.assertIn("cores", inp.context_line)
        with open(os.path.join(FIXTURE, "result.json")) as f:
            self.assertEqual(json.load(f)["format"], "image_bench.result/1")


if __name__ == "__main__":
    unittest.main()
