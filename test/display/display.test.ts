/** Display helpers: generated HTML and the text fallbacks used outside Jupyter. */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  deltaStepTex, formatNumber, graphSvg, inNotebook, linePlot, liveLossCurve, matrixTable, namedTable,
  namedTableText, plotHtml, progressBar, progressText, resetPlotlyBundle, showBackwardSteps, showGraph, tex, texMatrix, texNumber,
  texString, texWith, PLOTLY_NBEXTENSION, plotlyBundlePath,
} from "../../src/display";
import { capture } from "./capture";
import { topologicalOrder } from "../../src/engine/graph";
import { Value } from "../../src/engine/value";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

afterEach(() => vi.restoreAllMocks());

describe("outside Jupyter", () => {
  it("is not a notebook, and falls back to text on the terminal", () => {
    expect(inNotebook()).toBe(false);
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s));
    tex("x^2 + 1");
    namedTable([{ node: "a", grad: -3 }]);
    matrixTable([[1, 2], [3, 4.5]], { name: "W" });
    linePlot([{ name: "loss", x: [1, 2, 3], y: [0.9, 0.5, 0.25] }], { title: "training" });
    expect(lines[0]).toBe("x^2 + 1");
    expect(lines[1]).toBe("node  grad\n----  ----\n   a    -3");
    expect(lines[2]).toBe("W (2 × 2)\n         1          2\n         3        4.5");
    expect(lines[3]).toBe("[chart] training\n  loss: 3 points y in [0.25, 0.9]");
  });

  it("prints a progress bar at most once per tenth of the run", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s));
    const bar = progressBar({ total: 100, label: "fit" });
    for (let i = 1; i <= 100; i++) bar.update(i, { loss: 1 / i });
    expect(lines.length).toBe(11);
    expect(lines[10]).toBe("fit [####################] 100/100 loss=0.01");
    expect(progressText("p", 5, 10)).toBe("p [##########..........] 5/10");
    expect(() => progressBar({ total: 0 })).toThrow(/total must be a positive number, got 0/);
  });
});

describe("HTML generation", () => {
  it("renders TeX as MathML that needs no fonts", () => {
    const s = texString("\\frac{a}{b}");
    expect(s).toContain('class="katex"');
    expect(s).toContain("<mfrac>");
    expect(s).not.toContain("katex-html"); // no font-dependent HTML layer
  });

  it("writes matrices and vectors as bmatrix, vectors as columns", () => {
    expect(texMatrix([[1, 0.5], [-2, 3]])).toBe("\\begin{bmatrix} 1 & 0.5 \\\\ -2 & 3 \\end{bmatrix}");
    expect(texMatrix([1, 2])).toBe("\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}");
    expect(texMatrix({ toArray: () => [[1 / 3]] }, { precision: 3 })).toBe("\\begin{bmatrix} 0.333 \\end{bmatrix}");
  });

  it("formats numbers for reading", () => {
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(1.5e-7)).toBe("1.500e-7");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(-Infinity)).toBe("−∞");
  });

  it("escapes table content and shows the union of columns", () => {
    const [o] = capture(() => namedTable([{ a: "<b>" }, { b: 2 }], { title: "T" }));
    expect(o!.mime).toBe("text/html");
    expect(o!.data).toContain("&lt;b&gt;");
    expect(o!.data).toContain("<th style=\"border:1px solid #ccc;padding:2px 8px;text-align:right;background:#f3f3f3\">b</th>");
    expect(namedTableText([{ x: 0.5 }], { title: "t" })).toBe("t\n  x\n---\n0.5");
  });

  it("inlines plotly once per session, hides require.js define while it loads, never uses a CDN", () => {
    resetPlotlyBundle();
    const outs = capture(() => {
      linePlot([{ name: "a", x: [1], y: [2] }]);
      linePlot([{ name: "b", x: [1], y: [3] }]);
    });
    expect(outs).toHaveLength(2);
    expect(outs[0]!.data).toContain("w.define=undefined");
    expect(outs[0]!.data.length).toBeGreaterThan(1_000_000);
    // The payload is plotly.js-dist's bundle itself, gzipped: inflating it gives the file byte for byte.
    const b64 = /atob\('([A-Za-z0-9+/=]+)'\)/.exec(outs[0]!.data)?.[1] ?? "";
    expect(gunzipSync(Buffer.from(b64, "base64")).equals(readFileSync(plotlyBundlePath()))).toBe(true);
    expect(outs[1]!.data.length).toBeLessThan(10_000);
    expect(outs[1]!.data).toContain("window.Plotly.react");
    for (const o of outs) expect(o.data).not.toMatch(/<script[^>]*\ssrc=/i);
    // The bundle must not end its own <script> element early.
    expect(outs[0]!.data.match(/<\/script>/g)?.length).toBe(2);
  });

  it("escapes '<' in chart data so a label cannot close the script", () => {
    const h = plotHtml([{ name: "</script><b>", x: [1], y: [1] }], {}, { includeBundle: false, id: "p" });
    expect(h).toContain("\\u003c/script>\\u003cb>");
  });
});

