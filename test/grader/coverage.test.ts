/**
 * The hidden cases of every seed cover every option each contract allows: every op and activation,
 * every loss variant, and every shape family (d = 1 and d > 1, M = 1 and M > 1, square and not),
 * and shared nodes in graphs. The generated cases are inspected here with classifiers written for
 * this test (they read the arguments, not the generators), over 1 000 seeds and the course seed.
 */
import { describe, expect, it } from "vitest";
import { ALL_EXERCISES as ALL } from "../../src/grader/exercises";

// The digits capstone has no contract options to cover: its hidden case is a fixed seeded subset of
// real digits and it is judged by held-out accuracy (test/grader/capstone.test.ts covers it).
const ALL_EXERCISES = ALL.filter((e) => e.id !== "digits-capstone");
import { COURSE_SEED } from "../../src/grader/grade";
import type { Json } from "../../src/grader/contract";

type M = number[][];
const sgn = (v: number): string => (v < 0 ? "-" : "+");
const shape = (A: M, rows = "d", cols = "M"): string[] => {
  const [d, m] = [A.length, A[0]!.length];
  return [`${rows}=1`, `${rows}>1`].filter((t) => (d === 1) === t.endsWith("=1"))
    .concat([`${cols}=1`, `${cols}>1`].filter((t) => (m === 1) === t.endsWith("=1")))
    .concat(d === m ? "square" : "not square");
};
const SHAPES = ["d=1", "d>1", "M=1", "M>1", "square", "not square"];
const awayFrom1 = (v: number): boolean => Math.abs(Math.abs(v) - 1) > 0.1;

/** Each unary rule: the input on both sides (of 0, or of 1 for log) with either sign of g, and |g| ≠ 1. */
const unary = (pivot: number) => ({
  required: ["below,-", "below,+", "above,-", "above,+", "|g|≠1"],
  tags: ([x, g]: Json[]): string[] => [`${(x as number) < pivot ? "below" : "above"},${sgn(g as number)}`, ...(awayFrom1(g as number) ? ["|g|≠1"] : [])],
});

interface Node { id: string; op: string; inputs: string[]; value?: number }
/** What a graph contains: its ops, a node with two consumers, a node used twice by one consumer, a node L does not depend on, a listing out of order. */
function graphTags(nodes: Node[], output?: string): string[] {
  const tags = new Set<string>(nodes.filter((n) => n.op !== "input").map((n) => `op:${n.op}`));
  const consumers = new Map<string, Set<string>>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? new Set()).add(n.id));
  if ([...consumers.values()].some((c) => c.size >= 2)) tags.add("shared");
  if (nodes.some((n) => n.inputs.length === 2 && n.inputs[0] === n.inputs[1])) tags.add("x·x");
  const pos = new Map(nodes.map((n, i) => [n.id, i]));
  if (nodes.some((n) => n.inputs.some((i) => pos.get(i)! > pos.get(n.id)!))) tags.add("listed out of order");
  // an input node reached only through second slots, listed after a consumer: walking first inputs alone misses it
  const firsts = new Set(nodes.map((n) => n.inputs[0]));
  if (nodes.some((n) => n.inputs.length === 2 && !firsts.has(n.inputs[1]) && pos.get(n.inputs[1]!)! > pos.get(n.id)!)) tags.add("a second-slot-only input listed late");
  if (output !== undefined) {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const reach = new Set<string>();
    const walk = (id: string): void => { if (!reach.has(id)) { reach.add(id); byId.get(id)!.inputs.forEach(walk); } };
    walk(output);
    if (nodes.some((n) => !reach.has(n.id))) tags.add("a node L does not depend on");
  }
  return [...tags];
}

const actOf = (a: Json): string => `act:${a as string}`;
const ACTS = ["act:relu", "act:tanh", "act:sigmoid"];
const relu = (v: number): number => Math.max(0, v);

