/**
 * The δ recurrence drawn as a network: on the left one dense layer running forward, on the right the
 * same weights with the arrows reversed, a sum per unit and, instead of an activation, an amplifier
 * whose fixed gain is f′(z). It is the picture of the handout's "new type of neuron" with the
 * example's own numbers on every weight, gain and δ.
 */
import { computeDeltaStep, type DeltaStepInput, type MatrixInput, toRows } from "./math";
import { emitHtml, escapeHtml, formatNumber } from "./output";

/** One step of the δ recurrence plus, optionally, the forward values to print in the forward panel. */
export interface ReversedLayerInput extends DeltaStepInput {
  /** a^(l), the activations of layer l for this example (d_l numbers). */
  a?: MatrixInput;
  /** z^(l+1), the pre-activations of layer l + 1 (d_(l+1) numbers). */
  zNext?: MatrixInput;
}

/** Largest layer the picture draws: beyond it the weights' labels no longer fit. */
export const MAX_REVERSED_UNITS = 8;

const SUP: Record<string, string> = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
const SUB: Record<string, string> = { "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉" };
const sup = (n: number) => `⁽${String(n).split("").map((c) => SUP[c] ?? c).join("")}⁾`;
const sub = (n: number) => String(n).split("").map((c) => SUB[c] ?? c).join("");

/** The activation's TeX name as plain text for an SVG label: "\\sigma" → σ, "\\mathrm{ReLU}" → ReLU. */
function activationText(texName: string | undefined): string {
  if (!texName) return "f";
  const named: Record<string, string> = { "\\sigma": "σ", "\\tanh": "tanh", "\\phi": "φ", "\\varphi": "φ" };
  return named[texName] ?? texName.replace(/\\(?:mathrm|operatorname|text)\{([^}]*)\}/g, "$1").replace(/\\/g, "");
}

/** Entry (i, j) of rows whose shape is already checked; a missing one is a bug, and says where. */
function entry(rows: readonly (readonly number[])[], i: number, j: number): number {
  const v = rows[i]?.[j];
  if (v === undefined) throw new RangeError(`reversedLayerSvg: no entry (${i + 1}, ${j + 1}) in a ${rows.length}×${rows[0]?.length ?? 0} matrix`);
  return v;
}

/** The first column of checked rows, as a list. */
function firstColumn(rows: readonly (readonly number[])[]): number[] {
  return rows.map((_, i) => entry(rows, i, 0));
}

/** A column vector given as any matrix input, checked to have `n` entries. */
function column(m: MatrixInput | undefined, n: number, what: string): number[] | undefined {
  if (m === undefined) return undefined;
  const rows = toRows(m);
  if (rows.length !== n || rows.some((r) => r.length !== 1)) {
    throw new RangeError(`reversedLayerSvg: ${what} must be ${n} numbers (one example), got ${rows.length}×${rows[0]?.length ?? 0}`);
  }
  return firstColumn(rows);
}

