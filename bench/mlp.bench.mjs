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
// The rows against PyTorch are measured in alternating rounds (each PyTorch peer, then ours, 5 times;
// PyTorch's processes stay alive between rounds), and each ratio is taken within a round, so a
// change in the machine's load moves both sides of a round alike; the rows carry the median
// over the rounds and its min–max spread, and a `<workload>/load` row the load average around them.
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
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describeLoads, loadNow } from "./run.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Workload names this file can produce, for `npm run bench -- <name>`. */
export const workloads = ["mlp-small-step", "mlp-mnist-step", "mlp-backward-forward-ratio", "mlp-mnist-step-2threads"];

const WORK = {
  small: { name: "mlp-small-step", sizes: [2, 16, 16, 2], batch: 32, reps: 200, tfReps: 100 },
  mnist: { name: "mlp-mnist-step", sizes: [784, 256, 128, 10], batch: 128, reps: 40, tfReps: 8 },
};
const LR = 0.01;

/**
 * What the filter `wants` asks of this file: the one-thread workloads (keys of WORK), and whether the
 * two-thread rows too. Those go by their own name, not by the one-thread MNIST-size workload's, so
 * `npm run bench -- mlp-mnist-step-2threads` runs them alone (it used to run nothing).
 */
export function selectWork(wants) {
  return {
    keys: Object.keys(WORK).filter((key) => wants(WORK[key].name) || (key === "mnist" && wants("mlp-backward-forward-ratio"))),
    twoThreads: wants(`${WORK.mnist.name}-2threads`),
  };
}

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

/**
 * A PyTorch peer process (bench/peers/torch_mlp.py) kept alive between rounds, so Python's and
 * torch's start-up are never timed: `time(key, reps)` asks it for one median, µs per step.
 */
async function startTorch(env, threads) {
  const child = spawn("/usr/bin/python3", [path.join(root, "bench/peers/torch_mlp.py"), String(threads)], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), ...env },
  });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  child.on("error", () => {}); // a failed spawn closes stdout, which next() reports
  child.stdin.on("error", () => {});
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`the PyTorch process ended: ${stderr.trim().split("\n").pop() ?? "no message"}`);
    return JSON.parse(r.value);
  };
  try {
    const info = await next();
    return {
      info,
      time: async (key, reps) => {
        child.stdin.write(`${key} ${reps}\n`);
        return (await next()).us;
      },
      close: () => child.stdin.end(),
    };
  } catch (e) {
    child.kill();
    throw e;
  }
}

/**
 * PyTorch on `threads` threads on the system's BLAS and on each installed BLAS folder, one live
 * process per distinct library (a folder holding the library already seen is closed again).
 * Failures become error rows.
 */
