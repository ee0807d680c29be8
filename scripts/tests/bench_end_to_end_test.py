#!/usr/bin/python3
"""scripts/bench end to end: the quick profile against a server it starts on a
free port leaves a result folder with every promised file and no server
behind it, its index.html shows every plot and table in headless Chromium,
and SIGINT to the script mid-run also leaves no server behind.

  /usr/bin/python3 scripts/tests/bench_end_to_end_test.py
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(REPO, "scripts", "bench")
CHROMIUM = shutil.which("chromium")


def processes_mentioning(text):
    """PIDs of running processes whose command line contains `text`."""
    found = subprocess.run(["pgrep", "-f", "--", text], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split() if int(pid) != os.getpid()]


class BenchEndToEndTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="bench_e2e_")
        cls.folder = os.path.join(cls.scratch, "quick")
        cls.completed = subprocess.run([BENCH, "--profile", "quick", "--no-build", "--out", cls.folder],
                                 capture_output=True, text=True, timeout=300,
                                 stdin=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def test_quick_profile_succeeds_and_says_where_everything_went(self):
        self.assertEqual(self.completed.returncode, 0, self.completed.stderr[-3000:])
        self.assertEqual(self.completed.stdout.strip().splitlines()[-1], f"results: {self.folder}")
        self.assertIn("summary:", self.completed.stdout)
        self.assertRegex(self.completed.stderr, r"\[\d+/\d+\] running ")

    def test_the_folder_has_every_promised_file(self):
        for name in ["result.json", "summary.md", "index.html", "server.log",
                     "runs/quick.json", "runs/quick.txt", "runs/quick.histograms.txt",
                     "runs/small.json", "runs/small.txt", "runs/small.histograms.txt"]:
            path = os.path.join(self.folder, name)
            self.assertTrue(os.path.isfile(path) and os.path.getsize(path) > 0, name)
        self.assertTrue(glob.glob(os.path.join(self.folder, "hgrm", "quick", "*.hgrm")))
        self.assertTrue(glob.glob(os.path.join(self.folder, "plots", "*.png")))
        with open(os.path.join(self.folder, "result.json")) as f:
            result = json.load(f)
        self.assertEqual(result["format"], "image_bench.result/1")
        self.assertEqual([p["name"] for p in result["parts"]], ["quick", "small"])
        for key in ["cpu", "cores", "kernel", "build", "git_commit"]:
            self.assertTrue(result["machine"].get(key), key)
        with open(os.path.join(self.folder, "runs", "quick.json")) as f:
            names = [b["name"] for b in json.load(f)["benchmarks"]]
        self.assertTrue(any(n.startswith("StreamImages/") for n in names))
        self.assertTrue(any(n.startswith("Baseline/tcp_bulk") for n in names))

    def test_summary_puts_streams_beside_the_same_runs_tcp(self):
        with open(os.path.join(self.folder, "summary.md")) as f:
            summary = f.read()
        self.assertIn("| StreamImages/images_per_stream:100/concurrency:1 |", summary)
        self.assertIn("% of TCP bulk", summary)
        self.assertIn("Same-run baselines: TCP bulk", summary)
        self.assertIn("x gRPC floor", summary)
        self.assertIn("| 1px | 69 B |", summary)
        self.assertIn("| CPU |", summary)
        self.assertIn("| git commit |", summary)

    def test_no_server_is_left_behind(self):
        self.assertEqual(processes_mentioning(self.folder), [])

    @unittest.skipIf(CHROMIUM is None, "Debian's chromium is not installed (./build installs it)")
    def test_index_html_shows_every_plot_and_table_in_chromium(self):
        page = "file://" + os.path.join(self.folder, "index.html")
        dom = subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                              "--virtual-time-budget=5000", "--dump-dom", page],
                             capture_output=True, text=True, timeout=120).stdout
        plots = len(glob.glob(os.path.join(self.folder, "plots", "*.png")))
        self.assertIn(f'data-loaded="{plots}" data-images="{plots}"', dom)
        self.assertGreaterEqual(dom.count("<table>"), 4)
        self.assertIn("Same-run baselines", dom)

    def test_sigint_to_the_script_leaves_no_server(self):
        folder = os.path.join(self.scratch, "interrupted")
        script = subprocess.Popen([BENCH, "--profile", "full", "--no-build", "--out", folder],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not processes_mentioning("benchmark_out=" + folder):
            time.sleep(0.1)
        self.assertTrue(processes_mentioning(folder), "no server or bench ever started")
        script.send_signal(signal.SIGINT)
        _, err = script.communicate(timeout=60)
        self.assertEqual(script.returncode, 130, err[-2000:])
        self.assertIn("interrupted", err)
        time.sleep(0.5)
        self.assertEqual(processes_mentioning(folder), [])


if __name__ == "__main__":
    unittest.main()
