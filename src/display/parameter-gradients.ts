/**
 * Every parameter drawn next to its gradient, cell for cell, as coloured grids: the course's rule that
 * ∂L/∂W must have the shape of W becomes something you see, and the colours show which weights a
 * gradient-descent step will raise (blue: the loss falls as they grow) and which it will lower (red).
 */
import { type MatrixInput, toRows } from "./math";
import { emitHtml, escapeHtml, formatNumber } from "./output";

/** A parameter, its gradient, and how to name them. */
export interface ParameterWithGradient {
  /** The parameter's name, e.g. "W1" or "b⁽²⁾". */
  name: string;
  param: MatrixInput;
  grad: MatrixInput;
  /** Name of the gradient (default "∂L/∂" + name). */
  gradName?: string;
}

/** The outcome of the shape check the picture shows. */
export interface ShapeCheck {
  ok: boolean;
  /** One line per mismatch: "W1: ∂L/∂W1 is 3×4 but W1 is 4×3". */
  mismatches: string[];
}

/** Options for the grids. */
export interface ParameterGridOptions {
  /** Side of one cell in pixels; by default as large as fits (8–26 px, the tallest grid ≤ 300 px). */
  cell?: number;
}

const POS: [number, number, number] = [178, 24, 43];
const NEG: [number, number, number] = [33, 102, 172];

/** Colour of v on a white-centred scale, red for positive and blue for negative, by |v| / max. */
function colour(v: number, max: number): string {
  if (!Number.isFinite(v)) return "#000";
  const t = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
  const end = v >= 0 ? POS : NEG;
  const mix = end.map((c) => Math.round(255 + (c - 255) * t));
  return `rgb(${mix[0]},${mix[1]},${mix[2]})`;
}

const shape = (rows: number[][]) => `${rows.length}×${rows[0]?.length ?? 0}`;

/** One grid with its caption at (x, 0); returns the SVG fragment and its width. */
function grid(rows: number[][], name: string, x: number, cell: number): { svg: string; width: number } {
  const nr = rows.length, nc = rows[0]?.length ?? 0;
  const max = Math.max(0, ...rows.flat().filter(Number.isFinite).map(Math.abs));
  const hover = nr * nc <= 2500;
  const cells = rows.flatMap((r, i) =>
    r.map((v, j) => {
      const title = hover ? `<title>${escapeHtml(`${name}[${i},${j}] = ${formatNumber(v, 5)}`)}</title>` : "";
      return `<rect x="${x + j * cell}" y="${20 + i * cell}" width="${cell}" height="${cell}" fill="${colour(v, max)}" stroke="#fff" stroke-width="${cell >= 10 ? 1 : 0}">${title}</rect>`;
    }),
  );
  const caption = `${name} (${shape(rows).replace("×", " × ")})`;
  const width = Math.max(nc * cell, 7 * caption.length);
  return {
    svg:
      `<text x="${x}" y="13" font-size="12">${escapeHtml(caption)}</text>` +
      cells.join("") +
      `<rect x="${x}" y="20" width="${nc * cell}" height="${nr * cell}" fill="none" stroke="#333"/>`,
    width,
  };
}

/** HTML of all the pairs (one SVG per pair, flowing left to right) and the shape check they show. */
export function parameterGradientsHtml(items: readonly ParameterWithGradient[], opts: ParameterGridOptions = {}): { html: string; check: ShapeCheck } {
  const mismatches: string[] = [];
  const figures = items.map((it) => {
    const P = toRows(it.param), G = toRows(it.grad);
    const gradName = it.gradName ?? `∂L/∂${it.name}`;
    const tallest = Math.max(P.length, G.length, 1), widest = Math.max(P[0]?.length ?? 0, G[0]?.length ?? 0, 1);
    const cell = opts.cell ?? Math.max(2, Math.min(26, Math.floor(300 / tallest), Math.floor(260 / widest)));
    const same = P.length === G.length && (P[0]?.length ?? 0) === (G[0]?.length ?? 0);
    if (!same) mismatches.push(`${it.name}: ${gradName} is ${shape(G)} but ${it.name} is ${shape(P)}`);
    const left = grid(P, it.name, 0, cell);
    const right = grid(G, gradName, left.width + 18, cell);
    const width = left.width + 18 + right.width;
    const height = 20 + tallest * cell + 22;
    const badge = same
      ? `<text x="0" y="${height - 5}" font-size="12" fill="#1e7b34">✔ same shape</text>`
      : `<text x="0" y="${height - 5}" font-size="12" fill="#b00020">✘ ${escapeHtml(shape(G))} ≠ ${escapeHtml(shape(P))}</text>`;
    return (
      `<svg class="bpl-figure" data-kind="parameter-gradient" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto" font-family="system-ui, sans-serif">` +
      left.svg + right.svg + badge + `</svg>`
    );
  });
  const legend =
    `<div style="font-size:12px;color:#444;margin-bottom:4px">red = positive, blue = negative, deeper = larger |value| within each matrix` +
    ` (white = 0); hover a cell for its value</div>`;
  const html = `<div class="bpl-parameter-gradients">${legend}<div style="display:flex;flex-wrap:wrap;gap:14px 28px;align-items:flex-start">${figures.join("")}</div></div>`;
  return { html, check: { ok: mismatches.length === 0, mismatches } };
}

/**
 * Shows each parameter beside its gradient as coloured grids with their shapes, marks every pair
 * whose shapes differ, and returns that check so a notebook can also assert it.
 */
export function showParameterGradients(items: readonly ParameterWithGradient[], opts: ParameterGridOptions = {}): ShapeCheck {
  const { html, check } = parameterGradientsHtml(items, opts);
  const text = items
    .map((it) => {
      const P = toRows(it.param), G = toRows(it.grad);
      return `${it.name} ${shape(P)}  ${it.gradName ?? `∂L/∂${it.name}`} ${shape(G)}  ${shape(P) === shape(G) ? "same shape" : "SHAPE MISMATCH"}`;
    })
    .join("\n");
  emitHtml(html, text);
  return check;
}
