#!/usr/bin/python3
"""scripts/bench --profile streams end to end: the quick steps against both
servers leave a result folder with each step's JSON, the servers' process
figures, the summary tables and streams.png, and no server behind (also
after SIGINT mid-step); a step past image_server's thread limit is reported
as errors, not hidden.

  /usr/bin/python3 scripts/tests/bench_streams_test.py
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(REPO, "scripts", "bench")
sys.path.insert(0, os.path.join(REPO, "scripts", "tests"))

# As a module, so that its test case is not collected a second time here.
import bench_end_to_end_test  # noqa: E402

processes_mentioning = bench_end_to_end_test.processes_mentioning

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SERVERS = ["image_server", "async_reference_server"]


def run_bench(*args):
    return subprocess.run([BENCH, "--profile", "streams", "--no-build", *args],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


class StreamsProfileTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="bench_streams_")
        cls.folder = os.path.join(cls.scratch, "quick")
        cls.completed = run_bench("--quick", "--out", cls.folder)
        manifest = os.path.join(cls.folder, "result.json")
        if not os.path.isfile(manifest):
            raise AssertionError(f"no result.json; scripts/bench exited {cls.completed.returncode}:"
                                 f"\n{cls.completed.stderr[-3000:]}")
        with open(manifest) as f:
            cls.result = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def test_quick_steps_run_on_both_servers(self):
        self.assertEqual(self.completed.returncode, 0, self.completed.stderr[-3000:])
        self.assertEqual(self.completed.stdout.strip().splitlines()[-1], f"results: {self.folder}")
        self.assertEqual([p["name"] for p in self.result["parts"]],
                         [f"streams_{n}_{s}" for n in (1, 8, 64) for s in SERVERS])
        for part in self.result["parts"]:
            self.assertEqual(part["kind"], "streams")
            with open(os.path.join(self.folder, part["json"])) as f:
                [row] = json.load(f)["benchmarks"]
            self.assertFalse(row.get("error_occurred"), row)
            self.assertGreater(row["images_per_second"], 0, part["name"])

    def test_each_step_has_its_servers_process_figures(self):
        for part in self.result["parts"]:
            measured = part["params"]["measured"]
            name = part["name"]
            self.assertEqual(measured["server_exit"], 0, name)
            self.assertGreater(measured["server_cpu_seconds"], 0, name)
            self.assertGreater(measured["server_images_sent"], 0, name)
            self.assertEqual(measured["server_bytes_sent"],
                             measured["server_images_sent"] * part["params"]["image_bytes"])
            self.assertGreater(measured["server_cpu_s_per_gb"], 0, name)
            self.assertGreater(measured["server_rss_mb_peak"], 0, name)
            self.assertGreater(measured["bench_rss_mb_peak"], 0, name)
            self.assertGreater(measured["samples"], 0, name)
            self.assertTrue(0 <= measured["others_cpu_share"] <= 1, measured)
        by_name = {p["name"]: p["params"]["measured"] for p in self.result["parts"]}
        # A thread per running stream in the sync server, a fixed few in the async one.
        self.assertGreater(by_name["streams_64_image_server"]["server_threads_peak"],
                           by_name["streams_64_async_reference_server"]["server_threads_peak"] + 16)

    def test_summary_and_plot(self):
        with open(os.path.join(self.folder, "summary.md")) as f:
            summary = f.read()
        self.assertIn("### Concurrent streams: each step on a fresh server", summary)
        self.assertIn("| 64 | 8 | image_server |", summary)
        self.assertIn("### image_server ÷ async_reference_server, same run", summary)
        with open(os.path.join(self.folder, "plots", "streams.png"), "rb") as f:
            self.assertEqual(f.read(8), PNG_SIGNATURE)
        self.assertEqual(processes_mentioning(self.folder), [])

    def test_a_step_past_the_thread_limit_shows_its_errors(self):
        folder = os.path.join(self.scratch, "limited")
        done = run_bench("--streams", "64", "--image_server_flag=--max_threads=16",
                         "--out", folder, "--", "--benchmark_min_time=0.1")
        self.assertEqual(done.returncode, 1, done.stderr[-3000:])
        self.assertIn("1 of 2 image_bench runs reported errors", done.stderr)
        with open(os.path.join(folder, "summary.md")) as f:
            summary = f.read()
        self.assertRegex(summary, r"\| 64 \| 8 \| image_server \| - \| - \|.*\| \d+ "
                         r"\(StreamImages: RESOURCE_EXHAUSTED: Server Threadpool Exhausted\) \|")
        with open(os.path.join(folder, "result.json")) as f:
            [limited, reference] = json.load(f)["parts"]
        self.assertEqual(limited["params"]["measured"]["server_exit"], 0)
        self.assertLess(limited["params"]["measured"]["server_threads_peak"], 16 + 30)
        self.assertEqual(processes_mentioning(folder), [])

    def test_sigint_mid_step_leaves_no_server(self):
        folder = os.path.join(self.scratch, "interrupted")
        script = subprocess.Popen([BENCH, "--profile", "streams", "--no-build", "--streams", "256",
                                   "--out", folder], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not processes_mentioning("benchmark_out=" + folder):
            time.sleep(0.1)
        self.assertTrue(processes_mentioning(folder), "no server or bench ever started")
        script.send_signal(signal.SIGINT)
        _, err = script.communicate(timeout=60)
        self.assertEqual(script.returncode, 130, err[-2000:])
        time.sleep(0.5)
        self.assertEqual(processes_mentioning(folder), [])

    def test_its_options_belong_to_the_streams_profile(self):
        done = subprocess.run([BENCH, "--profile", "quick", "--quick", "--no-build"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("are for --profile streams", done.stderr)
        done = run_bench("--target", "127.0.0.1:1")
        self.assertEqual(done.returncode, 2)
        self.assertIn("starts its own servers", done.stderr)


if __name__ == "__main__":
    unittest.main()
