/**
 * Exercise 02 (exercises/02-graph-backward.ts): backward over a computational graph given as plain data, as in the
 * grad_table algorithm (001, algorithm 6.2): order the nodes so every node comes after its
 * inputs, then fill ∂L/∂node from the output down, summing over every consumer of a shared node.
 */
import type { Rng } from "../../engine/random";
import type { CaseVerdict, Exercise, GradeCase, Json } from "../contract";
import { ADD, EXP, MUL, SIN, TANH, type BinaryRule, type UnaryRule } from "../../engine/rules";
import { defineExercise, fdVjp, isRecord, type GradTensor } from "../judge";

/** One node of a graph as the student receives it (a type alias, not an interface, so a graph is Json as it stands). */
export type GraphNode = {
  id: string;
  op: "input" | "add" | "mul" | "tanh" | "exp" | "sin";
  inputs: string[];
  value?: number;
};

const FILE = "02-graph-backward.ts";
/** Each op's value and local derivatives: the engine's rules. */
const RULES: Record<Exclude<GraphNode["op"], "input">, BinaryRule | UnaryRule> = { add: ADD, mul: MUL, tanh: TANH, exp: EXP, sin: SIN };
const valueOf = (r: BinaryRule | UnaryRule, xs: number[]): number => (r.arity === 2 ? r.value(xs[0]!, xs[1]!) : r.value(xs[0]!));
/** [∂out/∂input k] for each input, given the inputs and the output. */
const localDerivatives = (r: BinaryRule | UnaryRule, xs: number[], out: number): number[] =>
  r.arity === 2 ? [r.dx(xs[0]!, xs[1]!, out), r.dy(xs[0]!, xs[1]!, out)] : [r.derivative(xs[0]!, out)];

const isGraphNode = (x: Json): x is GraphNode =>
  isRecord(x) && typeof x.id === "string" && typeof x.op === "string" && (x.op === "input" || Object.hasOwn(RULES, x.op)) &&
  Array.isArray(x.inputs) && x.inputs.every((i) => typeof i === "string") && (x.value === undefined || typeof x.value === "number");

function readGraph(x: Json | undefined): GraphNode[] {
  if (!Array.isArray(x) || !x.every(isGraphNode)) throw new Error("graph is not a list of nodes");
  return x;
}

/** Look nodes up by id; an id the graph does not have is an error naming it. */
function nodeLookup(nodes: GraphNode[]): (id: string) => GraphNode {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return (id) => {
    const n = byId.get(id);
    if (!n) throw new Error(`unknown node ${id}`);
    return n;
  };
}

/** The position of each id in a listing; an id not in it is an error naming it. */
function positionLookup(ids: string[]): (id: string) => number {
  const pos = new Map(ids.map((id, i) => [id, i]));
  return (id) => {
    const p = pos.get(id);
    if (p === undefined) throw new Error(`unknown node ${id}`);
    return p;
  };
}

/** Trusted forward: evaluate every node; `override` pins chosen nodes to given values. */
function evaluate(nodes: GraphNode[], override: Map<string, number>): Map<string, number> {
  const node = nodeLookup(nodes);
  const val = new Map<string, number>();
  const visit = (id: string): number => {
    const o = override.get(id);
    if (o !== undefined) return o;
    const known = val.get(id);
    if (known !== undefined) return known;
    const n = node(id);
    const v = n.op === "input" ? (n.value ?? 0) : valueOf(RULES[n.op], n.inputs.map(visit));
    val.set(id, v);
    return v;
  };
  for (const n of nodes) val.set(n.id, visit(n.id));
  return val;
}

/** The classic shared-input example: L = (x·y + x) · tanh(x), x appears three times. */
const VISIBLE: GraphNode[] = [
  { id: "L", op: "mul", inputs: ["b", "t"] },
  { id: "t", op: "tanh", inputs: ["x"] },
  { id: "x", op: "input", inputs: [], value: 0.5 },
  { id: "b", op: "add", inputs: ["a", "x"] },
  { id: "y", op: "input", inputs: [], value: -3 },
  { id: "a", op: "mul", inputs: ["x", "y"] },
];

