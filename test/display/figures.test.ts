/**
 * The course's own pictures (a chain with both passes, a layer and its reversed twin, parameters beside
 * their gradients), edge labels on graphs, and the readability fixes of formulas, charts and tables.
 * Expected numbers are the course's worked answers or hand-derived.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  chainSvg, decisionBoundary, graphSvg, heatmap, layoutFrom, linePlot, namedTableHtml, parameterGradientsHtml,
  resetPlotlyBundle, reversedLayerSvg, showBackwardSteps, showChain, showParameterGradients, showReversedLayer, texString,
} from "../../src/display";
import { capture } from "./capture";

/** The plotly traces and layout a chart output carries (its Plotly.react call). */
function chartData(html: string): { traces: Record<string, unknown>[]; layout: Record<string, unknown> } {
  const m = /Plotly\.react\(el,(\[.*?\]),(\{.*?\}),\{responsive/.exec(html);
  if (!m) throw new Error("no Plotly.react call in the chart output");
  return { traces: JSON.parse(m[1]!), layout: JSON.parse(m[2]!) };
}

afterEach(() => vi.restoreAllMocks());

describe("chain pictures", () => {
  // The toy chain of 004 with ReLU everywhere, x = 0.8, y = 1, β = (0.3, −0.2, 0.1, 0.4), ω = (1.5, 0.9, 1.2, −0.7):
  // by hand f₀ = 1.5, f₁ = 1.15, f₂ = 1.48, f₃ = 0.4 − 0.7·1.48 = −0.636, ℓ = 1.636² = 2.676496, ∂ℓ/∂f₃ = −3.272.
  const nodes = [
    { name: "x", value: 0.8 }, { name: "f₀", value: 1.5, grad: 2.473632 }, { name: "f₃", value: -0.636, grad: -3.272 }, { name: "ℓ", value: 2.676496, grad: 1 },
  ];

  it("draws one circle per quantity, the value above, the derivative below and the edge's local derivative on it", () => {
    const svg = chainSvg(nodes, { edges: ["ω₀ = 1.5", "…", "2(f₃ − y)\n−3.272"] });
    expect(svg.match(/class="bpl-node"/g)).toHaveLength(4);
    expect(svg).toMatch(/class="bpl-figure"/);
    expect(svg).toContain(">-0.636</text>");
    expect(svg).toContain(">-3.272</text>");
    expect(svg).toContain(">2.676</text>"); // four significant digits by default
    expect(svg.match(/class="bpl-edge-label"/g)).toHaveLength(4); // the last label has two lines
    expect(svg).toContain(">2(f₃ − y)</text>");
    expect(svg).not.toMatch(/<circle[^>]*>\s*<text[^>]*>x<\/text><text[^>]*>[^<]*<\/text><text[^>]*fill="#b03030"/); // x is data: no derivative row
  });

  it("wraps a long chain onto a new row with a bent edge, and scales rather than clips", () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `v${i}`, value: i, grad: -i }));
    const oneRow = chainSvg(many, { maxWidth: 10_000 });
    const wrapped = chainSvg(many, { maxWidth: 500 });
    expect(oneRow).not.toMatch(/<path d="M[^"]*" fill="none"/);
    expect(wrapped.match(/<path d="M[^"]*" fill="none"/g)!.length).toBeGreaterThan(0);
    const height = (s: string) => Number(/height="(\d+)"/.exec(s)![1]);
    expect(height(wrapped)).toBeGreaterThan(height(oneRow));
    expect(wrapped).toMatch(/viewBox="0 0 \d+ \d+" style="max-width:100%;height:auto"/);
  });

  it("refuses a wrong number of edge labels, escapes names, and prints text outside Jupyter", () => {
    expect(() => chainSvg(nodes, { edges: ["a"] })).toThrow("chainSvg: 4 nodes need 3 edge labels, got 1");
    expect(() => chainSvg([])).toThrow(/no nodes/);
    expect(chainSvg([{ name: "<b>", value: 1 }])).toContain("&lt;b&gt;");
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s));
    showChain(nodes.slice(2), { edges: ["2(f₃ − y)"] });
    expect(lines[0]).toBe("f₃: value -0.636, grad -3.272\n  ↓ 2(f₃ − y)\nℓ: value 2.676, grad 1");
  });
});