describe("graphs", () => {
  const a = { label: "a", data: 2, grad: -3 };
  const b = { label: "b", data: -3, grad: 2 };
  const e = { label: "e", op: "*", data: -6, grad: 1, children: [a, b] };

  it("orders inputs before outputs and labels every node with data and grad", () => {
    expect(topologicalOrder(e).map((n) => n.label)).toEqual(["a", "b", "e"]);
    const svg = graphSvg(e);
    expect(svg.match(/class="bpl-node"/g)).toHaveLength(3);
    expect(svg).toContain("data -6");
    expect(svg).toContain("grad -3");
    expect(svg.match(/<line /g)).toHaveLength(2);
  });

  it("backward steps fill grads output-first, one node per step", () => {
    const [o] = capture(() => showBackwardSteps(e));
    expect(o!.data.match(/class="bpl-step"/g)).toHaveLength(3);
    const steps = o!.data.split('class="bpl-step"').slice(1);
    expect(steps[0]).toContain("grad of e is final");
    expect(steps[0]!.match(/grad —/g)).toHaveLength(2);
    expect(steps[2]!.match(/grad —/g)).toBeNull();
  });
});

describe("graphs of real Values", () => {
  // L = (a·b + c)² at a = 2, b = −3, c = 10: d = 4, L = 16; by hand ∂L/∂d = 2d = 8,
  // ∂L/∂a = 8b = −24, ∂L/∂b = 8a = 16, ∂L/∂c = 8.
  function build() {
    const a = new Value(2, "a"), b = new Value(-3, "b"), c = new Value(10, "c");
    const e = a.mul(b);
    e.label = "e";
    const d = e.add(c);
    d.label = "d";
    const L = d.pow(2);
    L.label = "L";
    L.backward();
    return { a, b, c, d, e, L };
  }

  it("draws every node of a Value graph (its inputs are `parents`) with label, data and grad", () => {
    const { L } = build();
    const svg = graphSvg(L);
    expect(svg.match(/class="bpl-node"/g)).toHaveLength(6);
    expect(svg.match(/<line /g)).toHaveLength(5);
    for (const [label, data, grad] of [["a", "2", "-24"], ["b", "-3", "16"], ["c", "10", "8"], ["d", "4", "8"], ["L", "16", "1"]]) {
      expect(svg).toMatch(new RegExp(`>${label}( \\([^)]*\\))?</text><text[^>]*>data ${data}</text><text[^>]*>grad ${grad}</text>`));
    }
  });

  it("steps through backward in reverse topological order: every input of a node is filled after the node", () => {
    const { L } = build();
    const [o] = capture(() => showBackwardSteps(L));
    const titles = [...o!.data.matchAll(/grad of (\w+) is final/g)].map((m) => m[1]);
    expect(titles[0]).toBe("L");
    expect(new Set(titles)).toEqual(new Set(["L", "d", "e", "a", "b", "c"]));
    expect(titles.indexOf("d")).toBeLessThan(titles.indexOf("e"));
    expect(titles.indexOf("d")).toBeLessThan(titles.indexOf("c"));
    expect(titles.indexOf("e")).toBeLessThan(titles.indexOf("a"));
    expect(titles.indexOf("e")).toBeLessThan(titles.indexOf("b"));
  });

  it("draws an edge that skips a column as an arc, and every other edge as a straight line", () => {
    const x = new Value(0.5, "x"), w = new Value(-1.3, "w");
    const u4 = w.mul(x), u6 = u4.sigmoid(), u7 = u6.mul(u4); // u4 → u7 skips u6's column
    const svg = graphSvg(u7);
    expect(svg.match(/<path d="[^"]*" fill="none"/g)).toHaveLength(1); // (the arrow head is a path too, filled)
    expect(svg.match(/<line /g)).toHaveLength(4); // x→u4, w→u4, u4→u6, u6→u7
  });

  it("orders a 100 000-node chain without overflowing the stack, and refuses to draw it with a clear message", () => {
    let v = new Value(0.5, "x");
    for (let i = 0; i < 100_000; i++) v = v.add(1); // each add also makes a leaf for the constant 1
    const order = topologicalOrder(v);
    expect(order).toHaveLength(200_001);
    expect(order[0]).not.toBe(v);
    expect(order[order.length - 1]).toBe(v);
    expect(() => capture(() => showGraph(v))).toThrow(/graphSvg: the graph has 200001 nodes, more than the 150/);
  });
});

describe("formulas with numbers put in", () => {
  it("fills {{name}} placeholders and names a missing one", () => {
    expect(texWith("\\mathbf a = {{a}},\\ s = {{s}}", { a: [1, -2], s: 0.25 })).toBe("\\mathbf a = \\begin{bmatrix} 1 \\\\ -2 \\end{bmatrix},\\ s = 0.25");
    expect(texWith("\\frac{a}{b}", {})).toBe("\\frac{a}{b}");
    expect(() => texWith("{{W}} {{x}}", { W: [[1]] })).toThrow('texWith: the template uses {{x}} but no value named "x" was given (have: W)');
  });

  it("writes tiny and huge numbers as powers of ten", () => {
    expect(texNumber(1.5e-7)).toBe("1.500\\times10^{-7}");
    expect(texNumber(-6.02e23, 3)).toBe("-6.02\\times10^{23}");
    expect(texNumber(0.125)).toBe("0.125");
    expect(texMatrix([[2e-9]])).toBe("\\begin{bmatrix} 2.000\\times10^{-9} \\end{bmatrix}");
  });

  it("shows a δ-recurrence step: 002's practice problem 4 gives δ⁽²⁾ = [0.8, 0, 0]ᵀ", () => {
    // δ⁽³⁾ = [0.5, −0.3]ᵀ, W⁽³⁾ = [[1,2,3],[−1,0,1]], z⁽²⁾ = [1, −2, 0]ᵀ so ReLU′ = [1, 0, 0] (ReLU′(0) = 0).
    const { tex: t, delta } = deltaStepTex({ layer: 2, W: [[1, 2, 3], [-1, 0, 1]], deltaNext: [0.5, -0.3], fprime: [1, 0, 0] });
    expect(delta.map((r) => r[0])).toEqual([expect.closeTo(0.8, 12), 0, 0]);
    // the intermediate (W⁽³⁾)ᵀδ⁽³⁾ = [0.8, 1.0, 1.2] from the document's answer is in the formula
    expect(t).toContain("\\begin{bmatrix} 0.8 \\\\ 1 \\\\ 1.2 \\end{bmatrix}\\odot");
    expect(texString(t)).not.toContain("katex-error");
    expect(t).toContain("\\odot f'\\big(\\mathbf z^{(2)}\\big)");
    expect(deltaStepTex({ layer: 1, W: [[2]], deltaNext: [1], fprime: [0.25], activation: "\\sigma" }).tex).toContain("\\odot \\sigma'\\big(\\mathbf z^{(1)}\\big)");
    expect(() => deltaStepTex({ layer: 2, W: [[1, 2, 3], [-1, 0, 1]], deltaNext: [0.5, -0.3, 1], fprime: [1, 0, 0] }))
      .toThrow("deltaStepTex: W^(3) is 2×3 so δ^(3) needs 2 rows, got 3×1");
    expect(() => deltaStepTex({ layer: 2, W: [[1, 2, 3], [-1, 0, 1]], deltaNext: [0.5, -0.3], fprime: [1, 0] }))
      .toThrow("deltaStepTex: (W^(3))ᵀ δ^(3) is 3×1 but f′(z^(2)) is 2×1");
  });
});

describe("plotly bundle", () => {
  it("a chart falls back to the Notebook server's copy when no output on the page carries the bundle", () => {
    const h = plotHtml([{ x: [1], y: [1] }], {}, { includeBundle: false, id: "p" });
    expect(h).toContain(`"${PLOTLY_NBEXTENSION}"`);
    expect(h).toContain('getAttribute("data-base-url")');
    expect(h).not.toContain("bpl-plotly-bundle");
  });

  it("a live loss curve puts the bundle in its own output once, and its in-place updates stay small", () => {
    resetPlotlyBundle();
    const outs = capture(() => {
      const curve = liveLossCurve();
      for (let e = 1; e <= 5; e++) curve.push(e, { train: 1 / e });
      linePlot([{ x: [1], y: [1] }]);
    });
    expect(outs).toHaveLength(7);
    expect(outs[0]!.slot).toBeUndefined();
    expect(outs[0]!.data).toContain("/*bpl-plotly-bundle*/");
    const updates = outs.slice(1, 6);
    expect(new Set(updates.map((o) => o.slot)).size).toBe(1);
    for (const u of updates) expect(u.data.length).toBeLessThan(10_000);
    expect(updates[4]!.data).toContain('"y":[1,0.5,0.3333333333333333,0.25,0.2]');
    expect(outs[6]!.data).not.toContain("/*bpl-plotly-bundle*/");
  });
});
