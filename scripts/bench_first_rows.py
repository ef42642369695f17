#!/usr/bin/env python3
"""First-impression benchmark: seeds moto with 1,000 functions (the bench
account of bench_api.py, or BENCH_ACCOUNT's), starts the dashboard in a real 120x40
pseudo-terminal against it, and prints when the function rows reached the
screen, when the rows on screen had their metrics and their cold starts, and
when nothing was left loading, in seconds from launch; then its CPU ticks
and bytes written to the terminal between 30 and 50 s, and its peak RSS.
With TAWS=/path/to/taws, the same for that peer on the same account.
Usage: bench_first_rows.py BINARY [TIMEOUT_SECONDS]."""
import contextlib
import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time

import pyte

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "moto"))
import ctl  # noqa: E402
from bench_api import start_moto  # noqa: E402

COLS, ROWS = 120, 40
# BENCH_STEADY=90,110 moves the window (to after the background sweep).
STEADY = tuple(float(x) for x in os.environ.get("BENCH_STEADY", "30,50").split(","))
# BENCH_SMAPS=FILE keeps /proc/PID/smaps at the window's end.
# BENCH_ACCOUNT=first-rows: 5 services of 4 tasks and one job queue beside the
# 1,000 functions, instead of the 50 services, 500 tasks and 10 queues of
# bench_api.py's account (whose ECS and Batch refreshes fall in the window).
ACCOUNT = os.environ.get("BENCH_ACCOUNT", "bench")
LOADING = re.compile(r"loading metrics (\d+)/(\d+) · cold starts (\d+)/(\d+)")


def rss_peak_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM"))
    except OSError:
        return None


def rss_parts_kb(pid):
    """Resident memory now: (anonymous, file-backed, which is mostly code)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            v = {l.split(":")[0]: int(l.split()[1]) for l in f if l.split()[-1:] == ["kB"]}
        return v["Anonymous"], v["Rss"] - v["Anonymous"]
    except (OSError, KeyError):
        return None


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


def launch(argv, env):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    app = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    return app, master


class Steady:
    """CPU ticks and bytes to the terminal between 30 and 50 s after launch,
    the window of the issue's side-by-side table, and the peak RSS."""

    def __init__(self, pid):
        self.pid, self.bytes, self.cpu0, self.ticks, self.peak = pid, 0, None, None, None
        self.parts = None

    def feed(self, now, n):
        if STEADY[0] <= now < STEADY[1]:
            self.bytes += n

    def tick(self, now):
        if now >= STEADY[0] and self.cpu0 is None:
            self.cpu0 = cpu_ticks(self.pid)
        if now >= STEADY[1] and self.ticks is None and self.cpu0 is not None:
            self.ticks = cpu_ticks(self.pid) - self.cpu0
            self.parts = rss_parts_kb(self.pid)
            if os.environ.get("BENCH_SMAPS"):
                # Where the resident memory is, mapping by mapping.
                with open(f"/proc/{self.pid}/smaps") as f, open(os.environ["BENCH_SMAPS"], "w") as out:
                    out.write(f.read())
        self.peak = rss_peak_kb(self.pid) or self.peak

    def done(self):
        return self.ticks is not None

    def report(self, name):
        if self.ticks is not None:
            print(f"{name} steady state ({STEADY[0]:.0f}-{STEADY[1]:.0f} s): {self.ticks} CPU ticks, {self.bytes} B to the terminal")
        if self.peak:
            print(f"{name} peak RSS: {self.peak / 1024:.1f} MB")
        if self.parts:
            anon, files = self.parts
            print(f"{name} RSS at {STEADY[1]:.0f} s: {anon / 1024:.1f} MB anonymous, {files / 1024:.1f} MB mapped from files (code)")


def quit_app(app, master, key):
    os.write(master, key)
    try:
        app.wait(timeout=10)
    except subprocess.TimeoutExpired:
        app.kill()
        app.wait()


def awstop(binary, url, env, timeout):
    app, master = launch([binary, "--endpoint-url", url, "--region", "us-east-1", "--pane", "lambda"], env)
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    start = time.monotonic()
    seen = {}
    steady = Steady(app.pid)
    while time.monotonic() - start < max(timeout, STEADY[1] + 1) and not (steady.done() and "sweep" in seen):
        r, _, _ = select.select([master], [], [], 0.05)
        now = time.monotonic() - start
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            steady.feed(now, len(data))
            stream.feed(data)
        lines = screen.display
        text = "\n".join(lines)
        rows = [l for l in lines if l.startswith("fn-") or l.startswith("orders-api")]
        if rows and "rows" not in seen:
            seen["rows"] = now
        m = LOADING.search(text)
        visible = len(rows)
        if rows and now < timeout:
            if m:
                metrics, total, cold = int(m.group(1)), int(m.group(2)), int(m.group(3))
                if metrics >= visible and "metrics" not in seen:
                    seen["metrics"] = now
                if cold >= visible and "cold" not in seen:
                    seen["cold"] = now
            elif "…" not in "\n".join(rows):
                for k in ["metrics", "cold", "sweep"]:
                    seen.setdefault(k, now)
        steady.tick(now)
    quit_app(app, master, b"q")

    def at(k):
        return f"{seen[k]:.2f} s" if k in seen else f"not within {timeout} s"
    print(f"function rows on screen:          {at('rows')}")
    print(f"metrics for the rows on screen:   {at('metrics')}")
    print(f"cold starts for the rows on screen: {at('cold')}")
    print(f"nothing left loading:             {at('sweep')}")
    steady.report("awstop")
    return steady


def taws(binary, url, env):
    """The peer, on the same account: `:lambda` Enter as soon as it draws."""
    env = dict(env, AWS_ENDPOINT_URL=url, AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1")
    app, master = launch([binary], env)
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    start = time.monotonic()
    typed, rows_at = None, None
    steady = Steady(app.pid)
    while not steady.done() and time.monotonic() - start < STEADY[1] + 5:
        r, _, _ = select.select([master], [], [], 0.05)
        now = time.monotonic() - start
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            steady.feed(now, len(data))
            stream.feed(data)
        if typed is None and now > 2.0:
            os.write(master, b":lambda\r")
            typed = now
        if typed is not None and rows_at is None and any("fn-" in l for l in screen.display):
            rows_at = now - typed
        steady.tick(now)
    quit_app(app, master, b"\x03")
    print(f"taws: function rows {rows_at:.2f} s after :lambda Enter" if rows_at is not None else "taws: no function rows")
    steady.report("taws")
    return steady


def main(binary, timeout):
    proc, url = start_moto()
    try:
        ctl.configure(url)
        t0 = time.time()
        with contextlib.redirect_stdout(io.StringIO()):
            ctl.seed(url, ACCOUNT)
        print(f"seeded moto with the {ACCOUNT!r} account in {time.time() - t0:.0f} s")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true",
                   AWS_CONFIG_FILE=os.path.join(tempfile.gettempdir(), "awstop-bench-none"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(tempfile.gettempdir(), "awstop-bench-none"),
                   TERM="xterm-256color", XDG_CONFIG_HOME="/nonexistent-awstop-bench", XDG_STATE_HOME="/tmp/awstop-bench-state")
        for k in ["AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "NO_COLOR"]:
            env.pop(k, None)
        ours = awstop(binary, url, env, timeout)
        peer = os.environ.get("TAWS")
        if peer:
            theirs = taws(peer, url, env)
            if ours.peak and theirs.peak:
                print(f"peak RSS, awstop / taws: {ours.peak / theirs.peak:.2f}")
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 120.0)
