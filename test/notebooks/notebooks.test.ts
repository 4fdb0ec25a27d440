/**
 * Every notebook in notebooks/ through the real tslab kernel in Debian's Jupyter, then its HTML export
 * in headless Chromium: no cell errors or stderr; every chart drew its SVG with at least one trace;
 * every KaTeX formula rendered (and none is a KaTeX error); every Markdown formula was typeset by the
 * page's MathJax; every graph and figure SVG is present and shown at its own aspect ratio (not cut off
 * by the page's max-width); every image (digits, weights) decoded by the browser at its stated size;
 * plotly is inlined at most once; no page errors.
 * The expected counts come from each notebook's own executed outputs, so an output that silently
 * fails to draw is caught. Executed copies, HTML, screenshots and timings go to
 * test-artifacts/notebooks/ (never back into notebooks/).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import {
  BUNDLE_MARKER, CHROMIUM, CHROMIUM_ARGS, JUPYTER, ensureArtifacts, jupyterEnv, notebookNames, notebooksDir, pool, problems, run,
  selectedNotebooks, toolGate, type Notebook, failWhenMissing } from "./helpers";

const names = selectedNotebooks(notebookNames());
const outDir = ensureArtifacts();
const executed = new Map<string, { nb?: Notebook; failure?: string; seconds?: number }>();
const kernelGate = toolGate(false);
const browserGate = toolGate(true);

/** Counts of `class="NAME"` (exact class attribute) in the notebook's outputs. */
function countInOutputs(nb: Notebook, cls: string): number {
  const text = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => JSON.stringify(o)).join("\n");
  return text.split(`class=\\"${cls}\\"`).length - 1;
}

describe.skipIf(kernelGate.skip)("notebooks through the tslab kernel", () => {
  if (failWhenMissing(kernelGate.missing, "has Jupyter and the tslab kernel")) return;

  beforeAll(async () => {
    await pool(names, 2, async (name) => {
      const start = Date.now();
      try {
        await run(JUPYTER, ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=600", name, "--output-dir", outDir], {
          cwd: notebooksDir,
          env: jupyterEnv(),
          maxBuffer: 64 << 20,
        });
        executed.set(name, { nb: JSON.parse(readFileSync(join(outDir, name), "utf8")) as Notebook, seconds: (Date.now() - start) / 1000 });
      } catch (e) {
        executed.set(name, { failure: String((e as { stderr?: string }).stderr ?? e).slice(-2000) });
      }
    });
    // A record of how long each notebook took (two at a time on this machine); speed is not asserted here.
    const seconds = Object.fromEntries(names.map((n) => [n, executed.get(n)?.seconds ?? null]));
    const total = Object.values(seconds).reduce((s: number, v) => s + (v ?? 0), 0);
    writeFileSync(join(outDir, "timings.json"), JSON.stringify({ seconds, sumOfNotebookSeconds: total }, null, 2));
    console.log(`notebook execution (s): ${names.map((n) => `${n.slice(0, 2)}=${seconds[n]?.toFixed(1)}`).join(" ")}; sum ${total.toFixed(1)}`);
  });

  it.each(names)("%s runs with no errors and no stderr", (name) => {
    const r = executed.get(name)!;
    expect(r.failure, `${name}: nbconvert failed`).toBeUndefined();
    expect(problems(r.nb!), name).toEqual([]);
  });
});