/** SVG of one layer forward (left) and its reversed twin computing δ^(l) (right); returns δ^(l) too. */
export function reversedLayerSvg(step: ReversedLayerInput, opts: { digits?: number } = {}): { svg: string; delta: number[] } {
  const n = computeDeltaStep(step, "reversedLayerSvg");
  const dOut = n.W.length, dIn = n.W[0]?.length ?? 0, m = n.deltaNext[0]?.length ?? 0;
  if (m !== 1) throw new RangeError(`reversedLayerSvg: draws one example, but δ^(${step.layer + 1}) has ${m} columns; pass a single column`);
  if (dIn > MAX_REVERSED_UNITS || dOut > MAX_REVERSED_UNITS) {
    throw new RangeError(`reversedLayerSvg: W^(${step.layer + 1}) is ${dOut}×${dIn}; the picture draws layers of at most ${MAX_REVERSED_UNITS} units`);
  }
  const a = column(step.a, dIn, `a^(${step.layer})`);
  const zNext = column(step.zNext, dOut, `z^(${step.layer + 1})`);
  const digits = opts.digits ?? 3;
  const fmt = (v: number) => formatNumber(v, digits);
  const l = step.layer, L1 = l + 1;
  const f = activationText(step.activation);

  const gap = 66, top = 62, r = 23;
  const rows = Math.max(dIn, dOut);
  const height = top + rows * gap + 12;
  const ys = (count: number) => Array.from({ length: count }, (_, i) => top + gap / 2 + ((rows - count) * gap) / 2 + i * gap);
  const yIn = ys(dIn), yOut = ys(dOut);
  const parts: string[] = [];
  const labels: string[] = [];
  const t = (x: number, y: number, s: string, attrs = "") =>
    `<text x="${Math.round(x)}" y="${Math.round(y)}" text-anchor="middle" ${attrs}>${escapeHtml(s)}</text>`;
  const halo = `font-size="10.5" stroke="#fff" stroke-width="3" paint-order="stroke"`;
  const node = (x: number, y: number, fill: string, name: string, value: number | undefined) =>
    `<g class="bpl-node"><circle cx="${x}" cy="${y}" r="${r}" fill="${fill}" stroke="#334"/>` +
    t(x, value === undefined ? y + 4 : y - 3, name, `font-size="11"`) +
    (value === undefined ? "" : t(x, y + 11, fmt(value), `font-size="10" fill="#333"`)) +
    `</g>`;
  // Where along an edge its weight is written: all at the same fraction 1/(targets + 1) from the
  // source, which puts the labels in one column, evenly spaced and never on top of each other.
  const along = (targets: number) => Math.min(0.3, Math.max(0.12, 1 / (targets + 1)));

  // Forward panel: a^(l) → z^(l+1) through W^(l+1).
  const fx = [54, 400] as const;
  parts.push(t(227, 20, `forward: z${sup(L1)} = W${sup(L1)} a${sup(l)} + b${sup(L1)}`, `font-size="13" font-weight="bold"`));
  yOut.forEach((yo, o) =>
    yIn.forEach((yi, i) => {
      const [x1, y1, x2, y2] = [fx[0] + r, yi, fx[1] - r - 2, yo];
      parts.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#7a9" marker-end="url(#bpl-rl-fwd)"/>`);
      const s = along(dOut);
      labels.push(t(x1 + (x2 - x1) * s, y1 + (y2 - y1) * s - 3, fmt(entry(n.W, o, i)), `class="bpl-edge-label" fill="#2b6a3e" ${halo}`));
    }),
  );
  yIn.forEach((y, i) => parts.push(node(fx[0], y, "#eef", `a${sup(l)}${sub(i + 1)}`, a?.[i])));
  yOut.forEach((y, o) => parts.push(node(fx[1], y, "#e8f6ec", `z${sup(L1)}${sub(o + 1)}`, zNext?.[o])));

  // Backward panel: δ^(l+1) → Σ → gain f′(z^(l)) → δ^(l), through the same weights reversed.
  const bx = { src: 510, sum: 716, amp: 734, out: 900 };
  parts.push(`<line x1="455" y1="34" x2="455" y2="${height - 6}" stroke="#ccc" stroke-dasharray="4 4"/>`);
  parts.push(t(705, 20, `backward: δ${sup(l)} = ${f}′(z${sup(l)}) ⊙ (W${sup(L1)})ᵀ δ${sup(L1)}`, `font-size="13" font-weight="bold"`));
  yOut.forEach((yo, o) =>
    yIn.forEach((yi, i) => {
      const [x1, y1, x2, y2] = [bx.src + r, yo, bx.sum - 14, yi];
      parts.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#d68" marker-end="url(#bpl-rl-bwd)"/>`);
      const s = along(dIn);
      labels.push(t(x1 + (x2 - x1) * s, y1 + (y2 - y1) * s - 3, fmt(entry(n.W, o, i)), `class="bpl-edge-label" fill="#a02050" ${halo}`));
    }),
  );
  yOut.forEach((y, o) => parts.push(node(bx.src, y, "#fde2e4", `δ${sup(L1)}${sub(o + 1)}`, entry(n.deltaNext, o, 0))));
  yIn.forEach((y, i) => {
    parts.push(`<circle cx="${bx.sum}" cy="${y}" r="12" fill="#fff" stroke="#334"/>` + t(bx.sum, y + 4, "Σ", `font-size="12"`));
    parts.push(`<line x1="${bx.sum + 12}" y1="${y}" x2="${bx.amp}" y2="${y}" stroke="#334"/>`);
    parts.push(`<polygon points="${bx.amp},${y - 17} ${bx.amp},${y + 17} ${bx.amp + 40},${y}" fill="#fff5d6" stroke="#a80"/>`);
    parts.push(t(bx.amp + 15, y + 4, `×${fmt(entry(n.fprime, i, 0))}`, `font-size="9.5" fill="#7a5200"`));
    parts.push(t(bx.amp + 20, y + 29, `${f}′(z${sup(l)}${sub(i + 1)})`, `font-size="9.5" fill="#7a5200"`));
    parts.push(`<line x1="${bx.amp + 40}" y1="${y}" x2="${bx.out - r - 2}" y2="${y}" stroke="#334" marker-end="url(#bpl-rl-bwd)"/>`);
    parts.push(node(bx.out, y, "#fde2e4", `δ${sup(l)}${sub(i + 1)}`, entry(n.delta, i, 0)));
  });

  const width = 950;
  const svg =
    `<svg class="bpl-figure" data-kind="reversed-layer" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto" font-family="system-ui, sans-serif">` +
    `<defs><marker id="bpl-rl-fwd" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#7a9"/></marker>` +
    `<marker id="bpl-rl-bwd" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#d68"/></marker></defs>` +
    parts.join("") + labels.join("") + `</svg>`;
  return { svg, delta: firstColumn(n.delta) };
}

/**
 * Shows one layer and its reversed twin with the example's numbers — the backward pass as a linear
 * network with fixed gains f′(z) — and returns δ^(l) (the same numbers as `showDeltaStep`).
 */
export function showReversedLayer(step: ReversedLayerInput, opts: { digits?: number } = {}): number[] {
  const { svg, delta } = reversedLayerSvg(step, opts);
  const fmt = (v: number) => formatNumber(v, opts.digits ?? 3);
  const text = `reversed layer ${step.layer + 1} → ${step.layer}: δ^(${step.layer}) = [${delta.map(fmt).join(", ")}]`;
  emitHtml(`<div style="overflow-x:auto">${svg}</div>`, text);
  return delta;
}
