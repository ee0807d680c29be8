"""Peak resident memory and thread count of running processes, sampled from
/proc on a thread of its own while something else (a benchmark) runs.

  with ProcessSampler({"server": server_pid}) as sampler:
      sampler.watch("bench", bench_pid)   # a process that starts later
      ... run the load ...
  sampler.peaks["server"]  # {"rss_kb": ..., "threads": ..., "samples": ...}

A peak is the largest value seen in any sample, so a spike shorter than the
interval can be missed; the kernel's own high-water mark (VmHWM) is exact
but covers the process's whole life, start-up included.
"""
import os
import resource
import signal
import threading

INTERVAL_S = 0.1


def read_status(pid):
    """{'VmRSS': kB, 'VmHWM': kB, 'Threads': n} of /proc/PID/status, or {} once it has gone."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "Threads"):
                    found[key] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return found


class ProcessSampler:
    """Samples every watched process each INTERVAL_S until stopped."""

    def __init__(self, pids=None, interval_s=INTERVAL_S):
        self.interval_s = interval_s
        self._pids = dict(pids or {})
        self.peaks = {name: _empty() for name in self._pids}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="process-sampler", daemon=True)

    def watch(self, name, pid):
        """Also samples `pid` under `name` from now on."""
        with self._lock:
            self._pids[name] = pid
            self.peaks.setdefault(name, _empty())

    def __enter__(self):
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()
        return False

    def _run(self):
        # A script's SIGINT and SIGTERM must reach its main thread, where they
        # interrupt whatever it waits for; this thread never takes them.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        while not self._stop.wait(self.interval_s):
            self._sample()

    def _sample(self):
        with self._lock:
            pids = dict(self._pids)
        for name, pid in pids.items():
            status = read_status(pid)
            if not status:
                continue
            with self._lock:
                peak = self.peaks[name]
                peak["rss_kb"] = max(peak["rss_kb"], status.get("VmRSS", 0))
                peak["threads"] = max(peak["threads"], status.get("Threads", 0))
                peak["samples"] += 1


def machine_busy_seconds():
    """CPU seconds every core of the machine has been busy since boot
    (/proc/stat: all but idle and iowait), summed over cores."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    """CPU seconds of this process and of its children that have been waited for."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def _empty():
    return {"rss_kb": 0, "threads": 0, "samples": 0}