async function startPeers(ctx, threads, rows) {
  const peers = [];
  for (const dir of [undefined, ...BLAS_DIRS]) {
    const env = dir === undefined ? {} : { LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
    const where = dir === undefined ? "" : ` on ${dir}`;
    try {
      ctx.log(`starting the PyTorch peer${where}, ${threads} thread(s)…`);
      const p = await startTorch(env, threads);
      const id = blasPeerId(p.info.blas);
      if (peers.some((q) => q.id === id)) {
        p.close();
        continue;
      }
      const th = threads === 1 ? "1 thread" : `${threads} threads, wall clock`;
      peers.push({ id, ...p, note: `PyTorch ${p.info.torch} float64, ${th}, BLAS ${p.info.blas}${dir === undefined ? "" : ` (LD_LIBRARY_PATH=${dir})`}` });
    } catch (e) {
      rows.push({ name: "mlp/pytorch", unit: "error", value: NaN, note: `PyTorch peer${where} failed: ${String(e.message).split("\n")[0]}` });
    }
  }
  return peers;
}

/** Median, smallest and largest of the per-round figures: a row's value and its spread. */
export function summarise(xs) {
  return { median: median(xs), spread: { min: Math.min(...xs), max: Math.max(...xs), rounds: xs.length } };
}

/** The warning for wall-clock figures on `threads` threads, or undefined when the load leaves room. */
export function loadWarning(loads, cores, threads) {
  const high = Math.max(...loads);
  if (threads < 2 || high <= cores) return undefined;
  return `WARNING: load average ${high.toFixed(2)} exceeds the ${cores} cores: a ${threads}-thread wall-clock figure is not credible (threads wait for a core)`;
}

/**
 * Times ours and every peer in alternating rounds (each peer, then ours), so a change in the
 * machine's load moves both sides of a round alike, and turns them into rows: ours, each peer and
 * each ratio as the median over the rounds with the min–max spread, the ratio taken within each
 * round (peer ÷ ours of the same round). Also a `<name>/load` row: the 1-minute load average at
 * the start and the end of the rounds. A peer that fails mid-way becomes an error row.
 */
async function interleaved(ctx, { name, key, rounds, oursUs, peerReps, peers, threads, flops }) {
  const cores = os.availableParallelism();
  const loads = [loadNow()];
  const ours = [];
  const times = peers.map(() => []);
  const failed = peers.map(() => undefined);
  for (let r = 0; r < rounds; r++) {
    ctx.log(`${name}: round ${r + 1} of ${rounds}`);
    for (const [i, p] of peers.entries()) {
      if (failed[i] !== undefined) continue;
      try {
        times[i].push(await p.time(key, peerReps));
      } catch (e) {
        failed[i] = String(e.message).split("\n")[0];
      }
    }
    ours.push(oursUs());
  }
  loads.push(loadNow());
  const o = summarise(ours);
  const gf = (us) => (flops ? `, ${(flops / us / 1e3).toFixed(1)} GFLOP/s` : "");
  const peerRows = [];
  for (const [i, p] of peers.entries()) {
    if (failed[i] !== undefined) {
      peerRows.push({ name: `${name}/${p.id}`, unit: "error", value: NaN, note: `PyTorch peer failed: ${failed[i]}` });
      continue;
    }
    const t = summarise(times[i]);
    const ratio = summarise(times[i].map((us, r) => us / ours[r]));
    peerRows.push({ name: `${name}/${p.id}`, unit: "µs/step", value: t.median, spread: t.spread, note: p.note + gf(t.median) });
    peerRows.push({ name: `${name}/ratio-vs-${p.id}`, unit: "×", value: ratio.median, spread: ratio.spread, note: `median of the ${rounds} rounds' ratios${loadWarning(loads, cores, threads) ? " · load too high, see the load row" : ""}` });
  }
  const warning = loadWarning(loads, cores, threads);
  if (warning) ctx.log(`${name}: ${warning}`);
  const load = { name: `${name}/load`, unit: "load avg", value: Math.max(...loads), note: [`${describeLoads(loads)} of the rounds; ${cores} cores`, warning].filter(Boolean).join(" · ") };
  return { ours: o, peerRows: [...peerRows, load] };
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
  const { keys, twoThreads } = selectWork(ctx.wants);
  const fmt = (w) => `float64, ${w.sizes.join("-")}, batch ${w.batch}`;
  // Ours and PyTorch alternate in ROUNDS rounds; each round times half the repetitions of a figure.
  const rounds = ctx.quick ? 3 : 5;
  const roundReps = (n, min) => ctx.reps(Math.ceil(n / 2), min);

  const can = torchImportable();
  if (can !== true) rows.push({ name: "mlp/pytorch", unit: "skipped", value: NaN, note: `PyTorch peer skipped: ${can}` });
  const peers = can === true && keys.length > 0 ? await startPeers(ctx, 1, rows) : [];

  // Every figure but the two-thread rows is of one thread: products are not split.
  const threadsBefore = product.setProductThreads(1);
  try {
    for (const key of keys) {
      const w = WORK[key];
      const flops = 2 * stepMacs(w.sizes, w.batch);
      const o = ourStep(lib, w);
      const { ours, peerRows } = await interleaved(ctx, {
        name: w.name, key, rounds, peers, threads: 1, flops: key === "mnist" ? flops : undefined,
        oursUs: () => timeUs(o.step, roundReps(w.reps, 5)),
        peerReps: roundReps(w.reps, key === "small" ? 10 : 5),
      });
      const stepUs = ours.median;
      rows.push({ name: w.name, unit: "µs/step", value: stepUs, spread: ours.spread, note: `${fmt(w)}, 1 thread, kernel ${kernelName()}, CPU time, median of ${rounds} rounds` });
      rows.push({ name: `${w.name}/samples-per-s`, unit: "samples/s", value: (w.batch / stepUs) * 1e6 });
      if (key === "mnist") rows.push({ name: `${w.name}/gflops`, unit: "GFLOP/s", value: flops / stepUs / 1e3, note: `${(flops / 1e6).toFixed(1)} MFLOP per step` });
      rows.push(...peerRows);
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
    }
  } finally {
    product.setProductThreads(threadsBefore);
    for (const p of peers) p.close();
  }

  // The larger step on two threads each, by the wall clock (CPU time would add the threads up).
  if (twoThreads) {
    const w = WORK.mnist;
    const name = `${w.name}-2threads`;
    const peers2 = can === true ? await startPeers(ctx, 2, rows) : [];
    product.setProductThreads(2);
    try {
      const o = ourStep(lib, w);
      // Helper threads start asynchronously; step until one has taken a share (bounded).
      const split0 = product.productsSplit();
      for (let i = 0; i < 500 && product.productsSplit() === split0; i++) {
        o.step();
        await new Promise((r) => setTimeout(r, 5));
      }
      const split = product.productsSplit() > split0;
      const flops = 2 * stepMacs(w.sizes, w.batch);
      const { ours, peerRows } = await interleaved(ctx, {
        name, key: "mnist", rounds, peers: peers2, threads: 2, flops,
        oursUs: () => timeUs(o.step, roundReps(w.reps, 5), 300, wallUs),
        peerReps: roundReps(w.reps, 5),
      });
      rows.push({ name, unit: "µs/step", value: ours.median, spread: ours.spread, note: `${fmt(w)}, ${split ? "2 threads" : "1 thread (no helper thread started)"}, kernel ${kernelName()}, wall clock, median of ${rounds} rounds, ${(flops / ours.median / 1e3).toFixed(1)} GFLOP/s` });
      rows.push(...peerRows);
    } finally {
      product.setProductThreads(threadsBefore);
      for (const p of peers2) p.close();
    }
  }
  return rows;
}
