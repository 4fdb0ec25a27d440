"""A small pure-Python scalar reverse-mode engine, written for this project in micrograd's style,
as the micrograd-equivalent peer of bench/scalar.bench.mjs.

It deliberately keeps micrograd's cost model: one Python object per scalar with a closure for its
local backward rule, a set of inputs, a recursive topological sort, and a neuron computed as a
chain of additions (the bias first, then one add per weighted input). The workload and the data
come from the JS bench on stdin as JSON:
  {"X": [[x1, x2], ...], "y": [±1, ...], "layers": [{"W": [[...], ...], "b": [...]}, ...],
   "warmup": int, "steps": int}
It prints one JSON object: {"ms_per_step": wall median, "cpu_ms_per_step": CPU median, "losses": [...],
"nodes": n, "python": version}.
"""
import json
import statistics
import sys
import time

sys.setrecursionlimit(100000)


class Scalar:
    def __init__(self, data, inputs=()):
        self.data = data
        self.grad = 0.0
        self._inputs = set(inputs)
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data + other.data, (self, other))

        def backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data * other.data, (self, other))

        def backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward
        return out

    def relu(self):
        out = Scalar(self.data if self.data > 0 else 0.0, (self,))

        def backward():
            if out.data > 0:
                self.grad += out.grad

        out._backward = backward
        return out

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def nodes(self):
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for p in v._inputs:
                    visit(p)
                order.append(v)

        visit(self)
        return order

    def backward(self):
        order = self.nodes()
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


class Unit:
    def __init__(self, weights, bias, nonlinear):
        self.w = [Scalar(w) for w in weights]
        self.b = Scalar(bias)
        self.nonlinear = nonlinear

    def __call__(self, x):
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return z.relu() if self.nonlinear else z

    def parameters(self):
        return self.w + [self.b]


class Net:
    def __init__(self, layers):
        last = len(layers) - 1
        self.layers = [[Unit(row, b, k != last) for row, b in zip(layer["W"], layer["b"])] for k, layer in enumerate(layers)]

    def __call__(self, x):
        for layer in self.layers:
            x = [unit(x) for unit in layer]
        return x[0]

    def parameters(self):
        return [p for layer in self.layers for unit in layer for p in unit.parameters()]


def main():
    job = json.load(sys.stdin)
    net = Net(job["layers"])
    params = net.parameters()
    X, y = job["X"], job["y"]

    def step(k):
        inputs = [[Scalar(v) for v in row] for row in X]
        scores = [net(x) for x in inputs]
        margins = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
        data_loss = sum(margins) * (1.0 / len(margins))
        reg_loss = 1e-4 * sum(p * p for p in params)
        total = data_loss + reg_loss
        accuracy = sum((yi > 0) == (s.data > 0) for yi, s in zip(y, scores)) / len(y)
        for p in params:
            p.grad = 0.0
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        return total, accuracy

    losses, times, cpu, nodes = [], [], [], 0
    for k in range(job["warmup"] + job["steps"]):
        c = time.process_time()
        t = time.perf_counter()
        total, _ = step(k)
        elapsed = time.perf_counter() - t
        used = time.process_time() - c
        losses.append(total.data)
        if k == 0:
            nodes = len(total.nodes())
        if k >= job["warmup"]:
            times.append(elapsed)
            cpu.append(used)
    print(json.dumps({"ms_per_step": statistics.median(times) * 1000, "cpu_ms_per_step": statistics.median(cpu) * 1000, "losses": losses, "nodes": nodes, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
