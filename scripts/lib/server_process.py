"""An image_server (or tools/async_reference_server) that a script starts on a
free loopback port and always stops, with the process facts that scripts
measure it by (RSS and threads from /proc).
"""
import os
import re
import signal
import subprocess
import time

import build_tree
import process_sampler

IMAGE_SERVER = build_tree.path("server", "image_server")


class ServerError(Exception):
    """The server did not start; the message says why in one line."""


class Server:
    """A server on 127.0.0.1:0 whose bound address comes from its --port_file.

    Its stdout and stderr are appended to `log_path`. stop() ends it with
    SIGTERM (SIGKILL after 15 s) and returns its exit status.
    """

    def __init__(self, images_dir, log_path, port_file, binary=IMAGE_SERVER, extra_args=()):
        self.port_file = port_file
        self.log_path = log_path
        self.log = open(log_path, "a")
        self.log.write(f"--- {os.path.basename(binary)} over {images_dir}\n")
        self.log.flush()
        self.process = subprocess.Popen(
            [binary, "--address=127.0.0.1:0", f"--port_file={port_file}",
             f"--images_dir={images_dir}", *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            self.address = self._wait_for_address()
        except ServerError:
            self.stop()
            raise

    def _wait_for_address(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"the server exited ({self.process.returncode}); see {self.log_path}")
            try:
                with open(self.port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    return text.strip()
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        raise ServerError(f"the server did not start within 120 s; see {self.log_path}")

    @property
    def pid(self):
        return self.process.pid

    def status(self):
        """{'VmRSS': kB, 'VmHWM': kB, 'Threads': n} from /proc, or {} once it has exited."""
        return process_sampler.read_status(self.process.pid)

    def cpu_seconds(self):
        """User + system CPU seconds the server has used so far."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def images_sent(self):
        """The images the server says it sent, from the line both servers print
        when they stop ("...; 11690 images sent"): call it after stop(). None
        when the log has no such line (the server was killed)."""
        with open(self.log_path, errors="replace") as f:
            counts = re.findall(r"(\d+) images sent$", f.read(), re.M)
        return int(counts[-1]) if counts else None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.log.close()
        if os.path.exists(self.port_file):
            os.remove(self.port_file)
        return self.process.returncode