/** What a hidden graph must contain besides every op and a node shared by two consumers. */
interface GraphFamily {
  /** a mul whose two inputs are the same node (x·x: both slots contribute) */
  square?: boolean;
  /** an input that L does not depend on (its entry is 0, and it must still be there) */
  deadInput?: boolean;
}
const OP_KINDS = ["add", "mul", "tanh", "exp", "sin"] as const;

/**
 * Does a listing put some node before its second input, an input node off the chain of first
 * inputs? Hidden graphs are listed that way, so neither "the order given" nor a walk that follows
 * only first inputs is a valid order.
 */
const secondInputLate = (nodes: GraphNode[], offChain: string[]): boolean => {
  const pos = positionLookup(nodes.map((n) => n.id));
  return nodes.some((n, i) => {
    const second = n.inputs[1];
    return n.inputs.length === 2 && second !== undefined && offChain.includes(second) && pos(second) > i;
  });
};

/**
 * A graph with every op at least once (in a random order, plus up to two more), each op taking the
 * previous node as its first input so every op lies on the way to L, and binary ops taking an
 * earlier node as the second, so nodes are shared. Values stay moderate and away from zero, so
 * every local rule changes the answer; the listing is shuffled out of topological order.
 */
function familyGraph(rng: Rng, fam: GraphFamily): { nodes: GraphNode[]; output: string } {
  for (;;) {
    const nodes: GraphNode[] = [];
    const nIn = 2 + rng.int(2);
    for (let i = 0; i < nIn; i++) nodes.push({ id: `x${i}`, op: "input", inputs: [], value: Math.round((0.2 + rng.uniform(0, 1.3)) * (rng.next() < 0.5 ? -100 : 100)) / 100 });
    const live = nodes.length;
    if (fam.deadInput) nodes.push({ id: `x${nIn}`, op: "input", inputs: [], value: Math.round(rng.uniform(-1.5, 1.5) * 100) / 100 });
    const kinds: GraphNode["op"][] = rng.shuffle([...OP_KINDS, ...Array.from({ length: rng.int(3) }, () => OP_KINDS[rng.int(OP_KINDS.length)]!)]);
    let squared = !fam.square;
    const used = nodes.slice(0, live).map((n) => n.id); // every node but the dead input, in order
    // the inputs off the chain of first inputs: one of them is some binary op's second input
    const offChain = used.slice(0, live - 1);
    let reached: string | null = null;
    kinds.forEach((op, i) => {
      const prev = used[used.length - 1]!;
      let second = used[rng.int(used.length - 1)]!; // any node before the previous one
      if (!squared && op === "mul") [second, squared] = [prev, true];
      else if (reached === null && (op === "add" || op === "mul")) second = reached = offChain[rng.int(offChain.length)]!;
      nodes.push({ id: `n${i}`, op, inputs: op === "add" || op === "mul" ? [prev, second] : [prev] });
      used.push(`n${i}`);
    });
    if (!squared || reached === null) continue;
    const consumers = new Map<string, Set<string>>();
    for (const n of nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? new Set()).add(n.id));
    if (![...consumers.values()].some((c) => c.size >= 2)) continue;
    const vals = evaluate(nodes, new Map());
    const expIn = nodes.filter((n) => n.op === "exp").map((n) => vals.get(n.inputs[0]!)!);
    if ([...vals.values()].some((v) => Math.abs(v) < 0.05 || Math.abs(v) > 10) || expIn.some((v) => v > 2)) continue;
    const output = nodes[nodes.length - 1]!.id;
    let listed = rng.shuffle([...nodes]);
    while (!secondInputLate(listed, offChain)) listed = rng.shuffle(listed);
    return { nodes: listed, output };
  }
}

