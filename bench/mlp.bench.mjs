// Issue 3's benchmark: one training step (forward, backward, SGD update) of the matrix MLP in
// float64, side by side with TensorFlow.js (cpu backend) and PyTorch (float64, one thread).
//
// The workloads are identical across the three: layer sizes, relu hidden layers, linear logits
// with softmax cross-entropy averaged over the batch, one fixed batch, plain SGD with lr 0.01
// (biases on, everything updated). TensorFlow.js has no float64 on its cpu backend, so it runs in
// float32 (which favours it). Figures are medians over samples taken after a warm-up; a sample
// times enough consecutive steps to last about a millisecond. Time is the process's CPU time, not
// the wall clock: every contender runs on one thread, and on a machine shared with other jobs the
// CPU time is what the step costs while the wall clock also counts waiting for a core.
//
// Rows: mlp-small-step (2-16-16-2, batch 32), mlp-mnist-step (784-256-128-10, batch 128), each
// in µs per step with a samples-per-second row; mlp-backward-forward-ratio on the larger net;
// `<workload>/tfjs`, `<workload>/pytorch` and their `ratio-vs-…` rows (peer time / ours, so above
// 1 means ours is faster); `<workload>/js-kernel`, ours with the WebAssembly kernels switched off
// (`setGemmBackend("js")`: every product and element-wise pass in JavaScript loops).
//
// PyTorch runs only when /usr/bin/python3 can import torch. Its speed on large products depends
// on the BLAS it loads (Debian's default is the reference BLAS); the row's note names it. To also
// time it on another BLAS, set BPL_TORCH_BLAS_DIR to a folder holding that libblas.so.3, e.g. one
// unpacked from Debian's libopenblas0-pthread: that adds `<workload>/pytorch-openblas` rows.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Workload names this file can produce, for `npm run bench -- <name>`. */
export const workloads = ["mlp-small-step", "mlp-mnist-step", "mlp-backward-forward-ratio"];

const WORK = {
  small: { name: "mlp-small-step", sizes: [2, 16, 16, 2], batch: 32, reps: 200, tfReps: 100 },
  mnist: { name: "mlp-mnist-step", sizes: [784, 256, 128, 10], batch: 128, reps: 40, tfReps: 8 },
};
const LR = 0.01;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU time of this process in µs (user + system). */
function cpuUs() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Median CPU µs per call of fn over `reps` samples. A warm-up of at least `warmMs` lets the JIT
 * finish optimising (its compiler threads would otherwise count as our CPU time); each sample then
 * repeats fn enough times to last about a millisecond.
 */
function timeUs(fn, reps, warmMs = 300) {
  const start = performance.now();
  let calls = 0;
  let t = start;
  while (calls < 3 || t - start < warmMs) {
    fn();
    calls++;
    t = performance.now();
  }
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 1e-4);
  const inner = Math.max(1, Math.floor(1 / once));
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const c = cpuUs();
    for (let i = 0; i < inner; i++) fn();
    samples.push((cpuUs() - c) / inner);
  }
  return median(samples);
}

/** Our step, with the cache and gradient buffers reused as a training loop does. */
function ourStep(lib, w) {
  const { DenseNetwork, Matrix, Rng } = lib;
  const net = new DenseNetwork(w.sizes, { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", seed: 0 });
  const r = new Rng(1);
  const X = Matrix.fromFunction(w.sizes[0], w.batch, () => r.normal());
  const k = w.sizes[w.sizes.length - 1];
  const Y = Matrix.fromFunction(k, w.batch, (i, j) => (i === j % k ? 1 : 0));
  let cache, grads;
  const forward = () => { cache = net.forward(X, cache); };
  const backward = () => { grads = net.backward(cache, Y, { into: grads }); };
  const step = () => { forward(); backward(); net.sgdStep(grads, LR); };
  return { step, forward, backward };
}

async function tfjsStep(w) {
  const tf = require("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  const { sizes, batch } = w;
  const model = tf.sequential();
  for (let i = 1; i < sizes.length; i++) {
    model.add(tf.layers.dense({ units: sizes[i], inputShape: i === 1 ? [sizes[0]] : undefined, activation: i < sizes.length - 1 ? "relu" : "linear" }));
  }
  const opt = tf.train.sgd(LR);
  const x = tf.randomNormal([batch, sizes[0]]);
  const k = sizes[sizes.length - 1];
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, j) => j % k), "int32"), k);
  return () => {
    const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
    l.dataSync();
    l.dispose();
  };
}

function torchPeer(ctx, keys, env) {
  const script = path.join(root, "bench/peers/torch_mlp.py");
  const reps = (key, min) => (keys.includes(key) ? ctx.reps(WORK[key].reps, min) : 0);
  const out = execFileSync("/usr/bin/python3", [script, String(reps("small", 10)), String(reps("mnist", 5))], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", ...env },
  });
  return JSON.parse(out);
}

