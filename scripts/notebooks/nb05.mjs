import { md, code, write, check } from "./build.mjs";
write("05-worked-examples", [
md(`
# 05 · Worked examples, computed by the library

**Objectives.** Redo the three worked examples and the five practice problems of the course, let the computer do the arithmetic, and compare every number with the answer the course gives. Then answer five quiz questions; each answer is checked by a cell.

**Prerequisites.** Notebooks 02–04 (δ recurrence, matrix form). Notation: $z = W a + b$, $\\delta^{(l)} = \\partial L / \\partial z^{(l)}$.`),
code(`
import { numericGradient, relativeError } from "backprop-lab";
${check}
/** Compares a computed value with the course's answer and prints both. */
function agree(label: string, computed: number, expected: number, tol = 1e-3): void {
  const ok = Math.abs(computed - expected) <= tol * Math.max(1, Math.abs(expected));
  console.log(label.padEnd(14) + " computed " + computed.toFixed(4).padStart(9) + "   course " + String(expected).padStart(7) + "   " + (ok ? "agree" : "DIFFER"));
}`),
md(`
## Example 1 — a two-layer network by hand
$x = 1$, $w_1 = 2, b_1 = 0, w_2 = 3, b_2 = 1$, ReLU hidden unit, linear output, $L = (\\hat y - y)^2$ with $y = 10$.
Backward: $\\partial L/\\partial z_2 = 2(\\hat y - y)$, $\\partial L/\\partial w_2 = \\partial L/\\partial z_2 \\, a_1$, $\\delta_1 = \\partial L/\\partial z_2 \\, w_2 \\, \\mathrm{ReLU}'(z_1)$, $\\partial L/\\partial w_1 = \\delta_1 x$.`),
code(`
const ex1 = (p: ArrayLike<number>): number => { const [w1, b1, w2, b2] = [p[0], p[1], p[2], p[3]]; const a1 = Math.max(0, w1 * 1 + b1); return (w2 * a1 + b2 - 10) ** 2; };
const z1e = 2 * 1 + 0, a1e = Math.max(0, z1e), yhat1 = 3 * a1e + 1;
const dz2 = 2 * (yhat1 - 10), delta1 = dz2 * 3 * (z1e > 0 ? 1 : 0);
agree("yhat", yhat1, 7); agree("L", ex1([2, 0, 3, 1]), 9);
agree("dL/dw2", dz2 * a1e, -12); agree("dL/db2", dz2, -6); agree("dL/dw1", delta1 * 1, -18); agree("dL/db1", delta1, -18);
const fd1 = numericGradient(ex1, [2, 0, 3, 1]);
console.log("finite differences [w1,b1,w2,b2]:", Array.from(fd1, (v) => v.toFixed(4)).join(", "));`),
md(`
## Example 2 — sigmoid and binary cross-entropy
$x = 2, w = 1, b = -1, y = 0$. With $\\hat y = \\sigma(z)$ and $L = -[y\\log\\hat y + (1-y)\\log(1-\\hat y)]$ the two local derivatives collapse to $\\partial L/\\partial z = \\hat y - y$.`),
code(`
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const bce = (p: ArrayLike<number>): number => { const yh = sigmoid(p[0] * 2 + p[1]); return -Math.log(1 - yh); };
const yh2 = sigmoid(1);
agree("yhat", yh2, 0.7311); agree("L", bce([1, -1]), 1.313); agree("dL/dw", (yh2 - 0) * 2, 1.4622); agree("dL/db", yh2, 0.7311);
const fd2 = numericGradient(bce, [1, -1]);
console.log("relative error vs finite differences:", relativeError((yh2) * 2, fd2[0]).toExponential(1));`),
md(`
## Example 3 — shapes
A layer with 64 inputs, 128 outputs, batch 32. $W$ is $d_{out}\\times d_{in}$, the batch is the columns of $A$, and $\\partial L/\\partial W = \\delta\\, A^{\\top}$ must have the shape of $W$.`),
code(`
const [dIn, dOut, batch] = [64, 128, 32];
const shapes: Record<string, [number, number]> = { W: [dOut, dIn], "a^(l-1)": [dIn, batch], z: [dOut, batch], delta: [dOut, batch], "dL/dW": [dOut, batch] };
shapes["dL/dW"] = [shapes.delta[0], shapes["a^(l-1)"][0]]; // (128×32)(32×64)
for (const [k, s] of Object.entries(shapes)) console.log(k.padEnd(8), s.join(" × "));
console.log("dL/dW has the shape of W:", shapes["dL/dW"].join() === shapes.W.join());`),
md(`
## Practice problem 1 — $\\partial L/\\partial w_1$ with ReLU then sigmoid + BCE
The course answer: $\\partial L/\\partial w_1 = (\\hat y - y)\\, w_2\\, \\mathrm{ReLU}'(z_1)\\, x$. We test it at a point against finite differences, once with $z_1>0$ and once with $z_1<0$.`),
code(`
const pp1 = (x: number, y: number) => (p: ArrayLike<number>): number => { const a1 = Math.max(0, p[0] * x + p[1]); const yh = sigmoid(p[2] * a1 + p[3]); return -(y * Math.log(yh) + (1 - y) * Math.log(1 - yh)); };
for (const [x, w1] of [[1.5, 0.8], [1.5, -0.8]]) {
  const [b1, w2, b2, y] = [0.1, -1.2, 0.3, 1];
  const z1 = w1 * x + b1, yh = sigmoid(w2 * Math.max(0, z1) + b2);
  const formula = (yh - y) * w2 * (z1 > 0 ? 1 : 0) * x;
  agree("z1=" + z1.toFixed(2), formula, numericGradient(pp1(x, y), [w1, b1, w2, b2])[0], 1e-6);
}`),
md(`
## Practice problem 2 — the backward pass costs what the forward pass costs
$W a$ with $W \\in \\mathbb{R}^{d_{out}\\times d_{in}}$ and a batch of $B$ columns takes $d_{out} d_{in} B$ multiply-adds; so does $W^{\\top}\\delta$, and so does $\\delta A^{\\top}$. We count them.`),
code(`
const flops = (m: number, k: number, n: number): number => m * k * n; // (m×k)(k×n)
console.log("forward  W a      :", flops(dOut, dIn, batch));
console.log("backward W^T delta:", flops(dIn, dOut, batch));
console.log("backward delta A^T:", flops(dOut, batch, dIn));`),
md(`
## Practice problem 3 — $\\partial L/\\partial W_{ij} = \\delta_i a_j$
Element-wise: $z_k = \\sum_j W_{kj} a_j + b_k$, so only $k = i$ contributes. We confirm the outer product against finite differences for a random layer with loss $L = \\tfrac12\\lVert z\\rVert^2$ (so $\\delta = z$).`),
code(`
const Wp3 = [[0.2, -0.5, 1.0], [0.7, 0.3, -0.4]], ap3 = [1.0, -2.0, 0.5];
const lossW = (flat: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < 2; i++) { let z = 0; for (let j = 0; j < 3; j++) z += flat[3 * i + j] * ap3[j]; s += z * z / 2; } return s; };
const zp3 = Wp3.map((row) => row.reduce((s, w, j) => s + w * ap3[j], 0));
const outer = zp3.flatMap((d) => ap3.map((a) => d * a));
const fd3 = numericGradient(lossW, Wp3.flat());
console.log("max relative error of delta a^T:", Math.max(...outer.map((g, i) => relativeError(g, fd3[i]))).toExponential(1));`),
md(`
## Practice problem 4 — one step of the δ recurrence
$\\delta^{(2)} = (W^{(3)})^{\\top}\\delta^{(3)} \\odot \\mathrm{ReLU}'(z^{(2)})$ with $W^{(3)} = \\begin{bmatrix}1&2&3\\\\-1&0&1\\end{bmatrix}$, $\\delta^{(3)} = [0.5, -0.3]^{\\top}$, $z^{(2)} = [1,-2,0]^{\\top}$. The course answer is $[0.8, 0, 0]^{\\top}$ (with $\\mathrm{ReLU}'(0) = 0$).`),
code(`
const W3 = [[1, 2, 3], [-1, 0, 1]], d3 = [0.5, -0.3], z2 = [1, -2, 0];
const d2 = z2.map((z, j) => (W3[0][j] * d3[0] + W3[1][j] * d3[1]) * (z > 0 ? 1 : 0));
["delta2[0]", "delta2[1]", "delta2[2]"].forEach((n, i) => agree(n, d2[i], [0.8, 0, 0][i]));`),
md(`
## Practice problem 5 — a deep linear network is one linear layer
With identity activations $\\hat y = W_3 W_2 W_1 x = W_{\\mathrm{eff}} x$. For the squared error the gradient with respect to $W_{\\mathrm{eff}}$ is $(\\hat y - y) x^{\\top}$, and the chain rule gives $\\partial L/\\partial W_1 = (W_3W_2)^{\\top}(\\hat y - y) x^{\\top}$.`),
code(`
const w1s = 0.5, w2s = -1.5, w3s = 2, xs = 1.2, ys = 0.4;
const deep = (p: ArrayLike<number>): number => 0.5 * (p[2] * p[1] * p[0] * xs - ys) ** 2;
const weff = w3s * w2s * w1s, r5 = weff * xs - ys;
agree("dL/dWeff", r5 * xs, numericGradient((p) => 0.5 * (p[0] * xs - ys) ** 2, [weff])[0], 1e-6);
agree("dL/dW1", w3s * w2s * r5 * xs, numericGradient(deep, [w1s, w2s, w3s])[0], 1e-6);`),
md(`
## Quiz — check yourself
Set each answer variable to a letter and run the cell after it. A wrong answer prints a hint, never an error.

**Q1.** What is $\\delta^{(l)}$? A) the activation $a^{(l)}$ B) the weights C) $\\partial L/\\partial z^{(l)}$ D) $\\partial L/\\partial W^{(l)}$
**Q2.** $\\partial L/\\partial W^{(l)}$ for one example is A) $(W^{(l)})^{\\top}\\delta^{(l)}$ B) $\\delta^{(l)}(a^{(l-1)})^{\\top}$ C) $a^{(l-1)}\\delta^{(l)}$ D) $\\delta^{(l)}\\odot a^{(l)}$
**Q3.** Why is backprop preferred to finite differences? A) more precise B) all $P$ gradients for about the cost of a forward pass C) needs no memory D) works without derivatives
**Q4.** $\\partial z_i/\\partial a_j$ for $z = W a + b$ is A) 1 B) $W_{ij}$ C) $W_{ji}$ D) $b_i$
**Q5.** With ReLU and $z^{(l)}_j < 0$, $\\delta^{(l)}_j$ is A) 0 B) $z_j$ C) 1 D) undefined`),
code(`
let q1 = "?", q2 = "?", q3 = "?", q4 = "?", q5 = "?"; // put your letters here, then run the next cell`),
code(`
selfCheck("Q1", q1 === "C", "delta is the error at the pre-activation");
selfCheck("Q2", q2 === "B", "the gradient must have W's shape, d_out × d_in");
selfCheck("Q3", q3 === "B", "count forward passes: P+1 against about one");
selfCheck("Q4", q4 === "B", "only the j-th term of row i depends on a_j");
selfCheck("Q5", q5 === "A", "ReLU'(z) = 0 for z < 0");`),
md(`
## Summary
- Every worked number of the course came out of a few lines of code, and finite differences agreed with each hand-derived gradient.
- $\\delta^{(l)}(a^{(l-1)})^{\\top}$ has the shape of $W^{(l)}$; the backward products cost as much as the forward one.
- A ReLU with negative input stops the error signal: that coordinate of $\\delta$ is 0.

**Exercise:** \`exercises/05-delta-recurrence.ts\`.`),
]);
