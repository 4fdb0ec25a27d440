/**
 * Exercise 01 (exercises/01-local-rules.ts): the local backward rule of each scalar `Value` op. The student receives the
 * op's inputs and the upstream gradient g = ∂L/∂out and returns ∂L/∂input = g · ∂out/∂input. The
 * oracle differentiates the op's forward numerically, so no solution is consulted.
 */
import type { Rng } from "../../engine/random";
import type { Exercise, Json } from "../contract";
import { defineExercise, fdVjp, type Mistake, type GradTensor } from "../judge";
import { COS, EXP, LOG, MUL, powRule, SIN } from "../../engine/rules";
import { ACTIVATIONS, fromRule } from "./activations";

const FILE = "01-local-rules.ts";
const scalar = (v: number): GradTensor => ({ shape: [], values: Float64Array.of(v) });
const num = (x: Json | undefined): number => {
  if (typeof x !== "number") throw new Error("expected a number argument");
  return x;
};

/** A magnitude kept away from 1 (and 0), so leaving a factor such as g or a out always changes the answer. */
const awayFromOne = (rng: Rng, hi = 3): number => (rng.next() < 0.5 ? rng.uniform(0.3, 0.8) : rng.uniform(1.25, hi));
/** Two magnitudes at least 0.2 apart, so swapping them always changes the answer. */
function apart(rng: Rng): [number, number] {
  for (;;) {
    const a = rng.uniform(0.2, 3), b = rng.uniform(0.2, 3);
    if (Math.abs(a - b) >= 0.2) return [a, b];
  }
}
/** The four sign patterns of two inputs. */
const SIGNS: readonly [number, number][] = [[1, 1], [1, -1], [-1, 1], [-1, -1]];
/** A uniform draw on [lo, hi], for one half of a domain. */
const on = (lo: number, hi: number) => (rng: Rng): number => rng.uniform(lo, hi);
/** ±g with a random sign. */
const signed = (rng: Rng, v: number): number => (rng.next() < 0.5 ? -v : v);

const forgotUpstream = (local: (args: number[]) => number): Mistake => ({
  id: "forgot-upstream",
  feedback: "looks like the local derivative alone: multiply by the upstream gradient (chain rule)",
  output: (args) => {
    const xs = args.map(num);
    return xs[xs.length - 1] === 1 ? null : local(xs);
  },
});

/** g·c(n)·xⁿ⁻¹ with the wrong factor c(n) in front of the lowered power. */
const powerFactor = (factor: (n: number) => number): Mistake => ({
  id: "power-factor",
  feedback: "the factor in front is the ORIGINAL exponent n: d(xⁿ)/dx = n·xⁿ⁻¹",
  output: (args) => {
    const [x, n, g] = args.map(num) as [number, number, number];
    return g * factor(n) * x ** (n - 1);
  },
});

interface UnarySpec {
  id: string;
  exportName: string;
  op: string;
  /** the op's value f and local derivative df (used only to describe the "forgot upstream" mistake), from the engine's rules */
  f: (x: number) => number;
  df: (x: number) => number;
  /** said in the description when the op has a kink where either one-sided derivative is accepted */
  kinkNote?: string;
  visible: [number, number][];
  /** a label for a visible case, when the point needs explaining (e.g. a kink) */
  note?: (x: number, g: number) => string | null;
  /** two halves of the input's domain (e.g. x < 0 and x > 0): the hidden cases take each with either sign of g */
  domains: readonly [(rng: Rng) => number, (rng: Rng) => number];
  /** the answer at points where the forward has a kink: every one-sided derivative is right */
  atKink?: (x: number, g: number) => number[] | null;
  /** the id used when the local derivative is left out ("forgot-fprime" for activations) */
  forgotId?: string;
  extra?: Mistake[];
}

