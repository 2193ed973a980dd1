#!/usr/bin/env python3
"""bench/pair.py: times two commands interleaved (A B, then B A, ...) and prints both medians
and the median of the per-round ratios A/B, for wall and CPU time (the child's user + sys, from
wait4(), which leaves out this script's own cost of starting it).

Usage: pair.py [--runs N] [--warmup N] [--prep-a SH] [--prep-b SH] NAME_A CMD_A NAME_B CMD_B
CMD_* are split as a shell splits words and run without a shell (give `bash script` for a
pipeline); --prep-* run through sh before each timed run, untimed (e.g. an empty directory).
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def timed(argv):
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall * 1e3, (ru.ru_utime + ru.ru_stime) * 1e3, p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--prep-a", default="")
    ap.add_argument("--prep-b", default="")
    ap.add_argument("name_a")
    ap.add_argument("cmd_a")
    ap.add_argument("name_b")
    ap.add_argument("cmd_b")
    o = ap.parse_args()
    sides = [(o.name_a, shlex.split(o.cmd_a), o.prep_a), (o.name_b, shlex.split(o.cmd_b), o.prep_b)]
    res = {0: [], 1: []}
    codes = {0: set(), 1: set()}
    for r in range(o.warmup + o.runs):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        for s in order:
            name, argv, prep = sides[s]
            if prep:
                subprocess.run(["sh", "-c", prep], check=True)
            w, c, rc = timed(argv)
            if r >= o.warmup:
                res[s].append((w, c))
                codes[s].add(rc)
    width = max(len(o.name_a), len(o.name_b))
    for s in (0, 1):
        walls = [w for w, _ in res[s]]
        cpus = [c for _, c in res[s]]
        print(f"  {sides[s][0]:<{width}} : median wall {statistics.median(walls):8.2f} ms"
              f" (min {min(walls):.2f})  cpu {statistics.median(cpus):8.2f} ms"
              f"  exit {','.join(map(str, sorted(codes[s])))}")
    rw = statistics.median(a[0] / b[0] for a, b in zip(res[0], res[1]))
    rc = statistics.median(a[1] / b[1] if b[1] > 0 else float("inf")
                           for a, b in zip(res[0], res[1]))
    print(f"  ratio {o.name_a}/{o.name_b}: wall {rw:.2f}x  cpu {rc:.2f}x  ({o.runs} rounds)")


if __name__ == "__main__":
    sys.exit(main())
