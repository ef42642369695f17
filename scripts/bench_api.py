#!/usr/bin/env python3
"""API-call benchmark: seeds moto with 1,000 functions, 50 services with 500 tasks
and 10 job queues, runs one full awstop refresh (--once) against it, and prints
the requests moto's recorder saw per service next to the minimum for that shape
under AWS's documented page and batch sizes."""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "moto"))
import ctl  # noqa: E402


def start_moto():
    proc = subprocess.Popen([os.path.join(ROOT, ".venv/bin/python"), os.path.join(ROOT, "tests/moto/server.py"), "-H", "127.0.0.1", "-p", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
    for line in proc.stderr:
        if "Running on http://127.0.0.1:" in line:
            port = "".join(c for c in line.split("127.0.0.1:")[1] if c.isdigit())
            # Keep reading moto's request log, or it blocks on a full pipe.
            import threading
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, f"http://127.0.0.1:{port}"
    proc.kill()
    raise SystemExit("moto did not start")


def ceil(n, size, at_least=0):
    return max(at_least, math.ceil(n / size))


def main(binary):
    proc, url = start_moto()
    try:
        ctl.configure(url)
        t0 = time.time()
        import contextlib
        import io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            ctl.seed(url, "bench")
        truth = json.loads(buf.getvalue())
        seeded = time.time() - t0
        ctl.recorder(url, "start")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true",
                   AWS_CONFIG_FILE=os.path.join(tempfile.gettempdir(), "awstop-bench-none"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(tempfile.gettempdir(), "awstop-bench-none"))
        for k in ["AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"]:
            env.pop(k, None)
        t0 = time.time()
        out = subprocess.run([binary, "--once", "--format", "json", "--endpoint-url", url, "--region", "us-east-1"],
                             env=env, check=True, capture_output=True, text=True)
        refresh = time.time() - t0
        snap = json.loads(out.stdout)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            ctl.recorder(url, "ops")
        ops = json.loads(buf.getvalue())
    finally:
        proc.kill()
        proc.wait()

    seen = {}
    for op in ops:
        seen[op.split(".")[0]] = seen.get(op.split(".")[0], 0) + 1

    n_fn = len(truth["lambda"])
    clusters = truth["ecs"]
    services = sum(len(c["services"]) for c in clusters.values())
    metrics = n_fn * 7 + 4 + services * 2
    optimum = {"sts": 1, "lambda": ceil(n_fn, 50, 1), "cloudwatch": ceil(metrics, 500)}
    ecs = ceil(len(clusters), 100, 1) * 2
    for c in clusters.values():
        tasks = sum(v for v in c["tasks"].values())
        running = sum(v for k, v in c["tasks"].items() if not k.endswith("/STOPPED"))
        stopped = tasks - running
        instances = 1
        ecs += ceil(len(c["services"]), 100, 1) + ceil(len(c["services"]), 10)
        ecs += ceil(running, 100, 1) + ceil(stopped, 100, 1) + ceil(tasks, 100)
        ecs += 1 + ceil(instances, 100)
    optimum["ecs"] = ecs
    batch = 2
    for counts in truth["batch"].values():
        batch += sum(ceil(n, 1000, 1) for n in counts.values())
    optimum["batch"] = batch

    print(f"awstop API calls for one full refresh: {n_fn} functions, {services} services, "
          f"{sum(sum(c['tasks'].values()) for c in clusters.values())} tasks, {len(truth['batch'])} queues")
    print(f"(seeding took {seeded:.0f} s; the refresh took {refresh:.1f} s)\n")
    print(f"{'service':<12}{'calls':>8}{'optimum':>9}{'ratio':>8}")
    for svc in ["sts", "lambda", "cloudwatch", "ecs", "batch"]:
        got, best = seen.get(svc, 0), optimum[svc]
        print(f"{svc:<12}{got:>8}{best:>9}{got / best:>8.2f}")
    others = {k: v for k, v in seen.items() if k not in optimum}
    for k, v in others.items():
        print(f"{k:<12}{v:>8}{'-':>9}")
    total, best = sum(seen.values()), sum(optimum.values())
    print(f"{'total':<12}{total:>8}{best:>9}{total / best:>8.2f}")
    print(f"\nCloudWatch metrics requested: {snap['api']['cloudwatch_metrics_requested']} "
          f"(${snap['api']['cloudwatch_metrics_requested'] / 1000 * 0.01:.3f} per full refresh)")
    print("Note: moto returns every list in one page, so ListFunctions needs one call here "
          f"where AWS, at 50 a page, needs {optimum['lambda']}.")
    target = 1.10
    print(f"\nTarget: total within 10% of the optimum: {'met' if total <= best * target else 'NOT met'}")


if __name__ == "__main__":
    main(sys.argv[1])
