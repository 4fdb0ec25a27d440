"""PyTorch peer for bench/mlp.bench.mjs: one float64 training step (forward, backward, SGD) on one thread.
Prints one JSON object: {"small": µs/step, "mnist": µs/step}."""
import json, sys, time
import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def step_time(sizes, batch, reps):
    g = torch.Generator().manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    x = torch.randn(batch, sizes[0], generator=g)
    y = torch.randint(0, sizes[-1], (batch,), generator=g)
    loss_fn = torch.nn.CrossEntropyLoss()

    def one():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    for _ in range(max(5, reps // 10)):
        one()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        one()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2] * 1e6


reps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
print(json.dumps({"small": step_time([2, 16, 16, 2], 32, reps), "mnist": step_time([784, 256, 128, 10], 128, max(20, reps // 10))}))
