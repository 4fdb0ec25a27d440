/**
 * Exercise 11: softmax cross-entropy (value and gradient) on logits in the hundreds and thousands.
 * The oracle differentiates a trusted log-sum-exp forward by central differences, taken at the
 * logits shifted by each column's maximum (softmax does not see the shift, and there the step
 * resolves the small entries); a non-finite answer is read for its cause: exp overflowing or
 * underflowing, one shift for the whole batch, or ln of a probability that underflowed to 0.
 */
import type { Rng } from "../../engine/random";
import type { CaseVerdict, Exercise, GradeCase, Json } from "../contract";
import { defineExercise, fdVjp, type GradTensor, type Mistake } from "../judge";

const ID = "stable-softmax-ce";

interface Args {
  Z: number[][];
  y: number[];
  C: number;
  M: number;
}
function read(args: Json[]): Args {
  const Z = args[0];
  const y = args[1];
  if (!Array.isArray(Z) || Z.length === 0 || !Z.every((r) => Array.isArray(r) && r.length === (Z[0] as Json[]).length && r.every((v) => typeof v === "number"))) throw new Error("Z is not a matrix");
  if (!Array.isArray(y) || !y.every((v) => typeof v === "number")) throw new Error("y is not a list of class indices");
  return { Z: Z as number[][], y: y as number[], C: Z.length, M: (Z[0] as number[]).length };
}

/** Mean cross-entropy of flat C×M logits (row-major), by log-sum-exp per column. */
function meanCe(z: ArrayLike<number>, y: number[], C: number, M: number): number {
  let loss = 0;
  for (let m = 0; m < M; m++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, z[c * M + m]!);
    let total = 0;
    for (let c = 0; c < C; c++) total += Math.exp(z[c * M + m]! - max);
    loss += max + Math.log(total) - z[y[m]! * M + m]!;
  }
  return loss / M;
}

/** The logits with each column's maximum subtracted (exact in float64 for these magnitudes). */
function shifted({ Z, C, M }: Args): Float64Array {
  const out = new Float64Array(C * M);
  for (let m = 0; m < M; m++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, Z[c]![m]!);
    for (let c = 0; c < C; c++) out[c * M + m] = Z[c]![m]! - max;
  }
  return out;
}

/** softmax − one-hot per column, computed stably, optionally along the wrong axis or without 1/M. */
function gradientVariant(a: Args, slip: "no-mean" | "rows"): number[][] {
  const { Z, y, C, M } = a;
  const p = Z.map((r) => r.map(() => 0));
  if (slip === "rows") {
    for (let c = 0; c < C; c++) {
      const mx = Math.max(...Z[c]!);
      const e = Z[c]!.map((v) => Math.exp(v - mx));
      const s = e.reduce((q, v) => q + v, 0);
      for (let m = 0; m < M; m++) p[c]![m] = e[m]! / s;
    }
  } else {
    const z = shifted(a);
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(z[c * M + m]!);
      for (let c = 0; c < C; c++) p[c]![m] = Math.exp(z[c * M + m]!) / s;
    }
  }
  const scale = slip === "no-mean" ? 1 : 1 / M;
  return p.map((r, c) => r.map((v, m) => (v - (y[m] === c ? 1 : 0)) * scale));
}

const mistakes: Mistake[] = [
  {
    id: "forgot-batch-mean",
    feedback: "L is the MEAN over the batch: dZ needs the 1/M factor",
    output: (args) => {
      const a = read(args);
      return a.M === 1 ? null : { dZ: gradientVariant(a, "no-mean") };
    },
  },
  {
    id: "softmax-wrong-axis",
    feedback: "the softmax was normalised along the rows (across the batch); each COLUMN is one example's C class scores",
    output: (args) => {
      const a = read(args);
      return a.M === 1 && a.C === 1 ? null : { dZ: gradientVariant(a, "rows") };
    },
  },
];

