/**
 * Exercise 09: the student's own `Value` class, driven from the trusted side. A case is an
 * expression program (sandbox/drivers/program.ts) and its inputs; the driver in the student
 * process builds it with the student's class and reports every node's data and the inputs' grads.
 * The oracle is the program evaluated here and differentiated by central differences. When the
 * gradients are wrong, the classic slips are simulated on the same program (a small engine
 * with one thing changed: `=` for `+=`, an order that is not topological, no seed, one op's local
 * rule) and the one that reproduces the answer is named.
 */
import { numericGradient } from "../../engine/gradcheck";
import { Rng } from "../../engine/random";
import type { CaseVerdict, Exercise, GradeCase, Json } from "../contract";
import { agrees, worstRelError } from "../judge";
import { apply, evaluate, operands, readProgram, type Instruction, type Program } from "../sandbox/drivers/program";

const ID = "build-an-engine";
type Op = Instruction[0];

// ---- the engine's slips, simulated ------------------------------------------------------------------
type RuleSlip = "one-side" | "swapped" | "not-lowered" | "no-k" | "forgot" | "input" | "not-squared" | "no-mask" | "output" | "no-upstream";
interface Slip {
  /** "=": a contribution replaces the grad instead of adding to it */
  assign?: boolean;
  /** the order nodes are processed in (default: reverse topological) */
  order?: "dfs-args" | "dfs-reversed" | "stack-preorder" | "queue" | "forward";
  noSeed?: boolean;
  rule?: { ops: Op[]; slip: RuleSlip };
}

/** Each operand of instruction `ins` with its local derivative, under an optional rule slip. */
function locals(ins: Instruction, v: Float64Array, out: number, slip: RuleSlip | undefined): [number, number][] {
  const a = ins[0] === "nadd" || ins[0] === "nmul" ? ins[2] : ins[1];
  const x = v[a]!;
  switch (ins[0]) {
    case "add":
      return slip === "one-side" ? [[ins[1], 1], [ins[2], 0]] : [[ins[1], 1], [ins[2], 1]];
    case "addn":
    case "nadd":
      return [[a, 1]];
    case "mul": {
      const [p, q] = [v[ins[1]]!, v[ins[2]]!];
      return slip === "swapped" ? [[ins[1], p], [ins[2], q]] : [[ins[1], q], [ins[2], p]];
    }
    case "muln":
    case "nmul": {
      const n = ins[0] === "muln" ? ins[2] : ins[1];
      return [[a, slip === "swapped" ? x : n]];
    }
    case "pow": {
      const k = ins[2];
      return [[a, slip === "not-lowered" ? k * x ** k : slip === "no-k" ? x ** (k - 1) : k * x ** (k - 1)]];
    }
    case "exp":
      return [[a, slip === "forgot" ? 1 : slip === "input" ? x : out]];
    case "tanh":
      return [[a, slip === "input" ? 1 - x * x : slip === "not-squared" ? 1 - out : 1 - out * out]];
    case "relu":
      return [[a, slip === "no-mask" ? 1 : slip === "output" ? out : x > 0 ? 1 : 0]];
    case "abs":
      return [[a, Math.sign(x)]];
  }
}

/** The order in which a slip processes the nodes that feed the output. */
function visitOrder(p: Program, order: Slip["order"]): number[] {
  const n = p.inputs + p.code.length;
  const parents = (i: number): number[] => (i < p.inputs ? [] : operands(p.code[i - p.inputs]!));
  if (order === undefined || order === "forward") {
    const reach = new Uint8Array(n);
    reach[p.output] = 1;
    for (let i = p.output; i >= p.inputs; i--) if (reach[i]) for (const q of parents(i)) reach[q] = 1;
    const up: number[] = [];
    for (let i = 0; i <= p.output; i++) if (reach[i]) up.push(i);
    return order === "forward" ? up : up.reverse();
  }
  if (order === "dfs-args" || order === "dfs-reversed") {
    // depth-first postorder from the output (a valid topological order), processed in reverse
    const post: number[] = [];
    const seen = new Uint8Array(n);
    const stack: [number, number][] = [[p.output, 0]];
    seen[p.output] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const ps = parents(top[0]);
      if (order === "dfs-reversed") ps.reverse();
      if (top[1] < ps.length) {
        const q = ps[top[1]++]!;
        if (!seen[q]) {
          seen[q] = 1;
          stack.push([q, 0]);
        }
      } else post.push(stack.pop()![0]);
    }
    return post.reverse();
  }
  // no topological sort: walk from the output, processing each node the first time it is taken
  const done = new Uint8Array(n);
  const out: number[] = [];
  const pending = [p.output];
  let head = 0;
  while (order === "queue" ? head < pending.length : pending.length > 0) {
    const i = order === "queue" ? pending[head++]! : pending.pop()!;
    if (done[i]) continue;
    done[i] = 1;
    out.push(i);
    for (const q of parents(i)) pending.push(q);
  }
  return out;
}

