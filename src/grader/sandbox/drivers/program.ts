/**
 * Expression programs: a scalar computation sent as plain data, so the grader can ask a student's
 * code to build it (their own `Value` class, exercise 09) or to differentiate it (their gradient
 * checker, exercise 10) without sending code. The same text is evaluated in numbers here, by the
 * grader (its trusted forward) and by the driver in the student process (the function handed to a
 * checker). No imports: the student process loads this before any student code.
 *
 * Nodes are numbered: the inputs first (0 … inputs − 1), then one per instruction, in order; an
 * instruction names earlier nodes only, so the list is already a topological order.
 */

/** One instruction. `n` is a plain number; `a`, `b` are node numbers. */
export type Instruction =
  | ["add", number, number] // a + b
  | ["addn", number, number] // a + n (a number on the right)
  | ["nadd", number, number] // n + a (a constant on the left: new Value(n).add(a))
  | ["mul", number, number] // a · b
  | ["muln", number, number] // a · n
  | ["nmul", number, number] // n · a
  | ["pow", number, number] // a ** n (a number exponent)
  | ["exp", number]
  | ["tanh", number]
  | ["relu", number]
  | ["abs", number]; // only in functions for the checker (a kink at 0)

/** A program: how many inputs, the instructions, and which node is the output. */
export interface Program {
  inputs: number;
  code: Instruction[];
  output: number;
}

/** The op names a `Value` must have, by instruction (frozen: in the student process, student code can reach this module). */
export const METHOD: Readonly<Record<Instruction[0], string>> = Object.freeze({
  add: "add", addn: "add", nadd: "add", mul: "mul", muln: "mul", nmul: "mul", pow: "pow", exp: "exp", tanh: "tanh", relu: "relu", abs: "abs",
});

const ARITY: Record<Instruction[0], 1 | 2> = { add: 2, addn: 2, nadd: 2, mul: 2, muln: 2, nmul: 2, pow: 2, exp: 1, tanh: 1, relu: 1, abs: 1 };

/** Read a program from untrusted plain data, or throw saying what is wrong with it. */
export function readProgram(x: unknown): Program {
  if (x === null || typeof x !== "object") throw new Error("a program is an object { inputs, code, output }");
  const o = x as Record<string, unknown>;
  const inputs = o["inputs"];
  const code = o["code"];
  const output = o["output"];
  if (typeof inputs !== "number" || !Number.isInteger(inputs) || inputs < 1) throw new Error("program: inputs must be a positive integer");
  if (!Array.isArray(code)) throw new Error("program: code must be a list of instructions");
  const node = (v: unknown, below: number): number => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= below) throw new Error(`program: node ${String(v)} is not an earlier node`);
    return v;
  };
  const out: Instruction[] = [];
  code.forEach((ins: unknown, i) => {
    const here = inputs + i;
    if (!Array.isArray(ins) || typeof ins[0] !== "string" || !(ins[0] in ARITY)) throw new Error(`program: instruction ${i} is not an instruction`);
    const op = ins[0] as Instruction[0];
    if (ARITY[op] === 1) out.push([op, node(ins[1], here)] as Instruction);
    else {
      const numberFirst = op === "nadd" || op === "nmul";
      const bothNodes = op === "add" || op === "mul";
      const n = numberFirst ? ins[1] : ins[2];
      if (!bothNodes && (typeof n !== "number" || !Number.isFinite(n))) throw new Error(`program: instruction ${i} needs a finite number`);
      out.push((numberFirst ? [op, n, node(ins[2], here)] : [op, node(ins[1], here), bothNodes ? node(ins[2], here) : n]) as Instruction);
    }
  });
  return { inputs, code: out, output: node(output, inputs + out.length) };
}

/** The nodes an instruction reads (its inputs), in argument order. */
export function operands(ins: Instruction): number[] {
  switch (ins[0]) {
    case "add":
    case "mul":
      return [ins[1], ins[2]];
    case "nadd":
    case "nmul":
      return [ins[2]];
    default:
      return [ins[1]];
  }
}

/** The value of one instruction from its operands' values. */
export function apply(ins: Instruction, v: ArrayLike<number>): number {
  switch (ins[0]) {
    case "add": return v[ins[1]]! + v[ins[2]]!;
    case "addn": return v[ins[1]]! + ins[2];
    case "nadd": return ins[1] + v[ins[2]]!;
    case "mul": return v[ins[1]]! * v[ins[2]]!;
    case "muln": return v[ins[1]]! * ins[2];
    case "nmul": return ins[1] * v[ins[2]]!;
    case "pow": return v[ins[1]]! ** ins[2];
    case "exp": return Math.exp(v[ins[1]]!);
    case "tanh": return Math.tanh(v[ins[1]]!);
    case "relu": return v[ins[1]]! > 0 ? v[ins[1]]! : 0;
    case "abs": return Math.abs(v[ins[1]]!);
  }
}

/** Every node's value for these inputs (inputs first). */
export function evaluate(p: Program, x: ArrayLike<number>): Float64Array {
  const v = new Float64Array(p.inputs + p.code.length);
  for (let i = 0; i < p.inputs; i++) v[i] = x[i]!;
  for (let i = 0; i < p.code.length; i++) v[p.inputs + i] = apply(p.code[i]!, v);
  return v;
}

/** The output's value for these inputs: the function a program stands for. */
export function run(p: Program, x: ArrayLike<number>): number {
  return evaluate(p, x)[p.output]!;
}