/** Where the answer has NaN or ±Infinity: every column index of dZ that does, and the loss. */
function nonFinite(output: unknown, C: number, M: number): { columns: number[]; loss: boolean } {
  const o = output !== null && typeof output === "object" ? (output as Record<string, unknown>) : {};
  const bad = (v: unknown): boolean => typeof v === "number" && !Number.isFinite(v);
  const columns = new Set<number>();
  const dZ = o["dZ"];
  if (Array.isArray(dZ) && dZ.length === C) {
    for (const row of dZ) if (Array.isArray(row) && row.length === M) row.forEach((v, m) => bad(v) && columns.add(m));
  }
  return { columns: [...columns].sort((p, q) => p - q), loss: bad(o["loss"]) };
}

/** Name the cause of a non-finite answer, or null when the answer is finite. */
function overflowCause(a: Args, output: unknown): { id: string; feedback: string } | null {
  const { columns, loss } = nonFinite(output, a.C, a.M);
  if (columns.length === 0 && !loss) return null;
  const colMax = Array.from({ length: a.M }, (_, m) => Math.max(...a.Z.map((r) => r[m]!)));
  const top = Math.max(...colMax);
  // the columns each way of writing it breaks: e^z itself, or e^(z − the batch's largest score)
  const breaks = (shift: (m: number) => number): number[] =>
    colMax.flatMap((_, m) => {
      const s = a.Z.reduce((acc, r) => acc + Math.exp(r[m]! - shift(m)), 0);
      return Number.isFinite(s) && s > 0 ? [] : [m];
    });
  const same = (p: number[], q: number[]): boolean => p.length === q.length && p.every((v, i) => v === q[i]);
  const globalBad = breaks(() => top);
  if (columns.length > 0 && same(columns, globalBad) && !same(columns, breaks(() => 0)))
    return {
      id: "global-shift",
      feedback: `column ${columns[0]! + 1} came out NaN: one shift for the whole batch leaves a column whose scores all lie far below the batch's largest score with e^(z − shift) = 0 for every class (0/0); each example needs its own shift`,
    };
  if (columns.length > 0)
    return {
      id: "exp-overflow",
      feedback: `dZ is NaN or Infinity in column ${columns[0]! + 1} (scores up to ${Math.round(colMax[columns[0]!]!)}): Math.exp overflows to Infinity above about 709 and underflows to 0 below about −745, so e^z/Σe^z gives Infinity/Infinity or 0/0; which change to the scores leaves the softmax the same but keeps every exponent small?`,
    };
  return {
    id: "log-of-zero",
    feedback: "the loss is not finite although dZ is: it takes ln of a probability that underflowed to 0 (or of an exp that overflowed); write ln softmax(z)_y as a difference of the shifted score and the log of the shifted sum",
  };
}

const scalar = (v: number): GradTensor => ({ shape: [], values: Float64Array.of(v) });

/** One column of scores: a common offset plus a few classes near the top and some far below. */
function column(rng: Rng, C: number, offset: number, farBelow: number): number[] {
  return Array.from({ length: C }, (_, c) => offset + (c > 0 && rng.next() < 0.35 ? -rng.uniform(0.3, 1) * farBelow : rng.normal(0, 2)));
}
function logits(rng: Rng, C: number, M: number, offsets: number[], farBelow: number): number[][] {
  const cols = offsets.map((o) => column(rng, C, o, farBelow));
  // a random class order per column, so the far-below classes are not always the last ones
  for (const col of cols) rng.shuffle(col);
  return Array.from({ length: C }, (_, c) => Array.from({ length: M }, (_, m) => cols[m]![c]!));
}
const sign = (rng: Rng): number => (rng.next() < 0.5 ? -1 : 1);

/** The five kinds of case: moderate, hundreds, thousands with spread, all very negative, columns far apart. */
export const STABLE_SOFTMAX_KINDS = ["moderate", "hundreds", "thousands", "very-negative", "columns-apart"] as const;
type Kind = (typeof STABLE_SOFTMAX_KINDS)[number];