/** The inputs' grads that an engine with `slip` computes for program `p` at `x`. */
export function simulateEngine(p: Program, x: ArrayLike<number>, slip: Slip = {}): number[] {
  const v = evaluate(p, x);
  const grad = new Float64Array(v.length);
  grad[p.output] = slip.noSeed ? 0 : 1;
  for (const i of visitOrder(p, slip.order)) {
    if (i < p.inputs) continue;
    const ins = p.code[i - p.inputs]!;
    const rule = slip.rule && slip.rule.ops.includes(ins[0]) ? slip.rule.slip : undefined;
    const g = grad[i]!;
    for (const [q, d] of locals(ins, v, v[i]!, rule)) {
      const c = rule === "no-upstream" ? d : d * g;
      grad[q] = slip.assign ? c : grad[q]! + c;
    }
  }
  return Array.from(grad.subarray(0, p.inputs));
}

interface Model {
  id: string;
  feedback: string;
  slip: Slip;
}
const TOPO_HINT = "notebook 01 section 4 (algorithm 6.2)";
const RULES: [Op[], RuleSlip, string][] = [
  [["add"], "one-side", "add must send the upstream gradient to BOTH of its inputs"],
  [["mul", "muln", "nmul"], "swapped", "each input of mul receives the upstream gradient times the OTHER input's data"],
  [["pow"], "not-lowered", "in pow's derivative the exponent goes down by one"],
  [["pow"], "no-k", "pow's derivative keeps the exponent k as a factor"],
  [["exp"], "forgot", "exp's local derivative is missing: the gradient passed through unchanged"],
  [["exp"], "input", "the derivative of e^x is e^x (the output), not x"],
  [["tanh"], "input", "1 − t² needs the OUTPUT t = tanh(x), not the input x"],
  [["tanh"], "not-squared", "tanh's derivative 1 − t² has a square"],
  [["relu"], "no-mask", "relu passes the gradient only where its input was positive"],
  [["relu"], "output", "relu's local derivative is 0 or 1, not the output's value"],
];
const OP_NAMES: [Op[], string][] = [[["add", "addn", "nadd"], "add"], [["mul", "muln", "nmul"], "mul"], [["pow"], "pow"], [["exp"], "exp"], [["tanh"], "tanh"], [["relu"], "relu"]];

const MODELS: Model[] = [
  { id: "output-not-seeded", feedback: "every gradient is 0: backward() must start by setting the output's own grad to 1 (∂out/∂out)", slip: { noSeed: true } },
  ...(["dfs-args", "dfs-reversed", undefined] as const).map((order) => ({
    id: "grad-overwritten",
    feedback: "a node used more than once keeps only one use's contribution: each backward step must ADD to its inputs' grads (+=), not assign (=)",
    slip: { assign: true, ...(order ? { order } : {}) },
  })),
  ...(["queue", "stack-preorder", "forward"] as const).map((order) => ({
    id: "not-topological",
    feedback: `nodes were processed before all of their consumers had sent their contributions: walk the nodes in REVERSE topological order (${TOPO_HINT})`,
    slip: { order },
  })),
  ...RULES.map(([ops, slip, why]) => ({ id: "wrong-local-rule", feedback: `the local rule of ${ops[0]} is wrong: ${why}`, slip: { rule: { ops, slip } } })),
  ...OP_NAMES.map(([ops, name]) => ({
    id: "wrong-local-rule",
    feedback: `the local rule of ${name} is wrong: its local derivative must be multiplied by the upstream gradient (the output's grad)`,
    slip: { rule: { ops, slip: "no-upstream" as const } },
  })),
];

