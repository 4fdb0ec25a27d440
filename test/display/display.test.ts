/** Display helpers: generated HTML and the text fallbacks used outside Jupyter. */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  captureOutput, formatNumber, graphOrder, graphSvg, inNotebook, linePlot, matrixTable, namedTable, namedTableText,
  plotHtml, progressBar, progressText, resetPlotlyBundle, showBackwardSteps, tex, texMatrix, texString,
  type CapturedOutput,
} from "../../src/display";

function capture(fn: () => void): CapturedOutput[] {
  const out: CapturedOutput[] = [];
  captureOutput((o) => out.push(o));
  try {
    fn();
  } finally {
    captureOutput(null);
  }
  return out;
}

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
    expect(o.mime).toBe("text/html");
    expect(o.data).toContain("&lt;b&gt;");
    expect(o.data).toContain("<th style=\"border:1px solid #ccc;padding:2px 8px;text-align:right;background:#f3f3f3\">b</th>");
    expect(namedTableText([{ x: 0.5 }], { title: "t" })).toBe("t\n  x\n---\n0.5");
  });

  it("inlines plotly once per session, hides require.js define while it loads, never uses a CDN", () => {
    resetPlotlyBundle();
    const outs = capture(() => {
      linePlot([{ name: "a", x: [1], y: [2] }]);
      linePlot([{ name: "b", x: [1], y: [3] }]);
    });
    expect(outs).toHaveLength(2);
    expect(outs[0].data).toContain("window.define=undefined");
    expect(outs[0].data.length).toBeGreaterThan(1_000_000);
    expect(outs[1].data.length).toBeLessThan(10_000);
    expect(outs[1].data).toContain("window.Plotly.react");
    for (const o of outs) expect(o.data).not.toMatch(/<script[^>]*\ssrc=/i);
    // The bundle must not end its own <script> element early.
    expect(outs[0].data.match(/<\/script>/g)?.length).toBe(2);
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
    expect(graphOrder(e).map((n) => n.label)).toEqual(["a", "b", "e"]);
    const svg = graphSvg(e);
    expect(svg.match(/class="bpl-node"/g)).toHaveLength(3);
    expect(svg).toContain("data -6");
    expect(svg).toContain("grad -3");
    expect(svg.match(/<line /g)).toHaveLength(2);
  });

  it("backward steps fill grads output-first, one node per step", () => {
    const [o] = capture(() => showBackwardSteps(e));
    expect(o.data.match(/class="bpl-step"/g)).toHaveLength(3);
    const steps = o.data.split('class="bpl-step"').slice(1);
    expect(steps[0]).toContain("grad of e is final");
    expect(steps[0].match(/grad —/g)).toHaveLength(2);
    expect(steps[2].match(/grad —/g)).toBeNull();
  });
});
