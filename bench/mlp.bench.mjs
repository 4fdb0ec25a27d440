// One training step (forward, backward, SGD update) of the matrix MLP, float64, against
// TensorFlow.js (cpu backend; float32 only) and PyTorch (float64, one thread) when importable.
// Figures are medians over repetitions after a warm-up.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function timeIt(fn, reps, warm) {
  for (let i = 0; i < warm; i++) fn();
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    ts.push((performance.now() - t) * 1000);
  }
  return median(ts);
}

function ours(lib, sizes, batch, reps) {
  const { DenseNetwork, Matrix, Rng } = lib;
  const net = new DenseNetwork(sizes, { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", seed: 0 });
  const r = new Rng(1);
  const X = Matrix.fromFunction(sizes[0], batch, () => r.normal());
  const k = sizes[sizes.length - 1];
  const Y = Matrix.fromFunction(k, batch, (i, j) => (i === j % k ? 1 : 0));
  const step = () => net.sgdStep(net.backward(net.forward(X), Y), 0.01);
  const stepUs = timeIt(step, reps, Math.max(5, reps / 10));
  let cache;
  const fwdUs = timeIt(() => { cache = net.forward(X); }, reps, Math.max(5, reps / 10));
  const bwdUs = timeIt(() => net.backward(cache, Y), reps, Math.max(5, reps / 10));
  return { stepUs, fwdUs, bwdUs };
}

async function tfjs(sizes, batch, reps) {
  const tf = require("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  const model = tf.sequential();
  for (let i = 1; i < sizes.length; i++) {
    model.add(tf.layers.dense({ units: sizes[i], inputShape: i === 1 ? [sizes[0]] : undefined, activation: i < sizes.length - 1 ? "relu" : "linear" }));
  }
  const opt = tf.train.sgd(0.01);
  const x = tf.randomNormal([batch, sizes[0]]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, j) => j % sizes[sizes.length - 1]), "int32"), sizes[sizes.length - 1]);
  const step = () => {
    const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
    l.dataSync();
    l.dispose();
  };
  return timeIt(step, reps, Math.max(3, reps / 10));
}

export default async function mlpBench() {
  const lib = require(path.join(root, "dist/index.js"));
  const rows = [];
  const work = [
    ["mlp-small-step", [2, 16, 16, 2], 32, 2000, "small"],
    ["mlp-mnist-step", [784, 256, 128, 10], 128, 60, "mnist"],
  ];
  let torch;
  try {
    torch = JSON.parse(execFileSync("/usr/bin/python3", [path.join(root, "bench/peers/torch_mlp.py"), "300"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  } catch (e) {
    torch = undefined;
    rows.push({ name: "mlp/pytorch", unit: "-", value: NaN, note: `skipped: torch not importable by /usr/bin/python3 (${String(e.message).split("\n")[0]})` });
  }
  for (const [name, sizes, batch, reps, key] of work) {
    const o = ours(lib, sizes, batch, reps);
    rows.push({ name, unit: "µs/step", value: o.stepUs, note: `float64, ${sizes.join("-")}, batch ${batch}` });
    rows.push({ name: `${name}/samples-per-s`, unit: "samples/s", value: (batch / o.stepUs) * 1e6 });
    if (key === "mnist") rows.push({ name: "mlp-backward-forward-ratio", unit: "×", value: o.bwdUs / o.fwdUs, note: `forward ${o.fwdUs.toFixed(0)} µs, backward ${o.bwdUs.toFixed(0)} µs` });
    const tUs = await tfjs(sizes, batch, key === "small" ? 300 : 10);
    rows.push({ name: `${name}/tfjs`, unit: "µs/step", value: tUs, note: "TensorFlow.js cpu backend, float32 (no float64 support)" });
    rows.push({ name: `${name}/ratio-vs-tfjs`, unit: "×", value: tUs / o.stepUs, note: "tfjs time / ours (>1: ours faster)" });
    if (torch) {
      rows.push({ name: `${name}/pytorch`, unit: "µs/step", value: torch[key], note: "PyTorch float64, 1 thread" });
      rows.push({ name: `${name}/ratio-vs-pytorch`, unit: "×", value: torch[key] / o.stepUs, note: "PyTorch time / ours (>1: ours faster)" });
    }
  }
  return rows;
}
