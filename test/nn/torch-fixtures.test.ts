import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { MatrixMLP } from "../../src/nn/mlp";
import { Matrix } from "../../src/nn/matrix";
import { adam, momentum, sgd, type Optimizer } from "../../src/nn/optim";
import { fixtureDifference } from "../fixtures/same-numbers";
import { gradientsOnFixture, mlpFixtureFiles, torchFixtureDir, type MlpFixture } from "./torch-mlp-fixtures";

interface OptimFixture {
  p0: number[][]; grads: number[][][]; lr: Record<"sgd" | "momentum" | "adam", number>; mu: number; betas: [number, number]; eps: number;
  after: Record<"sgd" | "momentum" | "adam", number[][][]>;
}

const root = path.join(__dirname, "../..");
const dir = torchFixtureDir;
const generator = path.join(root, "test/fixtures/generate_torch_mlp.py");
const files = mlpFixtureFiles();

function close(ours: Matrix, ref: number[][], tol = 1e-12): void {
  const a = ours.toArray();
  expect(ours.shape).toEqual([ref.length, ref[0]!.length]);
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!)).toBeLessThan(tol * Math.max(1, Math.abs(ref[i]![j]!)))));
}

describe("gradients agree with PyTorch float64 (test/fixtures/generate_torch_mlp.py)", () => {
  test("fixtures exist, including 001's example and 004's squared error", () => {
    expect(files).toContain("mlp-001-relu-nobias-ce-decay.json");
    expect(files).toContain("mlp-004-tanh-linear-squared.json");
    expect(files.length).toBeGreaterThanOrEqual(5);
  });
  for (const file of files) {
    test(file, () => {
      const { fx, g } = gradientsOnFixture(file);
      expect(g.loss).toBeCloseTo(fx.value, 12);
      for (let l = 1; l <= fx.sizes.length - 1; l++) {
        close(g.dW[l]!, fx.dW[l - 1]!);
        if (fx.bias) close(g.db[l]!, fx.db[l - 1]!);
        else expect(g.db[l]!.toFlatArray().every((v) => v === 0)).toBe(true);
      }
    });
  }

  test("001's example: one hidden relu layer, no biases, cross-entropy plus weight decay, both weight matrices", () => {
    const fx = JSON.parse(readFileSync(path.join(dir, "mlp-001-relu-nobias-ce-decay.json"), "utf8")) as MlpFixture;
    expect([fx.sizes.length, fx.hidden, fx.output, fx.loss, fx.bias]).toEqual([3, "relu", "softmax", "softmaxCrossEntropy", false]);
    expect(fx.weightDecay).toBeGreaterThan(0);
    const net = new MatrixMLP(fx.sizes, { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", bias: false });
    net.W[1]!.data.set(Matrix.from(fx.W[0]!).data);
    net.W[2]!.data.set(Matrix.from(fx.W[1]!).data);
    const g = net.backward(net.forward(Matrix.from(fx.X)), Matrix.from(fx.Y), { weightDecay: fx.weightDecay });
    close(g.dW[1]!, fx.dW[0]!); // ∂J/∂W^(1), through the relu gate
    close(g.dW[2]!, fx.dW[1]!); // ∂J/∂W^(2), including 2λW^(2)
    // Without the decay term the gradients must differ by exactly 2λW (eq. 6.56).
    const plain = net.backward(net.forward(Matrix.from(fx.X)), Matrix.from(fx.Y));
    close(g.dW[2]!.sub(plain.dW[2]!), net.W[2]!.scale(2 * fx.weightDecay).toArray());
  });
});

describe("optimisers follow torch.optim step for step", () => {
  const fx = JSON.parse(readFileSync(path.join(dir, "optim.json"), "utf8")) as OptimFixture;
  const make: Record<"sgd" | "momentum" | "adam", () => Optimizer> = {
    sgd: () => sgd(fx.lr.sgd),
    momentum: () => momentum(fx.lr.momentum, fx.mu),
    adam: () => adam(fx.lr.adam, fx.betas[0], fx.betas[1], fx.eps),
  };
  for (const name of ["sgd", "momentum", "adam"] as const) {
    test(name, () => {
      const p = Matrix.from(fx.p0);
      const opt = make[name]();
      fx.grads.forEach((g, t) => {
        opt.step([p], [Matrix.from(g)]);
        close(p, fx.after[name][t]!, 1e-13);
      });
    });
  }
});

// CI installs Debian's python3-torch, so a missing torch fails loudly instead of skipping silently;
// BPL_SKIP_TORCH_TESTS=1 opts out on a machine without it.
test("the fixture comparison tolerates rounding and nothing more", () => {
  const fx = JSON.parse(readFileSync(path.join(dir, "mlp-relu-linear-mse.json"), "utf8")) as unknown;
  const nudge = (o: unknown, by: number): unknown => (typeof o === "number" ? o * (1 + by) : Array.isArray(o) ? o.map((x) => nudge(x, by)) : o && typeof o === "object" ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, nudge(v, by)])) : o);
  expect(fixtureDifference(nudge(fx, 4 * Number.EPSILON), fx)).toBeNull(); // a few ulps: a different BLAS
  expect(fixtureDifference(nudge(fx, 1e-9), fx)).toMatch(/^\$\./); // a real change
});

// The regenerated files are compared as numbers within rounding, not byte for byte: the last bits
// of PyTorch's float64 sums depend on the machine's BLAS (reference or OpenBLAS).
test.skipIf(process.env.BPL_SKIP_TORCH_TESTS === "1")("the generator script reproduces the committed fixtures (numbers within float64 rounding)", () => {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" });
  } catch {
    throw new Error("PyTorch is not importable by /usr/bin/python3 (apt-get install -y python3-torch), or set BPL_SKIP_TORCH_TESTS=1");
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bpl-fixtures-"));
  try {
    execFileSync("/usr/bin/python3", [generator], { env: { ...process.env, BPL_FIXTURE_OUT: tmp }, stdio: "ignore" });
    const made = readdirSync(tmp).sort();
    expect(made).toEqual(readdirSync(dir).filter((f) => f.endsWith(".json")).sort());
    for (const f of made) expect(fixtureDifference(JSON.parse(readFileSync(path.join(tmp, f), "utf8")), JSON.parse(readFileSync(path.join(dir, f), "utf8"))), f).toBeNull();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 600_000); // OpenBLAS's threads on a loaded 2-core machine take minutes
