// Static checks of the course notebooks 01–09: structure a student relies on, read from the JSON
// without running a kernel, so it is fast and runs anywhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const dir = join(root, "notebooks");
const courseNotebooks = readdirSync(dir).filter((f) => /^0[1-9]-.*\.ipynb$/.test(f)).sort();

/** The exercise files the course defines (issue 4); notebooks must point at one of them. */
const exerciseFiles = [
  "01-local-rules.ts", "02-graph-backward.ts", "03-toy-chain.ts", "04-output-deltas.ts",
  "05-delta-recurrence.ts", "06-layer-gradients.ts", "07-mlp-backward.ts", "08-layer-backward.ts",
  "09-build-an-engine.ts", "10-gradient-checker.ts", "11-stable-softmax.ts", "12-init-variance.ts",
  "13-training-loop.ts",
];

interface Cell { cell_type: string; source: string[] | string; outputs?: unknown[]; execution_count?: number | null }
const load = (f: string): { cells: Cell[]; metadata: { kernelspec?: Record<string, string> } } => JSON.parse(readFileSync(join(dir, f), "utf8"));
const text = (c: Cell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

describe("course notebooks", () => {
  it("all nine are present", () => {
    expect(courseNotebooks.map((f) => f.slice(0, 2))).toEqual(["01", "02", "03", "04", "05", "06", "07", "08", "09"]);
  });

  for (const f of courseNotebooks) {
    describe(f, () => {
      const nb = load(f);
      const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map(text);
      const codeCells = nb.cells.filter((c) => c.cell_type === "code");

      it("uses the tslab kernel", () => {
        expect(nb.metadata.kernelspec).toEqual({ name: "tslab", display_name: "TypeScript", language: "typescript" });
      });
      it("opens with objectives and prerequisites", () => {
        expect(markdown[0]).toMatch(/^# /);
        expect(markdown.slice(0, 2).join("\n")).toMatch(/Objectives/);
        expect(markdown.slice(0, 3).join("\n")).toMatch(/Prerequisite/i);
      });
      it("closes with a summary that points to an exercise file that exists", () => {
        const last = markdown[markdown.length - 1];
        expect(last).toMatch(/Summary/);
        const m = last!.match(/exercises\/([\w-]+\.ts)/);
        expect(m, "no exercises/*.ts pointer in the summary").not.toBeNull();
        expect(exerciseFiles).toContain(m![1]);
        expect(existsSync(join(root, "exercises", m![1]!)), `exercises/${m![1]} does not exist`).toBe(true);
      });
      it("has LaTeX in its explanations", () => {
        expect(markdown.join("\n")).toMatch(/\$[^$]+\$/);
      });
      it("has a check-yourself cell", () => {
        expect(nb.cells.map(text).join("\n")).toMatch(/check yourself/i);
      });
      it("is stored without outputs", () => {
        for (const c of codeCells) {
          expect(c.outputs).toEqual([]);
          expect(c.execution_count).toBeNull();
        }
      });
      it("imports only from backprop-lab", () => {
        const specifiers = codeCells.flatMap((c) => [...text(c).matchAll(/(?:from\s+|require\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]));
        expect(specifiers.length).toBeGreaterThan(0);
        for (const s of specifiers) expect(s).toBe("backprop-lab");
      });
    });
  }
});

describe("every notebook", () => {
  const all = readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
  it.each(all)("%s imports the library by its package name only, and has unique cell ids", (f) => {
    const nb = load(f) as { cells: (Cell & { id?: string })[] };
    const code = nb.cells.filter((c) => c.cell_type === "code").map(text).join("\n");
    // The package entry, or one of its two public subpaths (package.json "exports"); and node:fs, for
    // notebook 11's data file of bench figures beside the notebooks.
    for (const m of code.matchAll(/(?:from\s+|require\(\s*|import\s+)["']([^"']+)["']/g)) expect(["backprop-lab", "backprop-lab/grader", "backprop-lab/display", "node:fs"], f).toContain(m[1]);
    expect(code).not.toMatch(/\.\.\/(src|dist)\b/);
    const ids = nb.cells.map((c) => c.id);
    expect(ids.every((id) => typeof id === "string" && id.length > 0), `${f}: cells without an id`).toBe(true);
    expect(new Set(ids).size, `${f}: duplicate cell ids`).toBe(ids.length);
  });
});

describe("the display gallery", () => {
  // Every helper a notebook author calls. The rest of src/display's exports are plumbing (capture for
  // tests, HTML builders the helpers use, constants) or work only outside Jupyter (htmlFile, which the
  // gallery explains in prose). A new export must be added to one list or the other.
  const shown = [
    "md", "html", "tex", "texString", "texMatrix", "texNumber", "texWith", "showDeltaStep", "plot", "linePlot", "scatterPlot",
    "histogram", "heatmap", "decisionBoundary", "liveLossCurve", "progressBar", "showGraph", "showBackwardSteps", "matrixTable", "namedTable",
    "showChain", "showReversedLayer", "showParameterGradients", "imageGrid", "weightImages", "confusionMatrixPlot",
  ];
  const plumbing = [
    "inNotebook", "captureOutput", "captureActive", "setHtmlPageHead", "htmlFile", "htmlFilePath", "emitHtml", "emitMarkdown", "newSlot",
    "escapeHtml", "formatNumber", "toRows", "deltaStepTex", "namedTableHtml", "namedTableText", "matrixTableHtml", "PLOTLY_NBEXTENSION",
    "plotlyBundlePath", "resetPlotlyBundle", "plotHtml", "layoutFrom", "progressHtml", "progressText", "MAX_GRAPH_NODES", "graphSvg",
    "computeDeltaStep", "DIVERGING_COLORSCALE", "chainSvg", "chainText", "reversedLayerSvg", "MAX_REVERSED_UNITS", "parameterGradientsHtml",
    "imageGridHtml", "encodePng", "SEQUENTIAL_COLORSCALE",
  ];

  it("calls every display helper, and every export of src/display is accounted for", async () => {
    const exports = Object.keys(await import("../../src/display")).sort();
    expect(exports).toEqual([...shown, ...plumbing].sort());
    const nb = load("99-display-gallery.ipynb");
    const code = nb.cells.filter((c) => c.cell_type === "code").map(text).join("\n");
    const prose = nb.cells.filter((c) => c.cell_type === "markdown").map(text).join("\n");
    for (const name of shown) expect(code, `the gallery never calls ${name}`).toMatch(new RegExp(`\\b${name}\\(`));
    expect(prose).toContain("htmlFile(");
    expect(prose).toContain("BACKPROP_LAB_HTML");
  });
});

describe("the start page", () => {
  const nb = load("00-start-here.ipynb");
  const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map(text).join("\n");
  /** The rows of the markdown table whose header starts with "| row |". */
  const conventions = (doc: string): string[] => {
    const lines = doc.split("\n");
    const start = lines.findIndex((l) => l.startsWith("| row |"));
    expect(start, "no conventions table").toBeGreaterThanOrEqual(0);
    const end = lines.findIndex((l, i) => i > start && !l.startsWith("|"));
    return lines.slice(start, end < 0 ? undefined : end);
  };
  const rowNames = (table: string[]): string[] => table.slice(2).map((l) => /^\| \*\*([^*]+)\*\*/.exec(l)?.[1] ?? "");

  it("opens the course, uses the tslab kernel and is stored without outputs", () => {
    expect(markdown).toMatch(/^# 00 · Start here/);
    expect(nb.metadata.kernelspec).toEqual({ name: "tslab", display_name: "TypeScript", language: "typescript" });
    for (const c of nb.cells.filter((x) => x.cell_type === "code")) expect(c.outputs).toEqual([]);
  });
  it("holds the same conventions table as docs/exercises.md", () => {
    const docs = readFileSync(join(root, "docs", "exercises.md"), "utf8");
    expect(conventions(markdown)).toEqual(conventions(docs));
  });
  it("every exercise file names conventions rows that exist, and the notebook section that teaches it", () => {
    const names = rowNames(conventions(markdown));
    for (const f of exerciseFiles) {
      const stub = readFileSync(join(root, "exercises", f), "utf8").replace(/\s*\n\s*\*\s*/g, " ");
      const cited = /Conventions \(table[^)]*\):\s*rows? ([^.]*)\./s.exec(stub);
      expect(cited, `${f}: no "Conventions (table …): rows …" line`).not.toBeNull();
      const quoted = [...cited![1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(quoted.length, `${f}: no row named`).toBeGreaterThan(0);
      for (const q of quoted) expect(names, `${f} cites row "${q}"`).toContain(q);
      expect(stub, `${f}: no "Taught in: notebook …"`).toMatch(/Taught in: notebook \d\d/);
    }
  });
  it("names every source document and points at an exercise", () => {
    for (const d of ["000", "001", "002", "003", "004"]) expect(markdown).toContain(`**${d}**`);
    expect(markdown).toMatch(/exercises\/01-local-rules\.ts/);
  });
});
