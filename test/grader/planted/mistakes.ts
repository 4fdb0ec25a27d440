/** Planted wrong answers (one per pitfall) and valid-convention variants for the judge tests. */
import { deltaStep } from "../../../solutions/05-delta-recurrence";
import { layerGradients } from "../../../solutions/06-layer-gradients";

type Act = "sigmoid" | "tanh" | "relu";
const f = (a: Act, z: number): number => (a === "sigmoid" ? 1 / (1 + Math.exp(-z)) : a === "tanh" ? Math.tanh(z) : Math.max(0, z));
const df = (a: Act, z: number): number => {
  if (a === "sigmoid") { const s = f(a, z); return s * (1 - s); }
  return a === "tanh" ? 1 - Math.tanh(z) ** 2 : z > 0 ? 1 : 0;
};
const wtDelta = (W: number[][], d: number[][]): number[][] =>
  W[0]!.map((_, k) => d[0]!.map((_, m) => W.reduce((s, row, i) => s + row[k]! * d[i]![m]!, 0)));

export const deltaForgotFprime = (W: number[][], d: number[][], _z: number[][], _a: Act): number[][] => wtDelta(W, d);
export const deltaUsedA = (W: number[][], d: number[][], z: number[][], a: Act): number[][] =>
  wtDelta(W, d).map((r, k) => r.map((v, m) => v * df(a, f(a, z[k]![m]!))));
export const deltaSignError = (W: number[][], d: number[][], z: number[][], a: Act): number[][] =>
  deltaStep(W, d, z, a).map((r) => r.map((v) => -v));
export const deltaWithClone = (W: number[][], d: number[][], z: number[][], a: Act): number[][] =>
  deltaStep(structuredClone(W), structuredClone(d), structuredClone(z), a).map((r) => [...r]);

const M = (d: number[][]): number => d[0]!.length;
const outer = (x: number[][], y: number[][]): number[][] => x.map((r) => y.map((s) => r.reduce((acc, v, m) => acc + v * s[m]!, 0)));
export const layerTransposedDW = (d: number[][], A: number[][]) => ({
  dW: outer(A, d).map((r) => r.map((v) => v / M(d))),
  db: layerGradients(d, A).db,
});
export const layerBiasNotSummed = (d: number[][], A: number[][]) => ({ dW: layerGradients(d, A).dW, db: d.map((r) => r.map((v) => v / M(d))) });
export const layerDividedTwice = (d: number[][], A: number[][]) => {
  const g = layerGradients(d, A);
  return { dW: g.dW.map((r) => r.map((v) => v / M(d))), db: g.db.map((v) => v / M(d)) };
};
export const layerForgotMean = (d: number[][], A: number[][]) => {
  const g = layerGradients(d, A);
  return { dW: g.dW.map((r) => r.map((v) => v * M(d))), db: g.db.map((v) => v * M(d)) };
};
export const layerColumnBias = (d: number[][], A: number[][]) => {
  const g = layerGradients(d, A);
  return { dW: g.dW.map((r) => Float64Array.from(r)), db: g.db.map((v) => [v]) };
};

export const mulForgotUpstream = (a: number, b: number, _g: number) => ({ da: b, db: a });
export const cosSignError = (x: number, g: number): number => g * Math.sin(x);
export const tanhUsedInput = (x: number, g: number): number => g * (1 - x * x);
export const divWrongPower = (a: number, b: number, g: number) => ({ da: g / b, db: (-g * a) / b });
export const reluGradAtZeroIsOne = (x: number, g: number): number => (x >= 0 ? g : 0);

const sg = (z: number): number => 1 / (1 + Math.exp(-z));
export const sigmoidSquaredForgotFprime = (Z: number[][], Y: number[][]): number[][] => Z.map((r, i) => r.map((z, m) => sg(z) - Y[i]![m]!));
export const linearSquaredDividedByM = (Z: number[][], Y: number[][]): number[][] => Z.map((r, i) => r.map((z, m) => (z - Y[i]![m]!) / r.length));
export const linearLayerTransposedDW = (dZ: number[][], c: { X: number[][]; W: number[][] }) => ({
  dX: c.X.map((_, k) => dZ[0]!.map((_, m) => c.W.reduce((s, row, i) => s + row[k]! * dZ[i]![m]!, 0))),
  dW: c.X.map((xr) => dZ.map((zr) => zr.reduce((s, v, m) => s + v * xr[m]!, 0))),
  db: dZ.map((r) => r.reduce((s, v) => s + v, 0)),
});
export const softmaxCeNoMean = (Z: number[][], y: number[]): number[][] =>
  Z.map((r, c) => r.map((_, m) => {
    const col = Z.map((row) => row[m]!);
    const mx = Math.max(...col);
    const tot = col.reduce((s, v) => s + Math.exp(v - mx), 0);
    return Math.exp(Z[c]![m]! - mx) / tot - (y[m] === c ? 1 : 0);
  }));