/** Required tags per exercise, and the classifier that reads one hidden case's arguments. */
const COVERAGE: Record<string, { required: string[]; tags: (args: Json[]) => string[] }> = {
  "mul-backward": {
    required: ["++", "+-", "-+", "--", "|a|≠|b|", "|g|≠1"],
    tags: ([a, b, g]) => [sgn(a as number) + sgn(b as number), ...(Math.abs(Math.abs(a as number) - Math.abs(b as number)) > 0.1 ? ["|a|≠|b|"] : []), ...(awayFrom1(g as number) ? ["|g|≠1"] : [])],
  },
  "div-backward": {
    required: ["|b|<1", "|b|>1", "b<0", "b>0", "|a|≠1", "|g|≠1"],
    tags: ([a, b, g]) => [Math.abs(b as number) < 1 ? "|b|<1" : "|b|>1", `b${(b as number) < 0 ? "<" : ">"}0`, ...(awayFrom1(a as number) ? ["|a|≠1"] : []), ...(awayFrom1(g as number) ? ["|g|≠1"] : [])],
  },
  "pow-backward": {
    required: ["n>1 whole", "n<0", "n not whole", "x<1", "x>1", "|g|≠1"],
    tags: ([x, n, g]) => {
      const k = n as number;
      return [
        ...(k > 1 && Number.isInteger(k) ? ["n>1 whole"] : []), ...(k < 0 ? ["n<0"] : []), ...(!Number.isInteger(k) ? ["n not whole"] : []),
        (x as number) < 1 ? "x<1" : "x>1", ...(awayFrom1(g as number) ? ["|g|≠1"] : []),
      ];
    },
  },
  "exp-backward": unary(0),
  "log-backward": unary(1),
  "tanh-backward": unary(0),
  "sigmoid-backward": unary(0),
  "relu-backward": unary(0),
  "sin-backward": unary(0),
  "cos-backward": unary(0),
  "topological-order": { required: ["listed out of order", "a second-slot-only input listed late", "shared", "op:add", "op:mul", "op:tanh", "op:exp", "op:sin"], tags: ([nodes]) => graphTags(nodes as unknown as Node[]) },
  "grad-table": {
    required: ["op:add", "op:mul", "op:tanh", "op:exp", "op:sin", "shared", "x·x", "a node L does not depend on", "listed out of order"],
    tags: ([nodes, out]) => graphTags(nodes as unknown as Node[], out as string),
  },
  "toy-chain": {
    required: [...ACTS, "relu: every unit on", "relu: a unit off"],
    tags: ([x, , beta, omega, act]) => {
      if (act !== "relu") return [actOf(act!)];
      const [b, w] = [beta as number[], omega as number[]];
      const f = [b[0]! + w[0]! * (x as number)];
      for (let k = 1; k < 3; k++) f.push(b[k]! + w[k]! * relu(f[k - 1]!));
      return [actOf(act), f.every((v) => v > 0) ? "relu: every unit on" : "relu: a unit off"];
    },
  },
  "delta-linear-squared": { required: SHAPES, tags: ([Z]) => shape(Z as M) },
  "delta-sigmoid-squared": { required: SHAPES, tags: ([Z]) => shape(Z as M) },
  "delta-sigmoid-bce": {
    required: [...SHAPES, "y in {0, 1}", "soft y"],
    tags: ([Z, Y]) => [...shape(Z as M), (Y as M).flat().every((v) => v === 0 || v === 1) ? "y in {0, 1}" : "soft y"],
  },
  "delta-softmax-ce": {
    required: ["C=2", "C>2", "M=1", "M>1", "square", "not square"],
    tags: ([Z]) => shape(Z as M, "C").filter((t) => t !== "C=1" && t !== "C>1").concat((Z as M).length === 2 ? "C=2" : "C>2"),
  },
  "delta-recurrence": {
    required: [...ACTS, "W square", "W not square", "d_(l+1)=1", "d_(l+1)>1", "d_l=1", "d_l>1", "M=1", "M>1", "relu: z on both sides of 0"],
    tags: ([W, , z, act]) => {
      const [o, i] = [(W as M).length, (W as M)[0]!.length];
      const zs = (z as M).flat();
      return [
        actOf(act!), o === i ? "W square" : "W not square", o === 1 ? "d_(l+1)=1" : "d_(l+1)>1", i === 1 ? "d_l=1" : "d_l>1", (z as M)[0]!.length === 1 ? "M=1" : "M>1",
        ...(act === "relu" && zs.some((v) => v < 0) && zs.some((v) => v > 0) ? ["relu: z on both sides of 0"] : []),
      ];
    },
  },
  "layer-gradients": {
    required: ["d=1", "d>1", "n=1", "n>1", "M=1", "M>1", "dW square", "dW not square"],
    tags: ([delta, A]) => [...shape(delta as M).filter((t) => !t.includes("square")), ...shape(A as M, "n").filter((t) => t.startsWith("n")), (delta as M).length === (A as M).length ? "dW square" : "dW not square"],
  },
  "mlp-backward": {
    required: [...ACTS, "2 layers", "3 layers", "M=1", "M>1", "λ=0", "λ>0", "λ>0 with M≥3", "d_L=1", "d_L>1", "d_0=1", "d_0>1", "a square W", "a W not square", "relu: a unit off and a unit on"],
    tags: ([p, X, Y, act, lambda]) => {
      const { W, b } = p as { W: M[]; b: number[][] };
      const z: number[] = [];
      let a = X as M;
      for (let l = 0; l < W.length - 1; l++) {
        const zl = W[l]!.map((row, i) => a[0]!.map((_, m) => row.reduce((s, w, k) => s + w * a[k]![m]!, b[l]![i]!)));
        z.push(...zl.flat());
        a = zl.map((r) => r.map(relu));
      }
      const m = (X as M)[0]!.length;
      const l = lambda as number;
      return [
        actOf(act!), `${W.length} layers`, m === 1 ? "M=1" : "M>1", l === 0 ? "λ=0" : "λ>0", ...(l > 0 && m >= 3 ? ["λ>0 with M≥3"] : []),
        (Y as M).length === 1 ? "d_L=1" : "d_L>1", (X as M).length === 1 ? "d_0=1" : "d_0>1",
        ...W.map((w) => (w.length === w[0]!.length ? "a square W" : "a W not square")),
        ...(act === "relu" && z.some((v) => v < 0) && z.some((v) => v > 0) ? ["relu: a unit off and a unit on"] : []),
      ];
    },
  },
  "linear-layer-backward": {
    required: ["d=1", "d>1", "n=1", "n>1", "M=1", "M>1", "W square", "W not square"],
    tags: ([dZ, cache]) => {
      const { X, W } = cache as { X: M; W: M };
      return [...shape(dZ as M).filter((t) => !t.includes("square")), ...shape(X, "n").filter((t) => t.startsWith("n")), W.length === W[0]!.length ? "W square" : "W not square"];
    },
  },
  "relu-layer-backward": { required: [...SHAPES, "z on both sides of 0"], tags: ([dA, c]) => [...shape(dA as M), ...(bothSides((c as { z: M }).z, 0) ? ["z on both sides of 0"] : [])] },
  "sigmoid-layer-backward": { required: [...SHAPES, "a on both sides of ½"], tags: ([dA, c]) => [...shape(dA as M), ...(bothSides((c as { a: M }).a, 0.5) ? ["a on both sides of ½"] : [])] },
  "tanh-layer-backward": { required: [...SHAPES, "a on both sides of 0"], tags: ([dA, c]) => [...shape(dA as M), ...(bothSides((c as { a: M }).a, 0) ? ["a on both sides of 0"] : [])] },
  "softmax-ce-backward": {
    required: ["C=2", "C>2", "M=1", "M>1", "square", "not square"],
    tags: ([Z]) => shape(Z as M, "C").filter((t) => t !== "C=1" && t !== "C>1").concat((Z as M).length === 2 ? "C=2" : "C>2"),
  },
  // 09: a random graph holds every op, a node with three consumers, numbers on both sides; the last family is a deep chain
  "build-an-engine": {
    required: ["op:add", "op:addn", "op:nadd", "op:mul", "op:muln", "op:nmul", "op:pow", "op:exp", "op:tanh", "op:relu", "three consumers", "deep chain", "relu on both sides of 0"],
    tags: ([program, x]) => {
      const p = program as unknown as { inputs: number; code: [string, number, number][] };
      const tags = new Set(p.code.map((ins) => `op:${ins[0]}`));
      const uses = new Map<number, number>();
      for (const ins of p.code) for (const q of ins[0] === "nadd" || ins[0] === "nmul" ? [ins[2]] : ins[0] === "add" || ins[0] === "mul" ? [ins[1], ins[2]] : [ins[1]]) uses.set(q, (uses.get(q) ?? 0) + 1);
      if ([...uses.values()].some((u) => u >= 3)) tags.add("three consumers");
      if (p.code.length > 10_000) tags.add("deep chain");
      // the values at each relu's input, from a forward pass written here
      const v: number[] = [...(x as number[])];
      const signs = new Set<string>();
      for (const [op, a, b] of p.code) {
        const at = (k: number): number => v[k]!;
        const y = op === "add" ? at(a) + at(b) : op === "addn" ? at(a) + b : op === "nadd" ? a + at(b) : op === "mul" ? at(a) * at(b) : op === "muln" ? at(a) * b : op === "nmul" ? a * at(b)
          : op === "pow" ? at(a) ** b : op === "exp" ? Math.exp(at(a)) : op === "tanh" ? Math.tanh(at(a)) : Math.max(0, at(a));
        if (op === "relu") signs.add(at(a) > 0 ? "+" : "-");
        v.push(y);
      }
      if (signs.size === 2) tags.add("relu on both sides of 0");
      return [...tags];
    },
  },
  "gradient-checker": {
    required: ["all right", "every entry wrong", "exactly one wrong", "a kink within 2000 h", "a square matrix"],
    tags: ([program, x, analytic, h]) => {
      const p = program as unknown as { code: [string, number, number][] };
      const xs = x as number[];
      const f = (pt: number[]): number => {
        const v = [...pt];
        for (const [op, a, b] of p.code) v.push(op === "add" ? v[a]! + v[b]! : op === "addn" ? v[a]! + b : op === "muln" ? v[a]! * b : op === "pow" ? v[a]! ** b : op === "tanh" ? Math.tanh(v[a]!) : op === "relu" ? Math.max(0, v[a]!) : op === "abs" ? Math.abs(v[a]!) : NaN);
        return v[v.length - 1]!;
      };
      const numeric = xs.map((_, i) => (f(xs.map((u, j) => (j === i ? u + (h as number) : u))) - f(xs.map((u, j) => (j === i ? u - (h as number) : u)))) / (2 * (h as number)));
      const wrong = (analytic as number[]).filter((a, i) => Math.abs(a - numeric[i]!) > 1e-3 * (Math.abs(a) + Math.abs(numeric[i]!))).length;
      const tags = [wrong === 0 ? "all right" : wrong === xs.length ? "every entry wrong" : wrong === 1 ? "exactly one wrong" : "some wrong"];
      if (p.code.some(([op]) => op === "relu" || op === "abs")) tags.push("a kink within 2000 h");
      if (Number.isInteger(Math.sqrt(xs.length)) && p.code.filter(([op]) => op === "tanh").length === Math.sqrt(xs.length) && !p.code.some(([op]) => op === "abs")) tags.push("a square matrix");
      return tags;
    },
  },
  "stable-softmax-ce": {
    required: ["max |z| < 50", "e^z overflows", "e^z underflows in a whole column", "columns over 1 000 apart", "C=2", "C>2"],
    tags: ([Z]) => {
      const z = Z as M;
      const cols = z[0]!.map((_, m) => z.map((r) => r[m]!));
      const tags = [z.length === 2 ? "C=2" : "C>2"];
      const top = Math.max(...z.flat().map(Math.abs));
      if (top < 50) tags.push("max |z| < 50");
      if (z.flat().some((v) => v > 709)) tags.push("e^z overflows");
      if (cols.some((c) => Math.max(...c) < -745)) tags.push("e^z underflows in a whole column");
      const maxes = cols.map((c) => Math.max(...c));
      if (Math.max(...maxes) - Math.min(...maxes) > 1000) tags.push("columns over 1 000 apart");
      return tags;
    },
  },
  // exercise 13, your own training loop
  "momentum-step": {
    required: ["μ = 0", "0 < μ < 1", "one layer", "several layers", "velocity ≠ 0"],
    tags: ([params, velocity, , , mu]) => {
      const p = params as { W: M[] }, v = velocity as { W: M[]; b: number[][] };
      const m = mu as number;
      return [m === 0 ? "μ = 0" : m > 0 && m < 1 ? "0 < μ < 1" : "μ out of range", p.W.length === 1 ? "one layer" : "several layers", ...([...v.W.flat(2), ...v.b.flat()].some((x) => x !== 0) ? ["velocity ≠ 0"] : [])];
    },
  },
  "minibatch-order": {
    required: ["batchSize divides n", "last batch partial", "one batch per epoch", "one epoch", "several epochs"],
    tags: ([n, B, epochs]) => {
      const [nn, bb, ee] = [n as number, B as number, epochs as number];
      return [nn <= bb ? "one batch per epoch" : nn % bb === 0 ? "batchSize divides n" : "last batch partial", ee === 1 ? "one epoch" : "several epochs"];
    },
  },
  "training-loop": {
    required: ["act:relu", "act:tanh", "act:sigmoid", "μ = 0", "μ > 0", "λ = 0", "λ > 0", "last batch partial", "batchSize divides N", "two hidden layers", "150 points"],
    tags: ([net, data, options]) => {
      const o = options as { hidden: string; momentum: number; lambda: number; batchSize: number };
      const N = (data as { labels: number[] }).labels.length;
      return [actOf(o.hidden), o.momentum === 0 ? "μ = 0" : "μ > 0", o.lambda === 0 ? "λ = 0" : "λ > 0", N % o.batchSize === 0 ? "batchSize divides N" : "last batch partial",
        ...((net as { W: M[] }).W.length === 3 ? ["two hidden layers"] : []), ...(N === 150 ? ["150 points"] : [])];
    },
  },
  "initial-loss-check": {
    required: ["C=2", "C>2", ...ACTS],
    tags: ([sizes, act]) => [(sizes as number[]).at(-1) === 2 ? "C=2" : "C>2", actOf(act!)],
  },
  "overfit-small": {
    required: ["C=2", "C>2", "act:relu", "act:tanh", "20 examples"],
    tags: ([sizes, act, data]) => [(sizes as number[]).at(-1) === 2 ? "C=2" : "C>2", actOf(act!), ...((data as { labels: number[] }).labels.length === 20 ? ["20 examples"] : [])],
  },
  "init-variance": {
    required: ["ReLU", "linear", "α = 0.01", "another α in (0, 1)"],
    tags: ([, alpha]) => [alpha === 0 ? "ReLU" : alpha === 1 ? "linear" : alpha === 0.01 ? "α = 0.01" : (alpha as number) > 0 && (alpha as number) < 1 ? "another α in (0, 1)" : "out of range"],
  },
};
function bothSides(A: M, pivot: number): boolean {
  const v = A.flat();
  return v.some((x) => x < pivot) && v.some((x) => x > pivot);
}