describe.skipIf(kernelGate.skip || browserGate.skip)("exported HTML in headless Chromium", () => {
  if (failWhenMissing(kernelGate.missing ?? browserGate.missing, "has Jupyter, the tslab kernel and Chromium")) return;
  let browser: Browser;
  beforeAll(async () => {
    await pool(names, 2, async (name) => {
      if (!executed.get(name)?.nb) return;
      await run(JUPYTER, ["nbconvert", "--to", "html", join(outDir, name), "--output-dir", outDir], { env: jupyterEnv(), maxBuffer: 64 << 20 });
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return async () => browser.close();
  });

  it.each(names)("%s renders every chart, formula and graph", async (name) => {
    const nb = executed.get(name)?.nb;
    expect(nb, `${name} did not execute`).toBeDefined();
    const expected = {
      charts: countInOutputs(nb!, "bpl-plot"),
      formulas: countInOutputs(nb!, "katex"),
      graphs: countInOutputs(nb!, "bpl-graph"),
      figures: countInOutputs(nb!, "bpl-figure"),
      images: countInOutputs(nb!, "bpl-image"),
    };
    const htmlPath = join(outDir, name.replace(/\.ipynb$/, ".html"));
    const bundles = readFileSync(htmlPath, "utf8").split(BUNDLE_MARKER).length - 1;
    expect(bundles, `${name}: copies of the plotly bundle in the page`).toBe(expected.charts > 0 ? 1 : 0);

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/Failed to load resource|net::ERR/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    // Offline, like the classroom: anything from the network is refused (Debian's nbconvert points
    // require.js and MathJax at file:///usr/share/javascript, which still loads).
    await page.route(/^https?:\/\//, (r) => r.abort());
    await page.goto("file://" + htmlPath, { waitUntil: "load", timeout: 120_000 });
    if (expected.charts > 0) {
      await page
        .waitForFunction((n) => document.querySelectorAll(".bpl-plot .main-svg").length >= n, expected.charts, { timeout: 120_000 })
        .catch(() => undefined);
    }
    const hasMathJax = await page.evaluate(() => typeof (window as unknown as { MathJax?: unknown }).MathJax === "object");
    if (hasMathJax) {
      await page
        .waitForFunction(() => {
          const q = (window as unknown as { MathJax: { Hub: { queue: { pending: number; running: number } } } }).MathJax.Hub.queue;
          return q.pending === 0 && q.running === 0 && document.querySelectorAll('script[type^="math/tex"]').length === document.querySelectorAll(".MathJax_CHTML, .MathJax_SVG, .MathJax").length;
        }, undefined, { timeout: 60_000 })
        .catch(() => undefined);
    }
    const seen = await page.evaluate(() => {
      const plots = Array.from(document.querySelectorAll(".bpl-plot"));
      const drawn = plots.filter((d) => {
        const svg = d.querySelector(".main-svg");
        const r = svg?.getBoundingClientRect();
        return !!r && r.width > 0 && r.height > 0 && d.querySelectorAll("g.trace, g.hm").length > 0;
      });
      const maths = Array.from(document.querySelectorAll(".katex"));
      const sized = maths.filter((k) => {
        const m = k.querySelector("math");
        const r = m?.getBoundingClientRect();
        return !!r && r.width > 0 && r.height > 0;
      });
      // Markdown formulas (MathJax): every TeX script typeset, none an error, no stray `$` left in prose.
      const md = Array.from(document.querySelectorAll(".jp-RenderedMarkdown, .text_cell_render"));
      const strayDollar = md.filter((el) => {
        const clone = el.cloneNode(true) as HTMLElement;
        clone.querySelectorAll("code, pre, script").forEach((c) => c.remove());
        return /\$[^$\s][^$]*\$/.test(clone.textContent ?? "");
      }).length;
      return {
        chartDivs: plots.length,
        charts: drawn.length,
        notDrawn: plots.filter((p) => !drawn.includes(p)).map((p) => (p.textContent ?? "").slice(0, 120)),
        formulas: maths.length,
        formulasWithSize: sized.length,
        katexErrors: Array.from(document.querySelectorAll(".katex-error")).map((e) => (e.getAttribute("title") ?? e.textContent ?? "").slice(0, 200)),
        graphs: document.querySelectorAll("svg.bpl-graph").length,
        graphsWithNodes: Array.from(document.querySelectorAll("svg.bpl-graph")).filter((g) => g.querySelector(".bpl-node")).length,
        figures: document.querySelectorAll("svg.bpl-figure").length,
        images: document.querySelectorAll("img.bpl-image").length,
        // A PNG the browser could not decode has no natural size; one shown squeezed has the wrong box.
        imagesNotShown: Array.from(document.querySelectorAll("img.bpl-image"))
          .map((el) => ({ im: el as HTMLImageElement, w: Number(el.getAttribute("width")), h: Number(el.getAttribute("height")) }))
          .filter(({ im, w, h }) => !im.complete || im.naturalWidth === 0 || im.clientWidth !== w || im.clientHeight !== h)
          .map(({ im, w, h }) => `${im.alt}: ${im.naturalWidth}×${im.naturalHeight} pixels shown ${im.clientWidth}×${im.clientHeight} for ${w}×${h}`),
        // Jupyter's stylesheet caps an SVG's width at the cell's: without a viewBox that cuts the drawing
        // off, with one it scales it. So a drawing without a viewBox must be shown at its own size, one
        // with a viewBox at its own aspect ratio. Hidden backward-step panes (no size) are skipped.
        distorted: Array.from(document.querySelectorAll("svg.bpl-graph, svg.bpl-figure"))
          .map((g) => ({ r: g.getBoundingClientRect(), w: Number(g.getAttribute("width")), h: Number(g.getAttribute("height")), vb: g.hasAttribute("viewBox") }))
          .filter(({ r, w, h, vb }) => r.width > 0 && (vb ? Math.abs(r.width / r.height - w / h) > 0.02 * (w / h) : Math.abs(r.width - w) > 1 || Math.abs(r.height - h) > 1))
          .map(({ r, w, h }) => `${w}×${h} drawn as ${Math.round(r.width)}×${Math.round(r.height)}`),
        markdownTex: document.querySelectorAll('.jp-RenderedMarkdown script[type^="math/tex"]').length,
        markdownTexRendered: document.querySelectorAll(".jp-RenderedMarkdown .MathJax_CHTML, .jp-RenderedMarkdown .MathJax_SVG").length,
        markdownTexErrors: document.querySelectorAll(".jp-RenderedMarkdown .mjx-merror, .jp-RenderedMarkdown .MathJax_Error").length,
        strayDollar,
      };
    });
    await page.screenshot({ path: join(outDir, name.replace(/\.ipynb$/, ".png")), fullPage: true });
    // Collapsed hints (<details> in Markdown, notebook 10): each one opens onto a non-empty body whose
    // formulas were typeset while it was closed and now have a size.
    const hints = await page.evaluate(() => {
      const ds = Array.from(document.querySelectorAll(".jp-RenderedMarkdown details, .text_cell_render details")) as HTMLDetailsElement[];
      ds.forEach((d) => (d.open = true));
      const body = (d: Element) => (d.textContent ?? "").replace(d.querySelector("summary")?.textContent ?? "", "").trim();
      const maths = ds.flatMap((d) => Array.from(d.querySelectorAll(".MathJax_CHTML, .MathJax_SVG")));
      return {
        count: ds.length,
        empty: ds.filter((d) => body(d) === "").length,
        maths: maths.length,
        unsized: maths.filter((m) => { const r = m.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); }).length,
      };
    });
    await page.close();
    const detailsInSource = nb!.cells.filter((c) => c.cell_type === "markdown").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n").split("<details>").length - 1;
    expect(hints.count, `${name}: collapsed hints rendered`).toBe(detailsInSource);
    expect(hints.empty, `${name}: collapsed hints with an empty body`).toBe(0);
    if (hasMathJax && detailsInSource > 0) {
      expect(hints.maths, `${name}: typeset formulas inside the hints`).toBeGreaterThan(0);
      expect(hints.unsized, `${name}: formulas in hints without a size once opened (of ${hints.maths})`).toBe(0);
    }
    expect(seen.chartDivs, `${name}: chart containers`).toBe(expected.charts);
    expect(seen.notDrawn, `${name}: charts that did not draw an SVG with a trace`).toEqual([]);
    expect(seen.charts, `${name}: charts that drew`).toBe(expected.charts);
    // Visible, non-empty MathML for every KaTeX formula the notebook produced (hidden backward-step
    // panes hold none), and no formula that KaTeX could only show as an error.
    expect(seen.formulas, `${name}: KaTeX formulas`).toBe(expected.formulas);
    expect(seen.formulasWithSize, `${name}: KaTeX formulas drawn with a size`).toBe(expected.formulas);
    expect(seen.katexErrors, `${name}: KaTeX errors`).toEqual([]);
    expect(seen.graphs, `${name}: graph SVGs`).toBe(expected.graphs);
    expect(seen.graphsWithNodes, `${name}: graph SVGs with nodes`).toBe(expected.graphs);
    expect(seen.figures, `${name}: figure SVGs (chains, reversed layers, parameter grids)`).toBe(expected.figures);
    expect(seen.images, `${name}: images`).toBe(expected.images);
    expect(seen.imagesNotShown, `${name}: images not decoded or not shown at their size`).toEqual([]);
    expect(seen.distorted, `${name}: graphs or figures squeezed or cut off`).toEqual([]);
    if (hasMathJax) {
      expect(seen.markdownTexRendered, `${name}: Markdown formulas typeset`).toBe(seen.markdownTex);
      expect(seen.markdownTexErrors, `${name}: Markdown formulas with TeX errors`).toBe(0);
      expect(seen.strayDollar, `${name}: Markdown cells with an untypeset $…$`).toBe(0);
    }
    expect(errors, name).toEqual([]);
  });
});
