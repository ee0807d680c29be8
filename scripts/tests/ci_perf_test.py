#!/usr/bin/python3
"""Tests of scripts/ci-perf on a committed, trimmed real result folder (testdata/ci_perf/); no benchmark runs.

Run from any directory:  /usr/bin/python3 /path/to/repo/scripts/tests/ci_perf_test.py [-v]

testdata/ci_perf/ is one result folder of `scripts/bench --profile quick --repetitions 5 --interleave` on
this project's 2-core VM, cut to what ci-perf reads: result.json (without the console, histogram and hgrm
entries) and runs/{quick,small}.json without the LocalCost rows.
"""
import importlib.machinery
import importlib.util
import json
import numbers
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CI_PERF = os.path.join(REPO, "scripts", "ci-perf")
TESTDATA = os.path.join(HERE, "testdata", "ci_perf")
COMPARE_PY = "/usr/share/benchmark/compare.py"


def load_ci_perf():
    """Imports scripts/ci-perf (no .py suffix) as a module, for tests of single functions."""
    loader = importlib.machinery.SourceFileLoader("ci_perf", CI_PERF)
    spec = importlib.util.spec_from_loader("ci_perf", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def compare_py_usable():
    """compare.py needs its Debian package and scipy; without them its assertion is skipped, not failed."""
    if not os.path.exists(COMPARE_PY):
        return "%s is missing (apt-get install libbenchmark-tools)" % COMPARE_PY
    if subprocess.run(["/usr/bin/python3", "-c", "import scipy"], capture_output=True).returncode != 0:
        return "python3-scipy is missing (apt-get install python3-scipy)"
    return None


class CiPerfTest(unittest.TestCase):
    """End-to-end: ci-perf as CI runs it, but on --result copies, so the committed testdata stays clean."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ci_perf_test.")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.baseline = os.path.join(self.tmp, "baseline", "ci-perf.json")
        self.make_baseline()

    def copy_result(self, name):
        """A writable copy of the test result folder (ci-perf writes its files into the folder)."""
        path = tempfile.mkdtemp(prefix=name + ".", dir=self.tmp)
        shutil.copytree(TESTDATA, path, dirs_exist_ok=True)
        return path

    def ci_perf(self, *args):
        """Runs scripts/ci-perf from an unrelated directory; returns (exit status, stdout, stderr)."""
        done = subprocess.run(["/usr/bin/python3", CI_PERF] + list(args), capture_output=True, text=True,
                              cwd=self.tmp)
        return done.returncode, done.stdout, done.stderr

    def make_baseline(self):
        """The baseline for most tests: --update-baseline from the unmodified result."""
        status, out, err = self.ci_perf("--result", self.copy_result("base"), "--baseline", self.baseline,
                                        "--update-baseline")
        self.assertEqual(status, 0, out + err)

    def judge(self, result):
        """ci-perf's verdict on one result folder against self.baseline."""
        return self.ci_perf("--result", result, "--baseline", self.baseline)

    def scale(self, result, part, prefix, key, factor):
        """Multiplies one counter of every row (samples and aggregates) of the benchmarks named prefix*."""
        path = os.path.join(result, "runs", part + ".json")
        with open(path) as f:
            data = json.load(f)
        touched = 0
        for row in data["benchmarks"]:
            if row["name"].startswith(prefix) and key in row:
                row[key] *= factor
                touched += 1
        self.assertGreater(touched, 0)
        with open(path, "w") as f:
            json.dump(data, f)

    def last_line(self, out):
        """The verdict line (a long one is wrapped: its continuation lines are indented)."""
        lines = out.rstrip("\n").split("\n")
        start = len(lines) - 1
        while start > 0 and lines[start].startswith("  "):
            start -= 1
        return " ".join(line.strip() for line in lines[start:])

    def test_passes_against_baseline_from_same_result(self):
        """A run judged against a baseline made from itself must pass: the gate's zero point."""
        status, out, err = self.judge(self.copy_result("same"))
        self.assertEqual(status, 0, out + err)
        with open(self.baseline) as f:
            count = len(json.load(f)["metrics"])
        self.assertGreaterEqual(count, 7)
        self.assertTrue(self.last_line(out).startswith("ci-perf: ok: %d metrics" % count), self.last_line(out))
        self.assertIn("| metric", out)
        self.assertNotIn("REGRESSION", out.split("| metric")[1])

    def test_stream_ratio_30_percent_lower_fails(self):
        """The brief's bar: a 30 % slower stream (same TCP bulk) fails, naming each stream metric."""
        result = self.copy_result("slow_stream")
        self.scale(result, "quick", "StreamImages/", "bytes_per_second", 0.7)
        status, out, err = self.judge(result)
        self.assertEqual(status, 1, out + err)
        last = self.last_line(out)
        self.assertTrue(last.startswith("ci-perf: FAILED"), last)
        for scenario in ["images_per_stream:1/concurrency:1", "images_per_stream:1/concurrency:8",
                         "images_per_stream:100/concurrency:1", "images_per_stream:100/concurrency:8"]:
            self.assertIn("quick StreamImages/%s ÷ bulk" % scenario, last)
        self.assertNotIn("ListImages", last)

    def test_one_slow_run_of_three_does_not_fail_two_do(self):
        """CI judges the median of three runs: one slow run is noise, two are a regression."""
        normal = [self.copy_result("normal%d" % i) for i in range(2)]
        slow = [self.copy_result("slow%d" % i) for i in range(2)]
        for result in slow:
            self.scale(result, "quick", "StreamImages/", "bytes_per_second", 0.6)
        args = ["--baseline", self.baseline]
        status, out, err = self.ci_perf("--result", normal[0], "--result", slow[0], "--result", normal[1], *args)
        self.assertEqual(status, 0, out + err)
        self.assertIn("median of 3 runs", out)
        status, out, err = self.ci_perf("--result", slow[0], "--result", normal[0], "--result", slow[1], *args)
        self.assertEqual(status, 1, out + err)
        self.assertIn("quick StreamImages/images_per_stream:100/concurrency:1 ÷ bulk", self.last_line(out))

    def test_list_ratio_30_percent_worse_fails(self):
        """ListImages 30 % slower against the same gRPC floor fails, naming both concurrencies."""
        result = self.copy_result("slow_list")
        self.scale(result, "quick", "ListImages/", "p50_us", 1.3)
        status, out, err = self.judge(result)
        self.assertEqual(status, 1, out + err)
        last = self.last_line(out)
        self.assertIn("quick ListImages/concurrency:1 ÷ floor", last)
        self.assertIn("quick ListImages/concurrency:8 ÷ floor", last)
        self.assertNotIn("StreamImages", last)

    def test_small_image_ratio_30_percent_lower_fails(self):
        """Small images: 30 % fewer images per floor round trip fails."""
        result = self.copy_result("slow_small")
        self.scale(result, "small", "StreamImages/", "images_per_second", 0.7)
        status, out, err = self.judge(result)
        self.assertEqual(status, 1, out + err)
        self.assertIn("small StreamImages/images_per_stream:1000/concurrency:1 × floor", self.last_line(out))

    def test_big_improvement_is_reported_and_passes(self):
        """Faster beyond the tolerance is news (time to update the baseline), not a failure."""
        result = self.copy_result("fast_stream")
        self.scale(result, "quick", "StreamImages/images_per_stream:100/concurrency:8", "bytes_per_second", 1.5)
        status, out, err = self.judge(result)
        self.assertEqual(status, 0, out + err)
        row = [line for line in out.split("\n") if "images_per_stream:100/concurrency:8 ÷ bulk" in line]
        self.assertEqual(len(row), 1, out)
        self.assertIn("improved", row[0])

    def test_missing_metric_fails_naming_it(self):
        """A scenario that vanished from the run must fail, or a broken bench would pass."""
        result = self.copy_result("missing")
        path = os.path.join(result, "runs", "quick.json")
        with open(path) as f:
            data = json.load(f)
        data["benchmarks"] = [r for r in data["benchmarks"] if not r["name"].startswith("ListImages/concurrency:8/")]
        with open(path, "w") as f:
            json.dump(data, f)
        status, out, err = self.judge(result)
        self.assertEqual(status, 1, out + err)
        self.assertIn("missing from this run: quick ListImages/concurrency:8 ÷ floor", self.last_line(out))

    def test_metric_not_in_baseline_is_new_and_passes(self):
        """A scenario added since the baseline is shown as new and not judged."""
        with open(self.baseline) as f:
            baseline = json.load(f)
        del baseline["metrics"]["quick ListImages/concurrency:8 ÷ floor"]
        with open(self.baseline, "w") as f:
            json.dump(baseline, f)
        status, out, err = self.judge(self.copy_result("new"))
        self.assertEqual(status, 0, out + err)
        row = [line for line in out.split("\n") if "ListImages/concurrency:8 ÷ floor" in line]
        self.assertTrue(row and row[0].rstrip(" |").endswith("new"), out)

    def test_update_baseline_keeps_hand_set_tolerances(self):
        """Tolerances are decisions: --update-baseline refreshes values, keeps them."""
        with open(self.baseline) as f:
            baseline = json.load(f)
        baseline["metrics"]["quick ListImages/concurrency:1 ÷ floor"]["tolerance"] = 0.4
        with open(self.baseline, "w") as f:
            json.dump(baseline, f)
        self.make_baseline()
        with open(self.baseline) as f:
            baseline = json.load(f)
        self.assertEqual(baseline["metrics"]["quick ListImages/concurrency:1 ÷ floor"]["tolerance"], 0.4)
        gbench = os.path.join(os.path.dirname(self.baseline), baseline["gbench_json"])
        with open(gbench) as f:
            self.assertIn("benchmarks", json.load(f))
        for entry in baseline["metrics"].values():
            self.assertIn(entry["better"], ("bigger", "smaller"))
            self.assertTrue(0 < entry["tolerance"] < 1)

    def test_baseline_from_several_runs_takes_each_metric_median(self):
        """A baseline from several runs is the per-metric median, so one odd run cannot set it."""
        runs = [self.copy_result("run") for _ in range(3)]
        self.scale(runs[0], "quick", "StreamImages/", "bytes_per_second", 0.5)
        self.scale(runs[2], "quick", "StreamImages/", "bytes_per_second", 2.0)
        merged = os.path.join(self.tmp, "merged", "ci-perf.json")
        args = [arg for run in runs for arg in ("--result", run)]
        status, out, err = self.ci_perf(*args + ["--baseline", merged, "--update-baseline"])
        self.assertEqual(status, 0, out + err)
        with open(merged) as f:
            several = json.load(f)
        with open(self.baseline) as f:
            single = json.load(f)
        for metric_id, entry in single["metrics"].items():
            self.assertAlmostEqual(several["metrics"][metric_id]["value"], entry["value"])
            self.assertEqual(len(several["metrics"][metric_id]["runs"]), 3)
        status, out, err = self.ci_perf("--result", runs[1], "--baseline", merged)
        self.assertEqual(status, 0, out + err)

    def test_baseline_refuses_runs_with_different_metrics(self):
        """Runs that measured different things (or lost a part) must not be merged into one baseline."""
        other = self.copy_result("other")
        os.remove(os.path.join(other, "runs", "small.json"))
        status, out, err = self.ci_perf("--result", self.copy_result("full"), "--result", other,
                                        "--baseline", os.path.join(self.tmp, "x.json"), "--update-baseline")
        self.assertEqual(status, 2, out + err)
        self.assertIn("part small has no runs/small.json", err)

    def test_missing_part_json_fails_naming_its_metrics(self):
        """A part whose JSON is absent fails the job and names what it would have measured."""
        result = self.copy_result("no_small")
        os.remove(os.path.join(result, "runs", "small.json"))
        status, out, err = self.judge(result)
        self.assertEqual(status, 1, out + err)
        last = self.last_line(out)
        self.assertIn("part small has no runs/small.json", last)
        self.assertIn("missing from this run: small StreamImages/images_per_stream:1000/concurrency:1 × floor", last)

    def test_dashboard_files_have_documented_shape(self):
        """The files CI dashboards read keep the shapes github-action-benchmark and Bencher document."""
        result = self.copy_result("shape")
        status, out, err = self.judge(result)
        self.assertEqual(status, 0, out + err)
        names = []
        for name in ("benchmark-bigger.json", "benchmark-smaller.json"):
            with open(os.path.join(result, name)) as f:
                entries = json.load(f)
            self.assertIsInstance(entries, list)
            self.assertTrue(entries, name)
            for entry in entries:
                self.assertIsInstance(entry, dict)
                self.assertIsInstance(entry["name"], str)
                self.assertIsInstance(entry["unit"], str)
                self.assertIsInstance(entry["value"], numbers.Real)
                self.assertNotIsInstance(entry["value"], bool)
                for optional in ("range", "extra"):
                    if optional in entry:
                        self.assertIsInstance(entry[optional], str)
                names.append(entry["name"])
        self.assertEqual(len(names), len(set(names)))
        with open(os.path.join(result, "bmf.json")) as f:
            bmf = json.load(f)
        self.assertIsInstance(bmf, dict)
        self.assertTrue(bmf)
        for benchmark, measures in bmf.items():
            self.assertIsInstance(benchmark, str)
            self.assertIsInstance(measures, dict)
            for measure, values in measures.items():
                self.assertIsInstance(measure, str)
                self.assertIsInstance(values["value"], numbers.Real)
                if "lower_value" in values:
                    self.assertLessEqual(values["lower_value"], values["value"])
                if "upper_value" in values:
                    self.assertLessEqual(values["value"], values["upper_value"])
        with open(os.path.join(result, "ci-perf.md")) as f:
            markdown = f.read()
        self.assertIn("| metric", markdown)
        self.assertIn("ci-perf: ok", markdown)

    def test_own_output_lines_fit_120_columns(self):
        """ci-perf's own lines stay within 120 columns; compare.py's table is its own."""
        result = self.copy_result("width")
        self.scale(result, "quick", "ListImages/", "p50_us", 1.3)
        status, out, err = self.judge(result)
        with open(os.path.join(result, "ci-perf.compare.txt")) as f:
            compare_lines = set(f.read().split("\n"))
        own = [line for line in out.split("\n") if line not in compare_lines]
        with open(os.path.join(result, "ci-perf.md")) as f:
            own += f.read().split("\n")
        self.assertEqual([line for line in own if len(line) > 120], [])

    def test_committed_baseline_matches_what_the_bench_writes(self):
        """A renamed scenario or ratio would make every CI run fail as MISSING; catch that here instead."""
        committed = os.path.join(REPO, "bench", "baseline", "ci-perf.json")
        with open(committed) as f:
            baseline = json.load(f)
        self.assertEqual(baseline["format"], "image_bench.ci-perf-baseline/1")
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(committed), baseline["gbench_json"])))
        for entry in baseline["metrics"].values():
            self.assertIn(entry["better"], ("bigger", "smaller"))
            self.assertGreater(entry["tolerance"], 0)
        result = self.copy_result("committed")
        status, out, err = self.ci_perf("--result", result)
        self.assertIn(status, (0, 1), out + err)
        with open(os.path.join(result, "ci-perf.md")) as f:
            markdown = f.read()
        self.assertNotIn("MISSING", markdown)
        self.assertNotIn("| new", markdown)
        for metric_id in baseline["metrics"]:
            self.assertIn(metric_id, markdown)

    def test_compare_py_output_is_included(self):
        """compare.py's real_time report with its U-test is kept beside the table, its overall line printed."""
        missing = compare_py_usable()
        if missing:
            self.skipTest("compare.py cannot run here: " + missing)
        result = self.copy_result("compare")
        status, out, err = self.judge(result)
        self.assertEqual(status, 0, out + err)
        self.assertIn("OVERALL_GEOMEAN", out)
        self.assertIn("ci-perf.compare.txt", out)
        with open(os.path.join(result, "ci-perf.compare.txt")) as f:
            report = f.read()
        self.assertIn("compare.py --no-color -a benchmarks", report)
        self.assertIn("Comparing ", report)
        self.assertIn("U Test", report)
        self.assertIn("ListImages/concurrency:1/process_time/manual_time_median", report)

    def test_too_few_repetitions_refused(self):
        """The tolerances assume medians of at least 5 repetitions."""
        status, out, err = self.ci_perf("--repetitions", "3", "--baseline", self.baseline)
        self.assertEqual(status, 2)
        self.assertIn("at least 5", err)

    def test_missing_result_folder_is_an_error_not_a_verdict(self):
        """A missing input is exit 2, so it is not mistaken for a performance regression."""
        status, out, err = self.judge(os.path.join(self.tmp, "nowhere"))
        self.assertEqual(status, 2)
        self.assertIn("does not exist", err)


