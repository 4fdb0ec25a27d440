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
// in µs per step with a samples-per-second row (and GFLOP/s for the larger net);
// mlp-backward-forward-ratio on the larger net; `<workload>/tfjs`, `<workload>/pytorch-<blas>` and
// their `ratio-vs-…` rows (peer time / ours, so above 1 means ours is faster);
// `<workload>/js-kernel`, ours with the WebAssembly kernels switched off (`setGemmBackend("js")`:
// every product and element-wise pass in JavaScript loops); `<workload>/simd128-kernel`, ours with
// the plain SIMD product kernel where the multiply-add one runs (what fused multiply-add buys).
// All of these run on one thread each. `mlp-mnist-step-2threads` is the larger step with products
// split over two threads, beside PyTorch on two threads, both timed by the wall clock.
// Every row of ours names the product kernel that ran; the table's title names the Node version.
//
// PyTorch runs only when /usr/bin/python3 can import torch. Its speed on large products depends
// on the BLAS it loads, so each BLAS is a peer of its own, named after the library the process
// really mapped: `pytorch-openblas` (Debian's libopenblas0-pthread) and `pytorch-refblas` (the
// reference BLAS, Debian's default, about 15× slower on these products). The bench runs PyTorch
// on the system's BLAS and on each of Debian's two BLAS folders that is installed, and on
// BPL_TORCH_BLAS_DIR if set (another folder holding a libblas.so.3).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Workload names this file can produce, for `npm run bench -- <name>`. */
export const workloads = ["mlp-small-step", "mlp-mnist-step", "mlp-backward-forward-ratio", "mlp-mnist-step-2threads"];

const WORK = {
  small: { name: "mlp-small-step", sizes: [2, 16, 16, 2], batch: 32, reps: 200, tfReps: 100 },
  mnist: { name: "mlp-mnist-step", sizes: [784, 256, 128, 10], batch: 128, reps: 40, tfReps: 8 },
};
const LR = 0.01;

/** Multiply-adds of one training step: forward W a per layer, backward dW per layer and δ for all but the first. */
function stepMacs(sizes, batch) {
  let macs = 0;
  for (let l = 1; l < sizes.length; l++) macs += sizes[l] * sizes[l - 1] * batch * (l === 1 ? 2 : 3);
  return macs;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU time of this process in µs (user + system). */
export function cpuUs() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** The wall clock in µs, for figures on several threads (CPU time would add the threads up). */
function wallUs() {
  return performance.now() * 1000;
}

/**
 * Median CPU µs per call of fn over `reps` samples. A warm-up of at least `warmMs` lets the JIT
 * finish optimising (its compiler threads would otherwise count as our CPU time); each sample then
 * repeats fn enough times to last about a millisecond.
 */
function timeUs(fn, reps, warmMs = 300, clock = cpuUs) {
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
    const c = clock();
    for (let i = 0; i < inner; i++) fn();
    samples.push((clock() - c) / inner);
  }
  return median(samples);
}

/**
 * Our step, with the cache and gradient buffers reused as a training loop does, and the batch
 * stored where train() stores every minibatch it hands the step: in the kernels' memory
 * (kernelMatrix, internal like the kernel switches), so large products pack it in WebAssembly.
 */
