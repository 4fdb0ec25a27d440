/**
 * Exercise 10: the student's gradient checker. A case is a function (an expression program the
 * driver turns into f), a point, a claimed gradient (right, or planted wrong: scaled, transposed,
 * one sign flipped, the slope from the wrong side of a kink), a step and a tolerance. The grader
 * makes the same central differences itself, so every expected number is its own; the cases keep
 * each entry's relative error far from the tolerance (below 1/100 of it, or above 100 times), so
 * which entries are wrong is never a matter of rounding.
 */
import { Rng } from "../../engine/random";
import type { CaseVerdict, Exercise, GradeCase, Json } from "../contract";
import { run, readProgram, type Instruction, type Program } from "../sandbox/drivers/program";
import { simulateEngine } from "./09-build-an-engine";

const ID = "gradient-checker";

/** The course's relative error (notebook 06): |a − n| / (|a| + |n|), 0 when both are 0. */
export function courseRelError(a: number, n: number): number {
  const s = Math.abs(a) + Math.abs(n);
  return s === 0 ? 0 : Math.abs(a - n) / s;
}

type Variant = "right" | "one-sided" | "forgot-2" | "max-denominator" | "absolute" | "not-restored";
/** What a checker with one slip (or none) returns for these arguments. */
export function referenceCheck(p: Program, x0: number[], analytic: number[], h: number, tol: number, variant: Variant = "right"): { numeric: number[]; relErrors: number[]; wrong: number[] } {
  const x = x0.slice();
  const numeric = x0.map((_, i) => {
    if (variant === "not-restored") {
      const old = x[i]!;
      x[i] = old + h;
      const fp = run(p, x);
      x[i] = old - h;
      const fm = run(p, x);
      return (fp - fm) / (2 * h); // and x[i] stays at old − h
    }
    const at = (d: number): number => run(p, x0.map((v, j) => (j === i ? v + d : v)));
    if (variant === "one-sided") return (at(h) - run(p, x0)) / h;
    return (at(h) - at(-h)) / (variant === "forgot-2" ? h : 2 * h);
  });
  const relErrors = numeric.map((n, i) => {
    const a = analytic[i]!;
    if (variant === "absolute") return Math.abs(a - n);
    if (variant === "max-denominator") return a === n ? 0 : Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n));
    return courseRelError(a, n);
  });
  return { numeric, relErrors, wrong: relErrors.flatMap((e, i) => (e > tol ? [i] : [])) };
}

const SLIPS: { variant: Variant; id: string; feedback: string; parts: ("numeric" | "relErrors")[] }[] = [
  { variant: "one-sided", id: "one-sided-difference", feedback: "numeric is the ONE-SIDED difference (f(x + h) − f(x))/h: its error shrinks only like h (notebook 06 section 1)", parts: ["numeric"] },
  { variant: "forgot-2", id: "step-not-doubled", feedback: "numeric is twice too large: the central difference spans x − h to x + h, a distance of 2h", parts: ["numeric"] },
  { variant: "not-restored", id: "x-not-restored", feedback: "numeric is right for the first coordinate and drifts after it: each coordinate must go back to its value after it was perturbed", parts: ["numeric"] },
  { variant: "max-denominator", id: "relative-error-definition", feedback: "relErrors divides by the larger of |a| and |n|; the course's relative error divides by |a| + |n| (notebook 06 section 2)", parts: ["relErrors"] },
  { variant: "absolute", id: "absolute-error", feedback: "relErrors is the absolute difference |a − n|: divide by |a| + |n| so large and small gradients are judged alike", parts: ["relErrors"] },
];

// ---- functions and planted gradients ---------------------------------------------------------------
type Kind = "right" | "scaled" | "transposed" | "sign-one" | "kink-side";
/** The kinds of case: a right gradient and the four planted wrong ones. */
export const CHECKER_KINDS: Kind[] = ["right", "scaled", "transposed", "sign-one", "kink-side"];

class Builder {
  code: Instruction[] = [];
  constructor(readonly inputs: number) {}
  push(ins: Instruction): number {
    this.code.push(ins);
    return this.inputs + this.code.length - 1;
  }
  /** Σ terms, as a chain of adds. */
  sum(terms: number[]): number {
    return terms.slice(1).reduce((s, t) => this.push(["add", s, t]), terms[0]!);
  }
  program(): Program {
    return { inputs: this.inputs, code: this.code, output: this.inputs + this.code.length - 1 };
  }
}
const coef = (rng: Rng, lo = 0.5, hi = 2): number => Math.round((rng.next() < 0.5 ? -1 : 1) * rng.uniform(lo, hi) * 1000) / 1000;

/** f(x) = Σ_j c_j tanh(Σ_i A_ji x_i + b_j) + Σ_i d_i x_i²: a smooth small network. */
function smooth(rng: Rng, n: number): Program {
  const b = new Builder(n);
  const terms: number[] = [];
  for (let j = 0; j < 2 + rng.int(2); j++) {
    const z = b.sum(Array.from({ length: n }, (_, i) => b.push(["muln", i, coef(rng, 0.2, 1.2)])));
    terms.push(b.push(["muln", b.push(["tanh", b.push(["addn", z, coef(rng, 0, 0.5)])]), coef(rng)]));
  }
  for (let i = 0; i < n; i++) terms.push(b.push(["muln", b.push(["pow", i, 2]), coef(rng, 0.2, 1)]));
  b.sum(terms);
  return b.program();
}

