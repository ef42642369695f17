#!/usr/bin/env python3
"""Key to frame, as a user feels it: the release binary in a real
pseudo-terminal (160x48), a key written to it, and the time until the last
byte of the frame that answers it. Prints p50 and p99 per kind of key and the
dashboard's peak RSS.

Usage: bench_keys.py BINARY [awstop arguments…]
(default arguments: --demo --demo-scale 50000).

A frame is the burst of bytes after a key: it ends when the terminal has been
quiet for QUIET seconds; the figure is the time of its last byte. Keys are
sent one at a time, each after the last frame, so no key waits behind
another's frame."""
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

COLS, ROWS = 160, 48
QUIET = 0.05
# A frame later than this was not the key's (a data-age tick, a refresh).
WAIT = 0.5

PGDN, PGUP = b"\x1b[6~", b"\x1b[5~"


def pct(v, p):
    v = sorted(v)
    return v[max(1, min(len(v), -(-len(v) * p // 100))) - 1]


class Term:
    def __init__(self, argv):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = dict(
            os.environ,
            TERM="xterm-256color",
            XDG_CONFIG_HOME="/nonexistent-awstop-bench",
            XDG_STATE_HOME=os.environ.get("BENCH_STATE", "/tmp/awstop-bench-state"),
        )
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.seen = bytearray()

    def read_burst(self, wait):
        """Bytes until QUIET after the first, or nothing after `wait`;
        returns (time of the last byte or None, byte count)."""
        last, n = None, 0
        deadline = time.monotonic() + wait
        while True:
            timeout = QUIET if last is not None else max(0.0, deadline - time.monotonic())
            r, _, _ = select.select([self.master], [], [], timeout)
            if not r:
                return last, n
            chunk = os.read(self.master, 1 << 16)
            last = time.monotonic()
            n += len(chunk)
            self.seen += chunk
            if len(self.seen) > 1 << 20:
                del self.seen[: len(self.seen) - (1 << 16)]

    def settle(self, quiet=1.0, limit=120.0):
        """Wait for the first frame, then for a second with nothing drawn."""
        start = time.monotonic()
        while b"q:quit" not in self.seen and time.monotonic() - start < limit:
            self.read_burst(0.5)
        while time.monotonic() - start < limit:
            last, _ = self.read_burst(quiet)
            if last is None:
                return True
        return False

    def key(self, k):
        self.read_burst(0.0)  # what came before the key is not its frame
        t0 = time.monotonic()
        os.write(self.master, k)
        last, n = self.read_burst(WAIT)
        return None if last is None else (last - t0, n)

    def peak_rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024

    def close(self):
        os.write(self.master, b"q")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def main():
    binary = sys.argv[1]
    args = sys.argv[2:] or ["--demo", "--demo-scale", "50000"]
    # Long intervals: a refresh landing between a key and its frame would be
    # counted as the key's.
    argv = [binary] + args + ["--interval", "lambda=3600,ecs=3600,batch=3600"]
    t = Term(argv)
    t0 = time.monotonic()
    if not t.settle():
        print("the dashboard never settled", file=sys.stderr)
        t.close()
        sys.exit(1)
    print(f"{' '.join(args)}: settled {time.monotonic() - t0:.1f} s after start; 160x48")
    plan = [
        ("move the cursor (j/k)", [b"j"] * 150 + [b"k"] * 50),
        ("page down / up", [PGDN] * 20 + [PGUP] * 20),
        ("re-sort by each column in turn (s)", [b"s"] * 60),
        ("reverse the sort (i)", [b"i"] * 20),
        ("filter while typing", [b"/"] + [bytes([c]) for c in b"orders-api"] + [b"\x7f"] * 10 + [b"\x1b"]),
        ("switch panes (1, 2, 3)", [b"2", b"3", b"1"] * 20),
    ]
    print(f"{'key → last byte of its frame':<40}{'p50':>10}{'p99':>10}{'max':>10}{'n':>6}{'bytes':>8}")
    worst = 0.0
    for name, keys in plan:
        lat, sizes, missed = [], [], 0
        for k in keys:
            r = t.key(k)
            if r is None:
                missed += 1
                continue
            lat.append(r[0] * 1e3)
            sizes.append(r[1])
            time.sleep(0.04)
        if lat:
            p99 = pct(lat, 99)
            worst = max(worst, p99)
            extra = f"  ({missed} keys drew nothing)" if missed else ""
            print(f"{name:<40}{pct(lat, 50):>8.2f}ms{p99:>8.2f}ms{max(lat):>8.2f}ms{len(lat):>6}{pct(sizes, 50):>8}{extra}")
        else:
            print(f"{name:<40}{'no frame':>10}")
    print(f"worst p99: {worst:.2f} ms; peak RSS {t.peak_rss_mb():.1f} MB")
    t.close()


if __name__ == "__main__":
    main()
