import { md, code, write, chart } from "./build.mjs";
write("06-gradient-checking", [
md(`
# 06 · Gradient checking

**Objectives.** Know why the central difference beats the one-sided one, see the two errors that limit any finite difference (truncation and round-off) on a log–log plot, and use the library's checker to catch the classic backward-pass bugs by their signature.

**Prerequisites.** Notebooks 02–05. You should be able to write a backward function for a small layer.`),
md(`
## Two difference quotients
One-sided: $\\dfrac{f(x+h)-f(x)}{h} = f'(x) + \\tfrac{h}{2}f''(x) + O(h^2)$. Central: $\\dfrac{f(x+h)-f(x-h)}{2h} = f'(x) + \\tfrac{h^2}{6}f'''(x) + O(h^4)$.
Round-off adds about $\\varepsilon_{\\text{mach}}|f|/h$ to both. So the error of the one-sided quotient is smallest near $h\\approx\\sqrt{\\varepsilon}\\approx 10^{-8}$, the central one near $h\\approx\\varepsilon^{1/3}\\approx 10^{-5}$.`),
code(`
import { numericGradient, relativeError, checkGradient, checkVjp, classify, rng } from "backprop-lab";
${chart}
const fTest = (x: number): number => Math.sin(x) * Math.exp(x);
const dfTest = (x: number): number => Math.exp(x) * (Math.sin(x) + Math.cos(x));
const x0 = 0.7;
const steps = Array.from({ length: 15 }, (_, i) => 10 ** -(i + 1));
const oneSided = steps.map((h) => relativeError((fTest(x0 + h) - fTest(x0)) / h, dfTest(x0)));
const central = steps.map((h) => relativeError((fTest(x0 + h) - fTest(x0 - h)) / (2 * h), dfTest(x0)));
textChart("one-sided: relative error vs h (log scale)", steps.map((h, i) => ["h=" + h.toExponential(0), oneSided[i]]), true);
textChart("central: relative error vs h (log scale)", steps.map((h, i) => ["h=" + h.toExponential(0), central[i]]), true);`),
md(`
Read the charts from the top: the error first **falls** as $h$ shrinks (truncation: slope 1 for one-sided, slope 2 for central on a log–log plot), reaches a floor, then **rises** again (round-off, slope −1).`),
code(`
const bestOne = steps[oneSided.indexOf(Math.min(...oneSided))], bestCen = steps[central.indexOf(Math.min(...central))];
console.log("best h one-sided:", bestOne.toExponential(0), " best h central:", bestCen.toExponential(0));
console.log("slope of central error between h=1e-1 and 1e-3:", (Math.log10(central[0]) - Math.log10(central[2])) / 2);`),
md(`
### Check yourself
Which difference quotient reaches the smaller best error, and by roughly how many orders of magnitude? The cell verifies the claim "central is at least 1000× better at its best step".`),
code(`
const ratio = Math.min(...oneSided) / Math.min(...central);
console.log(ratio > 1e3 ? "confirmed: central is " + ratio.toExponential(1) + "× better" : "not confirmed: ratio " + ratio.toExponential(1));`),
md(`
## The checker and its bands
\`checkGradient(f, x, analytic)\` compares an analytic gradient with central differences and reports the relative error $|a-n|/(|a|+|n|)$ in bands: below $10^{-7}$ correct, below $10^{-5}$ acceptable, below $10^{-3}$ suspicious, otherwise wrong.

Our subject: a small layer $y = \\tanh(W x + b)$ with loss $L = \\tfrac12\\lVert y - t\\rVert^2$. The correct backward is $\\delta = (y-t)\\odot(1-y^2)$, $\\partial L/\\partial W = \\delta x^{\\top}$, $\\partial L/\\partial b = \\delta$.`),
code(`
const g = rng(6);
const nOut = 3, nIn = 4;
const xIn = g.normals(nIn), tgt = g.normals(nOut);
const params0 = g.normals(nOut * nIn + nOut, 0, 0.5); // W row-major, then b
type Backward = (p: ArrayLike<number>) => number[];
const forwardLoss = (p: ArrayLike<number>): number => {
  let L = 0;
  for (let i = 0; i < nOut; i++) { let z = p[nOut * nIn + i]; for (let j = 0; j < nIn; j++) z += p[i * nIn + j] * xIn[j]; L += 0.5 * (Math.tanh(z) - tgt[i]) ** 2; }
  return L;
};
/** Builds a backward pass with an optional planted bug, so each pitfall can be shown beside the right one. */
const makeBackward = (bug: string): Backward => (p) => {
  const gW: number[] = [], gb: number[] = [];
  for (let i = 0; i < nOut; i++) {
    let z = p[nOut * nIn + i]; for (let j = 0; j < nIn; j++) z += p[i * nIn + j] * xIn[j];
    const y = Math.tanh(z);
    let d = (y - tgt[i]) * (bug === "wrong local derivative" ? 1 - y : 1 - y * y);
    if (bug === "sign error") d = -d;
    if (bug === "factor of 2") d = 2 * d;
    for (let j = 0; j < nIn; j++) gW.push(bug === "transposed index" ? d * xIn[(i + j) % nIn] : d * xIn[j]);
    gb.push(bug === "forgot bias" ? 0 : d);
  }
  if (bug === "one entry overwritten") gW[5] = gW[4];
  return [...gW, ...gb];
};
const names = [...Array.from({ length: nOut * nIn }, (_, k) => "W[" + Math.floor(k / nIn) + "," + (k % nIn) + "]"), ...Array.from({ length: nOut }, (_, i) => "b[" + i + "]")];
const good = checkGradient(forwardLoss, params0, makeBackward("none")(params0), { names: names });
console.log(good.summary);`),
md(`
## Pitfalls and their signatures
Each backward below carries one planted bug. Read the signature in the last column:

| bug | typical signature |
|---|---|
| sign error | every entry has relative error exactly 1 |
| factor of 2 | every entry has relative error 1/3 |
| forgot bias | only the $b$ entries wrong, error 1 |
| wrong local derivative | all entries wrong by varying amounts |
| transposed / misordered index | some entries right, others wildly wrong |
| one entry overwritten | a single entry wrong |`),
code(`
const bugs = ["sign error", "factor of 2", "forgot bias", "wrong local derivative", "transposed index", "one entry overwritten"];
for (const bug of bugs) {
  const rep = checkGradient(forwardLoss, params0, makeBackward(bug)(params0), { names: names, worst: 2 });
  const wrongNames = rep.entries.filter((e) => e.relError > 1e-5).map((e) => e.name);
  console.log(bug.padEnd(24), rep.ok ? "PASSED (bug missed!)" : "caught", " band", rep.band.padEnd(10), " max err", rep.maxRelError.toFixed(3), " wrong entries:", wrongNames.length + "/" + rep.count, wrongNames.length <= 3 ? wrongNames.join(" ") : "");
}`),
md(`
## The four pitfalls of the course, in a batched two-layer network
Now a batch of $M = 4$ columns, $Z^{(1)} = W^{(1)}X + b^{(1)}\mathbf 1^{\top}$, $A^{(1)} = \tanh Z^{(1)}$, $\hat Y = W^{(2)}A^{(1)} + b^{(2)}\mathbf 1^{\top}$, $L = \frac{1}{2M}\lVert \hat Y - Y\rVert_F^2$. The correct backward: $\Delta^{(2)} = (\hat Y - Y)/M$, $\Delta^{(1)} = ((W^{(2)})^{\top}\Delta^{(2)})\odot(1 - A^{(1)}\odot A^{(1)})$, $\partial L/\partial W^{(l)} = \Delta^{(l)}(A^{(l-1)})^{\top}$, $\partial L/\partial b^{(l)} = \Delta^{(l)}\mathbf 1$. We plant each pitfall of the course and read its signature.`),
code(`
const M4 = 4, dI = 3, dH = 4, dO = 2;
const Xb = Array.from({ length: dI }, () => g.normals(M4)), Yb = Array.from({ length: dO }, () => g.normals(M4));
const sizes2 = [dH * dI, dH, dO * dH, dO];
const split2 = (p: ArrayLike<number>) => { const a = Array.from(p); const W1 = Array.from({ length: dH }, (_, i) => a.slice(i * dI, (i + 1) * dI)); let k = dH * dI; const b1 = a.slice(k, k + dH); k += dH; const W2 = Array.from({ length: dO }, (_, i) => a.slice(k + i * dH, k + (i + 1) * dH)); k += dO * dH; return { W1, b1, W2, b2: a.slice(k, k + dO) }; };
const fwd2 = (p: ArrayLike<number>) => { const { W1, b1, W2, b2 } = split2(p); const A1 = W1.map((row, i) => Array.from({ length: M4 }, (_, m) => Math.tanh(row.reduce((s, w, j) => s + w * Xb[j][m], b1[i])))); const Yh = W2.map((row, i) => Array.from({ length: M4 }, (_, m) => row.reduce((s, w, j) => s + w * A1[j][m], b2[i]))); return { W2, A1, Yh }; };
const loss2 = (p: ArrayLike<number>): number => fwd2(p).Yh.reduce((s, row, i) => s + row.reduce((t, v, m) => t + (v - Yb[i][m]) ** 2, 0), 0) / (2 * M4);
/** The batched backward with one of the course's pitfalls optionally planted. */
const backward2 = (p: ArrayLike<number>, bug: string): number[] => {
  const { W2, A1, Yh } = fwd2(p);
  const D2 = Yh.map((row, i) => row.map((v, m) => (v - Yb[i][m]) / M4));
  const D1 = A1.map((row, j) => row.map((a, m) => W2.reduce((s, w2row, i) => s + w2row[j] * D2[i][m], 0) * (bug === "no f'(z) in the recurrence" ? 1 : 1 - a * a)));
  const outerB = (D: number[][], A: number[][]): number[][] => D.map((drow) => A.map((arow) => drow.reduce((s, d, m) => s + d * arow[m], 0) / (bug === "divided by M twice" ? M4 : 1)));
  const wrongOrder = (D: number[][], A: number[][]): number[][] => { const T = A.map((arow) => D.map((drow) => drow.reduce((s, d, m) => s + d * arow[m], 0))); return D.map((_, i) => A.map((__, j) => T.flat()[i * A.length + j])); };
  const gradW = bug === "a δᵀ instead of δ aᵀ" ? wrongOrder : outerB;
  const bias = (D: number[][]): number[] => D.map((row) => (bug === "bias not summed over batch" ? row[0] : row.reduce((s, v) => s + v, 0)) / (bug === "divided by M twice" ? M4 : 1));
  return [...gradW(D1, Xb).flat(), ...bias(D1), ...gradW(D2, A1).flat(), ...bias(D2)];
};
const names2 = [["W1", dH, dI], ["b1", dH, 1], ["W2", dO, dH], ["b2", dO, 1]].flatMap(([nm, r, c]) => Array.from({ length: (r as number) * (c as number) }, (_, k) => nm + "[" + (c === 1 ? k : Math.floor(k / (c as number)) + "," + (k % (c as number))) + "]"));
const p2 = g.normals(sizes2.reduce((s, v) => s + v, 0), 0, 0.7);
for (const bug of ["none", "no f'(z) in the recurrence", "a δᵀ instead of δ aᵀ", "bias not summed over batch", "divided by M twice"]) {
  const rep = checkGradient(loss2, p2, backward2(p2, bug), { names: names2 });
  const wrong = rep.entries.filter((e) => e.relError > 1e-5);
  const groups = [...new Set(wrong.map((e) => (e.name ?? "").slice(0, 2)))].join(",");
  const ratios = wrong.map((e) => e.analytic / e.numeric);
  const sameRatio = ratios.length > 0 && ratios.every((r) => Math.abs(r - ratios[0]) < 1e-4);
  console.log(bug.padEnd(28), rep.ok ? "passes" : "caught", " max err " + rep.maxRelError.toFixed(3), " wrong " + wrong.length + "/" + rep.count + " in " + (groups || "—"), sameRatio ? " analytic/numeric = " + ratios[0].toFixed(3) + " everywhere" : "");
}`),
md(`
Signatures: a missing $f'(z)$ leaves the last layer right and breaks only the layers below it; the misordered product gives a scrambled pattern (and, with real matrices, the wrong shape $d_{in}\\times d_{out}$); an unsummed bias breaks only the $b$ entries; dividing by $M$ twice makes **every** entry too small by the same factor $1/M$ (relative error $(M-1)/(M+1) = 0.6$ for $M=4$).`),
md(`
## Checking one layer on its own: vector–Jacobian products
\`checkVjp(f, x, u, vjp)\` checks a layer's backward given a random upstream gradient $u$: the result must equal $u^{\\top}\\,\\partial f/\\partial x$. Here $f(x) = \\tanh(x)$ element-wise, whose Jacobian is the diagonal $\\mathrm{diag}(1-\\tanh^2 x)$.`),
code(`
const xv = g.normals(5), uv = g.normals(5);
const tanhVec = (x: ArrayLike<number>): number[] => Array.from(x, Math.tanh);
const vjpRight = xv.map((x, i) => uv[i] * (1 - Math.tanh(x) ** 2));
const vjpWrong = xv.map((x, i) => uv[i] * (1 - Math.tanh(x)));
console.log("right VJP:", checkVjp(tanhVec, xv, uv, vjpRight).band, "  wrong VJP:", checkVjp(tanhVec, xv, uv, vjpWrong).band);
console.log("classify(2e-6) =", classify(2e-6));`),
md(`
## Summary
- Central differences: truncation error $O(h^2)$, best step near $10^{-5}$; one-sided: $O(h)$, best near $10^{-8}$, and a worse floor.
- Relative error, not absolute, tells right from wrong; the bands of the checker say how sure to be.
- Each classic bug leaves a fingerprint: error exactly 1 (sign), 1/3 (factor 2), only biases, one entry, a scattered pattern; for the course's pitfalls: only lower layers (missing f′), only biases (unsummed), a uniform factor 1/M (divided twice).

**Exercise:** \`exercises/07-mlp-backward.ts\` — your MLP backward is graded with exactly this checker.`),
]);