/** f(W) = Σ_i u_i tanh(Σ_j W_ij v_j) + Σ_ij c_ij W_ij² for a k×k W flattened by rows. */
function matrixFn(rng: Rng, k: number): Program {
  const b = new Builder(k * k);
  const terms: number[] = [];
  for (let i = 0; i < k; i++) {
    const z = b.sum(Array.from({ length: k }, (_, j) => b.push(["muln", i * k + j, coef(rng, 0.3, 1.5)])));
    terms.push(b.push(["muln", b.push(["tanh", z]), coef(rng)]));
  }
  for (let q = 0; q < k * k; q++) terms.push(b.push(["muln", b.push(["pow", q, 2]), coef(rng, 0.1, 0.6)]));
  b.sum(terms);
  return b.program();
}

/**
 * f(x) = Σ_i c_i relu(x_i − t_i) + e_i |x_i − s_i| + d_i x_i², each coordinate 50h to 2000h from
 * one of its kinks (the central difference never straddles it). `otherSide[i]` is what ∂f/∂x_i
 * becomes with the slope of the nearer kink's other side: the gradient a slip at the kink gives.
 */
function kinky(rng: Rng, n: number, h: number): { program: Program; x: number[]; otherSide: number[] } {
  const b = new Builder(n);
  const x: number[] = [];
  const otherSide: number[] = [];
  const terms: number[] = [];
  for (let i = 0; i < n; i++) {
    const [t, s, c, e] = [coef(rng, 0, 1), coef(rng, 0, 1), coef(rng), coef(rng)];
    const nearRelu = rng.next() < 0.5;
    const gap = (rng.next() < 0.5 ? -1 : 1) * rng.uniform(50 * h, 2000 * h);
    const xi = (nearRelu ? t : s) + gap;
    x.push(xi);
    // relu's slope c on the right, 0 on the left; |·|'s slope ±e
    otherSide.push(nearRelu ? (xi > t ? -c : c) : -2 * e * Math.sign(xi - s));
    terms.push(b.push(["muln", b.push(["relu", b.push(["addn", i, -t])]), c]));
    terms.push(b.push(["muln", b.push(["abs", b.push(["addn", i, -s])]), e]));
    terms.push(b.push(["muln", b.push(["pow", i, 2]), coef(rng, 0.1, 0.5)]));
  }
  b.sum(terms);
  return { program: b.program(), x, otherSide };
}

/** One case of a kind: [program, x, analytic, h, tolerance], with every entry's error clear of the tolerance. */
export function checkerCase(rng: Rng, kind: Kind): Json[] {
  for (;;) {
    const h = rng.next() < 0.5 ? 1e-5 : 1e-4;
    const tol = rng.next() < 0.5 ? 1e-5 : 1e-4;
    let p: Program;
    let x: number[];
    let otherSide: number[] = [];
    if (kind === "transposed") {
      const k = 2 + rng.int(2);
      p = matrixFn(rng, k);
      x = Array.from({ length: k * k }, () => coef(rng, 0.1, 1));
    } else if (kind === "kink-side" || rng.next() < 0.3) {
      ({ program: p, x, otherSide } = kinky(rng, 2 + rng.int(4), h));
    } else {
      const n = 2 + rng.int(5);
      p = smooth(rng, n);
      x = Array.from({ length: n }, () => coef(rng, 0.1, 1.5));
    }
    const grad = simulateEngine(p, x);
    const analytic = grad.slice();
    if (kind === "scaled") {
      const s = [2, 0.5, 10, -1][rng.int(4)]!;
      for (let i = 0; i < analytic.length; i++) analytic[i] = analytic[i]! * s;
    } else if (kind === "transposed") {
      const k = Math.round(Math.sqrt(x.length));
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) analytic[i * k + j] = grad[j * k + i]!;
    } else if (kind === "sign-one") {
      const i = rng.int(x.length);
      analytic[i] = -analytic[i]!;
    } else if (kind === "kink-side") {
      const i = rng.int(x.length);
      analytic[i] = grad[i]! + otherSide[i]!;
    }
    const r = referenceCheck(p, x, analytic, h, tol);
    const clear = r.relErrors.every((e) => e < tol / 100 || e > tol * 100) && grad.every((g) => Math.abs(g) > 1e-3);
    if (clear && (kind === "right" || r.wrong.length > 0)) return [p as unknown as Json, x, analytic, h, tol];
  }
}

// ---- judging ----------------------------------------------------------------------------------------
const numbers = (x: unknown, n: number): number[] | null => (Array.isArray(x) && x.length === n && x.every((v) => typeof v === "number" && Number.isFinite(v)) ? (x as number[]) : null);
const close = (got: number[], want: number[], abs: number, rel: number): boolean => got.length === want.length && got.every((g, i) => Math.abs(g - want[i]!) <= abs + rel * Math.abs(want[i]!));
const NUMERIC = (g: number[], w: number[]): boolean => close(g, w, 1e-12, 1e-8);
const RELERR = (g: number[], w: number[]): boolean => close(g, w, 1e-10, 1e-6);