const SEEDS = [COURSE_SEED, ...Array.from({ length: 1000 }, (_, i) => i + 1)];

describe("hidden cases cover every option of every contract, at every seed", () => {
  it("every exercise has its coverage listed here", () => {
    expect(ALL_EXERCISES.map((e) => e.id).filter((id) => !(id in COVERAGE))).toEqual([]);
  });
  it.each(ALL_EXERCISES.map((e) => [e.id, e] as const))("%s", (id, ex) => {
    const { required, tags } = COVERAGE[id]!;
    let cases = 0;
    for (const seed of SEEDS) {
      const hidden = ex.cases(seed).filter((c) => !c.visible);
      cases += hidden.length;
      const seen = new Set(hidden.flatMap((c) => tags(c.args)));
      const missing = required.filter((t) => !seen.has(t));
      if (missing.length > 0) expect.fail(`${id}, seed ${seed}: no hidden case with ${missing.join(", ")}`);
    }
    // the proof's size: seeds × required options, and how many hidden cases were read
    expect(cases).toBeGreaterThanOrEqual(SEEDS.length * 4);
    console.info(`${id}: ${SEEDS.length} seeds × ${required.length} options, ${cases} hidden cases read`);
  }, 600_000); // build-an-engine writes two 15 000-step chains per seed
});
