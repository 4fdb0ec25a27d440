/** Tables of named quantities and of matrices, with number formatting readers can scan. */
import { emitHtml, escapeHtml, formatNumber } from "./output";
import { MatrixInput, toRows } from "./math";

/** Shows raw HTML (e.g. an SVG you built); outside Jupyter prints a note with its length. */
export function html(s: string): void {
  emitHtml(s, `[html output, ${s.length} characters]`);
}

/** A value in a named table. */
export type Cell = number | string | boolean | null | undefined;

/** Options for `namedTable`. */
export interface TableOptions {
  title?: string;
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
}

const TABLE_STYLE = "border-collapse:collapse;font-family:monospace;font-size:13px;margin:4px 0";
const TD = "border:1px solid #ccc;padding:2px 8px;text-align:right";

function cellText(v: Cell, digits: number): string {
  if (typeof v === "number") return formatNumber(v, digits);
  if (v === null || v === undefined) return "";
  return String(v);
}

/** HTML for a table whose rows are objects; columns are the union of the keys in first-seen order. */
export function namedTableHtml(rows: readonly Record<string, Cell>[], opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const head = cols.map((c) => `<th style="${TD};background:#f3f3f3">${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${cols.map((c) => `<td style="${TD}">${escapeHtml(cellText(r[c], digits))}</td>`).join("")}</tr>`)
    .join("");
  // The title sits above the table rather than in a <caption>: a caption is only as wide as the
  // table, so a long title over a narrow table wrapped into a column of short lines.
  const title = opts.title ? `<div class="bpl-table-title" style="font-family:monospace;font-size:13px;font-weight:bold;margin-top:4px">${escapeHtml(opts.title)}</div>` : "";
  return `${title}<table class="bpl-table" style="${TABLE_STYLE}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Plain-text version of the same table, aligned in columns. */
export function namedTableText(rows: readonly Record<string, Cell>[], opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const grid = [cols, ...rows.map((r) => cols.map((c) => cellText(r[c], digits)))];
  const widths = cols.map((_, j) => Math.max(...grid.map((g) => g[j]?.length ?? 0)));
  const lines = grid.map((g) => g.map((s, j) => s.padStart(widths[j] ?? 0)).join("  "));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return (opts.title ? opts.title + "\n" : "") + lines.join("\n");
}

/** Shows a table of named quantities: one object per row, e.g. `{ node: "a", value: 2, grad: -3 }`. */
export function namedTable(rows: readonly Record<string, Cell>[], opts: TableOptions = {}): void {
  emitHtml(namedTableHtml(rows, opts), namedTableText(rows, opts));
}

/** HTML for a matrix with its shape in the caption, so shape bugs are visible at a glance. */
export function matrixTableHtml(m: MatrixInput, opts: { name?: string; precision?: number } = {}): string {
  const rows = toRows(m);
  const shape = `${rows.length} × ${rows[0]?.length ?? 0}`;
  const caption = `${opts.name ? escapeHtml(opts.name) + " " : ""}(${shape})`;
  const body = rows
    .map((r) => `<tr>${r.map((x) => `<td style="${TD}">${escapeHtml(formatNumber(x, opts.precision ?? 4))}</td>`).join("")}</tr>`)
    .join("");
  return `<table class="bpl-matrix" style="${TABLE_STYLE}"><caption style="caption-side:top;text-align:left">${caption}</caption><tbody>${body}</tbody></table>`;
}

/** Shows a matrix (or vector, as a column) as a table with its shape. */
export function matrixTable(m: MatrixInput, opts: { name?: string; precision?: number } = {}): void {
  const rows = toRows(m);
  const text =
    `${opts.name ? opts.name + " " : ""}(${rows.length} × ${rows[0]?.length ?? 0})\n` +
    rows.map((r) => r.map((x) => formatNumber(x, opts.precision ?? 4).padStart(10)).join(" ")).join("\n");
  emitHtml(matrixTableHtml(m, opts), text);
}
