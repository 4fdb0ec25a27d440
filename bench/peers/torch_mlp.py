"""PyTorch peer for bench/mlp.bench.mjs: one float64 training step (forward, backward, SGD update)
for exactly the networks the JavaScript side times:
  small  2-16-16-2      at batch 32,  relu hidden layers, linear logits, softmax cross-entropy (mean)
  mnist  784-256-128-10 at batch 128, same activations and loss
with torch.optim.SGD(lr=0.01).

Usage: torch_mlp.py [THREADS]  (default 1). The process stays alive so the bench can time it in
several rounds alternating with its own, without timing Python's start-up. It first prints one JSON
line {"torch": version, "blas": lib, "threads": n, "clock": "cpu" | "wall"}, then answers each
line "WORKLOAD REPS" on stdin (e.g. "mnist 20") with {"us": median µs per step}; it ends at EOF.

Each figure is the median over REPS samples after a 0.3 s warm-up; a sample times enough
consecutive steps to last about a millisecond, so the timer's resolution does not matter for the
small net. On one thread, like the JavaScript side, it measures the process's CPU time
(time.process_time), which waiting for a core on a busy machine does not inflate; on more threads
CPU time would add the threads up, so it measures the wall clock (time.perf_counter), as the
JavaScript side then does too."""
import json
import sys
import time

import torch

from blas import blas_library

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
CLOCK = time.process_time if THREADS == 1 else time.perf_counter
torch.set_num_threads(THREADS)
torch.set_default_dtype(torch.float64)

SIZES = {"small": ([2, 16, 16, 2], 32), "mnist": ([784, 256, 128, 10], 128)}


def make_step(sizes, batch):
    g = torch.Generator().manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    x = torch.randn(batch, sizes[0], generator=g)
    y = torch.tensor([j % sizes[-1] for j in range(batch)])
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    return step


def median_us(step, reps, warm_s=0.3):
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < warm_s:
        step()
        calls += 1
    t = time.perf_counter()
    step()
    once = time.perf_counter() - t
    inner = max(1, int(1e-3 / max(once, 1e-7)))
    samples = []
    for _ in range(reps):
        t = CLOCK()
        for _ in range(inner):
            step()
        samples.append((CLOCK() - t) / inner)
    samples.sort()
    return samples[len(samples) // 2] * 1e6


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


reply({"torch": torch.__version__, "blas": blas_library(), "threads": THREADS, "clock": "cpu" if THREADS == 1 else "wall"})
steps = {}
for line in sys.stdin:
    workload, reps = line.split()
    if workload not in steps:
        steps[workload] = make_step(*SIZES[workload])
    reply({"us": median_us(steps[workload], int(reps))})
