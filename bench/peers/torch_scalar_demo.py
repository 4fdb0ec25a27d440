"""PyTorch peer of bench/scalar.bench.mjs: micrograd's demo step on tensors, float64, one thread.

Same workload as the scalar engines: MLP 2-16-16-1 (relu, relu, linear), the 100 points and the
starting weights sent by the JS bench on stdin (same JSON as scalar_autograd.py), loss
mean(relu(1 − y·score)) + 1e-4·Σp² over every weight and bias, full-batch SGD with
lr = 1 − 0.9·k/100. Prints {"ms_per_step": wall median, "cpu_ms_per_step": CPU median, "losses": [...],
"torch": version}.
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def main():
    job = json.load(sys.stdin)
    X = torch.tensor(job["X"], dtype=torch.float64)
    y = torch.tensor(job["y"], dtype=torch.float64)
    params = []
    for layer in job["layers"]:
        params.append(torch.tensor(layer["W"], dtype=torch.float64, requires_grad=True))
        params.append(torch.tensor(layer["b"], dtype=torch.float64, requires_grad=True))
    (W1, b1, W2, b2, W3, b3) = params

    def step(k):
        a1 = torch.relu(X @ W1.T + b1)
        a2 = torch.relu(a1 @ W2.T + b2)
        scores = (a2 @ W3.T + b3)[:, 0]
        data_loss = torch.relu(1 - y * scores).mean()
        reg_loss = 1e-4 * sum((p * p).sum() for p in params)
        total = data_loss + reg_loss
        accuracy = ((y > 0) == (scores > 0)).double().mean()
        for p in params:
            p.grad = None
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return total.item(), accuracy.item()

    losses, times, cpu = [], [], []
    for k in range(job["warmup"] + job["steps"]):
        c = time.process_time()
        t = time.perf_counter()
        loss, _ = step(k % 100)
        elapsed = time.perf_counter() - t
        used = time.process_time() - c
        losses.append(loss)
        if k >= job["warmup"]:
            times.append(elapsed)
            cpu.append(used)
    print(json.dumps({"ms_per_step": statistics.median(times) * 1000, "cpu_ms_per_step": statistics.median(cpu) * 1000, "losses": losses, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