// ---- programs ---------------------------------------------------------------------------------------
const UNARY: Op[] = ["pow", "exp", "tanh", "relu"];
const ALL_OPS: Op[] = ["add", "addn", "nadd", "mul", "muln", "nmul", ...UNARY];
const POWERS = [2, 3, -1, 0.5, 1.5, -0.5];

/** Is this new node's value safe for central differences and float64 (no kink or pole nearby)? */
function safe(ins: Instruction, v: number[]): number | null {
  const a = ins[0] === "nadd" || ins[0] === "nmul" ? ins[2] : ins[1];
  const x = v[a]!;
  if (ins[0] === "relu" && Math.abs(x) < 0.05) return null;
  if (ins[0] === "pow" && (ins[2] % 1 !== 0 ? x < 0.1 : ins[2] < 0 ? Math.abs(x) < 0.3 : false)) return null;
  if (ins[0] === "exp" && x > 2.5) return null;
  const y = apply(ins, Float64Array.from(v));
  return Number.isFinite(y) && Math.abs(y) < 20 ? y : null;
}

/**
 * A random graph: `inputs` leaves, every op at least once, operands drawn mostly from recent
 * nodes but often from nodes already used (shared nodes, sometimes both operands the same), and
 * the loose ends summed into one output so every node matters.
 */
export function randomProgram(rng: Rng, inputs: number, ops: number): { program: Program; x: number[] } {
  for (;;) {
    const x = Array.from({ length: inputs }, () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.3, 1.5));
    const v = [...x];
    const code: Instruction[] = [];
    const used = new Array<number>(inputs).fill(0);
    const pick = (): number => {
      const n = v.length;
      if (rng.next() < 0.35) {
        const reused = used.flatMap((u, i) => (u > 0 ? [i] : []));
        if (reused.length) return reused[rng.int(reused.length)]!;
      }
      return Math.max(0, n - 1 - rng.int(Math.min(n, 5)));
    };
    const order = [...ALL_OPS];
    rng.shuffle(order);
    let attempts = 0;
    while (code.length < ops && attempts++ < ops * 50) {
      const op = code.length < order.length ? order[code.length]! : ALL_OPS[rng.int(ALL_OPS.length)]!;
      const a = pick();
      const c = rng.uniform(-2, 2);
      const ins: Instruction =
        op === "add" || op === "mul" ? [op, a, rng.next() < 0.1 ? a : pick()]
        : op === "addn" || op === "muln" ? [op, a, Math.round(c * 100) / 100 || 0.5]
        : op === "nadd" || op === "nmul" ? [op, Math.round(c * 100) / 100 || 0.5, a]
        : op === "pow" ? ["pow", a, POWERS[rng.int(POWERS.length)]!]
        : [op, a];
      const y = safe(ins, v);
      if (y === null) continue;
      code.push(ins);
      v.push(y);
      used.push(0);
      for (const q of operands(ins)) used[q]!++;
    }
    if (code.length < ops) continue;
    // relu on both sides of its kink in every graph: a gradient that passes, and one that stops
    const reluSigns = new Set(code.flatMap((ins) => (ins[0] === "relu" ? [v[ins[1]]! > 0] : [])));
    if (reluSigns.size < 2) continue;
    // sum the loose ends (nodes nobody consumes) into the output
    let out = v.length - 1;
    for (let i = 0; i < v.length - 1; i++) {
      if (used[i] !== 0) continue;
      code.push(["add", out, i]);
      v.push(v[out]! + v[i]!);
      used[out]!++;
      used[i]!++;
      used.push(0);
      out = v.length - 1;
    }
    const program = { inputs, code, output: out };
    if (Math.abs(v[out]!) < 1e3) return { program, x };
  }
}

/**
 * A chain `depth` steps deep from input 0: mostly one node per step (× a factor near 1, + a small
 * number), with a shared node every 25 steps (v + 0.0005·tanh(v): v is used twice) and input 1
 * added in every 25 steps (one leaf with thousands of consumers).
 */
