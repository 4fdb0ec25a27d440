/** Formulas: KaTeX rendered to MathML in the kernel, so the output needs no CSS, fonts or network. */
import katex from "katex";
import { Matrix } from "../nn/matrix";
import { emitHtml, emitMarkdown, formatNumber } from "./output";

/** Options for one formula. */
export interface TexOptions {
  /** Display (block) style instead of inline; default true for `tex`, since a cell usually shows one formula. */
  display?: boolean;
}

/** Returns the HTML for a formula, for embedding inside your own `html(...)` output. */
export function texString(texSource: string, opts: TexOptions = {}): string {
  return inlinePrimes(
    katex.renderToString(texSource, {
      displayMode: opts.display ?? true,
      output: "mathml",
      throwOnError: false,
      strict: "ignore",
      trust: false,
    }),
  );
}

/**
 * KaTeX writes f′ as a superscript prime (`<msup>`), which browsers' native MathML draws as a tiny
 * tick floating above the letter, easily read as an accent. Derivatives are on every line of this
 * course, so a prime right after a plain symbol is written inline instead: f′, σ′′.
 */
function inlinePrimes(mathml: string): string {
  return mathml.replace(
    /<msup>(<mi[^>]*>[^<]*<\/mi>)(?:((?:<mo[^>]*>′<\/mo>)+)|<mrow>((?:<mo[^>]*>′<\/mo>)+)<\/mrow>)<\/msup>/g,
    (_whole, base: string, bare: string | undefined, grouped: string | undefined) =>
      `<mrow>${base}<mo lspace="0em" rspace="0em">${"′".repeat(((bare ?? grouped) as string).split("′").length - 1)}</mo></mrow>`,
  );
}

/** Shows one formula; outside Jupyter prints the TeX source so nothing is lost. */
export function tex(texSource: string, opts: TexOptions = {}): void {
  emitHtml(texString(texSource, opts), texSource);
}

/** Shows Markdown; math in `$…$` is rendered by Jupyter's own MathJax. */
export function md(text: string): void {
  emitMarkdown(text);
}

/** Anything with a `toArray()` (e.g. `Matrix`) can be shown as a matrix. */
export interface ArrayLike2D {
  toArray(): number[][] | number[];
}

/** A matrix, a vector (shown as a column) or a matrix-like object. */
export type MatrixInput = number[][] | readonly number[] | ArrayLike2D;

/** Normalises any matrix input to rows; a flat vector becomes a column, as in the course notation. */
export function toRows(m: MatrixInput): number[][] {
  const raw = Array.isArray(m) ? (m as number[] | number[][]) : (m as ArrayLike2D).toArray();
  if (raw.length === 0) return [];
  if (Array.isArray(raw[0])) return (raw as number[][]).map((r) => [...r]);
  return (raw as number[]).map((x) => [x]);
}

