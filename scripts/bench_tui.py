#!/usr/bin/env python3
"""Measures awstop as an ops box sees it, in a real pseudo-terminal:
time to the first complete frame, idle CPU, bytes written to the terminal per
minute at steady state, and peak RSS. Usage: bench_tui.py BINARY [SECONDS]."""
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time


def run(binary, args, seconds, cols=120, rows=40, warmup=5.0):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", XDG_CONFIG_HOME="/nonexistent-awstop-bench", XDG_STATE_HOME="/tmp/awstop-bench-state")
    env.pop("NO_COLOR", None)
    start = time.monotonic()
    proc = subprocess.Popen([binary] + args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    out = bytearray()
    first_frame = None
    window_bytes = 0
    cpu0 = None
    t_window = None

    def cpu_ticks():
        with open(f"/proc/{proc.pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])

    deadline = start + warmup + seconds
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        now = time.monotonic()
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            out += chunk
            if t_window is not None:
                window_bytes += len(chunk)
            # The footer is the last line drawn: its arrival completes the first frame.
            if first_frame is None and b"q:quit" in out and b"rows" in out:
                first_frame = now - start
        if t_window is None and now - start >= warmup:
            t_window = now
            cpu0 = cpu_ticks()
    cpu1 = cpu_ticks()
    elapsed = time.monotonic() - t_window
    with open(f"/proc/{proc.pid}/status") as f:
        hwm = next(int(l.split()[1]) for l in f if l.startswith("VmHWM"))
    os.write(master, b"q")
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    os.close(master)
    hz = os.sysconf("SC_CLK_TCK")
    return {
        "first_frame_ms": None if first_frame is None else first_frame * 1000,
        "idle_cpu_pct": 100.0 * (cpu1 - cpu0) / hz / elapsed,
        "bytes_per_min": window_bytes / elapsed * 60,
        "peak_rss_mb": hwm / 1024,
    }


def main():
    binary = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60
    print(f"{'run':<34}{'first frame':>12}{'idle CPU':>10}{'bytes/min':>11}{'peak RSS':>10}")
    every_minute = ["--interval", "lambda=60,ecs=60,batch=60"]
    # BENCH_SCALES=10000 measures one scale while working on it.
    scales = os.environ.get("BENCH_SCALES", "40,1000,10000").split(",")
    for scale in scales:
        label = f"demo, {int(scale):,} functions"
        args = ["--demo", "--demo-scale", scale]
        r = run(binary, args + every_minute, seconds)
        ff = "-" if r["first_frame_ms"] is None else f"{r['first_frame_ms']:.0f} ms"
        print(f"{label:<34}{ff:>12}{r['idle_cpu_pct']:>9.2f}%{r['bytes_per_min']:>10.0f}B{r['peak_rss_mb']:>8.1f}MB")


if __name__ == "__main__":
    main()
