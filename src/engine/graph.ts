/**
 * Looking at a computation graph: its nodes and edges, the order backward visits them (the
 * grad_table of algorithm 6.2 in 001 filling up), and pictures as Graphviz DOT or SVG.
 */
import { formatNumber } from "./format";
import { sumOverflow } from "./rules";
import { Value } from "./value";

/** Nodes and parent→child edges, the shape a picture of the graph needs. */
export function trace(root: Value): { nodes: Value[]; edges: [Value, Value][] } {
  const nodes = root.topologicalOrder();
  const edges: [Value, Value][] = [];
  for (const n of nodes) for (const p of n.parents) edges.push([p, n]);
  return { nodes, edges };
}

/**
 * A computation-graph node as orderings and pictures need it: the engine's `Value`, or a node built
 * by hand (micrograd's `_prev`, or `children`/`prev`), so notebooks can draw any small graph.
 */
export interface GraphNodeLike {
  data: number;
  grad: number;
  label?: string;
  op?: string;
  /** Inputs of this node: the engine's `Value` calls them `parents`; hand-built graphs may use `children` or `prev`. */
  parents?: readonly GraphNodeLike[];
  children?: readonly GraphNodeLike[] | ReadonlySet<GraphNodeLike>;
  prev?: readonly GraphNodeLike[] | ReadonlySet<GraphNodeLike>;
  _prev?: readonly GraphNodeLike[] | ReadonlySet<GraphNodeLike>;
}

/** The inputs of a node, whichever of the fields above holds them. */
export function graphInputs(v: GraphNodeLike): GraphNodeLike[] {
  const c = v.parents ?? v.children ?? v.prev ?? v._prev;
  return c ? [...c] : [];
}

/**
 * Parents before children, the forward evaluation order (algorithm 6.1): every node reachable
 * from root, once, without recursion (deep chains cannot overflow the stack). The one ordering of
 * the project: `Value.topologicalOrder()` for a Value, this walk for a hand-built graph.
 */
export function topologicalOrder(root: Value): Value[];
export function topologicalOrder(root: GraphNodeLike): GraphNodeLike[];
export function topologicalOrder(root: GraphNodeLike): GraphNodeLike[] {
  if (root instanceof Value) return root.topologicalOrder();
  const seen = new Set<GraphNodeLike>([root]);
  const out: GraphNodeLike[] = [];
  const stack: { node: GraphNodeLike; inputs: GraphNodeLike[]; next: number }[] = [{ node: root, inputs: graphInputs(root), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    if (top.next < top.inputs.length) {
      const c = top.inputs[top.next++] as GraphNodeLike;
      if (!seen.has(c)) {
        seen.add(c);
        stack.push({ node: c, inputs: graphInputs(c), next: 0 });
      }
    } else {
      out.push(top.node);
      stack.pop();
    }
  }
  return out;
}

/** One step of the grad_table fill (algorithm 6.2 of 001). */
export interface BackwardStep {
  /** The node whose gradient is final at this step and is now sent to its inputs. */
  node: Value;
  /** Its gradient ∂root/∂node. */
  grad: number;
  /** The inputs that received a contribution at this step. */
  contributedTo: Value[];
}

/**
 * Runs backward on root one node at a time and records each step, so a notebook can animate the
 * grad_table. The grads are reset first (this is a fresh backward, not an accumulating one) and
 * are left filled at the end exactly as `root.backward()` on zeroed grads leaves them.
 */
export function backwardSteps(root: Value): BackwardStep[] {
  const order = root.topologicalOrder();
  for (const n of order) n.grad = 0;
  root.grad = 1;
  const steps: BackwardStep[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i] as Value;
    if (!Number.isFinite(n.grad)) throw sumOverflow(n, n.grad, "the contributions reaching it overflow float64 when summed");
    steps.push({ node: n, grad: n.grad, contributedTo: [...n.parents] });
    n.localBackward();
  }
  return steps;
}

/** How a graph is drawn. */
export interface DotOptions {
  /** Layout direction: inputs on the left ("LR", default) or at the top ("TB"). */
  rankdir?: "LR" | "TB";
  /** Nodes drawn filled, e.g. the one a backward stepper is processing. */
  highlight?: readonly Value[];
  /** Show each node's grad (default true). */
  showGrad?: boolean;
  /** Significant digits of data and grad (default 4). */
  digits?: number;
}

function escapeRecord(text: string): string {
  return text.replace(/[\\{}|<>"]/g, "\\$&");
}

/** Graphviz DOT in micrograd's style: a record per value (label | data | grad), an ellipse per op. */
export function toDot(root: Value, options: DotOptions = {}): string {
  const { rankdir = "LR", highlight = [], showGrad = true, digits = 4 } = options;
  const nodes = root.topologicalOrder();
  const id = new Map<Value, string>();
  nodes.forEach((n, i) => id.set(n, `n${i}`));
  const hl = new Set(highlight);
  const lines = [`digraph G {`, `  rankdir=${rankdir};`, `  node [fontname="monospace"];`];
  for (const n of nodes) {
    const nid = id.get(n) as string;
    const parts = [n.label ?? "", `data ${formatNumber(n.data, digits)}`];
    if (showGrad) parts.push(`grad ${formatNumber(n.grad, digits)}`);
    const label = parts.map(escapeRecord).join(" | ");
    const style = hl.has(n) ? `, style=filled, fillcolor="#ffe08a"` : "";
    lines.push(`  ${nid} [shape=record, label="{ ${label} }"${style}];`);
    if (n.op) {
      lines.push(`  ${nid}_op [label="${n.op.replace(/["\\]/g, "\\$&")}"];`);
      lines.push(`  ${nid}_op -> ${nid};`);
      for (const p of n.parents) lines.push(`  ${id.get(p)} -> ${nid}_op;`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}

/** Renders toDot's output to SVG with @viz-js/viz (Graphviz compiled to WASM, no system binary). */
export async function toSvg(root: Value, options: DotOptions = {}): Promise<string> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  return viz.renderString(toDot(root, options), { format: "svg" });
}