export const sigmoidLayerAppliedTwice = (dA: number[][], c: { a: number[][] }): number[][] =>
  dA.map((r, i) => r.map((g, m) => { const s = sg(c.a[i]![m]!); return g * s * (1 - s); }));

export interface Node { id: string; op: string; inputs: string[]; value?: number }
/** grad_table with `=` where `+=` is needed: a shared node keeps only its last consumer's share. */
export function gradTableOverwrite(nodes: Node[], output: string): Record<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => { if (seen.has(id)) return; seen.add(id); byId.get(id)!.inputs.forEach(visit); order.push(id); };
  nodes.forEach((n) => visit(n.id));
  const v: Record<string, number> = {};
  for (const id of order) {
    const n = byId.get(id)!; const x = n.inputs.map((i) => v[i]!);
    v[id] = n.op === "input" ? n.value! : n.op === "add" ? x[0]! + x[1]! : n.op === "mul" ? x[0]! * x[1]! : n.op === "tanh" ? Math.tanh(x[0]!) : n.op === "exp" ? Math.exp(x[0]!) : Math.sin(x[0]!);
  }
  const g: Record<string, number> = {};
  for (const id of order) g[id] = 0;
  g[output] = 1;
  for (const id of [...order].reverse()) {
    const n = byId.get(id)!; const [a, b] = n.inputs; const u = g[id]!;
    if (n.op === "add") { g[a!] = u; g[b!] = u; }
    else if (n.op === "mul") { g[a!] = u * v[b!]!; g[b!] = u * v[a!]!; }
    else if (n.op === "tanh") g[a!] = u * (1 - v[id]! ** 2);
    else if (n.op === "exp") g[a!] = u * v[id]!;
    else if (n.op === "sin") g[a!] = u * Math.cos(v[a!]!);
  }
  return g;
}

type ToyAct = "relu" | "tanh" | "sigmoid";
const toyA = (n: ToyAct, z: number) => (n === "relu" ? Math.max(0, z) : n === "tanh" ? Math.tanh(z) : sg(z));
const toyDA = (n: ToyAct, z: number) => (n === "relu" ? (z > 0 ? 1 : 0) : n === "tanh" ? 1 - Math.tanh(z) ** 2 : sg(z) * (1 - sg(z)));
/** The toy chain with one slip; `prime` is the activation's derivative as written (right by default). */
function toySlip(slip: "no-fprime" | "a-at-h" | "off-by-one" | "none", prime: (act: ToyAct, z: number) => number = toyDA) {
  return (x: number, y: number, beta: number[], omega: number[], act: ToyAct) => {
    const f = [beta[0]! + omega[0]! * x];
    const h = [x];
    for (let k = 1; k <= 3; k++) { h[k] = toyA(act, f[k - 1]!); f[k] = beta[k]! + omega[k]! * h[k]!; }
    const df = [0, 0, 0, 2 * (f[3]! - y)];
    const dh = [0, 0, 0, 0];
    for (let k = 3; k >= 1; k--) {
      dh[k] = omega[k]! * df[k]!;
      df[k - 1] = (slip === "no-fprime" ? 1 : slip === "a-at-h" ? prime(act, h[k]!) : prime(act, f[k - 1]!)) * dh[k]!;
    }
    return { df, dh: dh.slice(1), dbeta: [...df], domega: df.map((d, k) => d * (slip === "off-by-one" ? (k < 3 ? h[k + 1]! : 1) : h[k]!)) };
  };
}
export const toyForgotFprime = toySlip("no-fprime");
export const toyUsedAForZ = toySlip("a-at-h");
export const toyOffByOne = toySlip("off-by-one");