const gradTable = defineExercise({
  id: "grad-table",
  title: "Backward over a graph with shared nodes (grad_table)",
  file: FILE,
  exportName: "gradTable",
  points: 2,
  description:
    "Given the nodes of a graph (in any order, shared nodes allowed) and the id of the output L, return { [id]: ∂L/∂node } for EVERY node, L itself included.",
  visible: [{ label: "L = (x·y + x)·tanh(x), x = 0.5, y = −3", args: [VISIBLE, "L"] }],
  hidden: [{ square: true }, { deadInput: true }, {}, {}].map((fam) => (rng: Rng): Json[] => {
    const g = familyGraph(rng, fam);
    return [g.nodes, g.output];
  }),
  oracle: (args) => {
    const nodes = readGraph(args[0]);
    const out = String(args[1]);
    const base = evaluate(nodes, new Map());
    const expected: Record<string, GradTensor> = {};
    for (const n of nodes) {
      const x: GradTensor = { shape: [], values: Float64Array.of(base.get(n.id)!) };
      expected[n.id] = fdVjp((ins) => [evaluate(nodes, new Map([[n.id, ins[0]![0]!]])).get(out)!], [x], 0, [1]);
    }
    return { expected };
  },
  mistakes: [
    {
      id: "shared-node-overwritten",
      feedback: "a node used by several consumers must ADD their contributions (+=), not keep only one of them",
      output: (args) => overwritten(readGraph(args[0]), String(args[1])),
    },
  ],
});

/** grad_table filled with `=` instead of `+=`: what a shared node gets when contributions overwrite. */
function overwritten(nodes: GraphNode[], output: string): Json {
  const node = nodeLookup(nodes);
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    node(id).inputs.forEach(visit);
    order.push(id);
  };
  nodes.forEach((n) => visit(n.id));
  const v = evaluate(nodes, new Map());
  const g: Record<string, number> = {};
  for (const id of order) g[id] = 0;
  g[output] = 1;
  for (const id of [...order].reverse()) {
    const n = node(id);
    const u = g[id]!;
    const x = n.inputs.map((i) => v.get(i)!);
    const local = n.op === "input" ? [] : localDerivatives(RULES[n.op], x, v.get(id)!);
    n.inputs.forEach((i, k) => (g[i] = u * local[k]!));
  }
  return g;
}

/** Check an ordering: a permutation of the ids in which every node follows all of its inputs. */
function judgeOrder(c: GradeCase, output: unknown): CaseVerdict {
  const nodes = readGraph(c.args[0]);
  if (!Array.isArray(output) || !output.every((v): v is string => typeof v === "string")) {
    return { score: 0, feedback: "return an array of node ids (strings)" };
  }
  const ids = output;
  const known = new Set(nodes.map((n) => n.id));
  if (ids.length !== nodes.length || new Set(ids).size !== ids.length || !ids.every((i) => known.has(i))) {
    return { score: 0, feedback: `return every node id exactly once (${nodes.length} nodes, got ${ids.length} ids)` };
  }
  const pos = positionLookup(ids);
  const bad = nodes.filter((n) => n.inputs.some((i) => pos(i) > pos(n.id)));
  if (bad.length === 0) return { score: 1, feedback: "correct" };
  const reversed = nodes.every((n) => n.inputs.every((i) => pos(i) > pos(n.id)));
  if (reversed) return { score: 0, feedback: "this is the backward (reverse) order; the forward order puts inputs first", diagnosis: "reversed-order" };
  return { score: 0, feedback: `node ${bad[0]!.id} comes before one of its inputs` };
}

const topo: Exercise = {
  id: "topological-order",
  title: "Topological order of a graph",
  file: FILE,
  exportName: "topologicalOrder",
  points: 1,
  description: "Given the nodes of a graph in any order, return their ids so that every node comes after all of its inputs (any valid order scores full marks).",
  cases(seed: number): GradeCase[] {
    const out: GradeCase[] = [{ name: "visible 1: L = (x·y + x)·tanh(x)", visible: true, args: [VISIBLE] }];
    for (const [i, c] of gradTable.cases(seed).filter((g) => !g.visible).entries()) out.push({ name: `hidden ${i + 1}`, visible: false, args: [c.args[0]!] });
    return out;
  },
  judge: judgeOrder,
};

/** Exercise 02. */
export const GRAPH_EXERCISES: Exercise[] = [topo, gradTable];
