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
- Each classic bug leaves a fingerprint: error exactly 1 (sign), 1/3 (factor 2), only biases, one entry, or a scattered pattern.

**Exercise:** \`exercises/07-mlp-backward.ts\` — your MLP backward is graded with exactly this checker.`),
]);