import { mlpBackward } from "../../../solutions/07-mlp-backward";
type MlpParams = { W: number[][][]; b: number[][] };
export const mlpNoDecay = (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, _lambda: number) => mlpBackward(p, X, Y, act, 0);
export const mlpDecayOnBias = (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, lambda: number) => {
  const g = mlpBackward(p, X, Y, act, lambda);
  return { dW: g.dW, db: g.db.map((v, l) => v.map((x, i) => x + lambda * p.b[l]![i]!)) };
};
export const mlpDroppedFirstLayer = (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, lambda: number) => {
  const g = mlpBackward(p, X, Y, act, lambda);
  return { dW: g.dW.slice(1), db: g.db.slice(1) };
};

// ---- the remaining pitfalls of issue 6, planted where they apply ----

/** Activation rules that pass g through: the local derivative left out. */
export const reluForgotFprime = (_x: number, g: number): number => g;
export const tanhForgotFprime = (_x: number, g: number): number => g;
export const sigmoidForgotFprime = (_x: number, g: number): number => g;
export const expForgotLocal = (_x: number, g: number): number => g;
export const sigmoidUsedInput = (x: number, g: number): number => g * x * (1 - x);
export const powExponentKept = (x: number, n: number, g: number): number => g * n * x ** n;
export const mulSwapped = (a: number, b: number, g: number) => ({ da: g * a, db: g * b });
export const reluGradAtZeroIsZero = (x: number, g: number): number => (x > 0 ? g : 0);

export const reluLayerForgotFprime = (dA: number[][], _c: { z: number[][] }): number[][] => dA.map((r) => [...r]);
export const tanhLayerForgotFprime = (dA: number[][], _c: { a: number[][] }): number[][] => dA.map((r) => [...r]);
export const reluLayerAtZeroIsOne = (dA: number[][], c: { z: number[][] }): number[][] => dA.map((r, i) => r.map((g, m) => (c.z[i]![m]! >= 0 ? g : 0)));
export const reluLayerAtZeroIsZero = (dA: number[][], c: { z: number[][] }): number[][] => dA.map((r, i) => r.map((g, m) => (c.z[i]![m]! > 0 ? g : 0)));

const linear = (dZ: number[][], c: { X: number[][]; W: number[][] }) => ({
  dX: c.X.map((_, k) => dZ[0]!.map((_, m) => c.W.reduce((s, row, i) => s + row[k]! * dZ[i]![m]!, 0))),
  dW: dZ.map((zr) => c.X.map((xr) => zr.reduce((s, v, m) => s + v * xr[m]!, 0))),
  db: dZ.map((r) => r.reduce((s, v) => s + v, 0)),
});
export const linearLayerBiasNotSummed = (dZ: number[][], c: { X: number[][]; W: number[][] }) => ({ ...linear(dZ, c), db: dZ.map((r) => [...r]) });
export const linearLayerDividedTwice = (dZ: number[][], c: { X: number[][]; W: number[][] }) => {
  const g = linear(dZ, c);
  const M = dZ[0]!.length;
  return { dX: g.dX, dW: g.dW.map((r) => r.map((v) => v / M)), db: g.db.map((v) => v / M) };
};
/** An extra, harmless defensive copy of the cache before computing. */
export const linearLayerWithClone = (dZ: number[][], c: { X: number[][]; W: number[][] }) => linear(structuredClone(dZ), { X: c.X.map((r) => r.slice()), W: c.W.map((r) => Float64Array.from(r) as unknown as number[]) });

export const softmaxCeDividedTwice = (Z: number[][], y: number[]): number[][] => {
  const M = Z[0]!.length;
  return softmaxCeNoMean(Z, y).map((r) => r.map((v) => v / (M * M)));
};

export const deltaSigmoidSquaredUsedA = (Z: number[][], Y: number[][]): number[][] =>
  Z.map((r, i) => r.map((z, m) => { const a = sg(z); const s = sg(a); return (a - Y[i]![m]!) * s * (1 - s); }));
export const deltaBceExtraFprime = (Z: number[][], Y: number[][]): number[][] => Z.map((r, i) => r.map((z, m) => { const a = sg(z); return (a - Y[i]![m]!) * a * (1 - a); }));
export const deltaSoftmaxRawScores = (Z: number[][], Y: number[][]): number[][] => Z.map((r, i) => r.map((z, m) => z - Y[i]![m]!));

