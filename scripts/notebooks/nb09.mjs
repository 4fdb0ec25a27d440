import { md, code, write } from "./build.mjs";
write("09-looking-ahead", [
md(`
# 09 · Looking ahead: deep networks and the size of gradients

**Objectives.** See that backprop multiplies one local derivative per layer, so gradients in deep networks can shrink or grow geometrically; measure the per-layer spread of activations and gradients in a deep ReLU network for several weight variances; and find the variance that keeps both stable, $\\mathrm{Var}(W_{ij}) = 2/n_{in}$ (He initialisation).

**Prerequisites.** Notebooks 03–04 (the δ recurrence in matrix form).`),
md(`
## A product of local derivatives
For a chain of scalar layers $z_{l} = w_l\\,\\phi(z_{l-1})$, $\\dfrac{\\partial z_L}{\\partial z_0} = \\prod_{l=1}^{L} w_l\\,\\phi'(z_{l-1})$. If every factor is about $0.25$ (the largest slope of the sigmoid), 20 layers give $0.25^{20}\\approx 10^{-12}$: **vanishing**. With factors of $1.5$ it is $1.5^{20}\\approx 3000$: **exploding**.`),
code(`
import { rng, linePlot } from "backprop-lab";
const depthsV = Array.from({ length: 21 }, (_, l) => l);
linePlot([0.25, 0.9, 1.0, 1.5].map((f) => ({ x: depthsV, y: depthsV.map((l) => f ** l), name: "factor " + f })), { title: "size of a product of L local derivatives", xTitle: "depth L", yTitle: "|∂z_L/∂z_0|", logY: true });`),
md(`
## Activations and gradients layer by layer
A 20-layer ReLU network of width 100, $W^{(l)}_{ij}\\sim\\mathcal N(0, c/n_{in})$. Forward, the variance of $z$ is multiplied by about $c/2$ per layer (ReLU keeps half of it); backward, the variance of $\\delta$ is multiplied by the same factor. Only $c = 2$ keeps both flat.`),
code(`
const width = 100, depth = 20, batchN = 64;
const gS = rng(9);
const std = (m: number[][]): number => { const v = m.flat(); const mu = v.reduce((s, x) => s + x, 0) / v.length; return Math.sqrt(v.reduce((s, x) => s + (x - mu) ** 2, 0) / v.length); };
const mmul = (A: number[][], B: number[][]): number[][] => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
const tr = (A: number[][]): number[][] => A[0].map((_, j) => A.map((r) => r[j]));
/** Runs forward and backward once and returns the spread of z and of δ at every layer. */
const spread = (c: number): { zStd: number[]; dStd: number[] } => {
  const g = gS.fork("c=" + c);
  const Ws = Array.from({ length: depth }, () => Array.from({ length: width }, () => g.normals(width, 0, Math.sqrt(c / width))));
  let A = Array.from({ length: width }, () => g.normals(batchN));
  const Zs: number[][][] = [];
  for (const W of Ws) { const Z = mmul(W, A); Zs.push(Z); A = Z.map((r) => r.map((v) => Math.max(0, v))); }
  let D = Array.from({ length: width }, () => g.normals(batchN)); // a random upstream gradient at the top
  const dStd: number[] = new Array(depth);
  for (let l = depth - 1; l >= 0; l--) { D = D.map((r, i) => r.map((v, j) => (Zs[l][i][j] > 0 ? v : 0))); dStd[l] = std(D); D = mmul(tr(Ws[l]), D); }
  return { zStd: Zs.map(std), dStd };
};
const variances = [1, 2, 3];
const results = variances.map((c) => ({ c, ...spread(c) }));
const layersX = Array.from({ length: depth }, (_, l) => l + 1);
linePlot(results.map((r) => ({ x: layersX, y: r.zStd, name: "Var(W) = " + r.c + "/n_in" })), { title: "forward: std of z per layer", xTitle: "layer", yTitle: "std(z)", logY: true });
linePlot(results.map((r) => ({ x: layersX, y: r.dStd, name: "Var(W) = " + r.c + "/n_in" })), { title: "backward: std of δ per layer", xTitle: "layer", yTitle: "std(δ)", logY: true });
results.forEach((r) => console.log("c=" + r.c + "  std z: layer1 " + r.zStd[0].toExponential(2) + " → layer20 " + r.zStd[depth - 1].toExponential(2) + "   std δ: layer20 " + r.dStd[depth - 1].toExponential(2) + " → layer1 " + r.dStd[0].toExponential(2)));`),
md(`
### Check yourself
Which $c$ keeps the ratio std(layer 20)/std(layer 1) of the forward signal closest to 1? Put your guess in \`myC\`.`),
code(`
let myC = 0; // 1, 2 or 3`),
code(`
const best = results.reduce((b, r) => (Math.abs(Math.log(r.zStd[depth - 1] / r.zStd[0])) < Math.abs(Math.log(b.zStd[depth - 1] / b.zStd[0])) ? r : b));
console.log("measured best c =", best.c, "—", myC === best.c ? "correct ✓" : "try again: which c undoes ReLU's halving of the variance?");`),
md(`
## Where this leads
- **Initialisation:** He ($2/n_{in}$) for ReLU, Glorot ($2/(n_{in}+n_{out})$) for tanh — derived exactly from the variance argument above.
- **Normalisation layers** re-centre and re-scale $z$ at every layer, so the product cannot drift.
- **Residual connections** $a^{(l+1)} = a^{(l)} + F(a^{(l)})$ add an identity to every local Jacobian, so the product has a term that never vanishes.
- **Gradient clipping** caps the norm when a product explodes.`),
md(`
## Summary
- Backprop multiplies one Jacobian per layer; deep products vanish or explode unless each factor is near 1 in size.
- In a ReLU network the variance of activations and of δ changes by $c/2$ per layer; $c = 2$ (He) keeps them stable, as the plots show.

**Exercise:** \`exercises/08-layer-backward.ts\`.`),
]);