class FunctionTest(unittest.TestCase):
    """Single functions whose edge cases the end-to-end tests do not reach."""

    @classmethod
    def setUpClass(cls):
        cls.ci_perf = load_ci_perf()

    def test_benchmark_name_drops_gbench_suffixes(self):
        """Names must match across runs even when gbench's min_time or time flags change."""
        name = self.ci_perf.benchmark_name
        self.assertEqual(name({"name": "Baseline/tcp_bulk/min_time:0.300/process_time/manual_time"}),
                         "Baseline/tcp_bulk")
        self.assertEqual(name({"name": "x_median", "run_name": "ListImages/concurrency:8/process_time/manual_time"}),
                         "ListImages/concurrency:8")
        self.assertEqual(name({"name": "LocalCost/parse/a.jpg/min_time:0.050"}), "LocalCost/parse/a.jpg")

    def test_verdict_direction(self):
        """Smaller-is-better and bigger-is-better metrics regress in opposite directions."""
        verdict = self.ci_perf.verdict
        smaller = {"value": 2.0, "better": "smaller", "tolerance": 0.25}
        self.assertEqual(verdict(smaller, 2.6)[1], "REGRESSION")
        self.assertEqual(verdict(smaller, 2.4)[1], "ok")
        self.assertEqual(verdict(smaller, 1.4)[1], "improved")
        bigger = {"value": 1.0, "better": "bigger", "tolerance": 0.22}
        self.assertEqual(verdict(bigger, 0.7)[1], "REGRESSION")
        self.assertEqual(verdict(bigger, 0.8)[1], "ok")
        self.assertEqual(verdict(bigger, 1.3)[1], "improved")

    def test_errored_repetitions_are_not_samples(self):
        """An errored repetition's counters are not measurements; gbench's aggregates are recomputed."""
        path = os.path.join(tempfile.mkdtemp(prefix="ci_perf_test."), "r.json")
        self.addCleanup(shutil.rmtree, os.path.dirname(path))
        rows = [{"name": "Baseline/tcp_bulk", "run_type": "iteration", "bytes_per_second": 10.0},
                {"name": "Baseline/tcp_bulk", "run_type": "iteration", "error_occurred": True,
                 "bytes_per_second": 0.0},
                {"name": "Baseline/tcp_bulk_median", "run_name": "Baseline/tcp_bulk", "run_type": "aggregate",
                 "bytes_per_second": 5.0}]
        with open(path, "w") as f:
            json.dump({"benchmarks": rows}, f)
        samples = self.ci_perf.load_samples(path)
        self.assertEqual([r["bytes_per_second"] for r in samples["Baseline/tcp_bulk"]], [10.0])


if __name__ == "__main__":
    unittest.main()