/** A number as TeX: exponent form becomes a power of ten, so 1.5e-7 reads 1.5 × 10⁻⁷ in the formula. */
export function texNumber(x: number, precision = 4): string {
  if (Number.isNaN(x)) return "\\text{NaN}";
  if (!Number.isFinite(x)) return x > 0 ? "\\infty" : "-\\infty";
  const s = formatNumber(x, precision);
  const m = /^(-?[\d.]+)e([+-]?)(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}\\times10^{${m[2] === "-" ? "-" : ""}${m[3]}}`;
}

/** TeX source (`bmatrix`) for a matrix or vector, to splice into a larger formula. */
export function texMatrix(m: MatrixInput, opts: { precision?: number } = {}): string {
  const rows = toRows(m);
  const body = rows.map((r) => r.map((x) => texNumber(x, opts.precision)).join(" & ")).join(" \\\\ ");
  return `\\begin{bmatrix} ${body} \\end{bmatrix}`;
}

/**
 * Fills `{{name}}` placeholders in a TeX template with the given numbers, vectors or matrices, so a
 * notebook can show an equation with its computed values put in without hand-building the TeX.
 * (Double braces, because single ones are TeX's own.) A placeholder with no value is an error that
 * names it, rather than a formula with a hole in it.
 */
export function texWith(template: string, values: Record<string, number | MatrixInput>, opts: { precision?: number } = {}): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_whole, name: string) => {
    const v = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    if (v === undefined) {
      throw new Error(`texWith: the template uses {{${name}}} but no value named "${name}" was given (have: ${Object.keys(values).join(", ") || "none"})`);
    }
    return typeof v === "number" ? texNumber(v, opts.precision) : texMatrix(v, opts);
  });
}

/** Inputs of one step of the δ recurrence, in course notation (batches are the columns). */
export interface DeltaStepInput {
  /** The layer l whose δ is computed (used in the labels). */
  layer: number;
  /** W^(l+1), d_(l+1) × d_l. */
  W: MatrixInput;
  /** δ^(l+1), d_(l+1) × M (a flat array is one column). */
  deltaNext: MatrixInput;
  /** f′(z^(l)), d_l × M: the fixed gains of the reversed network. */
  fprime: MatrixInput;
  /** TeX name of layer l's activation, e.g. "\\sigma" to print σ′(z); default "f". */
  activation?: string;
}

/** The numbers of one δ-recurrence step, as rows; shared by the formula and the reversed-network picture. */
export interface DeltaStepNumbers {
  W: number[][];
  /** (W^(l+1))ᵀ. */
  Wt: number[][];
  deltaNext: number[][];
  fprime: number[][];
  /** (W^(l+1))ᵀ δ^(l+1), before the gains. */
  back: number[][];
  /** δ^(l). */
  delta: number[][];
}

/**
 * Checks the shapes of one δ-recurrence step and computes it, so every display of the step shows the
 * same numbers; `caller` names the helper in the error, which also names both shapes.
 */
export function computeDeltaStep(step: DeltaStepInput, caller = "computeDeltaStep"): DeltaStepNumbers {
  const W = toRows(step.W), D = toRows(step.deltaNext), F = toRows(step.fprime);
  const shape = (m: number[][]) => `${m.length}×${m[0]?.length ?? 0}`;
  const l = step.layer;
  if (W.length !== D.length) {
    throw new Error(`${caller}: W^(${l + 1}) is ${shape(W)} so δ^(${l + 1}) needs ${W.length} rows, got ${shape(D)}`);
  }
  const dIn = W[0]?.length ?? 0, m = D[0]?.length ?? 0;
  if (F.length !== dIn || (F[0]?.length ?? 0) !== m) {
    throw new Error(`${caller}: (W^(${l + 1}))ᵀ δ^(${l + 1}) is ${dIn}×${m} but f′(z^(${l})) is ${shape(F)}`);
  }
  const Wt = Matrix.from(W).T(); //                        (W^(l+1))ᵀ
  const back = Wt.matmul(Matrix.from(D)); //               (W^(l+1))ᵀ δ^(l+1)
  const delta = back.mul(Matrix.from(F)); //               ⊙ f′(z^(l))
  return { W, Wt: Wt.toArray(), deltaNext: D, fprime: F, back: back.toArray(), delta: delta.toArray() };
}

/**
 * One step δ^(l) = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^(l)) with the numbers put in: returns the TeX and the
 * result. Shapes are checked first, and a mismatch names both shapes.
 */
export function deltaStepTex(step: DeltaStepInput, opts: { precision?: number } = {}): { tex: string; delta: number[][] } {
  const { Wt, deltaNext: D, fprime: F, back, delta } = computeDeltaStep(step, "deltaStepTex");
  const l = step.layer;
  const p = { precision: opts.precision };
  const tex =
    `\\boldsymbol\\delta^{(${l})} = \\Big(\\big(\\mathbf W^{(${l + 1})}\\big)^{\\!\\top}\\boldsymbol\\delta^{(${l + 1})}\\Big)\\odot ${step.activation ?? "f"}'\\big(\\mathbf z^{(${l})}\\big)` +
    ` = \\Big(${texMatrix(Wt, p)}${texMatrix(D, p)}\\Big)\\odot${texMatrix(F, p)}` +
    ` = ${texMatrix(back, p)}\\odot${texMatrix(F, p)} = ${texMatrix(delta, p)}`;
  return { tex, delta };
}

/** Shows one step of the δ recurrence with its numbers (see `deltaStepTex`) and returns δ^(l). */
export function showDeltaStep(step: DeltaStepInput, opts: { precision?: number } = {}): number[][] {
  const { tex: t, delta } = deltaStepTex(step, opts);
  tex(t);
  return delta;
}
