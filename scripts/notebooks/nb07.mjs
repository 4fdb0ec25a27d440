import { md, code, write } from "./build.mjs";
write("07-training", [
md(`
# 07 · Training a network end to end

**Objectives.** Put forward pass, backward pass and update together in a training loop; train a small classifier on the two-moons data in two styles — a max-margin (hinge) loss with L2 and learning-rate decay, as in the classic micrograd demo, and a softmax cross-entropy classifier with weight decay; watch the loss live and look at the decision boundary.

**Prerequisites.** Notebooks 03–04 (δ recurrence and matrix form) and 06 (your gradients are trusted only after a check).`),
md(`
## The model, written as the equations
Batch = columns of $A^{(0)} = X^{\\top}$. Forward $Z^{(l)} = W^{(l)}A^{(l-1)} + b^{(l)}\\mathbf 1^{\\top}$, $A^{(l)} = \\mathrm{ReLU}(Z^{(l)})$. Backward
$$\\Delta^{(l)} = \\big((W^{(l+1)})^{\\top}\\Delta^{(l+1)}\\big)\\odot \\mathrm{ReLU}'(Z^{(l)}),\\qquad \\frac{\\partial L}{\\partial W^{(l)}} = \\Delta^{(l)}(A^{(l-1)})^{\\top} + \\lambda W^{(l)},\\qquad \\frac{\\partial L}{\\partial b^{(l)}} = \\Delta^{(l)}\\mathbf 1.$$`),
code(`
import { moons, rng, checkGradient, progressBar, liveLossCurve, decisionBoundary, linePlot } from "backprop-lab";
type Mat = number[][];
const matmul = (A: Mat, B: Mat): Mat => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
const transpose = (A: Mat): Mat => A[0].map((_, j) => A.map((row) => row[j]));
interface Layer { W: Mat; b: number[] }
/** He-initialised layers, sizes [d0, d1, ..., dL]. */
const initNet = (sizes: number[], seed: number): Layer[] => { const g = rng(seed); return sizes.slice(1).map((d, l) => ({ W: Array.from({ length: d }, () => g.normals(sizes[l], 0, Math.sqrt(2 / sizes[l]))), b: new Array(d).fill(0) })); };
/** Forward pass that keeps every Z and A: the backward pass needs them. */
const forward = (net: Layer[], A0: Mat): { Z: Mat[]; A: Mat[] } => {
  const Z: Mat[] = [], A: Mat[] = [A0];
  net.forEach((layer, l) => { const z = matmul(layer.W, A[l]).map((row, i) => row.map((v) => v + layer.b[i])); Z.push(z); A.push(l === net.length - 1 ? z : z.map((r) => r.map((v) => Math.max(0, v)))); });
  return { Z, A };
};
/** δ recurrence from the output delta down, returning dW, db for every layer (plus λW weight decay). */
const backward = (net: Layer[], Z: Mat[], A: Mat[], deltaL: Mat, lambda: number): Layer[] => {
  const grads: Layer[] = new Array(net.length);
  let delta = deltaL;
  for (let l = net.length - 1; l >= 0; l--) {
    grads[l] = { W: matmul(delta, transpose(A[l])).map((row, i) => row.map((v, j) => v + lambda * net[l].W[i][j])), b: delta.map((row) => row.reduce((s, v) => s + v, 0)) };
    if (l > 0) delta = matmul(transpose(net[l].W), delta).map((row, i) => row.map((v, j) => (Z[l - 1][i][j] > 0 ? v : 0)));
  }
  return grads;
};
const flatten = (net: Layer[]): number[] => net.flatMap((L) => [...L.W.flat(), ...L.b]);
const unflatten = (p: ArrayLike<number>, like: Layer[]): Layer[] => { let k = 0; return like.map((L) => ({ W: L.W.map((r) => r.map(() => p[k++])), b: L.b.map(() => p[k++]) })); };
const data = moons(120, { noise: 0.1, seed: 1 });
const X0: Mat = transpose(data.X);
console.log("points:", data.X.length, " classes:", new Set(data.y).size);`),
md(`
## Run 1 — max-margin loss, L2, SGD with decay
Labels $y_i \\in \\{-1, +1\\}$, one output score $s_i$; $L = \\frac1m\\sum_i \\max(0, 1 - y_i s_i) + \\frac{\\alpha}{2}\\sum \\lVert W\\rVert^2$. The output delta is $\\delta_i = -y_i/m$ where the margin is violated, 0 elsewhere. The learning rate falls as $\\eta_k = 1 - 0.9\\,k/K$.`),
code(`
const ypm = data.y.map((c) => (c === 1 ? 1 : -1));
const hinge = (net: Layer[], alpha: number): { loss: number; acc: number; grads: Layer[] } => {
  const { Z, A } = forward(net, X0); const s = A[A.length - 1][0]; const m = s.length;
  let loss = 0, correct = 0; const d = [s.map((v, i) => { const viol = 1 - ypm[i] * v > 0; if (viol) loss += (1 - ypm[i] * v) / m; if (v * ypm[i] > 0) correct++; return viol ? -ypm[i] / m : 0; })];
  loss += (alpha / 2) * net.reduce((t, L) => t + L.W.flat().reduce((u, w) => u + w * w, 0), 0);
  return { loss, acc: correct / m, grads: backward(net, Z, A, d, alpha) };
};
const net1 = initNet([2, 16, 16, 1], 7);
const alpha1 = 1e-4;
const p1 = flatten(net1), g1 = flatten(hinge(net1, alpha1).grads);
console.log("gradient check before training:", checkGradient((p) => hinge(unflatten(p, net1), alpha1).loss, p1, g1).band);`),
code(`
const K1 = 100;
const bar1 = progressBar({ total: K1, label: "hinge + L2" });
const curve1 = liveLossCurve({ title: "max-margin loss" });
for (let k = 0; k < K1; k++) {
  const { loss, acc, grads } = hinge(net1, alpha1);
  const eta = 1.0 - 0.9 * k / K1;
  net1.forEach((L, l) => { L.W.forEach((row, i) => row.forEach((_, j) => { row[j] -= eta * grads[l].W[i][j]; })); L.b.forEach((_, i) => { L.b[i] -= eta * grads[l].b[i]; }); });
  if (k % 5 === 0 || k === K1 - 1) { curve1.push(k, { loss: loss }); bar1.update(k + 1, { loss: loss, acc: acc }); }
}
const final1 = hinge(net1, alpha1);
bar1.done({ loss: final1.loss, acc: final1.acc });
console.log("final accuracy (hinge):", final1.acc.toFixed(3));`),
code(`
decisionBoundary((a, b) => forward(net1, [[a], [b]]).A[3][0][0], data, { title: "max-margin network: score s(x)", grid: 40 });`),
md(`
## Run 2 — softmax cross-entropy with weight decay
Two output scores per point, $P = \\mathrm{softmax}(Z^{(L)})$ column by column, $L = -\\frac1m\\sum_i \\log P_{y_i,i} + \\frac{\\lambda}{2}\\sum\\lVert W\\rVert^2$. The output delta is the famous $\\Delta^{(L)} = (P - Y)/m$ with $Y$ one-hot.`),
code(`
const softmaxCE = (net: Layer[], lambda: number): { loss: number; acc: number; grads: Layer[] } => {
  const { Z, A } = forward(net, X0); const S = A[A.length - 1]; const m = S[0].length;
  const D: Mat = S.map(() => new Array(m).fill(0)); let loss = 0, correct = 0;
  for (let i = 0; i < m; i++) {
    const mx = Math.max(S[0][i], S[1][i]); const e = [Math.exp(S[0][i] - mx), Math.exp(S[1][i] - mx)]; const tot = e[0] + e[1];
    for (let c = 0; c < 2; c++) D[c][i] = (e[c] / tot - (data.y[i] === c ? 1 : 0)) / m;
    loss -= Math.log(e[data.y[i]] / tot) / m;
    if ((S[1][i] > S[0][i] ? 1 : 0) === data.y[i]) correct++;
  }
  loss += (lambda / 2) * net.reduce((t, L) => t + L.W.flat().reduce((u, w) => u + w * w, 0), 0);
  return { loss, acc: correct / m, grads: backward(net, Z, A, D, lambda) };
};
const net2 = initNet([2, 16, 16, 2], 11), lambda2 = 1e-3;
console.log("gradient check:", checkGradient((p) => softmaxCE(unflatten(p, net2), lambda2).loss, flatten(net2), flatten(softmaxCE(net2, lambda2).grads)).band);
const K2 = 150, eta2 = 0.5, history: number[] = [];
const bar2 = progressBar({ total: K2, label: "softmax CE + weight decay" });
const curve2 = liveLossCurve({ title: "cross-entropy loss" });
for (let k = 0; k < K2; k++) {
  const { loss, acc, grads } = softmaxCE(net2, lambda2); history.push(loss);
  net2.forEach((L, l) => { L.W.forEach((row, i) => row.forEach((_, j) => { row[j] -= eta2 * grads[l].W[i][j]; })); L.b.forEach((_, i) => { L.b[i] -= eta2 * grads[l].b[i]; }); });
  if (k % 5 === 0 || k === K2 - 1) { curve2.push(k, { loss: loss }); bar2.update(k + 1, { loss: loss, acc: acc }); }
}
const final2 = softmaxCE(net2, lambda2);
bar2.done({ loss: final2.loss, acc: final2.acc });
console.log("final accuracy (softmax CE):", final2.acc.toFixed(3));`),
code(`
decisionBoundary((a, b) => { const s = forward(net2, [[a], [b]]).A[3]; return 1 / (1 + Math.exp(s[0][0] - s[1][0])); }, data, { title: "softmax network: P(class 1 | x)", grid: 40 });`),
md(`
### Check yourself
Did training work? The cell below verifies that the loss fell by more than half and that both networks classify at least 90% of the training points.`),
code(`
const fell = history[history.length - 1] < 0.5 * history[0];
console.log(fell && final1.acc >= 0.9 && final2.acc >= 0.9 ? "yes: loss " + history[0].toFixed(3) + " → " + history[history.length - 1].toFixed(3) : "not yet — try more epochs or a larger step");`),
md(`
## Summary
- A training step is: forward (keep $Z$, $A$), output delta from the loss, δ recurrence down, gradients $\\Delta A^{\\top}$ and $\\Delta\\mathbf 1$ plus the regulariser's $\\lambda W$, and an update.
- Different losses only change the **output delta**: $-y/m$ on violated margins for the hinge, $(P-Y)/m$ for softmax cross-entropy.
- Always check the gradient once before trusting a training curve.

**Exercise:** \`exercises/07-mlp-backward.ts\`.`),
]);
