import { expect, test } from "vitest";
import { moons, trainTestSplit } from "../../src/engine/datasets";
import { DenseNetwork } from "../../src/nn/mlp";
import { adam, momentum } from "../../src/nn/optim";
import { toColumns, train, type EpochReport } from "../../src/nn/train";

test("2-16-16-2 on two moons reaches ≥ 97% held-out accuracy (seed 1)", () => {
  const { train: tr, test: te } = trainTestSplit(moons(600, { noise: 0.1, seed: 1 }), 0.25, 1);
  const net = new DenseNetwork([2, 16, 16, 2], { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", seed: 1 });
  const seen: EpochReport[] = [];
  const reports = train(net, toColumns(tr, 2), { optimizer: adam(0.01), epochs: 60, batchSize: 32, seed: 1, test: toColumns(te, 2), onEpoch: (r) => seen.push(r) });
  expect(seen).toEqual(reports);
  expect(reports[reports.length - 1]!.testAccuracy).toBeGreaterThanOrEqual(0.97);
  expect(reports[reports.length - 1]!.loss).toBeLessThan(reports[0]!.loss);
});

test("momentum SGD also lowers the loss", () => {
  const data = toColumns(moons(200, { noise: 0.1, seed: 2 }), 2);
  const net = new DenseNetwork([2, 8, 2], { output: "softmax", loss: "softmaxCrossEntropy", seed: 2 });
  const r = train(net, data, { optimizer: momentum(0.05), epochs: 20, seed: 2 });
  expect(r[r.length - 1]!.loss).toBeLessThan(0.7 * r[0]!.loss);
});
