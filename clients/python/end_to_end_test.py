#!/usr/bin/env python3
"""End-to-end test of the Python client against a real image_server.

Starts the server on an ephemeral port, checks ListImages and StreamImages
through image_client's functions against the files in the images directory,
runs image_client.py as a process, and finally stops the server with SIGTERM.

    /usr/bin/python3 clients/python/end_to_end_test.py \\
        --server=out/server/image_server --images_dir=images \\
        --proto_dir=out/clients/python [unittest arguments, e.g. -v]

CTest runs it as python_client_end_to_end (clients/CMakeLists.txt).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_SCRIPT = os.path.join(HERE, "image_client.py")
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 30
FOUR_MIB = 4 * 1024 * 1024

# Set from the command line in __main__.
SERVER = None
IMAGES_DIR = None
PROTO_DIR = None

image_client = None  # Imported once PROTO_DIR is on sys.path.


def files_under(directory):
    """{'sub/name.ext': size} of every file under directory, recursively."""
    files = {}
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            relative = os.path.relpath(path, directory).replace(os.sep, "/")
            files[relative] = os.path.getsize(path)
    return files


def read_file(name):
    with open(os.path.join(IMAGES_DIR, *name.split("/")), "rb") as f:
        return f.read()


class ServerProcess:
    """image_server on 127.0.0.1:0; port parsed from its first stdout line."""

    def __init__(self):
        self.scratch = tempfile.mkdtemp(prefix="image_client_test_")
        port_file = os.path.join(self.scratch, "server.port")
        self.process = subprocess.Popen(
            [SERVER, "--address=127.0.0.1:0", f"--port_file={port_file}",
             f"--images_dir={IMAGES_DIR}"],
            stdout=subprocess.PIPE, text=True)
        self.target = self._wait_for_address(port_file)
        self.port = int(self.target.rsplit(":", 1)[1])

    def _wait_for_address(self, port_file):
        """The address the server wrote to --port_file once listening."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with open(port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    return text.strip()
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        self.process.kill()
        self.process.wait()
        raise RuntimeError(f"server did not write {port_file} within "
                           f"{START_TIMEOUT_S} s (exit code {self.process.returncode})")

    def stop(self):
        """SIGTERM; returns (exit code, rest of stdout)."""
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.process.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.process.communicate(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            rest, _ = self.process.communicate()
            return None, rest
        return self.process.returncode, rest


class EndToEndTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.files = files_under(IMAGES_DIR)
        cls.names = sorted(cls.files)
        cls.largest = max(cls.names, key=cls.files.get)
        cls.server = ServerProcess()
        try:
            cls.channel = grpc.insecure_channel(
                cls.server.target, options=image_client.channel_options(64))
            grpc.channel_ready_future(cls.channel).result(timeout=10)
        except BaseException:
            cls.server.process.kill()  # tearDownClass does not run after this.
            cls.server.process.wait()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code, rest = cls.server.stop()
        # A failure here is reported as an error of the class, failing the run.
        if code != 0:
            raise AssertionError(
                f"server exited with {code} after SIGTERM (want 0); stdout: {rest!r}")
        if "SIGTERM received" not in rest:
            raise AssertionError(f"server did not report the SIGTERM: {rest!r}")

    def run_client(self, *args, env=None):
        return subprocess.run(
            [sys.executable, CLIENT_SCRIPT, *args], capture_output=True, text=True,
            timeout=60, env=env)

    def assert_one_error_line(self, result, *parts):
        self.assertEqual(result.returncode, 1, result)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("image_client: "), lines[0])
        for part in parts:
            self.assertIn(part, lines[0])

    # Preconditions on the default image set that the tests below rely on.
    def test_images_dir_has_what_the_tests_need(self):
        self.assertGreaterEqual(len(self.names), 3)
        self.assertTrue(any("/" in n for n in self.names), "no subdirectory")
        self.assertGreater(self.files[self.largest], FOUR_MIB)

    def test_list_images_matches_the_directory(self):
        response = image_client.list_images(self.channel, timeout=10)
        self.assertEqual(list(response.image_names), sorted(response.image_names))
        self.assertEqual(list(response.image_names), self.names)
        self.assertEqual([i.name for i in response.images], self.names)
        for info in response.images:
            self.assertEqual(info.size_in_bytes, self.files[info.name], info.name)
            self.assertEqual(info.format, os.path.splitext(info.name)[1][1:].lower())

    def test_stream_all_images_byte_identical(self):
        images = list(image_client.stream_images(self.channel, [], timeout=30))
        self.assertEqual([i.name for i in images], self.names)
        for image in images:
            self.assertEqual(image.content, read_file(image.name), image.name)
            self.assertEqual(image.size_in_bytes, len(image.content), image.name)
            self.assertEqual(image.format,
                             os.path.splitext(image.name)[1][1:].lower(), image.name)

    def test_stream_keeps_order_and_duplicates(self):
        a, b = self.names[0], self.names[-1]  # b sorts after a.
        images = list(image_client.stream_images(self.channel, [b, a, b], timeout=30))
        self.assertEqual([i.name for i in images], [b, a, b])
        for image in images:
            self.assertEqual(image.content, read_file(image.name), image.name)

    def test_unknown_name_is_not_found_before_any_image(self):
        unknown = "no_such_dir/no_such_image.jpg"
        received = []
        with self.assertRaises(grpc.RpcError) as caught:
            for image in image_client.stream_images(
                    self.channel, [self.names[0], unknown], timeout=10):
                received.append(image.name)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)
        self.assertIn(unknown, caught.exception.details())
        self.assertEqual(received, [])

    def test_default_receive_limit_rejects_largest_image(self):
        with grpc.insecure_channel(self.server.target) as default_channel:
            with self.assertRaises(grpc.RpcError) as caught:
                list(image_client.stream_images(default_channel, [self.largest],
                                                timeout=10))
            self.assertEqual(caught.exception.code(),
                             grpc.StatusCode.RESOURCE_EXHAUSTED)
            # The same channel still receives images under the limit.
            small = min(self.names, key=self.files.get)
            got = list(image_client.stream_images(default_channel, [small], timeout=10))
            self.assertEqual([i.content for i in got], [read_file(small)])

    def test_client_check_dir_and_out_dir(self):
        with tempfile.TemporaryDirectory() as out_dir:
            result = self.run_client(
                f"--target={self.server.target}", f"--proto_dir={PROTO_DIR}",
                f"--check_dir={IMAGES_DIR}", f"--out_dir={out_dir}", "--quiet")
            self.assertEqual(result.returncode, 0, result)
            self.assertEqual(result.stderr, "")
            self.assertIn(f"{len(self.names)} images", result.stdout)
            self.assertEqual(files_under(out_dir), self.files)
            for name in self.names:
                with open(os.path.join(out_dir, *name.split("/")), "rb") as f:
                    self.assertEqual(f.read(), read_file(name), name)

    def test_client_check_dir_reports_a_difference(self):
        name = next(n for n in self.names if "/" in n)
        with tempfile.TemporaryDirectory() as check_dir:
            path = os.path.join(check_dir, *name.split("/"))
            os.makedirs(os.path.dirname(path))
            content = bytearray(read_file(name))
            content[100] ^= 1
            with open(path, "wb") as f:
                f.write(content)
            env = dict(os.environ, PYTHONPATH=PROTO_DIR)  # Instead of --proto_dir.
            result = self.run_client(
                f"--target={self.server.target}", f"--names={name}",
                f"--check_dir={check_dir}", env=env)
        self.assert_one_error_line(result, "check failed", name, "differs",
                                   "first difference at byte 100")

    def test_client_repeat_prints_throughput(self):
        result = self.run_client(
            f"--target={self.server.target}", f"--proto_dir={PROTO_DIR}",
            f"--names={self.names[0]},{self.names[1]}", "--repeat=3",
            "--channel_option=grpc.http2.lookahead_bytes=1048576")
        self.assertEqual(result.returncode, 0, result)
        self.assertRegex(result.stdout,
                         r"^6 images, .* in 3 stream\(s\), .*images/s, .*MB/s\n$")

    def test_client_not_found_is_one_line(self):
        result = self.run_client(f"--target={self.server.target}",
                                 f"--proto_dir={PROTO_DIR}", "--names=nope.jpg")
        self.assert_one_error_line(result, "NOT_FOUND", "nope.jpg")
        self.assertEqual(result.stdout, "")

    def test_client_small_limit_is_resource_exhausted(self):
        result = self.run_client(f"--target={self.server.target}",
                                 f"--proto_dir={PROTO_DIR}", "--max_message_mb=4",
                                 f"--names={self.largest}")
        self.assert_one_error_line(result, "RESOURCE_EXHAUSTED")

    def test_client_unreachable_server_is_one_line(self):
        result = self.run_client("--target=127.0.0.1:1", "--timeout_s=1",
                                 f"--proto_dir={PROTO_DIR}")
        self.assert_one_error_line(result, "cannot reach 127.0.0.1:1")
        self.assertEqual(result.stdout, "")


def main():
    global SERVER, IMAGES_DIR, PROTO_DIR, image_client
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="image_server binary")
    parser.add_argument("--images_dir", required=True)
    parser.add_argument("--proto_dir", required=True,
                        help="directory of the generated image_service_pb2.py")
    args, unittest_args = parser.parse_known_args()
    SERVER = os.path.abspath(args.server)
    IMAGES_DIR = os.path.abspath(args.images_dir)
    PROTO_DIR = os.path.abspath(args.proto_dir)
    sys.path[:0] = [PROTO_DIR, HERE]
    sys.dont_write_bytecode = True  # No __pycache__ in the source tree.
    import image_client as client_module
    image_client = client_module
    unittest.main(argv=[sys.argv[0], *unittest_args])


if __name__ == "__main__":
    main()
