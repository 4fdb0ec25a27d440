import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { DenseNetwork } from "../../src/nn/mlp";
import { Matrix } from "../../src/nn/matrix";
import type { ActivationName } from "../../src/nn/activations";
import type { LossName } from "../../src/nn/losses";

interface Fixture {
  name: string; sizes: number[]; hidden: ActivationName; output: ActivationName; loss: LossName; bias: boolean; weightDecay: number;
  W: number[][][]; b: number[][][]; X: number[][]; Y: number[][]; value: number; dW: number[][][]; db: number[][][];
}

const dir = path.join(__dirname, "../fixtures/torch");
const files = readdirSync(dir).filter((f) => f.startsWith("mlp-") && f.endsWith(".json"));

function close(ours: Matrix, ref: number[][]): void {
  const a = ours.toArray();
  expect(ours.shape).toEqual([ref.length, ref[0]!.length]);
  a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(ref[i]![j]!)))));
}

describe("gradients agree with PyTorch float64 (scripts/fixtures/torch_mlp.py)", () => {
  test("fixtures exist", () => expect(files.length).toBeGreaterThanOrEqual(4));
  for (const file of files) {
    test(file, () => {
      const fx = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Fixture;
      const net = new DenseNetwork(fx.sizes, { hidden: fx.hidden, output: fx.output, loss: fx.loss, bias: fx.bias });
      for (let l = 1; l <= net.L; l++) {
        net.W[l]!.data.set(Matrix.from(fx.W[l - 1]!).data);
        net.b[l]!.data.set(Matrix.from(fx.b[l - 1]!).data);
      }
      const g = net.backward(net.forward(Matrix.from(fx.X)), Matrix.from(fx.Y), { weightDecay: fx.weightDecay });
      expect(g.loss).toBeCloseTo(fx.value, 12);
      for (let l = 1; l <= net.L; l++) {
        close(g.dW[l]!, fx.dW[l - 1]!);
        if (fx.bias) close(g.db[l]!, fx.db[l - 1]!);
      }
    });
  }
});
