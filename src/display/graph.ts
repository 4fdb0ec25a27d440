/**
 * Computational-graph pictures drawn as plain SVG (no Graphviz needed at view time): every node shows
 * its label, data and grad, so students can read the forward values and the backward pass together.
 */
import { emitHtml, escapeHtml, formatNumber } from "./output";

/** The shape of a graph node this module can draw; the engine's `Value` fits it. */
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

function inputsOf(v: GraphNodeLike): GraphNodeLike[] {
  const c = v.parents ?? v.children ?? v.prev ?? v._prev;
  return c ? [...c] : [];
}

/** Nodes in topological order (inputs before outputs), the order the forward pass computed them. Iterative, so deep chains cannot overflow the stack. */
export function graphOrder(root: GraphNodeLike): GraphNodeLike[] {
  const seen = new Set<GraphNodeLike>([root]);
  const out: GraphNodeLike[] = [];
  const stack: { node: GraphNodeLike; inputs: GraphNodeLike[]; next: number }[] = [{ node: root, inputs: inputsOf(root), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.inputs.length) {
      const c = top.inputs[top.next++];
      if (!seen.has(c)) {
        seen.add(c);
        stack.push({ node: c, inputs: inputsOf(c), next: 0 });
      }
    } else {
      out.push(top.node);
      stack.pop();
    }
  }
  return out;
}

/** Default cap on drawn nodes: beyond it a picture is unreadable and the SVG gets very large. */
export const MAX_GRAPH_NODES = 150;

function checkSize(order: readonly GraphNodeLike[], fn: string, maxNodes = MAX_GRAPH_NODES): void {
  if (order.length > maxNodes) {
    throw new RangeError(`${fn}: the graph has ${order.length} nodes, more than the ${maxNodes} that make a readable picture; draw a smaller expression or pass { maxNodes: ${order.length} }`);
  }
}

/** Options for graph drawings. */
export interface GraphOptions {
  /** Show grads (default true). */
  showGrad?: boolean;
  /** Nodes whose grad is shown as filled; others show "—" (used by the backward stepper). */
  filled?: ReadonlySet<GraphNodeLike>;
  /** Node to highlight (the one being processed). */
  highlight?: GraphNodeLike;
  digits?: number;
  title?: string;
  /** Refuse graphs with more nodes than this (default MAX_GRAPH_NODES). */
  maxNodes?: number;
}

/** SVG for the graph of `root`, laid out in columns by depth from the inputs (left) to the output (right). */
export function graphSvg(root: GraphNodeLike, opts: GraphOptions = {}): string {
  const order = graphOrder(root);
  checkSize(order, "graphSvg", opts.maxNodes);
  const depth = new Map<GraphNodeLike, number>();
  for (const v of order) depth.set(v, Math.max(0, ...inputsOf(v).map((c) => (depth.get(c) ?? 0) + 1)));
  // A leaf (an input or parameter) sits just left of the first node that uses it, not in column 0:
  // a parameter of the last layer then appears next to that layer instead of across the picture.
  const firstUse = new Map<GraphNodeLike, number>();
  for (const v of order) for (const c of inputsOf(v)) firstUse.set(c, Math.min(firstUse.get(c) ?? Infinity, depth.get(v)!));
  for (const v of order) if (inputsOf(v).length === 0 && firstUse.has(v)) depth.set(v, Math.max(0, firstUse.get(v)! - 1));
  const cols = new Map<number, GraphNodeLike[]>();
  for (const v of order) {
    const d = depth.get(v)!;
    if (!cols.has(d)) cols.set(d, []);
    cols.get(d)!.push(v);
  }
  const W = 150, H = 58, GX = 60, GY = 22;
  const maxRows = Math.max(...[...cols.values()].map((c) => c.length));
  // An edge that skips a column is drawn as an arc over the boxes, so it cannot be read as an edge
  // into the node it passes; the arcs need a strip of room at the top.
  const skips = order.some((v) => inputsOf(v).some((c) => depth.get(v)! - depth.get(c)! > 1));
  const arcRoom = skips ? 36 : 0;
  const width = cols.size * (W + GX) + 20;
  const height = maxRows * (H + GY) + 20 + (opts.title ? 20 : 0) + arcRoom;
  const top = (opts.title ? 30 : 10) + arcRoom;
  const pos = new Map<GraphNodeLike, { x: number; y: number }>();
  for (const [d, vs] of cols) {
    const offset = ((maxRows - vs.length) * (H + GY)) / 2;
    vs.forEach((v, i) => pos.set(v, { x: 10 + d * (W + GX), y: top + offset + i * (H + GY) }));
  }
  const digits = opts.digits ?? 4;
  const parts: string[] = [];
  for (const v of order) {
    const p = pos.get(v)!;
    for (const c of inputsOf(v)) {
      const q = pos.get(c)!;
      const [x1, y1, x2, y2] = [q.x + W, q.y + H / 2, p.x, p.y + H / 2];
      if (depth.get(v)! - depth.get(c)! > 1) {
        const arcY = top - arcRoom + 8;
        parts.push(`<path d="M${x1},${y1} C${x1 + GX},${arcY} ${x2 - GX},${arcY} ${x2},${y2}" fill="none" stroke="#888" marker-end="url(#bpl-arrow)"/>`);
      } else {
        parts.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#888" marker-end="url(#bpl-arrow)"/>`);
      }
    }
  }
  for (const v of order) {
    const p = pos.get(v)!;
    const showG = opts.showGrad ?? true;
    const filled = opts.filled ? opts.filled.has(v) : true;
    const fill = v === opts.highlight ? "#ffe9a8" : filled && opts.filled ? "#dff0d8" : "#f7f7f7";
    const name = [v.label, v.op ? `(${v.op})` : ""].filter(Boolean).join(" ") || "·";
    parts.push(
      `<g class="bpl-node"><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="${fill}" stroke="#555"/>` +
        `<text x="${p.x + W / 2}" y="${p.y + 16}" text-anchor="middle" font-weight="bold">${escapeHtml(name)}</text>` +
        `<text x="${p.x + W / 2}" y="${p.y + 33}" text-anchor="middle">data ${escapeHtml(formatNumber(v.data, digits))}</text>` +
        (showG ? `<text x="${p.x + W / 2}" y="${p.y + 50}" text-anchor="middle" fill="#a33">grad ${filled ? escapeHtml(formatNumber(v.grad, digits)) : "—"}</text>` : "") +
        `</g>`,
    );
  }
  const title = opts.title ? `<text x="10" y="18" font-weight="bold">${escapeHtml(opts.title)}</text>` : "";
  return (
    `<svg class="bpl-graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="12">` +
    `<defs><marker id="bpl-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>` +
    title + parts.join("") + `</svg>`
  );
}

