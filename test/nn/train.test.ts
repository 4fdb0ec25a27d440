import { expect, test } from "vitest";
import { moons, trainTestSplit } from "../../src/engine/datasets";
import { MatrixMLP } from "../../src/nn/mlp";
import { adam, momentum } from "../../src/nn/optim";
import { toColumns, train, type EpochReport } from "../../src/nn/train";
import { Matrix } from "../../src/nn/matrix";

test("2-16-16-2 on two moons reaches ≥ 97% held-out accuracy (seed 1)", () => {
  const { train: tr, test: te } = trainTestSplit(moons(600, { noise: 0.1, seed: 1 }), 0.25, 1);
  const net = new MatrixMLP([2, 16, 16, 2], { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", seed: 1 });
  const seen: EpochReport[] = [];
  const reports = train(net, toColumns(tr, 2), { optimizer: adam(0.01), epochs: 60, batchSize: 32, seed: 1, test: toColumns(te, 2), onEpoch: (r) => seen.push(r) });
  expect(seen).toEqual(reports);
  expect(reports[reports.length - 1]!.testAccuracy).toBeGreaterThanOrEqual(0.97);
  expect(reports[reports.length - 1]!.loss).toBeLessThan(reports[0]!.loss);
  expect(reports[reports.length - 1]!.testLoss!).toBeLessThan(reports[0]!.testLoss!);
});

test("the held-out loss is the loss of the trained network on the test split, penalty included", () => {
  const { train: tr, test: te } = trainTestSplit(moons(200, { noise: 0.1, seed: 5 }), 0.25, 5);
  const net = new MatrixMLP([2, 6, 2], { output: "softmax", loss: "softmaxCrossEntropy", seed: 5 });
  const testData = toColumns(te, 2);
  const [r] = train(net, toColumns(tr, 2), { optimizer: adam(0.01), epochs: 1, weightDecay: 0.01, seed: 5, test: testData });
  expect(r!.testLoss).toBeCloseTo(net.backward(net.forward(testData.X), testData.Y, { weightDecay: 0.01 }).loss, 14);
});

test("momentum SGD also lowers the loss", () => {
  const data = toColumns(moons(200, { noise: 0.1, seed: 2 }), 2);
  const net = new MatrixMLP([2, 8, 2], { output: "softmax", loss: "softmaxCrossEntropy", seed: 2 });
  const r = train(net, data, { optimizer: momentum(0.05), epochs: 20, seed: 2 });
  expect(r[r.length - 1]!.loss).toBeLessThan(0.7 * r[0]!.loss);
});

test("training is reproducible from its seeds, and another shuffling seed gives another network", () => {
  const data = toColumns(moons(150, { noise: 0.1, seed: 3 }), 2);
  const run = (seed: number) => {
    const net = new MatrixMLP([2, 8, 2], { output: "softmax", loss: "softmaxCrossEntropy", seed: 5 });
    const reports = train(net, data, { optimizer: momentum(0.05), epochs: 3, batchSize: 16, seed });
    return { net, reports };
  };
  const a = run(1), b = run(1), c = run(2);
  expect(a.reports).toEqual(b.reports);
  expect(a.net.W[1]!.toArray()).toEqual(b.net.W[1]!.toArray());
  expect(a.net.W[1]!.toArray()).not.toEqual(c.net.W[1]!.toArray());
});

test("an epoch visits every example once: with lr 0 the epoch loss is the full-batch loss", () => {
  // 150 examples in batches of 16 (the last one has 6): the size-weighted mean of the minibatch
  // losses equals the loss over all examples only if each example was used exactly once.
  const data = toColumns(moons(150, { noise: 0.1, seed: 4 }), 2);
  const net = new MatrixMLP([2, 5, 2], { output: "softmax", loss: "softmaxCrossEntropy", seed: 6 });
  const full = net.backward(net.forward(data.X), data.Y).loss;
  const [report] = train(net, data, { optimizer: momentum(0, 0), epochs: 1, batchSize: 16, seed: 9 });
  expect(report!.loss).toBeCloseTo(full, 12);
});

test("bad training input is named", () => {
  const data = toColumns(moons(20, { noise: 0.1, seed: 1 }), 2);
  const net = new MatrixMLP([2, 4, 2], { output: "softmax", loss: "softmaxCrossEntropy" });
  expect(() => toColumns({ X: [[0, 0]], y: [2] }, 2)).toThrow("toColumns: label 2 of example 0 is not a class in 0..1");
  expect(() => train(net, data, { optimizer: adam(), epochs: 1, batchSize: 0 })).toThrow("train: batchSize must be a positive integer, got 0");
  expect(() => train(net, { X: data.X, Y: new Matrix(2, 3) }, { optimizer: adam(), epochs: 1 })).toThrow("train: X (2×20) and Y (2×3) have different numbers of examples (columns)");
  expect(() => adam().step([new Matrix(2, 3)], [new Matrix(3, 2)])).toThrow("adam: parameter 0 is (2×3) but its gradient is (3×2)");
  expect(() => momentum(0.1).step([new Matrix(1, 1)], [])).toThrow("momentum: 1 parameters but 0 gradients");
  expect(() => momentum(0.1, 1)).toThrow("momentum: mu must be in [0, 1), got 1");
});
