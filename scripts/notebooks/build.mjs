// Builds notebooks 05–09 from the cell lists below: stored without outputs, tslab kernelspec.
import { writeFileSync } from "node:fs";
const meta = { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript" } };
const lines = (s) => { const a = s.replace(/^\n/, "").replace(/\s+$/, "").split("\n"); return a.map((l, i) => (i < a.length - 1 ? l + "\n" : l)); };
const md = (s) => ({ cell_type: "markdown", metadata: {}, source: lines(s) });
const code = (s) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: lines(s) });
const write = (name, cells) => writeFileSync(new URL(`../../notebooks/${name}.ipynb`, import.meta.url), JSON.stringify({ cells: cells.map((c, i) => ({ id: `${name.slice(0, 2)}-${i}`, ...c })), metadata: meta, nbformat: 4, nbformat_minor: 5 }, null, 1) + "\n");
// A text chart used until the display layer lands: one row per series value, log scale optional.
const chart = `
/** Prints a small text chart: each row is a label and a bar proportional to the (log) value. */
function textChart(title: string, rows: Array<[string, number]>, log = false): void {
  const vals = rows.map(([, v]) => (log ? Math.log10(Math.max(v, 1e-300)) : v));
  const lo = Math.min(...vals, log ? Infinity : 0), hi = Math.max(...vals);
  console.log(title);
  rows.forEach(([label, v], i) => {
    const n = hi === lo ? 1 : Math.round(1 + 40 * (vals[i] - lo) / (hi - lo));
    console.log(label.padStart(12) + " |" + "#".repeat(n) + " " + v.toExponential(2));
  });
}`;
const check = `
/** Prints the verdict of a self-check without throwing, so a wrong guess never stops the notebook. */
function selfCheck(label: string, ok: boolean, hint: string): void {
  console.log(label + ": " + (ok ? "correct ✓" : "try again — " + hint));
}`;
export { md, code, write, chart, check };
