#!/usr/bin/env python3
"""Unit tests of peer_client.py's shared parts, without gRPC or a server:
the command line, the names a stream asks for, nearest-rank percentiles, the
checks on received images, scenario counting and the result rows (checked by
scripts/lib/client_results.py).

    /usr/bin/python3 clients/python/peer_client_test.py [-v]

The end-to-end test of both Python stacks is scripts/tests/peer_client_test.py.
"""
import contextlib
import io
import os
import sys
import threading
import unittest
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "lib"))
import client_results  # noqa: E402
import peer_client  # noqa: E402


def image(name, size, content_size=None):
    content = b"x" * (size if content_size is None else content_size)
    return SimpleNamespace(name=name, size_in_bytes=size, content=content)


def finished(scenario):
    scenario.finish()
    return scenario.result()


class CommandLineTest(unittest.TestCase):
    def test_defaults_follow_the_contract(self):
        args = peer_client.parse_args(["--out=r.json"], "python-grpcio")
        self.assertEqual((args.target, args.settings, args.quick, args.min_time_s,
                          args.list_calls), ("127.0.0.1:50051", "default", False,
                                             1.0, 200))
        quick = peer_client.parse_args(["--out=r.json", "--quick"], "python-aio")
        self.assertEqual((quick.min_time_s, quick.list_calls), (0.2, 50))

    def test_bad_input_is_one_line(self):
        for argv in ([], ["--out=r.json", "--settings=fast"],
                     ["--out=r.json", "--list_calls=0"],
                     ["--out=r.json", "--min_time_s=-1"],
                     ["--out=r.json", "--min_time_s=nan"],
                     ["--out=r.json", "--bogus"]):
            with self.assertRaises(peer_client.UsageError, msg=argv) as caught:
                peer_client.parse_args(argv, "python-grpcio")
            self.assertNotIn("\n", str(caught.exception))

    def test_check_needs_no_out(self):
        self.assertTrue(peer_client.parse_args(["--check"], "python-aio").check)

    def test_unknown_stack(self):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            self.assertEqual(peer_client.main(["ruby-grpc", "--check"]), 2)
        self.assertEqual(len(stderr.getvalue().splitlines()), 1)


class HelpersTest(unittest.TestCase):
    def test_stream_names_cycle(self):
        self.assertEqual(peer_client.stream_names(["a", "b", "c"], 5),
                         ["a", "b", "c", "a", "b"])

    def test_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(peer_client.nearest_rank(values, 50), 50)
        self.assertEqual(peer_client.nearest_rank(values, 99), 99)
        self.assertEqual(peer_client.nearest_rank([7], 0), 7)
        self.assertEqual(peer_client.nearest_rank([1, 2, 3, 4], 90), 4)

    def test_summary_in_microseconds(self):
        summary = peer_client.summary_us([0.003, 0.001, 0.002])
        self.assertEqual(summary, {"min": 1000.0, "p50": 2000.0, "p90": 3000.0,
                                   "p99": 3000.0, "max": 3000.0, "mean": 2000.0})
        self.assertIsNone(peer_client.summary_us([]))

    def test_error_samples_are_bounded(self):
        samples = peer_client.ErrorSamples()
        for i in range(20):
            samples.add(f"error {i % 7}\nsecond line " + "y" * 300)
        self.assertEqual(len(samples.samples), peer_client.MAX_ERROR_SAMPLES)
        for sample in samples.samples:
            self.assertLessEqual(len(sample), peer_client.MAX_SAMPLE_CHARS)
            self.assertNotIn("\n", sample)


class ScenarioTest(unittest.TestCase):
    def stream(self, names, **kwargs):
        samples = peer_client.ErrorSamples()
        scenario = peer_client.Scenario("StreamImages", 1, names, errors=samples,
                                        **kwargs)
        scenario.start()
        return scenario, samples

    def test_a_good_stream(self):
        scenario, samples = self.stream(["a", "b"])
        timer = scenario.begin()
        timer.image(image("a", 10))
        timer.image(image("b", 20))
        timer.done()
        row = finished(scenario)
        self.assertEqual((row["calls"], row["errors"], row["images"], row["bytes"]),
                         (1, 0, 2, 30))
        self.assertIsNotNone(row["first_image_us"])
        self.assertEqual(samples.samples, [])

    def test_each_check_counts_one_error(self):
        cases = {
            "is 'b', asked for 'a'": [image("b", 10), image("b", 10)],
            "3 bytes of content": [image("a", 10, 3), image("b", 10)],
            "after 1 of 2": [image("a", 10)],
            "more than the 2": [image("a", 1), image("b", 1), image("a", 1)],
        }
        for want, images in cases.items():
            scenario, samples = self.stream(["a", "b"])
            timer = scenario.begin()
            for received in images:
                timer.image(received)
            timer.done()
            row = finished(scenario)
            self.assertEqual(row["errors"], 1, want)
            self.assertIn(want, samples.samples[0])

    def test_a_failed_call(self):
        scenario, samples = self.stream(["a"])
        scenario.begin().failed("RESOURCE_EXHAUSTED", "too big")
        row = finished(scenario)
        self.assertEqual((row["calls"], row["errors"]), (1, 1))
        self.assertEqual(samples.samples,
                         ["StreamImages 1 images, concurrency 1: "
                          "RESOURCE_EXHAUSTED: too big"])

    def test_list_hands_out_exactly_its_calls(self):
        scenario = peer_client.Scenario("ListImages", 8, None, calls=50)
        scenario.start()

        def worker():
            while scenario.take():
                scenario.begin().done()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        row = finished(scenario)
        self.assertEqual(row["calls"], 50)
        self.assertIsNone(row["first_image_us"])

    def test_stream_gives_every_worker_a_call(self):
        scenario = peer_client.Scenario("StreamImages", 8, ["a"], min_time_s=0)
        scenario.start()
        self.assertEqual(sum(scenario.take() for _ in range(20)), 8)


class PlanTest(unittest.TestCase):
    def rows(self, quick):
        args = SimpleNamespace(quick=quick, list_calls=3, min_time_s=0)
        names = ["a", "b", "c"]
        out = []
        for scenario in peer_client.plan(args, names, peer_client.ErrorSamples()):
            scenario.start()
            while scenario.take():
                timer = scenario.begin()
                for name in scenario.names or ():
                    timer.image(image(name, 4))
                timer.done()
            out.append(finished(scenario))
        return out

    def test_the_contracts_order_and_a_valid_file(self):
        for quick, want in ((True, [("list", 1, 0), ("list", 8, 0),
                                    ("stream", 1, 1), ("stream", 1, 10),
                                    ("stream", 1, 100), ("stream", 8, 10),
                                    ("stream", 8, 100)]),
                            (False, None)):
            rows = self.rows(quick)
            got = [(r["scenario"], r["concurrency"], r["images_per_stream"])
                   for r in rows]
            if want:
                self.assertEqual(got, want)
            else:
                self.assertEqual(len(got), 2 + 10 + 4)
            doc = {"schema": peer_client.SCHEMA, "stack": "python-grpcio",
                   "library": "grpcio test", "runtime": "CPython test",
                   "settings": "default", "channel_options": {}, "target": "x:1",
                   "images_in_set": 3, "started_unix_s": 1.0, "ended_unix_s": 2.0,
                   "notes": "", "errors": 0, "error_samples": [], "results": rows}
            self.assertEqual(client_results.problems(doc), [])


if __name__ == "__main__":
    unittest.main()