export function deepChain(rng: Rng, depth: number): { program: Program; x: number[] } {
  const code: Instruction[] = [];
  let v = 0;
  const push = (ins: Instruction): number => {
    code.push(ins);
    return 2 + code.length - 1;
  };
  for (let s = 0; s < depth; s++) {
    if (s % 25 === 0) {
      const t = push(["tanh", v]);
      const u = push(["muln", t, 0.0005]);
      v = push(["add", v, u]);
    } else if (s % 25 === 12) {
      const w = push(["muln", 1, 1e-4]);
      v = push(["add", v, w]);
    } else {
      const u = rng.next();
      // u < 0.5: a factor in [0.9965, 1.0035); otherwise a term in [−0.02, 0.02), both in steps of 1e-6
      v = u < 0.5 ? push(["muln", v, 0.9965 + Math.floor(u * 14_000) / 1e6]) : push(["addn", v, Math.floor((u - 0.5) * 80_000) / 1e6 - 0.02]);
    }
  }
  return { program: { inputs: 2, code, output: v }, x: [rng.uniform(0.2, 1), rng.uniform(-1, 1)] };
}

/** Steps of the deep chains: deep enough that a recursive walk overflows any default stack. */
export const CHAIN_DEPTH = 15_000;

const program = (code: Instruction[], inputs: number): Program => ({ inputs, code, output: inputs + code.length - 1 });
const VISIBLE: { label: string; program: Program; x: number[] }[] = [
  {
    label: "one of each operation",
    x: [0.8, -1.3, 0.5],
    program: program([
      ["mul", 0, 1], ["add", 3, 2], ["tanh", 4], ["pow", 0, 3], ["exp", 2], ["relu", 1], ["relu", 7], ["muln", 5, 2], ["addn", 6, -1],
      ["nmul", 3, 9], ["nadd", 1, 8], ["add", 10, 11], ["add", 14, 12], ["mul", 15, 13],
    ], 3),
  },
  {
    label: "a node used by three consumers, and x·x",
    x: [0.6, -0.9],
    program: program([["mul", 0, 0], ["add", 0, 1], ["tanh", 0], ["add", 2, 3], ["mul", 5, 4], ["add", 6, 3]], 2),
  },
  {
    label: "numbers on either side",
    x: [1.7],
    program: program([["addn", 0, 3], ["nmul", 2, 0], ["muln", 0, 0.5], ["pow", 0, -1], ["pow", 0, 0.5], ["nadd", -2, 0], ["mul", 1, 2], ["add", 7, 3], ["add", 8, 4], ["mul", 9, 5], ["add", 10, 6]], 1),
  },
];

/** The visible deep chain, the same for every seed (made once). */
let visibleChain: Json[] | undefined;
/** The cases of the last few seeds: a deep chain takes a while to write out, and a class uses one seed. */
const casesBySeed = new Map<number, GradeCase[]>();

// ---- judging ----------------------------------------------------------------------------------------
const numbers = (x: unknown, n: number): number[] | null => (Array.isArray(x) && x.length === n && x.every((v) => typeof v === "number") ? (x as number[]) : null);
/** Equal within `tol`, with NaN and ±Infinity equal only to themselves (an overflow a slip reproduces). */
const same = (got: number[], want: number[], tol: number): boolean =>
  got.length === want.length && got.every((g, i) => (Number.isFinite(g) && Number.isFinite(want[i]!) ? agrees([g], [want[i]!], tol) : Object.is(g, want[i])));
const nameOf = (ins: Instruction): string => OP_NAMES.find(([ops]) => ops.includes(ins[0]))?.[1] ?? ins[0];

