/**
 * A chain of scalar quantities drawn as one row of circles, forward values above and backward
 * derivatives below, with each edge's local derivative written on it: the toy networks of the course
 * (x → f₀ → h₁ → … → ℓ) read as a picture of both passes at once.
 */
import { emitHtml, escapeHtml, formatNumber } from "./output";

/** One quantity of the chain: its name, its forward value and (optionally) ∂(output)/∂(it). */
export interface ChainNode {
  name: string;
  value: number;
  /** The backward derivative of the chain's output with respect to this node; omitted for data. */
  grad?: number;
}

/** Options for `chainSvg` and `showChain`. */
export interface ChainOptions {
  /** Text on the edge from node i to node i + 1 (n − 1 entries); "\n" splits it over two lines. */
  edges?: readonly (string | undefined)[];
  /** Significant digits of the values (default 4). */
  digits?: number;
  /** Legend of the upper row of numbers (default "value (forward)"). */
  valueLabel?: string;
  /** Legend of the lower row of numbers (default "grad (backward)"). */
  gradLabel?: string;
  title?: string;
  /** Width in pixels after which the chain wraps onto a new row (default 1040; wider than a notebook cell, the picture scales down a little rather than wrap early). */
  maxWidth?: number;
}

const R = 22;
const VALUE = "#1e7b34";
const GRAD = "#b03030";
const EDGE = "#7a4b00";

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${Math.round(x * 10) / 10}" y="${Math.round(y * 10) / 10}" text-anchor="middle" ${attrs}>${escapeHtml(s)}</text>`;
}

/** SVG of the chain; rows wrap like lines of text, the wrapping edge bending down to the next row. */
export function chainSvg(nodes: readonly ChainNode[], opts: ChainOptions = {}): string {
  if (nodes.length === 0) throw new RangeError("chainSvg: the chain has no nodes");
  const edges = opts.edges ?? [];
  if (opts.edges && edges.length !== nodes.length - 1) {
    throw new RangeError(`chainSvg: ${nodes.length} nodes need ${nodes.length - 1} edge labels, got ${edges.length}`);
  }
  const digits = opts.digits ?? 4;
  const fmt = (v: number) => formatNumber(v, digits);
  const lines = (i: number) => (edges[i] ?? "").split("\n").filter((l) => l !== "");
  const longestEdge = Math.max(0, ...edges.map((_, i) => Math.max(0, ...lines(i).map((l) => l.length))));
  const longestNumber = Math.max(...nodes.map((n) => Math.max(fmt(n.value).length, n.grad === undefined ? 0 : fmt(n.grad).length)));
  const dx = Math.round(Math.max(96, 2 * R + 12 + 6.2 * longestEdge, 24 + 6.6 * longestNumber));
  const left = 50;
  const maxWidth = opts.maxWidth ?? 1040;
  const perRow = Math.max(2, Math.floor((maxWidth - 2 * left - 20) / dx) + 1);
  const rows = Math.ceil(nodes.length / perRow);
  const rowHeight = 136;
  const top = (opts.title ? 24 : 0) + 26;
  const width = left * 2 + 20 + (Math.min(nodes.length, perRow) - 1) * dx;
  const height = top + rows * rowHeight - 20;
  const at = (i: number) => ({ x: left + (i % perRow) * dx, y: top + 48 + Math.floor(i / perRow) * rowHeight });

  const parts: string[] = [];
  const labels: string[] = [];
  const halo = `font-size="11" fill="${EDGE}" stroke="#fff" stroke-width="3" paint-order="stroke"`;
  for (let i = 0; i + 1 < nodes.length; i++) {
    const p = at(i), q = at(i + 1);
    const ls = lines(i);
    if (p.y === q.y) {
      parts.push(`<line x1="${p.x + R}" y1="${p.y}" x2="${q.x - R - 1}" y2="${q.y}" stroke="#777" marker-end="url(#bpl-chain-arrow)"/>`);
      ls.forEach((l, k) => labels.push(text((p.x + q.x) / 2, p.y - 8 - 13 * (ls.length - 1 - k), l, `class="bpl-edge-label" ${halo}`)));
    } else {
      // The edge to the next row: out to the right, down between the rows, back to the left, in.
      const mid = p.y + rowHeight / 2 + 4;
      parts.push(
        `<path d="M${p.x + R},${p.y} H${p.x + R + 14} V${mid} H${q.x - R - 14} V${q.y} H${q.x - R - 1}" fill="none" stroke="#777" marker-end="url(#bpl-chain-arrow)"/>`,
      );
      if (ls.length) labels.push(text((p.x + q.x) / 2, mid - 5, ls.join(" "), `class="bpl-edge-label" ${halo}`));
    }
  }
  nodes.forEach((n, i) => {
    const { x, y } = at(i);
    parts.push(
      `<g class="bpl-node"><circle cx="${x}" cy="${y}" r="${R}" fill="#f4f6fb" stroke="#334"/>` +
        text(x, y + 5, n.name, `font-size="14"`) +
        text(x, y - R - 10, fmt(n.value), `font-size="11" fill="${VALUE}"`) +
        (n.grad === undefined ? "" : text(x, y + R + 18, fmt(n.grad), `font-size="11" fill="${GRAD}"`)) +
        `</g>`,
    );
  });
  const legendY = top - 8;
  const keys: [string, string][] = [
    [`above: ${opts.valueLabel ?? "value (forward)"}`, VALUE],
    [`below: ${opts.gradLabel ?? "grad (backward)"}`, GRAD],
    ...(edges.some((e) => e) ? [["on the edges: local derivatives", EDGE] as [string, string]] : []),
  ];
  let lx = 8;
  const legend = keys
    .map(([s, c]) => {
      const out = `<text x="${Math.round(lx)}" y="${legendY}" font-size="11" fill="${c}">${escapeHtml(s)}</text>`;
      lx += 6.3 * s.length + 24;
      return out;
    })
    .join("");
  const title = opts.title ? `<text x="8" y="16" font-weight="bold" font-size="12">${escapeHtml(opts.title)}</text>` : "";
  return (
    `<svg class="bpl-figure" data-kind="chain" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto" font-family="system-ui, sans-serif">` +
    `<defs><marker id="bpl-chain-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#777"/></marker></defs>` +
    title + legend + parts.join("") + labels.join("") + `</svg>`
  );
}

/** Text form of the chain for terminals: one line per node, edges in between. */
export function chainText(nodes: readonly ChainNode[], opts: ChainOptions = {}): string {
  const fmt = (v: number) => formatNumber(v, opts.digits ?? 4);
  return nodes
    .map((n, i) => {
      const line = `${n.name}: value ${fmt(n.value)}${n.grad === undefined ? "" : `, grad ${fmt(n.grad)}`}`;
      const edge = opts.edges?.[i];
      return i + 1 < nodes.length && edge ? `${line}\n  ↓ ${edge.replace(/\n/g, " ")}` : line;
    })
    .join("\n");
}

/**
 * Shows a chain of scalar quantities with forward values above, backward derivatives below and the
 * local derivative on every edge, so both passes of a small network can be read off one picture.
 */
export function showChain(nodes: readonly ChainNode[], opts: ChainOptions = {}): void {
  emitHtml(`<div style="overflow-x:auto">${chainSvg(nodes, opts)}</div>`, chainText(nodes, opts));
}
