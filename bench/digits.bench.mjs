// Issue 13's benchmark: one epoch of minibatch training on the real digits, ours against PyTorch.
//
// The work is the notebook's (notebooks/11-real-digits.ipynb) on the bench's split: 784-256-128-10,
// relu hidden layers, softmax cross-entropy averaged over the batch, SGD with momentum 0.9 and
// learning rate 0.05, batch 128, weight decay on the weights only (ours λ = 5e-5 in λ Σ W², which is
// PyTorch's weight_decay = 1e-4: it adds 2λW = 1e-4 W to the gradient), float64, one thread,
// `digits({ seed: 0, train: 8000, test: 2000 })`. PyTorch gets the same training and test images,
// our starting weights and the minibatch order of each epoch that `train()` draws (Rng(seed).fork(
// "minibatches"), one permutation per epoch), so both sides do the same arithmetic step for step and
// the accuracy after the same number of epochs says whether the work was equal.
//
// Rows: digits-epoch (CPU seconds per epoch over the 8 000 training digits, the median over the
// epochs run; ours is `train()` itself, minibatch gathering included), digits-epoch/samples-per-s,
// digits-epoch/accuracy (test accuracy after those epochs), and the same for each PyTorch peer with
// its ratio row. Ours runs every product on one thread here (setProductThreads(1)), as PyTorch does.
// PyTorch runs on the system's BLAS and on each installed BLAS folder (the mlp bench's BLAS_DIRS:
// Debian's OpenBLAS and reference BLAS, and BPL_TORCH_BLAS_DIR), one peer per library it really
// mapped (pytorch-refblas, pytorch-openblas).
// With --record (ctx.record) the bench also writes its figures to notebooks/data/digits-epoch.json,
// which notebook 11 reads for its PyTorch comparison (it cannot run Python). The file sits beside the
// notebooks because a student's copy on the class hub, and the container image, hold notebooks/ and
// exercises/ but not bench/.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { BLAS_DIRS, blasPeerId, cpuUs, torchImportable } from "./mlp.bench.mjs";
import { loadNow } from "./run.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Workload names this file can produce, for `npm run bench -- <name>`. */
export const workloads = ["digits-epoch", "digits-load"];

/** Where --record writes the figures, relative to the repository. */
export const RECORD_FILE = "notebooks/data/digits-epoch.json";

const W = { sizes: [784, 256, 128, 10], batch: 128, lr: 0.05, momentum: 0.9, lambda: 5e-5, seed: 0, train: 8000, test: 2000 };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Trains with the library's `train()`, timing each epoch in CPU seconds; test accuracy at the end. */
function ours(lib, data, epochs) {
  const net = new lib.MatrixMLP(W.sizes, { hidden: "relu", output: "softmax", loss: "softmaxCrossEntropy", seed: W.seed });
  const start = { W: net.W.slice(1).map((m) => Float64Array.from(m.data)), b: net.b.slice(1).map((m) => Float64Array.from(m.data)) };
  const times = [];
  let t = cpuUs();
  // Without labels train() evaluates nothing between epochs, so an epoch is only the training steps.
  lib.train(net, { X: data.train.X, Y: data.train.Y }, {
    optimizer: lib.momentum(W.lr, W.momentum), epochs, batchSize: W.batch, weightDecay: W.lambda, seed: W.seed,
    onEpoch: () => {
      const now = cpuUs();
      times.push((now - t) / 1e6);
      t = now;
    },
  });
  return { epochS: times, accuracy: lib.accuracy(net, data.test), start };
}

/** Rows of the column-major-in-our-layout X (d × n) as PyTorch's n × d, little-endian float64. */
function rowsOf(X) {
  const out = new Float64Array(X.rows * X.cols);
  for (let j = 0; j < X.cols; j++) for (let i = 0; i < X.rows; i++) out[j * X.rows + i] = X.data[i * X.cols + j];
  return out;
}

function writeInputs(dir, lib, data, start, epochs) {
  const put = (name, arr) => writeFileSync(path.join(dir, name), Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
  writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ sizes: W.sizes, batch: W.batch, lr: W.lr, momentum: W.momentum, weight_decay: 2 * W.lambda, epochs, n_train: W.train, n_test: W.test }));
  put("x_train.f64", rowsOf(data.train.X));
  put("y_train.i32", Int32Array.from(data.train.labels));
  put("x_test.f64", rowsOf(data.test.X));
  put("y_test.i32", Int32Array.from(data.test.labels));
  start.W.forEach((w, k) => put(`w${k + 1}.f64`, w));
  start.b.forEach((b, k) => put(`b${k + 1}.f64`, b));
  const rng = new lib.Rng(W.seed).fork("minibatches"); // the orders train() draws, epoch by epoch
  const order = new Int32Array(epochs * W.train);
  for (let e = 0; e < epochs; e++) order.set(rng.permutation(W.train), e * W.train);
  put("order.i32", order);
}

function torchRun(inputs, env) {
  const out = execFileSync("/usr/bin/python3", [path.join(root, "bench/peers/torch_digits.py"), inputs], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", ...env },
  });
  return JSON.parse(out);
}

/**
 * The figures of one run as notebook 11 reads them: when, on what, on how many digits, and the CPU
 * seconds per epoch (median over the epochs, each epoch too) of ours and of each PyTorch peer.
 */
