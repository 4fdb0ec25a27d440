/**
 * The PyTorch reference networks of test/fixtures/torch (made by generate_torch_mlp.py), loaded into
 * our MatrixMLP: one place that reads them, so every backend's test compares against the same thing.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import type { ActivationName } from "../../src/nn/activations";
import type { LossName } from "../../src/nn/losses";
import { Matrix } from "../../src/nn/matrix";
import { MatrixMLP, type Gradients } from "../../src/nn/mlp";

/** One network, its batch, and PyTorch's loss and gradients for it (lists indexed from layer 1). */
export interface MlpFixture {
  name: string; sizes: number[]; hidden: ActivationName; output: ActivationName; loss: LossName; bias: boolean; weightDecay: number;
  W: number[][][]; b: number[][][]; X: number[][]; Y: number[][]; value: number; dW: number[][][]; db: number[][][];
}

/** The folder of the committed fixtures. */
export const torchFixtureDir = path.join(__dirname, "../fixtures/torch");

/** File names of the network fixtures (mlp-*.json). */
export function mlpFixtureFiles(): string[] {
  return readdirSync(torchFixtureDir).filter((f) => f.startsWith("mlp-") && f.endsWith(".json"));
}

/** Reads a fixture, builds the same network with PyTorch's weights, and runs our forward and backward. */
export function gradientsOnFixture(file: string): { fx: MlpFixture; g: Gradients } {
  const fx = JSON.parse(readFileSync(path.join(torchFixtureDir, file), "utf8")) as MlpFixture;
  const net = new MatrixMLP(fx.sizes, { hidden: fx.hidden, output: fx.output, loss: fx.loss, bias: fx.bias });
  for (let l = 1; l <= net.L; l++) {
    net.W[l]!.data.set(Matrix.from(fx.W[l - 1]!).data);
    net.b[l]!.data.set(Matrix.from(fx.b[l - 1]!).data);
  }
  const g = net.backward(net.forward(Matrix.from(fx.X)), Matrix.from(fx.Y), { weightDecay: fx.weightDecay });
  return { fx, g };
}
