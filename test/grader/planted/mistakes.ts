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
function toySlip(slip: "no-fprime" | "a-at-h" | "off-by-one") {
  return (x: number, y: number, beta: number[], omega: number[], act: ToyAct) => {
    const f = [beta[0]! + omega[0]! * x];
    const h = [x];
    for (let k = 1; k <= 3; k++) { h[k] = toyA(act, f[k - 1]!); f[k] = beta[k]! + omega[k]! * h[k]!; }
    const df = [0, 0, 0, 2 * (f[3]! - y)];
    const dh = [0, 0, 0, 0];
    for (let k = 3; k >= 1; k--) {
      dh[k] = omega[k]! * df[k]!;
      df[k - 1] = (slip === "no-fprime" ? 1 : slip === "a-at-h" ? toyDA(act, h[k]!) : toyDA(act, f[k - 1]!)) * dh[k]!;
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
