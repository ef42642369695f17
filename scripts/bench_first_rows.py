#!/usr/bin/env python3
"""First-impression benchmark: seeds moto with 1,000 functions (the bench
account of bench_api.py), starts the dashboard in a real 120x40
pseudo-terminal against it, and prints when the function rows reached the
screen, when the rows on screen had their metrics and their cold starts, and
when the sweep of every function finished, in seconds from launch.
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
LOADING = re.compile(r"loading metrics (\d+)/(\d+) · cold starts (\d+)/(\d+)")


def rss_peak_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM"))
    except OSError:
        return None


def main(binary, timeout):
    proc, url = start_moto()
    try:
        ctl.configure(url)
        t0 = time.time()
        with contextlib.redirect_stdout(io.StringIO()):
            ctl.seed(url, "bench")
        print(f"seeded moto in {time.time() - t0:.0f} s")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true",
                   AWS_CONFIG_FILE=os.path.join(tempfile.gettempdir(), "awstop-bench-none"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(tempfile.gettempdir(), "awstop-bench-none"),
                   TERM="xterm-256color", XDG_CONFIG_HOME="/nonexistent-awstop-bench", XDG_STATE_HOME="/tmp/awstop-bench-state")
        for k in ["AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "NO_COLOR"]:
            env.pop(k, None)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        screen = pyte.Screen(COLS, ROWS)
        stream = pyte.ByteStream(screen)
        start = time.monotonic()
        app = subprocess.Popen([binary, "--endpoint-url", url, "--region", "us-east-1", "--pane", "lambda"],
                               stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        seen = {}
        peak = None
        while time.monotonic() - start < timeout and "sweep" not in seen:
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try:
                    stream.feed(os.read(master, 65536))
                except OSError:
                    break
            now = time.monotonic() - start
            lines = screen.display
            text = "\n".join(lines)
            rows = [l for l in lines if l.startswith("fn-") or l.startswith("orders-api")]
            if rows and "rows" not in seen:
                seen["rows"] = now
            m = LOADING.search(text)
            visible = len(rows)
            if rows:
                if m:
                    metrics, total, cold = int(m.group(1)), int(m.group(2)), int(m.group(3))
                    if metrics >= visible and "metrics" not in seen:
                        seen["metrics"] = now
                    if cold >= visible and "cold" not in seen:
                        seen["cold"] = now
                elif "…" not in "\n".join(rows):
                    for k in ["metrics", "cold", "sweep"]:
                        seen.setdefault(k, now)
            peak = rss_peak_kb(app.pid) or peak
        os.write(master, b"q")
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
    finally:
        proc.kill()
        proc.wait()
    def at(k):
        return f"{seen[k]:.2f} s" if k in seen else f"not within {timeout} s"
    print(f"function rows on screen:          {at('rows')}")
    print(f"metrics for the rows on screen:   {at('metrics')}")
    print(f"cold starts for the rows on screen: {at('cold')}")
    print(f"every function's metrics and cold starts: {at('sweep')}")
    if peak:
        print(f"peak RSS: {peak / 1024:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 120.0)