/** One-option slips of the whole-network backward: f′ as written, decay λW/M, only the first output's error, no biases in the forward. */
interface MlpOptions { prime?: (act: ToyAct, z: number) => number; decayOverM?: boolean; firstOutputOnly?: boolean; noBiasForward?: boolean }
/** A whole-network backward with one deliberate slip, written independently of the grader's models. */
function mlpWith(slip: "transpose" | "bias" | "twice" | "fprime" | "a-for-z" | "layer-input" | "none", opts: MlpOptions = {}) {
  return (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, lambda: number) => {
    const { W, b } = p;
    const L = W.length;
    const M = X[0]!.length;
    const mul = (A: number[][], B: number[][]) => A.map((row) => B[0]!.map((_, j) => row.reduce((s, v, k) => s + v * B[k]![j]!, 0)));
    const tr = (A: number[][]) => A[0]!.map((_, j) => A.map((row) => row[j]!));
    const zs: number[][][] = [];
    const as: number[][][] = [X];
    for (let l = 0; l < L; l++) {
      zs[l] = mul(W[l]!, as[l]!).map((row, i) => row.map((v) => v + (opts.noBiasForward ? 0 : b[l]![i]!)));
      as[l + 1] = l === L - 1 ? zs[l]! : zs[l]!.map((row) => row.map((v) => toyA(act, v)));
    }
    const scale = slip === "twice" ? 1 / (M * M) : 1 / M;
    const decay = opts.decayOverM ? lambda / M : lambda;
    const prime = opts.prime ?? toyDA;
    let delta = as[L]!.map((row, i) => row.map((v, m) => (opts.firstOutputOnly && i > 0 ? 0 : (v - Y[i]![m]!) * scale)));
    const dW: number[][][] = [];
    const db: (number[] | number[][])[] = [];
    for (let l = L - 1; l >= 0; l--) {
      const input = slip === "layer-input" ? as[l + 1]! : as[l]!;
      dW[l] = slip === "transpose"
        ? mul(input, tr(delta)).map((row, k) => row.map((v, i) => v + decay * W[l]![i]![k]!))
        : mul(delta, tr(input)).map((row, i) => row.map((v, k) => v + decay * (W[l]![i]![k] ?? 0)));
      db[l] = slip === "bias" ? delta.map((r) => [...r]) : delta.map((r) => r.reduce((s, v) => s + v, 0));
      if (l > 0) {
        const back = mul(tr(W[l]!), delta);
        delta = slip === "fprime" ? back : back.map((row, i) => row.map((v, m) => v * prime(act, slip === "a-for-z" ? as[l]![i]![m]! : zs[l - 1]![i]![m]!)));
      }
    }
    return { dW, db };
  };
}
export const mlpTransposedDW = mlpWith("transpose");
export const mlpBiasNotSummed = mlpWith("bias");
export const mlpDividedTwice = mlpWith("twice");
export const mlpForgotFprime = mlpWith("fprime");
export const mlpUsedAForZ = mlpWith("a-for-z");
export const mlpWrongLayerInput = mlpWith("layer-input");
export const mlpWithClone = (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, lambda: number) => {
  const g = mlpBackward(structuredClone(p), X.map((r) => [...r]), Y, act, lambda);
  return { dW: g.dW.map((w) => w.map((r) => Float64Array.from(r))), db: g.db.map((v) => v.map((x) => [x])) };
};

/** Every number in a JSON-like answer negated: a sign error everywhere. */
export function negated(x: unknown): unknown {
  if (typeof x === "number") return -x;
  if (Array.isArray(x)) return x.map(negated);
  if (ArrayBuffer.isView(x)) return Array.from(x as Float64Array, (v) => -v);
  if (x !== null && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, negated(v)]));
  return x;
}

// ---- slips added by the audit of 2026-11-25 ----

import { toyChainBackward } from "../../../solutions/03-toy-chain";

/** softmax taken along each row (over the batch) instead of each column (over the classes). */
const rowSoftmax = (Z: number[][]): number[][] =>
  Z.map((r) => {
    const mx = Math.max(...r);
    const e = r.map((v) => Math.exp(v - mx));
    const tot = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / tot);
  });
export const deltaSoftmaxWrongAxis = (Z: number[][], Y: number[][]): number[][] => rowSoftmax(Z).map((r, i) => r.map((p, m) => p - Y[i]![m]!));
export const softmaxCeWrongAxis = (Z: number[][], y: number[]): number[][] =>
  rowSoftmax(Z).map((r, c) => r.map((p, m) => (p - (y[m] === c ? 1 : 0)) / Z[0]!.length));