/** A hidden case of one kind (exported for the generator tests). */
export function stableSoftmaxCase(rng: Rng, kind: Kind): Json[] {
  // two classes in the hundreds family, three to five in the others
  const C = kind === "hundreds" ? 2 : 3 + rng.int(3);
  const M = 1 + rng.int(4);
  const offsets = Array.from({ length: M }, () => {
    switch (kind) {
      case "moderate": return rng.normal(0, 2);
      case "hundreds": return sign(rng) * rng.uniform(300, 900);
      case "thousands": return sign(rng) * rng.uniform(1000, 5000);
      case "very-negative": return -rng.uniform(800, 3000);
      case "columns-apart": return 0;
    }
  });
  if (kind === "columns-apart") {
    // at least two columns, one far above the other
    const m2 = Math.max(M, 2);
    const offs = Array.from({ length: m2 }, (_, m) => (m === 0 ? rng.uniform(800, 2000) : -rng.uniform(800, 2000)));
    rng.shuffle(offs);
    const Z = logits(rng, C, m2, offs, 50);
    return [Z, Array.from({ length: m2 }, () => rng.int(C))];
  }
  const Z = logits(rng, C, M, offsets, kind === "moderate" ? 4 : kind === "hundreds" ? 200 : 2000);
  return [Z, Array.from({ length: M }, () => rng.int(C))];
}

const base = defineExercise({
  id: ID,
  title: "Softmax cross-entropy that survives large logits",
  file: "11-stable-softmax.ts",
  exportName: "stableSoftmaxCrossEntropy",
  points: 2,
  description:
    "L = (1/M) Σ_m −ln softmax(z_m)_{y_m} for scores Z (C × M, one column per example) in the hundreds and thousands, positive and negative, and class indices y. Return { loss: L, dZ: ∂L/∂Z }, both finite and right: written directly, e^z overflows (or underflows) in float64.",
  visible: [
    { label: "moderate scores, 3 classes, batch of 2", args: [[[1, -0.5], [2, 0.3], [0.1, 1.2]], [1, 2]] },
    { label: "scores in the hundreds (e^z overflows)", args: [[[750, -320], [748.5, -300], [500, -301.5]], [0, 2]] },
    { label: "scores in the thousands, far apart", args: [[[1000, 2500], [1001, -2500], [-1000, 2497]], [2, 1]] },
    { label: "every score very negative (e^z underflows)", args: [[[-1000, -1200], [-1002, -1199], [-1001.5, -1500]], [1, 0]] },
    { label: "one example far above the other", args: [[[1500, -1500], [1498, -1501], [1450, -1503]], [0, 1]] },
  ],
  // one family per kind of scores, so every seed holds each of them
  hidden: STABLE_SOFTMAX_KINDS.map((kind) => (rng: Rng) => stableSoftmaxCase(rng, kind)),
  oracle: (args) => {
    const a = read(args);
    const z = shifted(a);
    const dZ = fdVjp((ins) => [meanCe(ins[0]!, a.y, a.C, a.M)], [{ shape: [a.C, a.M], values: z }], 0, [1]);
    return { expected: { loss: scalar(meanCe(a.Z.flat(), a.y, a.C, a.M)), dZ } };
  },
  mistakes,
});

/** The exercise: the gradient judge, with the cause of a NaN or Infinity named first. */
const stableSoftmax: Exercise = {
  ...base,
  judge(c: GradeCase, output: unknown): CaseVerdict {
    const v = base.judge(c, output);
    if (v.score === 1) return v;
    let cause: { id: string; feedback: string } | null = null;
    try {
      cause = overflowCause(read(c.args), output);
    } catch {
      cause = null;
    }
    return cause ? { ...v, feedback: `${cause.feedback}; ${v.feedback}`, diagnosis: cause.id } : v;
  },
};

/** Exercise 11. */
export const STABLE_SOFTMAX_EXERCISES: Exercise[] = [stableSoftmax];
