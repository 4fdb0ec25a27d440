/**
 * Computational-graph pictures drawn as plain SVG (no Graphviz needed at view time): every node shows
 * its label, data and grad, so students can read the forward values and the backward pass together.
 */
import { graphInputs as inputsOf, topologicalOrder, type GraphNodeLike } from "../engine/graph";
import { emitHtml, escapeHtml, formatNumber } from "./output";

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
  /**
   * Text written on the edge from `input` into `node` (its `index`-th input), e.g. the local
   * derivative ∂node/∂input that algorithm 6.2 multiplies by; numbers are formatted with `digits`.
   * Return undefined to leave an edge bare.
   */
  edgeLabel?: (node: GraphNodeLike, input: GraphNodeLike, index: number) => string | number | undefined;
}

/** Approximate advance of one character of the 12 px monospace font the drawings use. */
const CHAR_W = 7.3;

/** SVG for the graph of `root`, laid out in columns by depth from the inputs (left) to the output (right). */
export function graphSvg(root: GraphNodeLike, opts: GraphOptions = {}): string {
  const order = topologicalOrder(root);
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
  const digits = opts.digits ?? 4;
  const showG = opts.showGrad ?? true;
  const nameOf = (v: GraphNodeLike) => [v.label, v.op ? `(${v.op})` : ""].filter(Boolean).join(" ") || "·";
  // Every box is as wide as the longest line any box needs, so columns line up and nothing spills.
  const longest = Math.max(...order.map((v) => Math.max(nameOf(v).length, `data ${formatNumber(v.data, digits)}`.length, showG ? `grad ${formatNumber(v.grad, digits)}`.length : 0)));
  const labelOf = (v: GraphNodeLike, c: GraphNodeLike, k: number): string | undefined => {
    const t = opts.edgeLabel?.(v, c, k);
    return t === undefined ? undefined : typeof t === "number" ? formatNumber(t, digits) : t;
  };
  const longestLabel = opts.edgeLabel ? Math.max(0, ...order.flatMap((v) => inputsOf(v).map((c, k) => labelOf(v, c, k)?.length ?? 0))) : 0;
  const W = Math.round(Math.max(96, 16 + CHAR_W * longest)), H = 58, GY = 22;
  const GX = Math.round(Math.max(50, longestLabel ? 24 + 6.2 * longestLabel : 0));
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
  const parts: string[] = [];
  const labels: string[] = [];
  for (const v of order) {
    const p = pos.get(v)!;
    inputsOf(v).forEach((c, k) => {
      const q = pos.get(c)!;
      const [x1, y1, x2, y2] = [q.x + W, q.y + H / 2, p.x, p.y + H / 2];
      let lx: number, ly: number;
      if (depth.get(v)! - depth.get(c)! > 1) {
        const arcY = top - arcRoom + 8;
        parts.push(`<path d="M${x1},${y1} C${x1 + GX},${arcY} ${x2 - GX},${arcY} ${x2},${y2}" fill="none" stroke="#888" marker-end="url(#bpl-arrow)"/>`);
        [lx, ly] = [(x1 + x2) / 2, (y1 + y2) / 8 + (3 * arcY) / 4];
      } else {
        parts.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#888" marker-end="url(#bpl-arrow)"/>`);
        // Near the middle of the gap, nudged by the input's index so labels of edges into one node part.
        const t = 0.5 + (k % 2 === 0 ? -0.08 : 0.08);
        [lx, ly] = [x1 + (x2 - x1) * t, y1 + (y2 - y1) * t];
      }
      const text = labelOf(v, c, k);
      if (text !== undefined) {
        labels.push(`<text class="bpl-edge-label" x="${round(lx)}" y="${round(ly + 4)}" text-anchor="middle" font-size="11" fill="#7a4b00" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(text)}</text>`);
      }
    });
  }
  for (const v of order) {
    const p = pos.get(v)!;
    const filled = opts.filled ? opts.filled.has(v) : true;
    const fill = v === opts.highlight ? "#ffe9a8" : filled && opts.filled ? "#dff0d8" : "#f7f7f7";
    const name = nameOf(v);
    parts.push(
      `<g class="bpl-node"><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="${fill}" stroke="#555"/>` +
        `<text x="${p.x + W / 2}" y="${p.y + 16}" text-anchor="middle" font-weight="bold">${escapeHtml(name)}</text>` +
        `<text x="${p.x + W / 2}" y="${p.y + 33}" text-anchor="middle">data ${escapeHtml(formatNumber(v.data, digits))}</text>` +
        (showG ? `<text x="${p.x + W / 2}" y="${p.y + 50}" text-anchor="middle" fill="#a33">grad ${filled ? escapeHtml(formatNumber(v.grad, digits)) : "—"}</text>` : "") +
        `</g>`,
    );
  }
  const title = opts.title ? `<text x="10" y="18" font-weight="bold">${escapeHtml(opts.title)}</text>` : "";
  // max-width:none: Jupyter's stylesheet caps SVGs at the cell's width, which for a wide graph (no
  // scaling without a viewBox) cut off everything right of the edge; the wrapper scrolls instead.
  return (
    `<svg class="bpl-graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:none;height:auto" font-family="monospace" font-size="12">` +
    `<defs><marker id="bpl-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>` +
    title + parts.join("") + labels.join("") + `</svg>`
  );
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function graphText(root: GraphNodeLike, digits = 4): string {
  return topologicalOrder(root)
    .map((v) => `${v.label ?? "·"}${v.op ? ` (${v.op})` : ""}: data=${formatNumber(v.data, digits)} grad=${formatNumber(v.grad, digits)}` + (inputsOf(v).length ? ` <- ${inputsOf(v).map((c) => c.label ?? "·").join(", ")}` : ""))
    .join("\n");
}

/** Shows the computational graph of a value with label, data and grad on every node. */
export function showGraph(value: GraphNodeLike, opts: GraphOptions = {}): void {
  emitHtml(`<div style="overflow-x:auto">${graphSvg(value, opts)}</div>`, graphText(value, opts.digits));
}

/** Makes each stepper's element id unique on the page (with the time, across kernel sessions). */
let stepperCounter = 0;

/**
 * Shows the backward pass one step at a time: step k has the grads of the output and the first k
 * nodes in reverse topological order filled in. All steps are in the page (works in static HTML);
 * buttons switch between them when scripts run.
 */
export function showBackwardSteps(value: GraphNodeLike, opts: Pick<GraphOptions, "digits" | "maxNodes" | "edgeLabel"> = {}): void {
  const rev = topologicalOrder(value).reverse();
  checkSize(rev, "showBackwardSteps", opts.maxNodes ?? 40); // one picture per node: n² boxes in all
  const filled = new Set<GraphNodeLike>();
  const steps: string[] = [];
  rev.forEach((v, k) => {
    filled.add(v);
    steps.push(graphSvg(value, { filled: new Set(filled), highlight: v, digits: opts.digits, maxNodes: rev.length, edgeLabel: opts.edgeLabel, title: `step ${k + 1}/${rev.length}: grad of ${v.label ?? "node"} is final` }));
  });
  const id = `bpl-steps-${Date.now().toString(36)}-${++stepperCounter}`;
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