/** λ/2 where the derivative of (λ/2)‖W‖² gives λ. */
export const mlpHalfDecay = (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, lambda: number) => {
  const g = mlpBackward(p, X, Y, act, lambda);
  return { dW: g.dW.map((w, l) => w.map((r, i) => r.map((v, k) => v - (lambda / 2) * p.W[l]![i]![k]!))), db: g.db };
};
/** The data term summed over the batch instead of averaged (the decay term is right). */
export const mlpForgotMean = (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, lambda: number) => {
  const M = X[0]!.length;
  const g = mlpBackward(p, X, Y, act, lambda);
  return {
    dW: g.dW.map((w, l) => w.map((r, i) => r.map((v, k) => (v - lambda * p.W[l]![i]![k]!) * M + lambda * p.W[l]![i]![k]!))),
    db: g.db.map((v) => v.map((x) => x * M)),
  };
};

/** ∂ℓ/∂f_3 = f_3 − y, as if the loss had a ½ in front: every derivative comes out halved. */
export const toyNoFactorTwo = (x: number, y: number, beta: number[], omega: number[], act: ToyAct) => {
  const g = toyChainBackward(x, y, beta, omega, act);
  return { df: g.df.map((v) => v / 2), dh: g.dh.map((v) => v / 2), dbeta: g.dbeta.map((v) => v / 2), domega: g.domega.map((v) => v / 2) };
};

/** The relu mask taken from the sign of the upstream gradient instead of the input. */
export const reluMaskedByGradient = (_x: number, g: number): number => (g > 0 ? g : 0);
export const reluLayerMaskedByGradient = (dA: number[][], _c: { z: number[][] }): number[][] => dA.map((r) => r.map((g) => (g > 0 ? g : 0)));

/** Two slips at once: db divided by M again, and dX doubled: the db slip is still named. */
export const linearLayerDbTwiceAndDxWrong = (dZ: number[][], c: { X: number[][]; W: number[][] }) => {
  const g = linear(dZ, c);
  return { dX: g.dX.map((r) => r.map((v) => 2 * v)), dW: g.dW, db: g.db.map((v) => v / dZ[0]!.length) };
};
/** Two slips at once: dW transposed and db left per example: both are named. */
export const layerTransposedAndUnsummed = (d: number[][], A: number[][]) => ({ dW: layerTransposedDW(d, A).dW, db: layerBiasNotSummed(d, A).db });

// ---- issue 12: slips that only some option or shape of a contract reveals ----
// Each is one plausible slip in an otherwise correct answer, written here without the grader's models.

import { gradTable as solvedGradTable, topologicalOrder as solvedTopo } from "../../../solutions/02-graph-backward";
import { linearLayerBackward } from "../../../solutions/08-layer-backward";

/** pow: the factor n left out, or lowered along with the exponent. */
export const powForgotN = (x: number, n: number, g: number): number => g * x ** (n - 1);
export const powFactorLowered = (x: number, n: number, g: number): number => g * (n - 1) * x ** (n - 1);
/** div: ∂/∂b without the a. */
export const divForgotA = (a: number, b: number, g: number) => ({ da: g / b, db: -g / (b * b) });
/** exp: the input where eˣ belongs; log: 1/x²; sin: sin where cos belongs. */
export const expUsedInput = (x: number, g: number): number => g * x;
export const logSquared = (x: number, g: number): number => g / (x * x);
export const sinUsedSin = (x: number, g: number): number => g * Math.sin(x);

