#!/usr/bin/python3
"""Tests for scripts/clients, the client matrix.

  /usr/bin/python3 scripts/tests/clients_test.py     (from any directory)

1. The join, the medians, the bench's conversion and the summary, on small
   synthetic inputs made here (result documents, a stream log) and on
   testdata/clients/bench.* (one real image_bench run over the quick
   scenarios: its gbench JSON, --histogram_out file and row times); what
   scripts/plot draws from a client-matrix folder.
2. scripts/clients over fake stacks (testdata/clients/fake_client.py: one
   that runs, one unavailable, one that crashes): exit status, summary and
   matrix.json.
3. The end-to-end run the issue asks CI for:
   scripts/clients --stacks=python,cpp-default --quick --no-setup --no-build.
   A stack whose run --check says unavailable is skipped, but at least one
   real stack must run, with both settings against both servers.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))

import client_matrix_bench as matrix_bench  # noqa: E402
import client_matrix_join as matrix_join  # noqa: E402
import client_matrix_summary as matrix_summary  # noqa: E402
import client_results  # noqa: E402

CLIENTS = os.path.join(REPO, "scripts", "clients")
TESTDATA = os.path.join(HERE, "testdata", "clients")
FAKE = os.path.join(TESTDATA, "fake_client.py")
T0 = 1764640000.0


def latency(us):
    return {"min": us, "p50": us, "p90": us, "p99": us, "max": us, "mean": us}


def result(scenario, concurrency, n, start, calls, wall=1.0, image_bytes=1000, errors=0):
    images = (calls - errors) * n
    return {
        "scenario": scenario, "rpc": "ListImages" if scenario == "list" else "StreamImages",
        "concurrency": concurrency, "images_per_stream": n, "calls": calls, "errors": errors,
        "started_unix_s": start, "ended_unix_s": start + wall, "wall_s": wall,
        "images": images, "bytes": images * image_bytes, "calls_per_s": calls / wall,
        "images_per_s": images / wall, "bytes_per_s": images * image_bytes / wall,
        "latency_us": latency(100.0 * max(1, n)),
        "first_image_us": latency(50.0) if scenario == "stream" else None,
    }


def document(stack, settings, results, notes=""):
    return {
        "schema": "image-client/1", "stack": stack, "library": "lib 1", "runtime": "rt",
        "settings": settings, "channel_options": {}, "target": "127.0.0.1:1",
        "images_in_set": 24, "started_unix_s": results[0]["started_unix_s"] - 0.5,
        "ended_unix_s": results[-1]["ended_unix_s"] + 0.5, "notes": notes,
        "errors": sum(r["errors"] for r in results), "error_samples": [],
        "results": results,
    }


def record(rpc, start_s, images=0, image_bytes=1000, duration_us=1000, blocked_us=0,
           cpu_us=100, agent="grpc-test/1.0"):
    """A stream record as image_server writes it; cpu_us=None leaves out the
    fields an older server did not write."""
    fields = {"rpc": rpc, "start_unix_us": int(start_s * 1e6),
            "end_unix_us": int(start_s * 1e6) + duration_us, "peer": "ipv4:127.0.0.1:1",
            "user_agent": agent, "images": images, "bytes": images * image_bytes,
            "duration_us": duration_us, "first_image_us": 10,
            "write_blocked_us": blocked_us,
            "blocked_share": blocked_us / duration_us if duration_us else 0,
            "status": "OK", "message": ""}
    if cpu_us is not None:
        fields.update({"write_us": duration_us, "handler_cpu_us": cpu_us // 4,
                       "handler_queued_us": 0, "server_cpu_us": cpu_us})
    return fields


class JoinTest(unittest.TestCase):

    def setUp(self):
        self.doc = document("go-grpc", "default", [
            result("list", 1, 0, T0, calls=3),
            result("stream", 1, 10, T0 + 2, calls=2),
            result("stream", 8, 10, T0 + 4, calls=2),
        ])
        self.records = [
            record("ListImages", T0 - 0.2),  # the client's first ListImages: no scenario's
            record("ListImages", T0 + 0.1), record("ListImages", T0 + 0.2),
            record("ListImages", T0 + 0.3),
            record("StreamImages", T0 + 2.1, images=10, duration_us=4000, blocked_us=1000,
                   cpu_us=2000),
            record("StreamImages", T0 + 2.5, images=10, duration_us=4000, blocked_us=3000,
                   cpu_us=200, agent="grpc-test/1.0 other"),
            record("StreamImages", T0 + 4.1, images=10, duration_us=4000, cpu_us=3000),
            record("StreamImages", T0 + 4.2, images=10, duration_us=4000, cpu_us=3000),
            record("StreamImages", T0 + 9, images=10),  # another run's
        ]

    def test_records_in_each_window_match_the_client(self):
        log = matrix_join.StreamLog(self.records)
        listed, streamed, overlapping = matrix_join.join_run(self.doc, log)
        self.assertEqual(listed["server_calls"], 3)
        self.assertEqual(listed["mismatches"], [])
        self.assertIsNone(listed["blocked_share"])
        self.assertEqual((streamed["server_calls"], streamed["server_images"],
                          streamed["server_bytes"]), (2, 20, 20000))
        self.assertEqual(streamed["mismatches"], [])
        self.assertEqual(overlapping["mismatches"], [])
        self.assertAlmostEqual(streamed["blocked_share"], 4000 / 8000)

    def test_server_busy_of_calls_alone_on_the_server(self):
        log = matrix_join.StreamLog(self.records)
        listed, streamed, overlapping = matrix_join.join_run(self.doc, log)
        self.assertAlmostEqual(streamed["server_busy"], 2200 / 8000)
        self.assertEqual(streamed["server_cpu_us"], 2200)
        self.assertEqual(listed["server_cpu_us"], 300)
        self.assertIsNone(listed["server_busy"])  # calls too short to tell
        # Overlapping calls each count the whole process's CPU: no busy share.
        self.assertEqual(overlapping["server_cpu_us"], 6000)
        self.assertIsNone(overlapping["server_busy"])

    def test_an_older_servers_records_leave_busy_unknown_not_zero(self):
        self.records[5] = record("StreamImages", T0 + 2.5, images=10, duration_us=4000,
                                 cpu_us=None)
        _, streamed, _ = matrix_join.join_run(self.doc, matrix_join.StreamLog(self.records))
        self.assertEqual(streamed["mismatches"], [])
        self.assertIsNone(streamed["server_cpu_us"])
        self.assertIsNone(streamed["server_busy"])
        self.assertIsNotNone(streamed["blocked_share"])
        self.doc["results"][1]["calls"] = 0  # no records at all: unknown too
        self.doc["results"][1]["images"] = self.doc["results"][1]["bytes"] = 0
        empty = matrix_join.join_result(self.doc["results"][1], matrix_join.StreamLog([]))
        self.assertIsNone(empty["server_busy"])

    def test_a_missing_record_is_a_mismatch(self):
        del self.records[5]
        log = matrix_join.StreamLog(self.records)
        _, streamed, _ = matrix_join.join_run(self.doc, log)
        self.assertEqual(streamed["mismatches"],
                         ["calls: client 2, server 1", "images: client 20, server 10",
                          "bytes: client 20000, server 10000"])

    def test_user_agents_of_the_whole_run(self):
        log = matrix_join.StreamLog(self.records)
        self.assertEqual(matrix_join.user_agents(self.doc, log),
                         ["grpc-test/1.0", "grpc-test/1.0 other"])

    def test_bench_rows_take_only_the_reported_connection(self):
        # gbench sizes a run first (each run on a connection of its own), and
        # the row is read a moment late: the next benchmark's first call can
        # fall in the window too.
        r = result("stream", 8, 10, T0 + 2, calls=2)
        r["records_window_unix_s"] = [T0, T0 + 3.0]
        r["records_of"] = "reported_connection"

        def on(peer, start, images=10):
            rec = record("StreamImages", start, images=images)
            rec["peer"] = peer
            return rec

        records = [on("sizing", T0 + 0.5), on("sizing", T0 + 0.6),
                   on("reported", T0 + 2.001), on("reported", T0 + 2.4),
                   on("next", T0 + 2.999, images=100)]
        joined = matrix_join.join_result(r, matrix_join.StreamLog(records))
        self.assertEqual((joined["server_calls"], joined["server_images"]), (2, 20))
        self.assertEqual(joined["mismatches"], [])

    def test_stream_log_skips_lines_that_are_not_records(self):
        tmp = tempfile.mkdtemp(prefix="clients_test.")
        self.addCleanup(shutil.rmtree, tmp)
        path = os.path.join(tmp, "log.jsonl")
        with open(path, "w") as f:
            for r in reversed(self.records):
                f.write(json.dumps(r) + "\n")
            f.write("not json\n{\"rpc\": \"StreamImages\"}\n\n")
        log = matrix_join.read_stream_log(path)
        self.assertEqual(len(log.records), len(self.records))
        self.assertEqual(log.bad_lines, 2)
        self.assertEqual(log.records[0]["start_unix_us"], int((T0 - 0.2) * 1e6))
        self.assertEqual(matrix_join.read_stream_log(path + ".absent").records, [])

    def test_medians_over_repetitions(self):
        runs = []
        for rep, wall in enumerate((1.0, 2.0, 4.0), 1):
            doc = document("go-grpc", "default",
                           [result("stream", 8, 100, T0 + 10 * rep, calls=8, wall=wall,
                                   errors=1 if rep == 3 else 0)])
            join = [{"blocked_share": 0.1 * rep, "server_busy": None if rep == 2 else rep,
                     "mismatches": []}]
            runs.append(({"stack": "go-grpc", "settings": "default",
                          "server": "image_server"}, doc, join))
        rows = matrix_join.median_rows(runs)
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["repetitions"], 3)
        self.assertEqual(row["errors"], 1)
        self.assertEqual(row["calls"], 24)
        self.assertAlmostEqual(row["bytes_per_s"], 800 * 1000 / 2.0)
        self.assertAlmostEqual(row["blocked_share"], 0.2)
        self.assertAlmostEqual(row["server_busy"], 2)  # of the repetitions that know it


class BenchConversionTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(TESTDATA, "bench.gbench.json")) as f:
            cls.gbench = json.load(f)
        with open(os.path.join(TESTDATA, "bench.histograms.txt")) as f:
            cls.histograms = f.read()
        with open(os.path.join(TESTDATA, "bench.times.json")) as f:
            cls.times = json.load(f)
        cls.doc = matrix_bench.convert(cls.gbench, cls.histograms, cls.times["row_times"],
                                       cls.times["started"], cls.times["ended"], True)

    def test_the_document_follows_the_contract(self):
        self.assertEqual(client_results.problems(self.doc), [])
        self.assertEqual(self.doc["stack"], "image-bench")
        self.assertEqual(self.doc["settings"], "recommended")
        kinds = [(r["scenario"], r["concurrency"], r["images_per_stream"])
                 for r in self.doc["results"]]
        self.assertEqual(kinds, matrix_bench.contract_scenarios(True))

    def test_counts_come_from_the_histogram_file(self):
        runs = matrix_bench.parse_histograms(self.histograms)
        name = "StreamImages/images_per_stream:100/concurrency:8"
        r = next(r for r in self.doc["results"]
                 if (r["concurrency"], r["images_per_stream"]) == (8, 100))
        self.assertEqual((r["calls"], r["images"], r["bytes"]),
                         (runs[name]["rpcs"], runs[name]["images"], runs[name]["bytes"]))
        self.assertAlmostEqual(r["wall_s"], runs[name]["wall_ns"] / 1e9)
        self.assertEqual(r["images"], r["calls"] * 100)
        row = next(b for b in self.gbench["benchmarks"] if b["name"].startswith(name + "/"))
        self.assertAlmostEqual(r["latency_us"]["p50"], row["p50_us"])
        self.assertAlmostEqual(r["images_per_s"], row["images_per_second"], delta=1e-6 *
                               row["images_per_second"] + 1)

    def test_windows_run_from_the_previous_row(self):
        times = self.times["row_times"]
        first = self.doc["results"][0]
        self.assertEqual(first["records_window_unix_s"],
                         [times["Baseline/health_check"], times["ListImages/concurrency:1"]])
        self.assertEqual(first["records_of"], "reported_connection")
        # Its two ListImages calls for the server's CPU time, on the same connection.
        self.assertEqual(first["extra_server_calls"], 2)
        self.assertEqual(self.doc["results"][-1]["extra_server_calls"], 0)
        self.assertEqual(first["ended_unix_s"], times["ListImages/concurrency:1"])

    def test_baselines(self):
        base = self.doc["baselines"]
        self.assertGreater(base["tcp_bulk_bytes_per_s"], 1e8)
        self.assertGreater(base["grpc_floor_us"], base["tcp_round_trip_us"])

    def test_filter_selects_the_contract_scenarios_only(self):
        pattern = re.compile(matrix_bench.benchmark_filter(False))
        self.assertTrue(pattern.search(
            "StreamImages/images_per_stream:500/concurrency:1/process_time/manual_time"))
        self.assertFalse(pattern.search(
            "StreamImages/images_per_stream:500/concurrency:8/process_time/manual_time"))
        self.assertFalse(pattern.search(
            "StreamImages/images_per_stream:100/concurrency:64/process_time/manual_time"))
        self.assertTrue(pattern.search("Baseline/tcp_bulk/min_time:0.300/process_time"))
        self.assertFalse(pattern.search("LocalCost/parse/a.jpg/min_time:0.050"))

    def test_percentiles_are_nearest_rank(self):
        histogram = {"count": 4, "sum": 10, "min": 1, "max": 4,
                     "buckets": [(1, 1), (2, 1), (3, 1), (4, 1)]}
        self.assertEqual(matrix_bench.histogram_percentile(histogram, 50), 2)
        self.assertEqual(matrix_bench.histogram_percentile(histogram, 51), 3)
        self.assertEqual(matrix_bench.histogram_percentile(histogram, 100), 4)
        self.assertEqual(matrix_bench.histogram_percentile(histogram, 0), 1)


def row(stack, settings, server, scenario, concurrency, n, bytes_per_s, p50=100.0,
        blocked=None, busy=None, errors=0):
    return {"stack": stack, "settings": settings, "server": server, "scenario": scenario,
            "concurrency": concurrency, "images_per_stream": n, "repetitions": 1,
            "calls": 10, "errors": errors, "calls_per_s": 10.0,
            "images_per_s": bytes_per_s / 5e5 if n else 0, "bytes_per_s": bytes_per_s,
            "latency_p50_us": p50, "latency_p99_us": 2 * p50, "first_image_p50_us": None,
            "blocked_share": blocked, "server_busy": busy, "joined": 1, "mismatches": 0}


def synthetic_matrix():
    rows = []
    # stack: (default 1-stream, default 8-stream, recommended 1, recommended 8)
    figures = {"image-bench": (None, None, 2.0e9, 3.0e9),
               "go-grpc": (1.0e9, 1.0e9, 1.0e9, 2.0e9),
               "node-grpc-js": (0.5e9, 0.6e9, 0.5e9, 0.6e9)}
    # The server's busy share on one stream of each stack, against image_server.
    busy = {"image-bench": 0.5, "go-grpc": 0.45, "node-grpc-js": 0.05}
    for stack, (d1, d8, r1, r8) in figures.items():
        for settings, one, eight in (("default", d1, d8), ("recommended", r1, r8)):
            if one is None:
                continue
            for server, scale in (("image_server", 1.0), ("async_reference", 1.0)):
                if stack == "node-grpc-js" and server == "async_reference":
                    scale = 1 / 0.9  # image_server at 90 % of the reference
                rows.append(row(stack, settings, server, "list", 1, 0, 0, p50=80.0))
                mine = server == "image_server"
                rows.append(row(stack, settings, server, "stream", 1, 100, one * scale,
                                blocked=0.5 if mine else None,
                                busy=busy[stack] if mine else None))
                rows.append(row(stack, settings, server, "stream", 8, 100, eight * scale,
                                blocked=0.25 if mine else None))
    matrix = {"rows": rows, "repetitions": 1, "quick": True, "seed": 7,
              "baselines": {"tcp_bulk_bytes_per_s": 4e9, "tcp_round_trip_us": 20.0,
                            "grpc_floor_us": 60.0},
              "stacks": {"go-grpc": {"status": "ran", "library": "grpc-go 1.33",
                                     "runtime": "go1.19", "user_agents": ["grpc-go/1.33.3"],
                                     "channel_options": {"recommended": {"window": 4194304}}}},
              "unavailable": [{"stack": "ruby-grpc", "reason": "unavailable: no gem"}],
              "runs": [{"index": 3, "stack": "java-grpc", "settings": "default",
                        "server": "image_server", "repetition": 1, "ok": False,
                        "problem": "exited 1: boom"}],
              "join": {"stream_log": "stream-log.jsonl", "records": 40, "scenarios": 12,
                       "mismatches": ["[5] go-grpc default stream x1: calls: client 2, server 1"]}}
    matrix["summary"] = matrix_summary.stack_summaries(matrix)
    return matrix


class SummaryTest(unittest.TestCase):

    def setUp(self):
        self.matrix = synthetic_matrix()
        self.entries = {e["stack"]: e for e in self.matrix["summary"]}

    def test_bench_first_then_the_contracts_order(self):
        self.assertEqual([e["stack"] for e in self.matrix["summary"]],
                         ["image-bench", "node-grpc-js", "go-grpc"])

    def test_best_settings_and_their_effect(self):
        go = self.entries["go-grpc"]
        self.assertEqual(go["best_settings"], "recommended")
        self.assertEqual(go["settings_verdict"], "helped")
        self.assertAlmostEqual(go["settings_changes"]["8"], 1.0)
        self.assertAlmostEqual(go["settings_changes"]["1"], 0.0)
        node = self.entries["node-grpc-js"]
        self.assertEqual(node["best_settings"], "default")  # a tie keeps the defaults
        self.assertEqual(node["settings_verdict"], "no clear effect")

    def test_ratios(self):
        go = self.entries["go-grpc"]
        self.assertAlmostEqual(go["of_bench_1"], 0.5)
        self.assertAlmostEqual(go["of_bench_8"], 2 / 3)
        self.assertAlmostEqual(go["of_tcp_8"], 0.5)
        self.assertAlmostEqual(go["server_ratio_8"], 1.0)
        self.assertAlmostEqual(go["blocked_share_1"], 0.5)
        self.assertFalse(go["below_server_bar"])
        self.assertTrue(self.entries["node-grpc-js"]["below_server_bar"])
        self.assertAlmostEqual(go["server_busy_1"], 0.45)

    def test_limit(self):
        # node leaves the server a tenth as busy as the bench does, at a
        # quarter of its GB/s: the client. go keeps it nearly as busy.
        self.assertEqual({s: e["limit"] for s, e in self.entries.items()},
                         {"image-bench": "-", "go-grpc": "-", "node-grpc-js": "client"})

    def test_limit_server_and_unknown(self):
        for r in self.matrix["rows"]:
            if r["stack"] == "node-grpc-js" and r["server"] == "image_server":
                r["server_busy"] = None  # an older server: not told the client's
            if (r["stack"], r["settings"], r["server"], r["concurrency"]) == (
                    "go-grpc", "recommended", "async_reference", 8):
                r["bytes_per_s"] /= 0.9
        entries = {e["stack"]: e for e in matrix_summary.stack_summaries(self.matrix)}
        self.assertEqual(entries["node-grpc-js"]["limit"], "server")
        self.assertEqual(entries["go-grpc"]["limit"], "server")
        for r in self.matrix["rows"]:
            if r["stack"] == "image-bench":
                r["server_busy"] = None
        entries = {e["stack"]: e for e in matrix_summary.stack_summaries(self.matrix)}
        self.assertEqual(entries["go-grpc"]["limit"], "server")
        self.assertIsNone(entries["image-bench"]["server_busy_1"])

    def test_markdown_shows_what_a_reader_needs(self):
        text = matrix_summary.summary_markdown(self.matrix)
        self.assertIn("| image_server ÷ async reference (1 / 8) |", text)
        self.assertIn("| go-grpc | recommended | 80 us / 160 us | 2000 / 4000 | 1.00 / 2.00 "
                      "| 50 % / 67 % | 25 % / 50 % | 100 % / 100 % | 50.0 % / 25.0 % | 45.0 % "
                      "| - | helped: 1 stream +0 %, 8 streams +100 %, ListImages p50 +0 % | 0 |",
                      text)
        self.assertIn("| time in Write (1 / 8) | server busy (1 stream) | limit |",
                      text)
        self.assertIn("\n\nserver busy = the server process's CPU time during the stream ÷ "
                      "the stream's duration, for streams alone on the server; compare with "
                      "image-bench's: a stack far below it leaves the server idle, i.e. the "
                      "client is the limit.\n", text)
        self.assertIn("*limit*: client when the stack's server busy is below 50 % of "
                      "image-bench's and its 1-stream GB/s below 80 % of image-bench's; "
                      "otherwise server when image_server ÷ async reference is below 95 %",
                      text)
        self.assertIn("| node-grpc-js | default |", text)
        self.assertRegex(text, r"\| node-grpc-js \| default \|.*\| 5\.0 % \| client \|")
        self.assertIn("**90 % / 90 % (below 95 %)**", text)
        self.assertIn("streams of 100 images", text)
        for name in ("grpclib", "betterproto", "purerpc", "tonic"):
            self.assertIn(f"| {name} | cannot be installed from the reachable registries "
                          "(no PyPI / crates.io) |", text)
        self.assertIn("| ruby-grpc | unavailable: no gem |", text)
        self.assertIn("[3] java-grpc default against image_server (repetition 1): "
                      "exited 1: boom", text)
        self.assertIn("calls: client 2, server 1", text)
        self.assertIn("`grpc-go/1.33.3`", text)
        self.assertIn("`window=4194304`", text)


def load_plot_module():
    """scripts/plot as a module (a command, so it has no .py suffix)."""
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("plot", os.path.join(REPO, "scripts", "plot"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("plot", loader))
    loader.exec_module(module)
    return module


class PlotSelectionTest(unittest.TestCase):
    """What scripts/plot draws from a client-matrix folder: one line per
    stack, at its better settings, against image_server."""

    @classmethod
    def setUpClass(cls):
        cls.plot = load_plot_module()
        cls.matrix = synthetic_matrix()
        # A stream length that ran at one concurrency only has no curve.
        cls.matrix["rows"].append(row("go-grpc", "recommended", "image_server", "stream", 1,
                                      10, 5e8))

    def test_series_per_stack_at_its_best_settings(self):
        series = dict(self.plot.client_series(self.matrix, 1, "bytes_per_s", scale=1e9))
        self.assertEqual(list(series), ["image-bench (recommended)", "node-grpc-js (default)",
                                        "go-grpc (recommended)"])
        self.assertEqual(series["go-grpc (recommended)"], [(10, 0.5), (100, 1.0)])

    def test_concurrency_panels_need_two_concurrencies(self):
        panels = self.plot.client_concurrency_panels(self.matrix)
        self.assertEqual([n for n, _ in panels], [100])
        lines = dict(panels[0][1])
        self.assertEqual(lines["go-grpc (recommended)"], [(1, 1.0), (8, 2.0)])

    def test_a_matrix_folder_gives_the_three_pictures(self):
        tmp = tempfile.mkdtemp(prefix="clients_test.")
        self.addCleanup(shutil.rmtree, tmp)
        with open(os.path.join(tmp, "matrix.json"), "w") as f:
            json.dump(self.matrix, f)
        done = subprocess.run([os.path.join(REPO, "scripts", "plot"), tmp],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(tmp, "plots"))),
                         ["clients_fps_vs_images.png", "clients_throughput_vs_concurrency.png",
                          "clients_time_vs_images.png"])
        done = subprocess.run([os.path.join(REPO, "scripts", "plot"), tmp, tmp],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(done.returncode, 1)
        self.assertIn("plotted on its own", done.stderr)


def make_fake_clients(root, modes, with_setup=()):
    for stack, mode in modes.items():
        os.makedirs(os.path.join(root, stack))
        os.symlink(FAKE, os.path.join(root, stack, "run"))
        if stack in with_setup:
            os.symlink(FAKE, os.path.join(root, stack, "setup"))
        with open(os.path.join(root, stack, "mode"), "w") as f:
            f.write(mode + "\n")


def run_clients(*args, timeout=300):
    return subprocess.run([CLIENTS, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class OrchestrationTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="clients_test.")
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_unknown_stack_is_one_line_and_exit_2(self):
        done = run_clients("--stacks=python,cobol", "--no-build")
        self.assertEqual(done.returncode, 2)
        self.assertIn("unknown stack 'cobol'", done.stderr)

    def test_fake_stacks(self):
        fakes = os.path.join(self.tmp, "clients")
        make_fake_clients(fakes, {"go-grpc": "ok", "ruby-grpc": "unavailable",
                                  "java-grpc": "crash", "node-grpc-js": "errors"},
                          with_setup=("go-grpc", "ruby-grpc"))
        out = os.path.join(self.tmp, "out")
        done = run_clients(f"--clients_dir={fakes}", "--quick", "--no-build",
                           "--min_time_s=0.02", "--seed=5", f"--out={out}")
        # The crashing stack and the failed calls are failures; the
        # unavailable stack is not.
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertRegex(done.stderr, r"FAILED \[\d+\] java-grpc .*exited 2: fake client")
        self.assertRegex(done.stderr, r"FAILED \[\d+\] node-grpc-js .*7 failed calls")
        self.assertNotIn("FAILED [1] go-grpc", done.stderr)
        self.assertIn("seed 5", done.stderr)
        self.assertRegex(done.stderr, r"\[\d+/14\] go-grpc (default|recommended) @ ")
        self.assertEqual(done.stdout.splitlines()[-1], f"results: {out}")
        with open(os.path.join(out, "matrix.json")) as f:
            matrix = json.load(f)
        self.assertEqual(matrix["seed"], 5)
        self.assertEqual(matrix["available"], ["node-grpc-js", "go-grpc", "java-grpc"])
        # Each setup's lines are shown; a failed one is said beside the reason.
        self.assertIn("clients: setup go-grpc: fake setup: step 2", done.stderr)
        with open(os.path.join(out, "setup", "go-grpc.log")) as f:
            self.assertEqual(f.read(), "fake setup: step 1\nfake setup: step 2\n")
        self.assertEqual(matrix["unavailable"], [{
            "stack": "ruby-grpc", "reason": "ruby-grpc is a fake that says so "
            "(setup: setup exited 1: fake setup: no such package)"}])
        self.assertEqual(len(matrix["runs"]), 14)
        outcomes = {(r["stack"], r["ok"]) for r in matrix["runs"]}
        self.assertEqual(outcomes, {("go-grpc", True), ("java-grpc", False),
                                    ("node-grpc-js", False), ("image-bench", True)})
        go_rows = [r for r in matrix["rows"] if r["stack"] == "go-grpc"]
        self.assertEqual(len(go_rows), 2 * 2 * 7)  # settings x servers x quick scenarios
        if matrix["join"]["stream_log"]:
            # The fake never calls the server: every scenario is a mismatch.
            self.assertTrue(any("go-grpc" in m for m in matrix["join"]["mismatches"]))
        with open(os.path.join(out, "summary.md")) as f:
            summary = f.read()
        self.assertIn("| go-grpc |", summary)
        self.assertIn("| ruby-grpc | ruby-grpc is a fake that says so (setup: ", summary)
        self.assertIn("java-grpc default", summary)
        self.assertEqual(sorted(os.listdir(os.path.join(out, "plots"))),
                         ["clients_fps_vs_images.png", "clients_throughput_vs_concurrency.png",
                          "clients_time_vs_images.png"])


class EndToEndTest(unittest.TestCase):
    """The issue's CI run, against the real clients and servers."""

    def test_python_and_cpp_quick(self):
        tmp = tempfile.mkdtemp(prefix="clients_test.")
        self.addCleanup(shutil.rmtree, tmp)
        out = os.path.join(tmp, "out")
        done = run_clients("--stacks=python,cpp-default", "--quick", "--no-setup",
                           "--no-build", f"--out={out}", timeout=600)
        sys.stderr.write(done.stderr[-3000:])
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        with open(os.path.join(out, "matrix.json")) as f:
            matrix = json.load(f)
        ran = [s for s in ("python-grpcio", "cpp-default") if s in matrix["available"]]
        self.assertTrue(ran, "no real stack ran: %s" % matrix["unavailable"])
        for stack in ran + ["image-bench"]:
            cells = {(r["settings"], r["server"]) for r in matrix["rows"] if r["stack"] == stack}
            settings = ("recommended",) if stack == "image-bench" else ("default", "recommended")
            self.assertEqual(cells, {(s, v) for s in settings
                                     for v in ("image_server", "async_reference")}, stack)
        for r in matrix["rows"]:
            self.assertEqual(r["errors"], 0, r)
        if matrix["join"]["stream_log"]:
            self.assertGreater(matrix["join"]["scenarios"], 0)
            self.assertEqual(matrix["join"]["mismatches"], [])
            self.assertRegex(matrix["join"]["server_says"], r"records written, 0 dropped")
            for stack in ran:
                self.assertTrue(matrix["stacks"][stack]["user_agents"], stack)
                streams = [r for r in matrix["rows"] if r["stack"] == stack
                           and r["server"] == "image_server" and r["scenario"] == "stream"]
                self.assertTrue(all(r["blocked_share"] is not None for r in streams), stack)
            for r in matrix["rows"]:
                if r["server"] == "image_server" and r["scenario"] == "stream":
                    self.assertEqual(r["server_busy"] is not None, r["concurrency"] == 1, r)
                    if r["server_busy"] is not None:
                        self.assertGreater(r["server_busy"], 0, r)
        with open(os.path.join(out, "summary.md")) as f:
            summary = f.read()
        for stack in ran:
            self.assertIn(f"| {stack} |", summary)
        self.assertIn("| server busy (1 stream) | limit |", summary)
        self.assertEqual(len(os.listdir(os.path.join(out, "plots"))), 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
