"""PyTorch peer for bench/digits.bench.mjs: epochs of minibatch training on the real digits, float64,
one thread, on exactly the work the JavaScript side does. The bench writes a folder with
  meta.json      {"sizes", "batch", "lr", "momentum", "weight_decay", "epochs", "n_train", "n_test"}
  *.f64 / *.i32  little-endian arrays: x_train (n_train x 784, one image per row), y_train, x_test,
                 y_test, the starting weights w1..wL (d_out x d_in, PyTorch's Linear layout) and
                 biases b1..bL, and order (epochs x n_train: the minibatch order of every epoch)
so both sides start from the same weights and visit the same minibatches. Layers: Linear + ReLU,
linear logits, CrossEntropyLoss (mean over the batch), torch.optim.SGD with momentum; the weight
decay applies to the weights only (a parameter group), as the course's λ Σ W² does.
Usage: torch_digits.py FOLDER. Prints one JSON object:
  {"epoch_s": [CPU seconds of each epoch], "accuracy": test accuracy after the last epoch,
   "loss": [mean training loss per epoch], "torch": version, "blas": library}
Time is the process's CPU time (time.process_time), as everywhere in the bench."""
import json
import os
import sys
import time

import numpy as np
import torch

from blas import blas_library

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

folder = sys.argv[1]
meta = json.load(open(os.path.join(folder, "meta.json")))


def load(name, dtype, shape):
    return torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype=dtype).reshape(shape))


sizes, n_train, n_test, epochs, batch = meta["sizes"], meta["n_train"], meta["n_test"], meta["epochs"], meta["batch"]
x_train = load("x_train.f64", "<f8", (n_train, sizes[0]))
y_train = load("y_train.i32", "<i4", (n_train,)).long()
x_test = load("x_test.f64", "<f8", (n_test, sizes[0]))
y_test = load("y_test.i32", "<i4", (n_test,)).long()
order = load("order.i32", "<i4", (epochs, n_train)).long()

layers = []
for l in range(1, len(sizes)):
    lin = torch.nn.Linear(sizes[l - 1], sizes[l])
    with torch.no_grad():
        lin.weight.copy_(load(f"w{l}.f64", "<f8", (sizes[l], sizes[l - 1])))
        lin.bias.copy_(load(f"b{l}.f64", "<f8", (sizes[l],)))
    layers.append(lin)
    if l < len(sizes) - 1:
        layers.append(torch.nn.ReLU())
net = torch.nn.Sequential(*layers)
weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
biases = [p for n, p in net.named_parameters() if n.endswith("bias")]
opt = torch.optim.SGD([{"params": weights, "weight_decay": meta["weight_decay"]}, {"params": biases, "weight_decay": 0.0}],
                      lr=meta["lr"], momentum=meta["momentum"])
loss_fn = torch.nn.CrossEntropyLoss()



epoch_s, losses = [], []
for e in range(epochs):
    t = time.process_time()
    total = 0.0
    for s in range(0, n_train, batch):
        idx = order[e, s:s + batch]
        xb, yb = x_train[idx], y_train[idx]
        opt.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    epoch_s.append(time.process_time() - t)
    losses.append(total / n_train)

with torch.no_grad():
    accuracy = (net(x_test).argmax(dim=1) == y_test).double().mean().item()
print(json.dumps({"epoch_s": epoch_s, "accuracy": accuracy, "loss": losses, "torch": torch.__version__, "blas": blas_library()}))