function unary(s: UnarySpec): Exercise {
  return defineExercise({
    id: s.id,
    title: `Local backward rule of ${s.op}`,
    file: FILE,
    exportName: s.exportName,
    points: 1,
    description: `Given the input x of \`${s.op}\` and the upstream gradient g = ∂L/∂out, return ∂L/∂x.${s.kinkNote ? " " + s.kinkNote : ""}`,
    visible: s.visible.map(([x, g]) => ({ label: s.note?.(x, g) ?? `x=${x}, g=${g}`, args: [x, g] })),
    hidden: [0, 1].flatMap((half) => [-1, 1].map((sign) => (rng: Rng): Json[] => [s.domains[half]!(rng), sign * awayFromOne(rng)])),
    oracle: (args) => {
      const [x, g] = [num(args[0]), num(args[1])];
      const kink = s.atKink?.(x, g);
      if (kink && kink.length > 0) {
        const [first, ...rest] = kink.map((v) => ({ dx: scalar(v) }));
        return { bare: true, expected: first!, alternatives: rest };
      }
      return { bare: true, expected: { dx: fdVjp((v) => [s.f(v[0]![0]!)], [scalar(x)], 0, [g]) } };
    },
    mistakes: [
      forgotUpstream(([x]) => s.df(x!)),
      {
        id: s.forgotId ?? "forgot-local-derivative",
        feedback:
          s.forgotId === "forgot-fprime"
            ? `the upstream gradient was passed through unchanged: multiply it by the activation's derivative ${s.op}′(x)`
            : `the upstream gradient was passed through unchanged: multiply it by the local derivative of ${s.op}`,
        output: ([x, g]) => (s.df(num(x)) === 1 ? null : num(g)),
      },
      ...(s.extra ?? []),
    ],
  });
}