describe("the reversed network", () => {
  // 002's practice problem 4: W⁽³⁾ = [[1,2,3],[−1,0,1]], δ⁽³⁾ = [0.5, −0.3]ᵀ, ReLU′(z⁽²⁾) = [1, 0, 0] → δ⁽²⁾ = [0.8, 0, 0]ᵀ.
  const step = { layer: 2, W: [[1, 2, 3], [-1, 0, 1]], deltaNext: [0.5, -0.3], fprime: [1, 0, 0], activation: "\\mathrm{ReLU}" };

  it("computes δ⁽ˡ⁾ as the course does and draws every unit, weight and gain", () => {
    const { svg, delta } = reversedLayerSvg(step);
    expect(delta).toEqual([expect.closeTo(0.8, 12), 0, 0]);
    // 3 a-nodes + 2 z-nodes forward; 2 δ⁽³⁾ + 3 δ⁽²⁾ backward
    expect(svg.match(/class="bpl-node"/g)).toHaveLength(10);
    // every weight twice (forward and reversed): 2 × 6 labels
    expect(svg.match(/class="bpl-edge-label"/g)).toHaveLength(12);
    expect(svg.match(/>Σ</g)).toHaveLength(3);
    expect(svg).toContain("backward: δ⁽²⁾ = ReLU′(z⁽²⁾) ⊙ (W⁽³⁾)ᵀ δ⁽³⁾");
    expect(svg).toContain(">×0</text>"); // the switched-off units' gain
    expect(svg).toContain(">0.8</text>");
  });

  it("shows the forward values when given, and returns δ like showDeltaStep", () => {
    const outs = capture(() => {
      const d = showReversedLayer({ ...step, a: [1, 0, 0], zNext: [1, -1] });
      expect(d[0]).toBeCloseTo(0.8, 12);
    });
    expect(outs).toHaveLength(1);
    expect(outs[0]!.data).toContain("a⁽²⁾₁");
    expect(outs[0]!.data).toContain("z⁽³⁾₂");
  });

  it("names the problem when the input cannot be drawn", () => {
    expect(() => reversedLayerSvg({ ...step, deltaNext: [[0.5, 1], [-0.3, 2]], fprime: [[1, 1], [0, 0], [0, 0]] }))
      .toThrow("reversedLayerSvg: draws one example, but δ^(3) has 2 columns; pass a single column");
    expect(() => reversedLayerSvg({ ...step, deltaNext: [0.5, -0.3, 1] })).toThrow("reversedLayerSvg: W^(3) is 2×3 so δ^(3) needs 2 rows, got 3×1");
    expect(() => reversedLayerSvg({ ...step, a: [1, 2] })).toThrow("reversedLayerSvg: a^(2) must be 3 numbers (one example), got 2×1");
    const wide = Array.from({ length: 2 }, () => new Array(9).fill(0.1));
    expect(() => reversedLayerSvg({ layer: 1, W: wide, deltaNext: [1, 1], fprime: new Array(9).fill(1) })).toThrow(/at most 8 units/);
  });
});