function torchImportable() {
  if (!existsSync("/usr/bin/python3")) return "no /usr/bin/python3";
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" });
    return true;
  } catch {
    return "/usr/bin/python3 cannot import torch (apt-get install python3-torch)";
  }
}

export default async function mlpBench(ctx = { quick: false, wants: () => true, reps: (n) => n, log: () => {} }) {
  const lib = require(path.join(root, "dist/index.js"));
  const rows = [];
  const keys = Object.keys(WORK).filter((key) => ctx.wants(WORK[key].name) || (key === "mnist" && ctx.wants("mlp-backward-forward-ratio")));
  const fmt = (w) => `float64, ${w.sizes.join("-")}, batch ${w.batch}`;

  // PyTorch first (a separate process), so its figures come from the same quiet moment as ours.
  const peers = [];
  const can = torchImportable();
  if (can === true) {
    try {
      ctx.log("PyTorch peer…");
      const t = torchPeer(ctx, keys, {});
      peers.push({ id: "pytorch", data: t, note: `PyTorch ${t.torch} float64, 1 thread, BLAS ${t.blas}` });
    } catch (e) {
      rows.push({ name: "mlp/pytorch", unit: "error", value: NaN, note: `PyTorch peer failed: ${String(e.message).split("\n")[0]}` });
    }
    const blasDir = process.env.BPL_TORCH_BLAS_DIR;
    if (blasDir) {
      try {
        ctx.log(`PyTorch peer on ${blasDir}…`);
        const t = torchPeer(ctx, keys, { LD_LIBRARY_PATH: [blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") });
        const id = /openblas/i.test(t.blas) ? "pytorch-openblas" : "pytorch-blas2";
        peers.push({ id, data: t, note: `PyTorch ${t.torch} float64, 1 thread, BLAS ${t.blas} (BPL_TORCH_BLAS_DIR)` });
      } catch (e) {
        rows.push({ name: "mlp/pytorch-blas", unit: "error", value: NaN, note: `PyTorch peer with BPL_TORCH_BLAS_DIR failed: ${String(e.message).split("\n")[0]}` });
      }
    }
  } else {
    rows.push({ name: "mlp/pytorch", unit: "skipped", value: NaN, note: `PyTorch peer skipped: ${can}` });
  }

  for (const key of keys) {
    const w = WORK[key];
    ctx.log(`${w.name}: ours…`);
    const o = ourStep(lib, w);
    const stepUs = timeUs(o.step, ctx.reps(w.reps, 5));
    rows.push({ name: w.name, unit: "µs/step", value: stepUs, note: `${fmt(w)}, ${lib.gemmBackend()} kernels` });
    rows.push({ name: `${w.name}/samples-per-s`, unit: "samples/s", value: (w.batch / stepUs) * 1e6 });
    if (key === "mnist") {
      const fwd = timeUs(o.forward, ctx.reps(w.reps, 5));
      const bwd = timeUs(o.backward, ctx.reps(w.reps, 5));
      rows.push({ name: "mlp-backward-forward-ratio", unit: "×", value: bwd / fwd, note: `784-256-128-10: forward ${fwd.toFixed(0)} µs, backward ${bwd.toFixed(0)} µs (target ≤ 2)` });
    }
    if (lib.gemmBackend() === "wasm") {
      const prev = lib.setGemmBackend("js");
      try {
        const js = timeUs(ourStep(lib, w).step, ctx.reps(Math.ceil(w.reps / 2), 3));
        rows.push({ name: `${w.name}/js-kernel`, unit: "µs/step", value: js, note: "ours with the WebAssembly kernels off: JavaScript loops for products and element-wise passes" });
      } finally {
        lib.setGemmBackend(prev);
      }
    }
    try {
      ctx.log(`${w.name}: TensorFlow.js…`);
      const tUs = timeUs(await tfjsStep(w), ctx.reps(w.tfReps, 3));
      rows.push({ name: `${w.name}/tfjs`, unit: "µs/step", value: tUs, note: "TensorFlow.js cpu backend, float32 (it has no float64)" });
      rows.push({ name: `${w.name}/ratio-vs-tfjs`, unit: "×", value: tUs / stepUs });
    } catch (e) {
      rows.push({ name: `${w.name}/tfjs`, unit: "error", value: NaN, note: `TensorFlow.js peer failed: ${String(e.message).split("\n")[0]}` });
    }
    for (const p of peers) {
      rows.push({ name: `${w.name}/${p.id}`, unit: "µs/step", value: p.data[key], note: p.note });
      rows.push({ name: `${w.name}/ratio-vs-${p.id}`, unit: "×", value: p.data[key] / stepUs });
    }
  }
  return rows;
}