/** grad_table written out per op, with one op's rule changed (or missing: "none"). */
function gradTableWith(change: { exp?: "none" | "input"; sin?: "output"; tanh?: "input"; square?: "once" }) {
  return (nodes: Node[], output: string): Record<string, number> => {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const order = solvedTopo(nodes as Parameters<typeof solvedTopo>[0]);
    const v: Record<string, number> = {};
    for (const id of order) {
      const n = byId.get(id)!;
      const x = n.inputs.map((i) => v[i]!);
      v[id] = n.op === "input" ? n.value! : n.op === "add" ? x[0]! + x[1]! : n.op === "mul" ? x[0]! * x[1]! : n.op === "tanh" ? Math.tanh(x[0]!) : n.op === "exp" ? Math.exp(x[0]!) : Math.sin(x[0]!);
    }
    const g: Record<string, number> = {};
    for (const id of order) g[id] = 0;
    g[output] = 1;
    for (const id of [...order].reverse()) {
      const n = byId.get(id)!;
      const [a, b] = n.inputs;
      const u = g[id]!;
      if (n.op === "add") { g[a!]! += u; g[b!]! += u; }
      else if (n.op === "mul") { g[a!]! += u * v[b!]!; if (!(change.square === "once" && a === b)) g[b!]! += u * v[a!]!; }
      else if (n.op === "tanh") g[a!]! += u * (1 - (change.tanh === "input" ? v[a!]! : v[id]!) ** 2);
      else if (n.op === "exp") { if (change.exp !== "none") g[a!]! += u * (change.exp === "input" ? v[a!]! : v[id]!); }
      else if (n.op === "sin") g[a!]! += u * Math.cos(change.sin === "output" ? v[id]! : v[a!]!);
    }
    return g;
  };
}
/** The outside test's slip: the backward rule for exp deleted. */
export const gradTableNoExp = gradTableWith({ exp: "none" });
export const gradTableExpAtInput = gradTableWith({ exp: "input" });
export const gradTableSinAtOutput = gradTableWith({ sin: "output" });
export const gradTableTanhAtInput = gradTableWith({ tanh: "input" });
/** x·x with both inputs the same node: its contribution counted once. */
export const gradTableSquareOnce = gradTableWith({ square: "once" });
/** Only the nodes L depends on are listed (the contract asks for every node). */
export const gradTableReachableOnly = (nodes: Node[], output: string): Record<string, number> => {
  const g = solvedGradTable(nodes as Parameters<typeof solvedGradTable>[0], output);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reach = new Set<string>();
  const walk = (id: string): void => { if (!reach.has(id)) { reach.add(id); byId.get(id)!.inputs.forEach(walk); } };
  walk(output);
  return Object.fromEntries(Object.entries(g).filter(([id]) => reach.has(id)));
};
/** The nodes in the order given, as if the list were already sorted. */
export const topoAsGiven = (nodes: Node[]): string[] => nodes.map((n) => n.id);
/** Depth-first, but visiting only a node's first input. */
export const topoFirstInputOnly = (nodes: Node[]): string[] => {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => { if (seen.has(id)) return; seen.add(id); const first = byId.get(id)!.inputs[0]; if (first) visit(first); out.push(id); };
  nodes.forEach((n) => visit(n.id));
  return out;
};
/** Equivalent correct answers: Kahn's algorithm, and a grad table filled from the output by memoised recursion. */
export const topoKahn = (nodes: Node[]): string[] => {
  const indeg = new Map(nodes.map((n) => [n.id, n.inputs.length]));
  const out: string[] = [];
  const ready = nodes.filter((n) => n.inputs.length === 0).map((n) => n.id);
  while (ready.length > 0) {
    const id = ready.shift()!;
    out.push(id);
    for (const n of nodes) for (const i of n.inputs) if (i === id) { indeg.set(n.id, indeg.get(n.id)! - 1); if (indeg.get(n.id) === 0) ready.push(n.id); }
  }
  return out;
};
export const gradTableByConsumers = (nodes: Node[], output: string): Record<string, number> => {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const val = new Map<string, number>();
  const value = (id: string): number => {
    if (!val.has(id)) {
      const n = byId.get(id)!;
      const x = n.inputs.map(value);
      val.set(id, n.op === "input" ? n.value! : n.op === "add" ? x[0]! + x[1]! : n.op === "mul" ? x[0]! * x[1]! : n.op === "tanh" ? Math.tanh(x[0]!) : n.op === "exp" ? Math.exp(x[0]!) : Math.sin(x[0]!));
    }
    return val.get(id)!;
  };
  const local = (u: Node, slot: number): number => {
    const x = u.inputs.map(value);
    return u.op === "add" ? 1 : u.op === "mul" ? x[1 - slot]! : u.op === "tanh" ? 1 - Math.tanh(x[0]!) ** 2 : u.op === "exp" ? Math.exp(x[0]!) : Math.cos(x[0]!);
  };
  const memo = new Map<string, number>();
  // ∂L/∂v = Σ over consumers u and the slots where v feeds u of ∂L/∂u · ∂u/∂v
  const grad = (id: string): number => {
    if (id === output) return 1;
    if (!memo.has(id)) memo.set(id, nodes.reduce((s, u) => s + u.inputs.reduce((t, i, slot) => (i === id ? t + grad(u.id) * local(u, slot) : t), 0), 0));
    return memo.get(id)!;
  };
  return Object.fromEntries(nodes.map((n) => [n.id, grad(n.id)]));
};

