#!/usr/bin/python3
"""image_server past its thread limit (--max_threads): calls beyond it fail at
once with RESOURCE_EXHAUSTED, never wait and never hang; the streams it took
are served in full; the server stays up, its threads stay capped, and
ListImages and Health/Check work again once the streams are done.

  /usr/bin/python3 scripts/tests/thread_limit_test.py
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import grpc

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))

import build_tree  # noqa: E402
import server_process  # noqa: E402

IMAGES = os.path.join(REPO, "images")
BENCH = build_tree.path("bench", "image_bench")
MAX_THREADS = 32
STREAMS = 128
IMAGES_PER_STREAM = 200
# Each name in a StreamImagesRequest is field 1, length-delimited.
REQUEST = b"\x0a\x12meadow_640x480.jpg" * IMAGES_PER_STREAM
# Threads the server has outside gRPC's sync-server pool (main, signals,
# gRPC's own executor and timers), with room to spare.
OTHER_THREADS = 30
# Generous against a sanitizer build's slowdown; a call that waited for a
# thread instead of failing would wait until a held stream ends, which here
# is never.
FAIL_FAST_S = 10
EXHAUSTED = "Server Threadpool Exhausted"


def call(channel, method, timeout=5):
    """(code, details, seconds) of one unary call with an empty request."""
    started = time.monotonic()
    try:
        channel.unary_unary(method)(b"", timeout=timeout)
        return grpc.StatusCode.OK, "", time.monotonic() - started
    except grpc.RpcError as e:
        return e.code(), e.details(), time.monotonic() - started


class ThreadLimitTest(unittest.TestCase):

    def setUp(self):
        scratch = tempfile.mkdtemp(prefix="thread_limit_")
        self.log_path = os.path.join(scratch, "server.log")
        self.server = server_process.Server(IMAGES, self.log_path,
                                            os.path.join(scratch, "server.port"),
                                            extra_args=[f"--max_threads={MAX_THREADS}"])
        self.addCleanup(self.server.stop)
        # Without BDP probing a stream's window stays at 64 KB, so a stream
        # that is never read holds its server thread for good. With it, the
        # windows grow to megabytes, a held stream could sometimes be written
        # whole into them and free its thread, and that thread would take a
        # call meant to be refused: fewer refusals than the test counts on.
        self.channel = grpc.insecure_channel(
            self.server.address, options=[("grpc.max_receive_message_length", 64 << 20),
                                          ("grpc.http2.bdp_probe", 0)])
        self.addCleanup(self.channel.close)

    def assertServing(self):
        for method in ("/image_service.ImageService/ListImages", "/grpc.health.v1.Health/Check"):
            code, details, took = call(self.channel, method)
            self.assertEqual(code, grpc.StatusCode.OK, f"{method}: {details}")
            self.assertLess(took, 2, method)

    def open_streams_never_read(self):
        """STREAMS calls on one connection, none read: each stream the server
        takes holds a thread, blocked on flow control, until it is read."""
        stream = self.channel.unary_stream("/image_service.ImageService/StreamImages")
        calls = [stream(REQUEST, timeout=120) for _ in range(STREAMS)]
        started = time.monotonic()
        while time.monotonic() - started < FAIL_FAST_S:
            if sum(c.done() for c in calls) >= STREAMS - MAX_THREADS:
                break
            time.sleep(0.05)
        time.sleep(0.5)  # time for a late refusal to show as one
        return calls, time.monotonic() - started

    def test_calls_past_the_limit_fail_fast_and_the_admitted_streams_finish(self):
        calls, took = self.open_streams_never_read()
        refused = [c for c in calls if c.done()]
        held = [c for c in calls if not c.done()]
        self.assertLess(took, FAIL_FAST_S, f"only {len(refused)} of {STREAMS} calls ended")
        self.assertGreaterEqual(len(refused), STREAMS - MAX_THREADS)
        self.assertGreater(len(held), MAX_THREADS // 2, "the server took too few streams")
        for c in refused:
            self.assertEqual(c.code(), grpc.StatusCode.RESOURCE_EXHAUSTED, c.details())
            self.assertEqual(c.details(), EXHAUSTED)
        self.assertIsNone(self.server.process.poll(), "the server died")
        self.assertLessEqual(self.server.status().get("Threads", 0), MAX_THREADS + OTHER_THREADS)

        # With every thread taken, other calls are refused too, at once.
        for method in ("/image_service.ImageService/ListImages", "/grpc.health.v1.Health/Check"):
            code, details, seconds = call(self.channel, method)
            self.assertEqual((code, details), (grpc.StatusCode.RESOURCE_EXHAUSTED, EXHAUSTED),
                             method)
            self.assertLess(seconds, 2, method)

        counts = self.drain(held)
        self.assertEqual(counts, [IMAGES_PER_STREAM] * len(held))
        self.assertServing()
        self.assertEqual(self.server.stop(), 0)
        with open(self.log_path) as f:
            self.assertIn(f"stopped after {len(held)} streams: {len(held)} sent in full", f.read())

    def test_the_server_takes_a_second_burst_after_the_first(self):
        self.drain([c for c in self.open_streams_never_read()[0] if not c.done()])
        self.assertServing()
        calls, took = self.open_streams_never_read()
        self.assertLess(took, FAIL_FAST_S)
        held = [c for c in calls if not c.done()]
        self.assertGreater(len(held), MAX_THREADS // 2)
        self.assertEqual(self.drain(held), [IMAGES_PER_STREAM] * len(held))
        self.assertServing()

    def test_image_bench_reports_the_refusals_and_ends(self):
        # The bench's closed loop starts a new stream as soon as one ends, so
        # refusals come and go; it must say what it saw and stop, not hang.
        out = os.path.join(os.path.dirname(self.log_path), "bench.json")
        done = subprocess.run(
            [BENCH, f"--target={self.server.address}", "--benchmark_filter=^StreamImages/",
             f"--stream_concurrency={STREAMS}", "--images_per_stream=10",
             "--images=meadow_640x480.jpg", "--channels=1", "--benchmark_min_time=0.1",
             f"--benchmark_out={out}", "--benchmark_out_format=json"],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        self.assertNotEqual(done.returncode, 0, (done.stdout + done.stderr)[-2000:])
        with open(out) as f:
            [row] = json.load(f)["benchmarks"]
        self.assertTrue(row.get("error_occurred"), row)
        self.assertRegex(row["error_message"],
                         r"^\d+ errors against .*; first: StreamImages: RESOURCE_EXHAUSTED: "
                         + EXHAUSTED + "$")
        self.assertIsNone(self.server.process.poll(), "the server died")
        self.assertServing()

    def drain(self, calls):
        """Reads every call to its end on threads of its own; images per call."""
        counts = [0] * len(calls)

        def read(index):
            for _ in calls[index]:
                counts[index] += 1

        readers = [threading.Thread(target=read, args=(i,), daemon=True)
                   for i in range(len(calls))]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=60)
        return counts


if __name__ == "__main__":
    unittest.main()