function judgeEngine(c: GradeCase, output: unknown): CaseVerdict {
  const p = readProgram(c.args[0]);
  const x = c.args[1] as number[];
  const depth = p.code.length;
  if (output !== null && typeof output === "object" && "overflow" in output)
    return {
      score: 0,
      diagnosis: "recursion-overflow",
      feedback: `${String((output as { overflow: unknown }).overflow)} overflowed the call stack on a graph of ${depth + p.inputs} nodes: a recursive walk needs one stack frame per level of the graph; build the topological order with a loop and a stack (an array) of your own`,
    };
  const o = (output ?? {}) as Record<string, unknown>;
  const want = evaluate(p, x);
  // a deep chain reports only its output's data (sandbox/drivers/engine.ts)
  const forward = "output" in o ? (typeof o["output"] === "number" ? [o["output"]] : null) : numbers(o["forward"], want.length);
  const wantForward = "output" in o ? [want[p.output]!] : Array.from(want);
  const grads = numbers(o["grads"], p.inputs);
  const notes: string[] = [];
  let fwdOk = false;
  if (!forward) notes.push("some node's data is not a number");
  else {
    const bad = forward.findIndex((v, i) => !Number.isFinite(v) || !agrees([v], [wantForward[i]!]));
    if (bad < 0) fwdOk = true;
    else if (wantForward.length === 1) notes.push("the output's data is wrong");
    else notes.push(`the forward value of ${bad < p.inputs ? `input ${bad} (a leaf keeps the number it was made with)` : `${nameOf(p.code[bad - p.inputs]!)} (node ${bad})`} is wrong`);
  }
  const oracle = numericGradient((v) => evaluate(p, v)[p.output]!, x);
  let gradOk = 0;
  let diagnosis: string | undefined;
  let relError: number | undefined;
  const seeded = o["outputGrad"] === 1;
  if (!grads) notes.push("some input's grad is not a number");
  else {
    gradOk = oracle.reduce((s, w, i) => s + (Number.isFinite(grads[i]) && agrees([grads[i]!], [w]) ? 1 : 0), 0) / p.inputs;
    const finite = grads.every((g) => Number.isFinite(g));
    if (finite) relError = worstRelError(grads, oracle);
    if (gradOk < 1) {
      const right = simulateEngine(p, x);
      const named = MODELS.find((m) => {
        if (m.slip.noSeed && seeded) return false; // the output's own grad is 1: it was seeded
        const g = simulateEngine(p, x, m.slip);
        return !same(g, right, 1e-4) && same(grads, g, 1e-6);
      });
      if (named) {
        diagnosis = named.id;
        notes.unshift(named.feedback);
      }
      notes.push(finite ? `the inputs' grads are wrong (worst relative error ${relError!.toExponential(1)})` : "some input's grad is NaN or Infinity");
    }
  }
  const score = (fwdOk ? 0.25 : 0) + 0.75 * gradOk;
  if (score === 1) return { score, feedback: "correct", ...(relError !== undefined ? { relError } : {}) };
  return { score, feedback: notes.join("; "), ...(relError !== undefined ? { relError } : {}), ...(diagnosis ? { diagnosis } : {}) };
}

const args = (g: { program: Program; x: number[] }): Json[] => [g.program as unknown as Json, g.x];

const engine: Exercise = {
  id: ID,
  title: "Build your own autograd engine",
  file: "09-build-an-engine.ts",
  exportName: "Value",
  points: 4,
  driver: "value-engine",
  // the deep chains build 17 000 of the student's objects: more work than a rule's case
  caseTimeoutMs: 8_000,
  description:
    "A class Value: new Value(data) with grad 0; add and mul (a Value or a number), pow(k: number), exp, tanh, relu, each returning a new Value; backward() fills every node's grad with ∂out/∂node, summing over a node's uses, in reverse topological order, without recursion (a chain 15 000 steps deep).",
  cases(seed: number): GradeCase[] {
    // cases are read-only for every caller (the grader sends copies; the inline check clones the arguments)
    const known = casesBySeed.get(seed);
    if (known) return known.map((c) => ({ ...c }));
    const out: GradeCase[] = VISIBLE.map((v, i) => ({ name: `visible ${i + 1}: ${v.label}`, visible: true, args: args(v) }));
    visibleChain ??= args(deepChain(new Rng(0).fork(`${ID}/chain`), CHAIN_DEPTH));
    out.push({ name: `visible 4: a chain ${CHAIN_DEPTH} steps deep`, visible: true, args: visibleChain });
    const r = new Rng(seed).fork(ID);
    for (let i = 0; i < 4; i++) out.push({ name: `hidden ${i + 1}`, visible: false, args: args(randomProgram(r, 2 + r.int(3), 18 + r.int(20))) });
    out.push({ name: "hidden 5: a deep chain", visible: false, args: args(deepChain(r, CHAIN_DEPTH)) });
    if (casesBySeed.size >= 4) casesBySeed.delete(casesBySeed.keys().next().value!);
    casesBySeed.set(seed, out);
    return out.map((c) => ({ ...c }));
  },
  judge: judgeEngine,
};

/** Exercise 09. */
export const ENGINE_EXERCISES: Exercise[] = [engine];