/** The toy chain with one activation's derivative written wrong. */
const toyWithPrime = (prime: (act: ToyAct, z: number) => number) => toySlip("none", prime);
/** σ′ written as σ, tanh′ as 1 − tanh (the square dropped), relu′ as 1 everywhere. */
const sigmoidPrimeIsSigma = (act: ToyAct, z: number): number => (act === "sigmoid" ? sg(z) : toyDA(act, z));
const tanhPrimeNoSquare = (act: ToyAct, z: number): number => (act === "tanh" ? 1 - Math.tanh(z) : toyDA(act, z));
const reluPrimeAlwaysOne = (act: ToyAct, z: number): number => (act === "relu" ? 1 : toyDA(act, z));
export const toySigmoidPrimeIsSigma = toyWithPrime(sigmoidPrimeIsSigma);
export const toyTanhPrimeNoSquare = toyWithPrime(tanhPrimeNoSquare);
export const toyReluPrimeAlwaysOne = toyWithPrime(reluPrimeAlwaysOne);

/** The outside test's slip: sigmoid + BCE written for a single output row. */
export const deltaBceFirstRowOnly = (Z: number[][], Y: number[][]): number[][] => [Z[0]!.map((z, m) => sg(z) - Y[0]![m]!)];
/** BCE with the target read as a class (right for 0/1 targets only). */
export const deltaBceHardLabels = (Z: number[][], Y: number[][]): number[][] => Z.map((r, i) => r.map((z, m) => sg(z) - (Y[i]![m]! >= 0.5 ? 1 : 0)));
/** BCE through the chain rule written out: ∂ℓ/∂a · σ′, equal to a − y (an equivalent correct answer). */
export const deltaBceLongWay = (Z: number[][], Y: number[][]): number[][] =>
  Z.map((r, i) => r.map((z, m) => { const a = sg(z), y = Y[i]![m]!; return ((a - y) / (a * (1 - a))) * a * (1 - a); }));
/** Squared error with every row compared against the first target row. */
export const deltaLinearFirstRowY = (Z: number[][], Y: number[][]): number[][] => Z.map((r) => r.map((z, m) => z - Y[0]![m]!));
/** σ′ written as σ. */
export const deltaSigmoidSquaredPrimeIsSigma = (Z: number[][], Y: number[][]): number[][] => Z.map((r, i) => r.map((z, m) => (sg(z) - Y[i]![m]!) * sg(z)));
/** softmax normalised by the first example's sum in every column (right for one example only). */
export const deltaSoftmaxFirstColumnSum = (Z: number[][], Y: number[][]): number[][] => {
  const tot = Z.reduce((s, r) => s + Math.exp(r[0]!), 0);
  return Z.map((r, i) => r.map((z, m) => Math.exp(z) / tot - Y[i]![m]!));
};
/** softmax without the max shift: equivalent for scores of this size. */
export const deltaSoftmaxNoShift = (Z: number[][], Y: number[][]): number[][] =>
  Z.map((r, i) => r.map((z, m) => Math.exp(z) / Z.reduce((s, row) => s + Math.exp(row[m]!), 0) - Y[i]![m]!));

/** One δ step with f′ replaced for one activation, or by f itself. */
function stepWithPrime(prime: (act: ToyAct, z: number) => number) {
  return (W: number[][], d: number[][], z: number[][], a: ToyAct): number[][] => wtDelta(W, d).map((r, k) => r.map((v, m) => v * prime(a, z[k]![m]!)));
}
export const deltaStepSigmoidPrimeIsSigma = stepWithPrime(sigmoidPrimeIsSigma);
export const deltaStepTanhPrimeNoSquare = stepWithPrime(tanhPrimeNoSquare);
export const deltaStepUsedF = stepWithPrime((a, z) => f(a, z));
/** The first example's δ repeated for every column (right for one example only). */
export const deltaStepFirstExampleOnly = (W: number[][], d: number[][], z: number[][], a: Act): number[][] => {
  const col = deltaStep(W, d.map((r) => [r[0]!]), z.map((r) => [r[0]!]), a);
  return col.map((r) => z[0]!.map(() => r[0]!));
};

/** db averaged over the units instead of the examples. */
export const layerBiasWrongAxis = (d: number[][], A: number[][]) => ({ dW: layerGradients(d, A).dW, db: d[0]!.map((_, m) => d.reduce((s, r) => s + r[m]!, 0) / d.length) });
/** dW from the first example only (right for a batch of one). */
export const layerFirstExampleOnly = (d: number[][], A: number[][]) => ({ dW: d.map((r) => A.map((a) => r[0]! * a[0]!)), db: layerGradients(d, A).db });

