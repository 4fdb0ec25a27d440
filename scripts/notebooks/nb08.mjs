import { md, code, write } from "./build.mjs";
write("08-what-backprop-costs", [
md(`
# 08 · What backpropagation costs

**Objectives.** Measure, on this machine, how long a backward pass takes compared with the forward pass; see why finite differences (P + 1 forward passes) are hopeless for P parameters while one backward pass gives all of them; compare forward-mode and reverse-mode differentiation as the number of inputs grows; and count what must be stored between the passes.

**Prerequisites.** Notebooks 01 (graphs), 04 (matrix form), 06 (finite differences).`),
md(`
## Time: backward ≈ 2 × forward
Forward for one layer costs $d_{out}d_{in}B$ multiply-adds for $WA$. Backward needs two products of the same size: $W^{\\top}\\Delta$ and $\\Delta A^{\\top}$. So we expect backward/forward ≈ 2.`),
code(`
import { rng, numericGradient, linePlot } from "backprop-lab";
type Mat = Float64Array[];
/** C = A B for row-arrays; the only kernel this notebook times. */
const mm = (A: Mat, B: Mat, transA = false, transB = false): Mat => {
  const m = transA ? A[0].length : A.length, k = transA ? A.length : A[0].length, n = transB ? B.length : B[0].length;
  const C: Mat = Array.from({ length: m }, () => new Float64Array(n));
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) { const a = transA ? A[p][i] : A[i][p]; const Ci = C[i]; for (let j = 0; j < n; j++) Ci[j] += a * (transB ? B[j][p] : B[p][j]); }
  return C;
};
const randMat = (r: number, c: number, g: ReturnType<typeof rng>, std = 1): Mat => Array.from({ length: r }, () => Float64Array.from(g.normals(c, 0, std)));
const gT = rng(8);
const dims = [64, 64, 64, 64], B = 64;
const Ws = dims.slice(1).map((d, l) => randMat(d, dims[l], gT, Math.sqrt(2 / dims[l])));
const X = randMat(dims[0], B, gT);
const fwd = (): Mat[] => { const As: Mat[] = [X]; for (const W of Ws) As.push(mm(W, As[As.length - 1]).map((r) => r.map((v) => Math.max(0, v)))); return As; };
const bwd = (As: Mat[]): Mat[] => { let D = As[As.length - 1]; const gs: Mat[] = []; for (let l = Ws.length - 1; l >= 0; l--) { gs.unshift(mm(D, As[l], false, true)); D = mm(Ws[l], D, true).map((r, i) => r.map((v, j) => (As[l][i][j] > 0 ? v : 0))); } return gs; };
const timeIt = (f: () => unknown, reps: number): number => { f(); const t = performance.now(); for (let r = 0; r < reps; r++) f(); return (performance.now() - t) / reps; };
const tf = timeIt(fwd, 20); const stored = fwd(); const tb = timeIt(() => bwd(stored), 20);
console.log("forward " + tf.toFixed(2) + " ms   backward " + tb.toFixed(2) + " ms   ratio " + (tb / tf).toFixed(2));`),
md(`
## Finite differences against one backward pass
Each central difference costs two forward passes per parameter (one-sided: $P+1$ in all). Below, a one-hidden-layer net of growing width; we count forward-pass equivalents and time both methods.`),
code(`
const widths = [2, 4, 8, 16, 32];
const rowsP: number[] = [], fdMs: number[] = [], bpMs: number[] = [];
const xs = gT.normals(4), tgt = 0.3;
for (const h of widths) {
  const P = h * 4 + h;
  const loss = (p: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < h; i++) { let z = 0; for (let j = 0; j < 4; j++) z += p[i * 4 + j] * xs[j]; s += p[4 * h + i] * Math.max(0, z); } return 0.5 * (s - tgt) ** 2; };
  const grad = (p: ArrayLike<number>): number[] => { const a: number[] = [], zs: number[] = []; let s = 0; for (let i = 0; i < h; i++) { let z = 0; for (let j = 0; j < 4; j++) z += p[i * 4 + j] * xs[j]; zs.push(z); a.push(Math.max(0, z)); s += p[4 * h + i] * a[i]; } const r = s - tgt; const g = new Array(P).fill(0); for (let i = 0; i < h; i++) { g[4 * h + i] = r * a[i]; const d = zs[i] > 0 ? r * p[4 * h + i] : 0; for (let j = 0; j < 4; j++) g[i * 4 + j] = d * xs[j]; } return g; };
  const p0 = gT.normals(P, 0, 0.5);
  rowsP.push(P); fdMs.push(timeIt(() => numericGradient(loss, p0), 30)); bpMs.push(timeIt(() => grad(p0), 30));
}
linePlot([{ x: rowsP, y: rowsP.map((P) => P + 1), name: "one-sided differences: P + 1 forward passes" }, { x: rowsP, y: rowsP.map((P) => 2 * P), name: "central differences: 2P forward passes" }, { x: rowsP, y: rowsP.map(() => 2), name: "backprop: ≈ 1 forward + 1 backward" }], { title: "passes needed for the full gradient", xTitle: "parameters P", yTitle: "forward-pass equivalents", logY: true });
linePlot([{ x: rowsP, y: fdMs, name: "finite differences" }, { x: rowsP, y: bpMs, name: "backprop" }], { title: "measured time for one full gradient", xTitle: "parameters P", yTitle: "ms", logY: true });
rowsP.forEach((P, i) => console.log("P=" + String(P).padStart(4) + "  FD " + fdMs[i].toFixed(4) + " ms   backprop " + bpMs[i].toFixed(4) + " ms   ratio " + (fdMs[i] / bpMs[i]).toFixed(0)));`),
md(`
## Forward mode against reverse mode
Forward mode carries a tangent $\\dot v = \\partial v/\\partial x_i$ along with every value (dual numbers $v + \\dot v\\,\\varepsilon$, $\\varepsilon^2 = 0$): one pass gives the derivative with respect to **one input**. Reverse mode (backprop) gives the derivative of **one output** with respect to all inputs in one pass. For $f:\\mathbb R^n\\to\\mathbb R$, forward needs $n$ passes, reverse needs 1.`),
code(`
interface Dual { v: number; d: number }
const dmul = (a: Dual, b: Dual): Dual => ({ v: a.v * b.v, d: a.d * b.v + a.v * b.d });
const dadd = (a: Dual, b: Dual): Dual => ({ v: a.v + b.v, d: a.d + b.d });
const dsin = (a: Dual): Dual => ({ v: Math.sin(a.v), d: Math.cos(a.v) * a.d });
/** f(x) = Σ sin(x_i) · x_{i+1}: a scalar of n inputs. */
const fDual = (x: Dual[]): Dual => x.slice(0, -1).reduce((s, xi, i) => dadd(s, dmul(dsin(xi), x[i + 1])), { v: 0, d: 0 });
const forwardMode = (x: number[]): number[] => x.map((_, i) => fDual(x.map((xj, j) => ({ v: xj, d: i === j ? 1 : 0 }))).d);
const reverseMode = (x: number[]): number[] => { const g = new Array(x.length).fill(0); for (let i = 0; i < x.length - 1; i++) { g[i] += Math.cos(x[i]) * x[i + 1]; g[i + 1] += Math.sin(x[i]); } return g; };
const ns = [10, 40, 160, 640];
const fm = ns.map((n) => { const x = gT.normals(n); return timeIt(() => forwardMode(x), 5); });
const rm = ns.map((n) => { const x = gT.normals(n); return timeIt(() => reverseMode(x), 5); });
const xc = gT.normals(10);
console.log("modes agree:", forwardMode(xc).every((v, i) => Math.abs(v - reverseMode(xc)[i]) < 1e-12));
linePlot([{ x: ns, y: fm, name: "forward mode (n passes)" }, { x: ns, y: rm, name: "reverse mode (1 pass)" }], { title: "gradient of f: ℝⁿ → ℝ", xTitle: "inputs n", yTitle: "ms", logX: true, logY: true });`),
md(`
## Memory: what the backward pass needs
$\\partial L/\\partial W^{(l)} = \\Delta^{(l)}(A^{(l-1)})^{\\top}$ needs every activation $A^{(l-1)}$ and the ReLU masks of every $Z^{(l)}$ — all kept from the forward pass. That is $B\\sum_l d_l$ numbers, growing with the batch and the depth, on top of the parameters. Recomputing them instead (checkpointing) trades time for memory.`),
code(`
const storedFloats = stored.reduce((s, A) => s + A.length * A[0].length, 0);
const paramFloats = Ws.reduce((s, W) => s + W.length * W[0].length, 0);
console.log("activations kept for backward:", storedFloats, "floats =", (storedFloats * 8 / 1024).toFixed(0), "KiB;  parameters:", paramFloats);
const batches = [1, 16, 64, 256, 1024];
linePlot([{ x: batches, y: batches.map((b) => b * dims.reduce((s, d) => s + d, 0)), name: "stored activations" }, { x: batches, y: batches.map(() => paramFloats), name: "parameters" }], { title: "floats held between forward and backward", xTitle: "batch size B", yTitle: "floats", logX: true, logY: true });`),
md(`
### Check yourself
How many forward-pass equivalents would central differences need for a network with one million parameters? Set \`myAnswer\` and run the check.`),
code(`
let myAnswer = 0; // your number here`),
code(`
console.log(myAnswer === 2e6 ? "correct: two evaluations per parameter" : "try again — central differences evaluate f(θ+h) and f(θ−h) for each parameter");`),
md(`
## Summary
- Backward costs a small constant times forward (measured ratio above, ≈ 2 in theory).
- Finite differences grow linearly with $P$; backprop does not — it is the reason training large networks is possible.
- Reverse mode wins for many inputs and one output (a loss); forward mode for few inputs and many outputs.
- The price of reverse mode is memory: every activation needed by a local derivative is stored until the backward pass uses it.

**Exercise:** \`exercises/02-graph-backward.ts\`.`),
]);
