// Every display helper called from plain Node (no Jupyter kernel), through the package name as a
// student's script would. Run by plain-node.test.ts and, for the HTML page, by the browser suite.
const bpl = require("backprop-lab");

bpl.md("The forward pass computes $z = Wa + b$.");
bpl.html("<p>raw html</p>");
bpl.tex("\\delta^{(L)} = \\hat y - y");
bpl.showDeltaStep({ layer: 2, W: [[1, 2, 3], [-1, 0, 1]], deltaNext: [0.5, -0.3], fprime: [1, 0, 0] });
bpl.matrixTable([[1, 2.5], [-3, 4]], { name: "W" });
bpl.namedTable([{ quantity: "z", value: 0.125 }], { title: "named" });
bpl.linePlot([{ name: "loss", x: [1, 2, 3], y: [0.9, 0.5, 0.25] }], { title: "line" });
bpl.scatterPlot([{ name: "pts", x: [0, 1], y: [1, 0] }], { title: "scatter" });
bpl.histogram([1, 2, 2, 3, 3, 3], { title: "histogram", bins: 3 });
bpl.heatmap([[1, -1], [0.5, 2]], { title: "heatmap" });
bpl.decisionBoundary((p, q) => p + q, { X: [[0, 0], [1, 1], [1, 0]], y: [0, 1, 1] }, { title: "boundary", grid: 10 });
bpl.plot([{ type: "bar", x: ["a", "b"], y: [1, 2] }], { title: { text: "bar" } });
const a = new bpl.Value(2, "a"), b = new bpl.Value(-3, "b");
const e = a.mul(b);
e.label = "e";
e.backward();
bpl.showGraph(e);
bpl.showBackwardSteps(e);
const bar = bpl.progressBar({ total: 20, label: "fit" });
const curve = bpl.liveLossCurve({ title: "live" });
for (let i = 1; i <= 20; i++) {
  bar.update(i, { loss: 1 / i, acc: i / 20 });
  if (i % 5 === 0) curve.push(i, { train: 1 / i });
}
bar.done();
console.log("DEMO DONE");
