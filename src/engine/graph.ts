import { Value, topo } from "./value";

/** Nodes and parent→child edges, the shape a picture of the graph needs. */
export function trace(root: Value): { nodes: Value[]; edges: [Value, Value][] } {
  const nodes = topo(root);
  const edges: [Value, Value][] = [];
  for (const n of nodes) for (const p of n.parents) edges.push([p, n]);
  return { nodes, edges };
}

/** Parents before children, the forward evaluation order. */
export function topologicalOrder(root: Value): Value[] {
  return topo(root);
}

/** One step of the grad_table fill (algorithm 6.2 of 001). */
export interface BackwardStep {
  node: Value;
  grad: number;
  contributedTo: Value[];
}

/**
 * Replays backward() on root one node at a time so a notebook can animate it; grads are reset
 * first and left filled at the end, as after backward().
 */
export function backwardSteps(root: Value): BackwardStep[] {
  const order = topo(root);
  for (const n of order) n.grad = 0;
  root.grad = 1;
  const steps: BackwardStep[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    if (n._backward !== null) n._backward(n);
    steps.push({ node: n, grad: n.grad, contributedTo: [...n.parents] });
  }
  return steps;
}

export interface DotOptions {
  rankdir?: "LR" | "TB";
  highlight?: readonly Value[];
  showGrad?: boolean;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}

/** Graphviz DOT in micrograd's style: a record per value, an ellipse per op. */
export function toDot(root: Value, options: DotOptions = {}): string {
  const { rankdir = "LR", highlight = [], showGrad = true } = options;
  const { nodes } = trace(root);
  const id = new Map<Value, string>();
  nodes.forEach((n, i) => id.set(n, `n${i}`));
  const hl = new Set(highlight);
  const lines = [`digraph G {`, `  rankdir=${rankdir};`];
  for (const n of nodes) {
    const nid = id.get(n) as string;
    const parts = [n.label ?? "", `data ${fmt(n.data)}`];
    if (showGrad) parts.push(`grad ${fmt(n.grad)}`);
    const label = parts.map((s) => s.replace(/[{}|<>"]/g, "\\$&")).join(" | ");
    const style = hl.has(n) ? `, style=filled, fillcolor="#ffe08a"` : "";
    lines.push(`  ${nid} [shape=record, label="{ ${label} }"${style}];`);
    if (n.op) {
      lines.push(`  ${nid}_op [label="${n.op.replace(/"/g, '\\"')}"];`);
      lines.push(`  ${nid}_op -> ${nid};`);
      for (const p of n.parents) lines.push(`  ${id.get(p)} -> ${nid}_op;`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}

/** Renders toDot's output to SVG with @viz-js/viz (WASM Graphviz, no system binary needed). */
export async function toSvg(root: Value, options: DotOptions = {}): Promise<string> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  return viz.renderString(toDot(root, options), { format: "svg" });
}
