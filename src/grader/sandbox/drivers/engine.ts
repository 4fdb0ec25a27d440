/**
 * The trusted driver for exercise 09: it receives the student's exported `Value` class and one
 * expression program, builds the program with that class (numbers on the right as plain numbers,
 * constants on the left as `new Value(n)`), calls `backward()` on the output, and returns plain
 * data: every node's `data`, every input's `grad`, and the output's own `grad`. A call stack
 * that overflows is reported as data (the grader names the recursion), every other error is
 * rethrown so it is reported at the student's own line.
 */
import { METHOD, readProgram, type Instruction } from "./program";

/** What the driver reports; non-numbers come back as null. */
export type EngineReport =
  | { forward: (number | null)[]; grads: (number | null)[]; outputGrad: number | null }
  | { output: number | null; grads: (number | null)[]; outputGrad: number | null }
  | { overflow: "building the graph" | "backward()" };

/** Graphs up to this many nodes report every node's data. */
export const FORWARD_NODES = 2000;

const isOverflow = (e: unknown): boolean => e instanceof RangeError && /call stack/i.test(String(e.message));
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** Call method `name` of a student's node, saying so clearly when the class has no such method. */
function method(node: unknown, name: string, ...args: unknown[]): unknown {
  const f = node !== null && (typeof node === "object" || typeof node === "function") ? (node as Record<string, unknown>)[name] : undefined;
  if (typeof f !== "function") throw new TypeError(`a Value has no method ${name}() (the contract: add, mul, pow, exp, tanh, relu, backward)`);
  return Reflect.apply(f, node, args);
}

function build(V: new (data: number) => unknown, ins: Instruction, nodes: unknown[]): unknown {
  const name = METHOD[ins[0]];
  switch (ins[0]) {
    case "add":
    case "mul":
      return method(nodes[ins[1]], name, nodes[ins[2]]);
    case "addn":
    case "muln":
    case "pow":
      return method(nodes[ins[1]], name, ins[2]);
    case "nadd":
    case "nmul":
      return method(new V(ins[1]), name, nodes[ins[2]]);
    default:
      return method(nodes[ins[1]], name);
  }
}

/** Build `args[0]` (a program) on the inputs `args[1]` with the class `V`, run backward, report. */
export function driveEngine(V: unknown, args: unknown[]): EngineReport {
  if (typeof V !== "function") throw new TypeError("the export `Value` must be a class");
  const program = readProgram(args[0]);
  const x = args[1];
  if (!Array.isArray(x) || x.length !== program.inputs) throw new Error(`the driver needs ${program.inputs} input values`);
  const Cls = V as new (data: number) => unknown;
  const nodes: unknown[] = [];
  try {
    for (let i = 0; i < program.inputs; i++) nodes.push(new Cls(x[i] as number));
    for (const ins of program.code) nodes.push(build(Cls, ins, nodes));
  } catch (e) {
    if (isOverflow(e)) return { overflow: "building the graph" };
    throw e;
  }
  const out = nodes[program.output];
  try {
    method(out, "backward");
  } catch (e) {
    if (isOverflow(e)) return { overflow: "backward()" };
    throw e;
  }
  const field = (n: unknown, k: "data" | "grad"): number | null => (n !== null && typeof n === "object" ? num((n as Record<string, unknown>)[k]) : null);
  const grads = nodes.slice(0, program.inputs).map((n) => field(n, "grad"));
  // every node's data for a graph one can read; for a deep chain only the output's (its every step feeds it)
  if (nodes.length > FORWARD_NODES) return { output: field(out, "data"), grads, outputGrad: field(out, "grad") };
  return { forward: nodes.map((n) => field(n, "data")), grads, outputGrad: field(out, "grad") };
}