describe("parameters beside their gradients", () => {
  it("draws one cell per entry, coloured by sign and size, and passes matching shapes", () => {
    const { html, check } = parameterGradientsHtml([{ name: "W1", param: [[1, -1, 0]], grad: [[-2, 0.5, 0]] }]);
    expect(check).toEqual({ ok: true, mismatches: [] });
    expect(html.match(/<rect [^>]*fill="rgb/g)).toHaveLength(6);
    // the largest entry of each matrix is the full colour, zero is white
    const fillOf = (name: string) => new RegExp(`fill="(rgb\\([^)]*\\))"[^>]*><title>${name.replace(/[[\]]/g, "\\$&")} = `).exec(html)?.[1];
    expect(fillOf("W1[0,0]")).toBe("rgb(178,24,43)");
    expect(fillOf("∂L/∂W1[0,0]")).toBe("rgb(33,102,172)");
    expect(fillOf("W1[0,2]")).toBe("rgb(255,255,255)");
    expect(fillOf("∂L/∂W1[0,1]")).toBe("rgb(236,197,202)"); // a quarter of the way from white to red
    expect(html).toContain("✔ same shape");
  });

  it("reports a transposed gradient, the course's misordered outer product", () => {
    const outs = capture(() => {
      const check = showParameterGradients([
        { name: "W2", param: [[1, 2, 3], [4, 5, 6]], grad: [[1, 2], [3, 4], [5, 6]] },
        { name: "b2", param: [1, 2], grad: [0.1, 0.2] },
      ]);
      expect(check).toEqual({ ok: false, mismatches: ["W2: ∂L/∂W2 is 3×2 but W2 is 2×3"] });
    });
    expect(outs[0]!.data).toContain("✘ 3×2 ≠ 2×3");
    expect(outs[0]!.data.match(/class="bpl-figure"/g)).toHaveLength(2);
  });
});

describe("graph drawings", () => {
  const x = { label: "x", data: 0.5, grad: -0.36 }, w = { label: "w", data: -1.3, grad: 0.14 };
  const u4 = { label: "u4", op: "×", data: -0.65, grad: 0.28, children: [w, x] };

  it("writes the local derivative on each edge when asked: ∂(w·x)/∂w = x, ∂(w·x)/∂x = w", () => {
    const svg = graphSvg(u4, { edgeLabel: (v, input) => (v === u4 ? (input === w ? x.data : w.data) : undefined) });
    const labels = [...svg.matchAll(/class="bpl-edge-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(labels.sort()).toEqual(["-1.3", "0.5"]);
    const [o] = capture(() => showBackwardSteps(u4, { edgeLabel: () => "∂" }));
    expect(o!.data.match(/class="bpl-edge-label"/g)).toHaveLength(3 * 2); // two edges in each of three steps
  });

  it("never lets Jupyter's max-width cut a wide graph off: it keeps its size inside a scrolling box", () => {
    const svg = graphSvg(u4);
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+" style="max-width:none;height:auto"/);
  });

  it("makes every box wide enough for its longest line", () => {
    const narrow = Number(/width="(\d+)"/.exec(graphSvg(u4))![1]);
    const long = { ...u4, label: "a rather long node label here" };
    const wide = Number(/width="(\d+)"/.exec(graphSvg(long))![1]);
    expect(wide - narrow).toBeGreaterThan(7 * ("a rather long node label here (×)".length - "data -0.65".length) - 10);
  });
});

describe("readable formulas, charts and tables", () => {
  it("writes a derivative's prime inline, not as a floating superscript", () => {
    const s = texString("\\sigma'(z) + f''(x) + g^{(L)\\prime}");
    expect(s).toContain('<mrow><mi>σ</mi><mo lspace="0em" rspace="0em">′</mo></mrow>');
    expect(s).toContain('<mrow><mi>f</mi><mo lspace="0em" rspace="0em">′′</mo></mrow>');
    expect(s).not.toMatch(/<msup><mi>[σf]<\/mi><mo[^>]*>′/);
    expect(s).toMatch(/<msup><mi>g<\/mi><mrow>/); // a prime after a superscript stays in it
  });

  it("merges an axis given in `layout` into the one built from the short options", () => {
    const l = layoutFrom({ xTitle: "k", logY: true, layout: { xaxis: { dtick: 1, autorange: "reversed" } } });
    expect(l.xaxis).toEqual({ title: { text: "k" }, dtick: 1, autorange: "reversed" });
    expect(l.yaxis).toEqual({ title: { text: "" }, type: "log" });
  });

  it("labels log axes 1-2-5 over a few decades and by powers of ten over many, unless told otherwise", () => {
    resetPlotlyBundle();
    const [, short, long, told] = capture(() => {
      linePlot([{ x: [1], y: [1] }]); // carries the bundle
      linePlot([{ x: [0, 1, 2, 3], y: [0.03, 0.2, 0.3, 3] }], { logY: true });
      linePlot([{ x: [1, 2], y: [1e-12, 1] }], { logY: true });
      linePlot([{ x: [1, 2], y: [1e-12, 1] }], { logY: true, layout: { yaxis: { dtick: 3 } } });
    }).map((o) => chartData(o.data).layout);
    expect(short!.yaxis).toMatchObject({ type: "log", dtick: "D2" });
    expect(long!.yaxis).toMatchObject({ type: "log", dtick: 1, exponentformat: "power" });
    expect(told!.yaxis).toMatchObject({ dtick: 3 });
  });

  it("draws a signed heatmap with zero white, row 0 on top and whole-number ticks", () => {
    const [o] = capture(() => heatmap([[0.5, -1.25, 0.3], [2, 0.125, -0.7]], { xTitle: "j" }));
    const { traces, layout } = chartData(o!.data);
    expect(traces[0]).toMatchObject({ type: "heatmap", zmid: 0 });
    expect((traces[0]!.colorscale as [number, string][])[2]).toEqual([0.5, "#f7f7f7"]);
    expect(layout.yaxis).toMatchObject({ autorange: "reversed", dtick: 1 });
    expect(layout.xaxis).toMatchObject({ dtick: 1, title: { text: "j" } });
  });

  it("colours two classes like the two ends of the decision map and keeps the legend off the colour bar", () => {
    const [o] = capture(() => decisionBoundary((a) => a, { X: [[0, 0], [1, 1], [2, 0]], y: [0, 1, 1] }, { grid: 5 }));
    const { traces, layout } = chartData(o!.data);
    expect(traces.map((t) => (t.marker as { color?: string } | undefined)?.color)).toEqual([undefined, "#2166ac", "#b2182b"]);
    expect(layout.legend).toMatchObject({ orientation: "h" });
    expect(traces[0]!.colorbar).toMatchObject({ title: { text: "model output" } });
  });

  it("puts a table's title above it, not in a caption as narrow as the table", () => {
    const h = namedTableHtml([{ a: 1 }], { title: "a long title over a one-column table" });
    expect(h).not.toContain("<caption");
    expect(h.indexOf("a long title")).toBeLessThan(h.indexOf("<table"));
  });
});