function record({ epochs, loads, kernel, o, oursS, peers }) {
  const round = (x) => Number(x.toFixed(4));
  return {
    what: `npm run bench -- digits-epoch --record (bench/digits.bench.mjs): CPU seconds per epoch of minibatch training, ${W.sizes.join("-")}, batch ${W.batch}, momentum SGD, float64, one thread`,
    recorded: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? "unknown cpu", cores: os.availableParallelism(), loadAverage: { start: round(loads[0]), end: round(loads[1]) } },
    node: process.version,
    trainingDigits: W.train,
    testDigits: W.test,
    epochs,
    ours: { productKernel: kernel, secondsPerEpoch: round(oursS), epochSeconds: o.epochS.map(round), accuracy: o.accuracy },
    pytorch: peers.map((p) => ({ ...p, secondsPerEpoch: round(p.secondsPerEpoch), epochSeconds: p.epochSeconds.map(round) })),
  };
}

export default async function digitsBench(ctx = { quick: false, wants: () => true, reps: (n) => n, log: () => {} }) {
  const lib = require(path.join(root, "dist/index.js"));
  const loads = [loadNow()];
  const product = require(path.join(root, "dist/nn/kernels/product.js"));
  const epochs = ctx.quick ? 2 : 5;
  const rows = [];
  const t0 = performance.now();
  const data = lib.digits({ seed: W.seed, train: W.train, test: W.test });
  const loadMs = performance.now() - t0;
  const what = `784-256-128-10, ${W.train} training digits, batch ${W.batch}, momentum SGD, float64, one thread`;
  ctx.log(`digits loaded in ${loadMs.toFixed(0)} ms; ours: ${epochs} epochs…`);
  rows.push({ name: "digits-load", unit: "ms", value: loadMs, note: "digits({ seed: 0, train: 8000, test: 2000 }) in a fresh process: read the package's files, split, build the matrices (wall clock)" });
  const threadsBefore = product.setProductThreads(1);
  let o;
  try {
    o = ours(lib, data, epochs);
  } finally {
    product.setProductThreads(threadsBefore);
  }
  const oursS = median(o.epochS);
  const kernel = product.packedKernel() ?? "js";
  rows.push({ name: "digits-epoch", unit: "s/epoch", value: oursS, note: `${what}; median of ${epochs} epochs (${o.epochS.map((s) => s.toFixed(2)).join(", ")} s), ${kernel} product kernel` });
  rows.push({ name: "digits-epoch/samples-per-s", unit: "samples/s", value: W.train / oursS });
  rows.push({ name: "digits-epoch/accuracy", unit: "%", value: 100 * o.accuracy, note: `test accuracy on ${W.test} digits after ${epochs} epochs` });

  const notRecorded = (why) => ({ name: "digits-epoch/record", unit: "error", value: NaN, note: `not recorded: ${why}; ${RECORD_FILE} unchanged` });
  const can = torchImportable();
  if (can !== true) {
    rows.push({ name: "digits-epoch/pytorch", unit: "skipped", value: NaN, note: `PyTorch peer skipped: ${can}` });
    if (ctx.record) rows.push(notRecorded("no PyTorch figures"));
    return rows;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bpl-digits-"));
  const peers = [];
  try {
    writeInputs(tmp, lib, data, o.start, epochs);
    const seen = new Set();
    for (const dir of [undefined, ...BLAS_DIRS]) {
      const how = dir === undefined ? "" : ` (LD_LIBRARY_PATH=${dir})`;
      try {
        ctx.log(`digits-epoch: PyTorch${how}, ${epochs} epochs…`);
        const t = torchRun(tmp, dir === undefined ? {} : { LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") });
        const id = blasPeerId(t.blas);
        if (seen.has(id)) continue;
        seen.add(id);
        const s = median(t.epoch_s);
        rows.push({ name: `digits-epoch/${id}`, unit: "s/epoch", value: s, note: `PyTorch ${t.torch} float64, 1 thread, BLAS ${t.blas}${how}; epochs ${t.epoch_s.map((x) => x.toFixed(2)).join(", ")} s` });
        rows.push({ name: `digits-epoch/ratio-vs-${id}`, unit: "×", value: s / oursS });
        rows.push({ name: `digits-epoch/samples-per-s/${id}`, unit: "samples/s", value: W.train / s });
        rows.push({ name: `digits-epoch/accuracy/${id}`, unit: "%", value: 100 * t.accuracy, note: `same start, same minibatches, ${epochs} epochs (ours ${(100 * o.accuracy).toFixed(2)}%)` });
        peers.push({ id, pytorch: t.torch, blas: t.blas, ldLibraryPath: dir ?? null, secondsPerEpoch: s, epochSeconds: t.epoch_s, accuracy: t.accuracy });
      } catch (e) {
        rows.push({ name: "digits-epoch/pytorch", unit: "error", value: NaN, note: `PyTorch peer${how} failed: ${String(e.stderr || e.message).trim().split("\n").pop()}` });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (ctx.record) {
    // Only a full run with every peer is worth committing: the notebook quotes what it finds.
    if (ctx.quick) rows.push(notRecorded("--quick runs too few epochs"));
    else if (peers.length === 0 || rows.some((r) => r.unit === "error")) rows.push(notRecorded("a PyTorch peer failed"));
    else {
      const file = path.join(root, RECORD_FILE);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(record({ epochs, loads: [...loads, loadNow()], kernel, o, oursS, peers }), null, 2)}\n`);
      ctx.log(`recorded in ${RECORD_FILE}`);
    }
  }
  return rows;
}