function ourStep(lib, w) {
  const { MatrixMLP, Matrix, Rng } = lib;
  const { kernelMatrix } = require(path.join(root, "dist/nn/matrix.js"));
  const net = new MatrixMLP(w.sizes, { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", seed: 0 });
  const r = new Rng(1);
  const k = w.sizes[w.sizes.length - 1];
  const stage = (m) => {
    const s = kernelMatrix(m.rows, m.cols);
    s.data.set(m.data);
    return s;
  };
  const X = stage(Matrix.fromFunction(w.sizes[0], w.batch, () => r.normal()));
  const Y = stage(Matrix.fromFunction(k, w.batch, (i, j) => (i === j % k ? 1 : 0)));
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

function torchPeer(ctx, keys, env, threads = 1) {
  const script = path.join(root, "bench/peers/torch_mlp.py");
  const reps = (key, min) => (keys.includes(key) ? ctx.reps(WORK[key].reps, min) : 0);
  const out = execFileSync("/usr/bin/python3", [script, String(reps("small", 10)), String(reps("mnist", 5)), String(threads)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), ...env },
  });
  return JSON.parse(out);
}

/** Debian's two BLAS folders (each holds a libblas.so.3), and BPL_TORCH_BLAS_DIR. */
export const BLAS_DIRS = ["/usr/lib/x86_64-linux-gnu/openblas-pthread", "/usr/lib/x86_64-linux-gnu/blas", process.env.BPL_TORCH_BLAS_DIR].filter(
  (d) => d !== undefined && d !== "" && existsSync(path.join(d, "libblas.so.3")),
);

/** A peer's name after the BLAS library the PyTorch process mapped, so two BLAS never share one. */
export function blasPeerId(blas) {
  if (/openblas/i.test(blas)) return "pytorch-openblas";
  if (/^libblas\.so/.test(blas)) return "pytorch-refblas";
  return `pytorch-${blas.split(/[ ,]/)[0].replace(/\.so.*$/, "").replace(/^lib/, "")}`;
}

export function torchImportable() {
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
  // The kernel switches are internal (not part of the package's API): the bench reads them directly.
  const product = require(path.join(root, "dist/nn/kernels/product.js"));
  const backend = require(path.join(root, "dist/nn/kernels/backend.js"));
  const kernelName = () => (backend.gemmBackend() === "js" ? "js" : product.packedKernel());
  const rows = [];
  const keys = Object.keys(WORK).filter((key) => ctx.wants(WORK[key].name) || (key === "mnist" && ctx.wants("mlp-backward-forward-ratio")));
  const fmt = (w) => `float64, ${w.sizes.join("-")}, batch ${w.batch}`;

  // PyTorch first (a separate process), so its figures come from the same quiet moment as ours:
  // on the system's BLAS, then on each installed BLAS folder, one peer per distinct library.
  const peers = [];
  const peers2 = [];
  const can = torchImportable();
  if (can === true) {
    for (const dir of [undefined, ...BLAS_DIRS]) {
      const env = dir === undefined ? {} : { LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
      try {
        ctx.log(`PyTorch peer${dir === undefined ? "" : ` on ${dir}`}…`);
        const t = torchPeer(ctx, keys, env);
        const id = blasPeerId(t.blas);
        if (peers.some((p) => p.id === id)) continue;
        peers.push({ id, data: t, note: `PyTorch ${t.torch} float64, 1 thread, BLAS ${t.blas}${dir === undefined ? "" : ` (LD_LIBRARY_PATH=${dir})`}` });
        if (keys.includes("mnist")) {
          const t2 = torchPeer(ctx, ["mnist"], env, 2);
          peers2.push({ id, data: t2, note: `PyTorch ${t2.torch} float64, 2 threads, BLAS ${t2.blas}, wall clock` });
        }
      } catch (e) {
        rows.push({ name: "mlp/pytorch", unit: "error", value: NaN, note: `PyTorch peer${dir === undefined ? "" : ` on ${dir}`} failed: ${String(e.message).split("\n")[0]}` });
      }
    }
  } else {
    rows.push({ name: "mlp/pytorch", unit: "skipped", value: NaN, note: `PyTorch peer skipped: ${can}` });
  }

  // Every figure but the two-thread rows is of one thread: products are not split.
  const threadsBefore = product.setProductThreads(1);
  try {
    for (const key of keys) {
      const w = WORK[key];
      ctx.log(`${w.name}: ours…`);
      const o = ourStep(lib, w);
      const stepUs = timeUs(o.step, ctx.reps(w.reps, 5));
      rows.push({ name: w.name, unit: "µs/step", value: stepUs, note: `${fmt(w)}, 1 thread, kernel ${kernelName()}` });
      rows.push({ name: `${w.name}/samples-per-s`, unit: "samples/s", value: (w.batch / stepUs) * 1e6 });
      const flops = 2 * stepMacs(w.sizes, w.batch);
      if (key === "mnist") rows.push({ name: `${w.name}/gflops`, unit: "GFLOP/s", value: flops / stepUs / 1e3, note: `${(flops / 1e6).toFixed(1)} MFLOP per step` });
      const kernels = product.availablePackedKernels();
      if (key === "mnist" && kernels.length > 1 && backend.gemmBackend() === "wasm") {
        const prevKernel = product.usePackedKernel(kernels[kernels.length - 1]);
        try {
          const plain = timeUs(ourStep(lib, w).step, ctx.reps(Math.ceil(w.reps / 2), 3));
          rows.push({ name: `${w.name}/${kernels[kernels.length - 1].replace(/^wasm-/, "")}-kernel`, unit: "µs/step", value: plain, note: `ours with the product kernel ${kernels[kernels.length - 1]} instead of ${prevKernel}: what fused multiply-add buys` });
        } finally {
          product.usePackedKernel(prevKernel);
        }
      }
      if (key === "mnist") {
        const fwd = timeUs(o.forward, ctx.reps(w.reps, 5));
        const bwd = timeUs(o.backward, ctx.reps(w.reps, 5));
        rows.push({ name: "mlp-backward-forward-ratio", unit: "×", value: bwd / fwd, note: `784-256-128-10: forward ${fwd.toFixed(0)} µs, backward ${bwd.toFixed(0)} µs (target ≤ 2)` });
      }
      if (backend.gemmBackend() === "wasm") {
        const prev = backend.setGemmBackend("js");
        try {
          const js = timeUs(ourStep(lib, w).step, ctx.reps(Math.ceil(w.reps / 2), 3));
          rows.push({ name: `${w.name}/js-kernel`, unit: "µs/step", value: js, note: "ours with the WebAssembly kernels off: JavaScript loops for products and element-wise passes" });
        } finally {
          backend.setGemmBackend(prev);
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
        const gf = key === "mnist" ? `, ${((2 * stepMacs(w.sizes, w.batch)) / p.data[key] / 1e3).toFixed(1)} GFLOP/s` : "";
        rows.push({ name: `${w.name}/${p.id}`, unit: "µs/step", value: p.data[key], note: p.note + gf });
        rows.push({ name: `${w.name}/ratio-vs-${p.id}`, unit: "×", value: p.data[key] / stepUs });
      }
    }
  } finally {
    product.setProductThreads(threadsBefore);
  }

  // The larger step on two threads each, by the wall clock (CPU time would add the threads up).
  if (keys.includes("mnist")) {
    const w = WORK.mnist;
    product.setProductThreads(2);
    const o = ourStep(lib, w);
    // Helper threads start asynchronously; step until one has taken a share (bounded).
    const split0 = product.productsSplit();
    for (let i = 0; i < 500 && product.productsSplit() === split0; i++) {
      o.step();
      await new Promise((r) => setTimeout(r, 5));
    }
    const split = product.productsSplit() > split0;
    const us2 = timeUs(o.step, ctx.reps(w.reps, 5), 300, wallUs);
    product.setProductThreads(threadsBefore);
    const flops = 2 * stepMacs(w.sizes, w.batch);
    const name = `${w.name}-2threads`;
    rows.push({ name, unit: "µs/step", value: us2, note: `${fmt(w)}, ${split ? "2 threads" : "1 thread (no helper thread started)"}, kernel ${kernelName()}, wall clock, ${(flops / us2 / 1e3).toFixed(1)} GFLOP/s` });
    for (const p of peers2) {
      rows.push({ name: `${name}/${p.id}`, unit: "µs/step", value: p.data.mnist, note: `${p.note}, ${(flops / p.data.mnist / 1e3).toFixed(1)} GFLOP/s` });
      rows.push({ name: `${name}/ratio-vs-${p.id}`, unit: "×", value: p.data.mnist / us2 });
    }
  }
  return rows;
}
