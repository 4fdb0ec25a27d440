/** Formulas: KaTeX rendered to MathML in the kernel, so the output needs no CSS, fonts or network. */
import katex from "katex";
import { emitHtml, emitMarkdown, formatNumber } from "./output";

/** Options for one formula. */
export interface TexOptions {
  /** Display (block) style instead of inline; default true for `tex`, since a cell usually shows one formula. */
  display?: boolean;
}

/** Returns the HTML for a formula, for embedding inside your own `html(...)` output. */
export function texString(texSource: string, opts: TexOptions = {}): string {
  return katex.renderToString(texSource, {
    displayMode: opts.display ?? true,
    output: "mathml",
    throwOnError: false,
    strict: "ignore",
    trust: false,
  });
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

/** TeX source (`bmatrix`) for a matrix or vector, to splice into a larger formula. */
export function texMatrix(m: MatrixInput, opts: { precision?: number } = {}): string {
  const rows = toRows(m);
  const body = rows.map((r) => r.map((x) => formatNumber(x, opts.precision ?? 4).replace("−", "-")).join(" & ")).join(" \\\\ ");
  return `\\begin{bmatrix} ${body} \\end{bmatrix}`;
}