const mlpVariant = (opts: MlpOptions) => mlpWith("none", opts);
/** The outside test's slip: σ′ = σ in the hidden layers. */
export const mlpSigmoidPrimeIsSigma = mlpVariant({ prime: sigmoidPrimeIsSigma });
export const mlpTanhPrimeNoSquare = mlpVariant({ prime: tanhPrimeNoSquare });
export const mlpReluPrimeAlwaysOne = mlpVariant({ prime: reluPrimeAlwaysOne });
/** Weight decay inside the batch mean: λW/M. */
export const mlpDecayDividedByM = mlpVariant({ decayOverM: true });
/** Only the first output unit's error is sent back (right for one output). */
export const mlpFirstOutputOnly = mlpVariant({ firstOutputOnly: true });
/** The forward pass without the biases. */
export const mlpNoBiasForward = mlpVariant({ noBiasForward: true });
/** Written for exactly two layers: W[0] and W[1] only. */
export const mlpTwoLayersOnly = (p: MlpParams, X: number[][], Y: number[][], act: ToyAct, lambda: number) =>
  mlpBackward({ W: p.W.slice(0, 2), b: p.b.slice(0, 2) }, X, Y.length === p.W[1]!.length ? Y : p.W[1]!.map(() => Y[0]!), act, lambda);
/** A hard-coded answer: the visible case's gradients, returned whatever the network. */
const VISIBLE_MLP: [MlpParams, number[][], number[][], ToyAct, number] = [
  { W: [[[0.5, -0.3], [0.8, 0.2], [-0.6, 0.9]], [[1, -1.2, 0.4]]], b: [[0.1, -0.1, 0.2], [0.05]] }, [[1, -0.5, 0.7], [0.3, 2, -1.1]], [[0.4, -0.2, 0.9]], "tanh", 0.1,
];
const hardCoded = mlpBackward(...VISIBLE_MLP);
export const mlpHardCoded = (_p: MlpParams, _X: number[][], _Y: number[][], _act: ToyAct, _lambda: number) => structuredClone(hardCoded);
export const VISIBLE_MLP_ARGS = VISIBLE_MLP;

/** linear layer: dW from the first example only; dX through W instead of Wᵀ. */
export const linearLayerFirstExampleOnly = (dZ: number[][], c: { X: number[][]; W: number[][] }) => ({ ...linearLayerBackward(dZ, c), dW: dZ.map((r) => c.X.map((x) => r[0]! * x[0]!)) });
export const linearLayerNotTransposed = (dZ: number[][], c: { X: number[][]; W: number[][] }) => ({
  ...linearLayerBackward(dZ, c),
  dX: c.X.map((_, k) => dZ[0]!.map((_, m) => c.W[k]!.reduce((s, w, i) => s + w * (dZ[i]?.[m] ?? NaN), 0))),
});
/** sigmoid layer: σ′ written as a; tanh layer: 1 − a (the square dropped). */
export const sigmoidLayerPrimeIsA = (dA: number[][], c: { a: number[][] }): number[][] => dA.map((r, i) => r.map((g, m) => g * c.a[i]![m]!));
export const tanhLayerNoSquare = (dA: number[][], c: { a: number[][] }): number[][] => dA.map((r, i) => r.map((g, m) => g * (1 - c.a[i]![m]!)));
/** softmax cross-entropy normalised by the first example's sum in every column. */
export const softmaxCeFirstColumnSum = (Z: number[][], y: number[]): number[][] => {
  const tot = Z.reduce((s, r) => s + Math.exp(r[0]!), 0);
  return Z.map((r, c) => r.map((z, m) => (Math.exp(z) / tot - (y[m] === c ? 1 : 0)) / r.length));
};
/** pow as n·xⁿ/x: an equivalent correct answer for x ≠ 0. */
export const powOverX = (x: number, n: number, g: number): number => (g * n * x ** n) / x;
/** One δ step through W instead of Wᵀ (shapes only fit when W is square). */
export const deltaStepNotTransposed = (W: number[][], d: number[][], z: number[][], a: Act): number[][] =>
  z.map((r, k) => r.map((zv, m) => (W[k]?.reduce((s, w, i) => s + w * (d[i]?.[m] ?? NaN), 0) ?? NaN) * df(a, zv)));