function graphText(root: GraphNodeLike, digits = 4): string {
  return graphOrder(root)
    .map((v) => `${v.label ?? "·"}${v.op ? ` (${v.op})` : ""}: data=${formatNumber(v.data, digits)} grad=${formatNumber(v.grad, digits)}` + (inputsOf(v).length ? ` <- ${inputsOf(v).map((c) => c.label ?? "·").join(", ")}` : ""))
    .join("\n");
}

/** Shows the computational graph of a value with label, data and grad on every node. */
export function showGraph(value: GraphNodeLike, opts: GraphOptions = {}): void {
  emitHtml(`<div style="overflow-x:auto">${graphSvg(value, opts)}</div>`, graphText(value, opts.digits));
}

/**
 * Shows the backward pass one step at a time: step k has the grads of the output and the first k
 * nodes in reverse topological order filled in. All steps are in the page (works in static HTML);
 * buttons switch between them when scripts run.
 */
export function showBackwardSteps(value: GraphNodeLike, opts: { digits?: number; maxNodes?: number } = {}): void {
  const rev = graphOrder(value).reverse();
  checkSize(rev, "showBackwardSteps", opts.maxNodes ?? 40); // one picture per node: n² boxes in all
  const filled = new Set<GraphNodeLike>();
  const steps: string[] = [];
  rev.forEach((v, k) => {
    filled.add(v);
    steps.push(graphSvg(value, { filled: new Set(filled), highlight: v, digits: opts.digits, maxNodes: rev.length, title: `step ${k + 1}/${rev.length}: grad of ${v.label ?? "node"} is final` }));
  });
  const id = `bpl-steps-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
  const panes = steps.map((s, i) => `<div class="bpl-step" data-step="${i}" style="overflow-x:auto;margin:4px 0">${s}</div>`).join("");
  const script =
    `<script>(function(){var r=document.getElementById("${id}");if(!r)return;var ps=r.querySelectorAll(".bpl-step"),i=0;` +
    `function show(){for(var k=0;k<ps.length;k++)ps[k].style.display=k===i?"block":"none";r.querySelector(".bpl-pos").textContent=(i+1)+"/"+ps.length;}` +
    `r.querySelector(".bpl-prev").onclick=function(){i=Math.max(0,i-1);show();};r.querySelector(".bpl-next").onclick=function(){i=Math.min(ps.length-1,i+1);show();};` +
    `r.querySelector(".bpl-controls").style.display="block";show();})();</script>`;
  const controls = `<div class="bpl-controls" style="display:none"><button class="bpl-prev">◀ previous</button> <span class="bpl-pos"></span> <button class="bpl-next">next ▶</button></div>`;
  const text = rev.map((v, k) => `step ${k + 1}: ${v.label ?? "node"}.grad = ${formatNumber(v.grad, opts.digits ?? 4)}`).join("\n");
  emitHtml(`<div id="${id}" class="bpl-backward-steps">${controls}${panes}</div>${script}`, text);
}