/** The group's exercises, in the order of the stub file. */
export const LOCAL_RULE_EXERCISES: Exercise[] = [
  defineExercise({
    id: "mul-backward",
    title: "Local backward rule of mul",
    file: FILE,
    exportName: "mulBackward",
    points: 1,
    description: "out = a·b. Given a, b and the upstream gradient g = ∂L/∂out, return { da: ∂L/∂a, db: ∂L/∂b }.",
    visible: [
      { label: "a=2, b=-3, g=1", args: [2, -3, 1] },
      { label: "a=-1.5, b=4, g=0.5", args: [-1.5, 4, 0.5] },
    ],
    hidden: SIGNS.map(([sa, sb]) => (rng: Rng): Json[] => {
      const [a, b] = apart(rng);
      return [sa * a, sb * b, signed(rng, awayFromOne(rng))];
    }),
    oracle: (args) => {
      const ins = [scalar(num(args[0])), scalar(num(args[1]))];
      const f = (v: Float64Array[]): number[] => [v[0]![0]! * v[1]![0]!];
      const g = [num(args[2])];
      return { expected: { da: fdVjp(f, ins, 0, g), db: fdVjp(f, ins, 1, g) } };
    },
    mistakes: [
      {
        id: "swapped-inputs",
        feedback: "each input's gradient uses the OTHER input: check which factor goes with da and which with db",
        output: (args) => {
          const [a, b, g] = args.map(num) as [number, number, number];
          return a === b ? null : { da: g * a, db: g * b };
        },
      },
      {
        id: "forgot-upstream",
        feedback: "looks like the local derivatives alone: multiply by the upstream gradient (chain rule)",
        output: (args) => {
          const [a, b, g] = args.map(num) as [number, number, number];
          return g === 1 ? null : { da: MUL.dx(a, b, a * b), db: MUL.dy(a, b, a * b) };
        },
      },
    ],
  }),
  defineExercise({
    id: "div-backward",
    title: "Local backward rule of div",
    file: FILE,
    exportName: "divBackward",
    points: 1,
    description: "out = a/b. Given a, b and the upstream gradient g = ∂L/∂out, return { da: ∂L/∂a, db: ∂L/∂b }.",
    visible: [
      { label: "a=3, b=2, g=1", args: [3, 2, 1] },
      // |a| ≠ 1: with a = −1, ∂/∂b without its a would be indistinguishable from a sign error
      { label: "a=-1.5, b=0.5, g=2", args: [-1.5, 0.5, 2] },
    ],
    // |b| below and above 1 (b and b² differ), with either sign; |a| away from 1 (a factor a left out shows)
    hidden: [on(0.3, 0.8), on(1.25, 3)].flatMap((bMag) => [-1, 1].map((sb) => (rng: Rng): Json[] => [signed(rng, awayFromOne(rng)), sb * bMag(rng), signed(rng, awayFromOne(rng))])),
    oracle: (args) => {
      const ins = [scalar(num(args[0])), scalar(num(args[1]))];
      const f = (v: Float64Array[]): number[] => [v[0]![0]! / v[1]![0]!];
      const g = [num(args[2])];
      return { expected: { da: fdVjp(f, ins, 0, g), db: fdVjp(f, ins, 1, g) } };
    },
    mistakes: [
      {
        id: "quotient-rule",
        feedback: "db: differentiate a·b⁻¹ with respect to b; the power of b is not 1",
        output: (args) => {
          const [a, b, g] = args.map(num) as [number, number, number];
          return { da: g / b, db: -g * a / b };
        },
      },
    ],
  }),
  defineExercise({
    id: "pow-backward",
    title: "Local backward rule of pow (constant exponent)",
    file: FILE,
    exportName: "powBackward",
    points: 1,
    description: "out = xⁿ with a constant n. Given x, n and the upstream gradient g = ∂L/∂out, return ∂L/∂x.",
    visible: [
      { label: "x=3, n=2, g=1", args: [3, 2, 1] },
      // not n = −1 (leaving the factor n out is then a sign error) and not x = 2 with n = −1 (n·xⁿ = (n − 1)·xⁿ⁻¹ there)
      { label: "x=2, n=-2, g=1.5", args: [2, -2, 1.5] },
    ],
    // a whole exponent above 1, a negative one, a fractional one, and any of them; x > 0 away from 1
    hidden: [[2, 3, 4], [-2, -3], [0.5, 1.5, 2.5], [3, -1, -0.5, 2]].map((ns, i) => (rng: Rng): Json[] => [(i % 2 === 0 ? on(0.3, 0.8) : on(1.25, 2.5))(rng), ns[rng.int(ns.length)]!, signed(rng, awayFromOne(rng))]),
    oracle: (args) => {
      const [x, n, g] = [num(args[0]), num(args[1]), num(args[2])];
      return { bare: true, expected: { dx: fdVjp((v) => [v[0]![0]! ** n], [scalar(x)], 0, [g]) } };
    },
    mistakes: [
      {
        id: "power-not-lowered",
        feedback: "the exponent of x must drop by one after differentiating",
        output: (args) => {
          const [x, n, g] = args.map(num) as [number, number, number];
          return g * n * x ** n;
        },
      },
      forgotUpstream(([x, n]) => powRule(n!).derivative(x!, powRule(n!).value(x!))),
      // the factor in front left out, or lowered together with the exponent
      powerFactor(() => 1),
      powerFactor((n) => n - 1),
    ],
  }),
  unary({ id: "exp-backward", exportName: "expBackward", op: "exp", ...fromRule(EXP), visible: [[1.5, 1], [-0.5, 2]], domains: [on(-2, -0.2), on(0.2, 2)] }),
  unary({ id: "log-backward", exportName: "logBackward", op: "log", ...fromRule(LOG), visible: [[2, 1], [0.5, -3]], domains: [on(0.2, 0.8), on(1.25, 4)] }),
  unary({
    id: "tanh-backward", exportName: "tanhBackward", op: "tanh", ...ACTIVATIONS.tanh, forgotId: "forgot-fprime",
    visible: [[0.5, 1], [-1, 2]], domains: [on(-2, -0.2), on(0.2, 2)],
    extra: [{ id: "used-a-for-z", feedback: "1 − (·)² needs tanh(x), the OUTPUT, not the input x", output: ([x, g]) => num(g) * (1 - num(x) ** 2) }],
  }),
  unary({
    id: "sigmoid-backward", exportName: "sigmoidBackward", op: "sigmoid", ...ACTIVATIONS.sigmoid, forgotId: "forgot-fprime",
    visible: [[0, 1], [1.5, -2]], domains: [on(-3, -0.2), on(0.2, 3)],
    extra: [{ id: "used-a-for-z", feedback: "s(1 − s) needs s = σ(x), the OUTPUT, not the input x", output: ([x, g]) => num(g) * num(x) * (1 - num(x)) }],
  }),
  unary({
    id: "relu-backward", exportName: "reluBackward", op: "relu", ...ACTIVATIONS.relu, forgotId: "forgot-fprime",
    kinkNote: "At x = 0 either one-sided derivative is accepted.",
    visible: [[1.5, 2], [-0.7, -3], [0, 1.5], [0.8, -2]], domains: [on(-2, -0.05), on(0.05, 2)],
    note: (x, g) => (x === 0 ? `x=0, g=${g} (the kink: relu′(0) = 0 and relu′(0) = 1 are both accepted)` : null),
    atKink: (x, g) => (x === 0 ? [0, g] : null),
    extra: [{ id: "masked-by-gradient", feedback: "relu′ depends on the input x (is x > 0?), not on the sign of the upstream gradient g", output: ([, g]) => Math.max(0, num(g)) }],
  }),
  unary({ id: "sin-backward", exportName: "sinBackward", op: "sin", ...fromRule(SIN), visible: [[0.3, 1], [2, -1.5]], domains: [on(-3, -0.3), on(0.3, 3)] }),
  unary({ id: "cos-backward", exportName: "cosBackward", op: "cos", ...fromRule(COS), visible: [[0.3, 1], [2, -1.5]], domains: [on(-3, -0.3), on(0.3, 3)] }),
];