function judgeChecker(c: GradeCase, output: unknown): CaseVerdict {
  const p = readProgram(c.args[0]);
  const [x, analytic, h, tol] = [c.args[1] as number[], c.args[2] as number[], c.args[3] as number, c.args[4] as number];
  const n = x.length;
  if (output === null || typeof output !== "object" || Array.isArray(output)) return { score: 0, feedback: "return an object { numeric, relErrors, wrong }" };
  const o = output as Record<string, unknown>;
  const want = referenceCheck(p, x, analytic, h, tol);
  const notes: string[] = [];
  const numeric = numbers(o["numeric"], n);
  const relErrors = numbers(o["relErrors"], n);
  const numericOk = numeric !== null && NUMERIC(numeric, want.numeric);
  const relOk = relErrors !== null && RELERR(relErrors, want.relErrors);
  if (!numeric) notes.push(`numeric: return ${n} finite numbers, one per coordinate of x`);
  else if (!numericOk) notes.push("numeric is wrong");
  if (!relErrors) notes.push(`relErrors: return ${n} finite numbers, one per coordinate of x`);
  else if (!relOk) notes.push("relErrors is wrong");
  const w = o["wrong"];
  let wrongOk = false;
  if (Array.isArray(w) && w.length === n && w.every((v) => typeof v === "boolean")) notes.push("wrong lists the INDICES of the flagged entries, not one true/false per entry");
  else if (!Array.isArray(w) || !w.every((v) => typeof v === "number" && Number.isInteger(v))) notes.push("wrong: return the indices of the flagged entries as a list of integers");
  else {
    const got = [...(w as number[])].sort((a, b) => a - b);
    wrongOk = got.length === want.wrong.length && got.every((v, i) => v === want.wrong[i]);
    if (!wrongOk) {
      const missed = want.wrong.filter((i) => !got.includes(i)).length;
      const extra = got.filter((i) => !want.wrong.includes(i)).length;
      notes.push(`wrong flags ${extra ? `${extra} entr${extra === 1 ? "y" : "ies"} that ${extra === 1 ? "is" : "are"} right` : ""}${extra && missed ? " and " : ""}${missed ? `misses ${missed} wrong entr${missed === 1 ? "y" : "ies"}` : ""}`.replace("flags  and", "flags").replace("wrong flags misses", "wrong misses"));
    }
  }
  const score = [numericOk, relOk, wrongOk].filter(Boolean).length / 3;
  if (score === 1) return { score, feedback: "correct" };
  const slip = SLIPS.find((s) => {
    const model = referenceCheck(p, x, analytic, h, tol, s.variant);
    const differs = s.parts.some((k) => !(k === "numeric" ? NUMERIC : RELERR)(model[k], want[k]));
    return differs && s.parts.every((k) => (k === "numeric" ? numeric !== null && NUMERIC(numeric, model.numeric) : relErrors !== null && RELERR(relErrors, model.relErrors)));
  });
  return { score, feedback: [...(slip ? [slip.feedback] : []), ...notes].join("; "), ...(slip ? { diagnosis: slip.id } : {}) };
}

const VISIBLE_KINDS: [string, Kind][] = [
  ["a smooth function, the gradient right", "right"],
  ["every entry scaled", "scaled"],
  ["a matrix's gradient given transposed", "transposed"],
  ["one entry with the wrong sign", "sign-one"],
  ["next to a kink, one entry with the slope of the other side", "kink-side"],
];

const checker: Exercise = {
  id: ID,
  title: "Your own gradient checker",
  file: "10-gradient-checker.ts",
  exportName: "gradientCheck",
  points: 2,
  driver: "gradient-checker",
  description:
    "gradientCheck(f, x, analytic, h, tolerance) returns { numeric, relErrors, wrong }: the central difference of f along each coordinate with step h, the course's relative error |a − n|/(|a| + |n|) of each entry (0 when both are 0), and the indices whose error is above the tolerance. Functions are smooth, or have kinks near x; gradients are right or planted wrong (scaled, transposed, one sign, the other side of a kink).",
  cases(seed: number): GradeCase[] {
    const visible = new Rng(0).fork(`${ID}/visible`);
    const out: GradeCase[] = VISIBLE_KINDS.map(([label, kind], i) => ({ name: `visible ${i + 1}: ${label}`, visible: true, args: checkerCase(visible, kind) }));
    const r = new Rng(seed).fork(ID);
    // one family per kind, so every seed holds a right gradient and each planted wrong one
    CHECKER_KINDS.forEach((kind, i) => out.push({ name: `hidden ${i + 1}`, visible: false, args: checkerCase(r, kind) }));
    return out;
  },
  judge: judgeChecker,
};

/** Exercise 10. */
export const CHECKER_EXERCISES: Exercise[] = [checker];
