/**
 * Every notebook in notebooks/ through the real tslab kernel in Debian's Jupyter, then its HTML export
 * in headless Chromium: no cell errors or stderr, every chart drew, every formula and graph rendered.
 * Executed copies, HTML and screenshots go to test-artifacts/notebooks/ (never back into notebooks/).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM, JUPYTER, ensureArtifacts, hasJupyter, jupyterEnv, notebookNames, notebooksDir, pool, problems, run, type Notebook } from "./helpers";

const names = notebookNames();
const outDir = ensureArtifacts();
const executed = new Map<string, { nb?: Notebook; failure?: string }>();

describe.skipIf(!hasJupyter())("notebooks through the tslab kernel", () => {
  beforeAll(async () => {
    await pool(names, 2, async (name) => {
      try {
        await run(JUPYTER, ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=600", name, "--output-dir", outDir], {
          cwd: notebooksDir,
          env: jupyterEnv(),
          maxBuffer: 64 << 20,
        });
        executed.set(name, { nb: JSON.parse(readFileSync(join(outDir, name), "utf8")) as Notebook });
      } catch (e) {
        executed.set(name, { failure: String((e as { stderr?: string }).stderr ?? e).slice(-2000) });
      }
    });
  });

  it.each(names)("%s runs with no errors and no stderr", (name) => {
    const r = executed.get(name)!;
    expect(r.failure, `${name}: nbconvert failed`).toBeUndefined();
    expect(problems(r.nb!), name).toEqual([]);
  });
});

describe.skipIf(!hasJupyter() || !existsSync(CHROMIUM))("exported HTML in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    await pool(names, 2, async (name) => {
      if (!executed.get(name)?.nb) return;
      await run(JUPYTER, ["nbconvert", "--to", "html", join(outDir, name), "--output-dir", outDir], { env: jupyterEnv(), maxBuffer: 64 << 20 });
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    return async () => browser.close();
  });

  it.each(names)("%s renders every chart, formula and graph", async (name) => {
    const nb = executed.get(name)?.nb;
    expect(nb, `${name} did not execute`).toBeDefined();
    const outputsHtml = nb!.cells.flatMap((c) => c.outputs ?? []).map((o) => JSON.stringify(o)).join("\n");
    const expected = {
      charts: (outputsHtml.match(/class=\\"bpl-plot\\"/g) ?? []).length,
      formulas: (outputsHtml.match(/class=\\"katex/g) ?? []).length,
      graphs: (outputsHtml.match(/class=\\"bpl-graph\\"/g) ?? []).length,
    };
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/Failed to load resource|net::ERR/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    // Offline, like the classroom: anything from the network (nbconvert's CDN links) is refused.
    await page.route(/^https?:\/\//, (r) => r.abort());
    await page.goto("file://" + join(outDir, name.replace(/\.ipynb$/, ".html")), { waitUntil: "load", timeout: 120_000 });
    if (expected.charts > 0) {
      await page.waitForFunction((n) => document.querySelectorAll(".bpl-plot .main-svg").length >= n, expected.charts, { timeout: 120_000 }).catch(() => undefined);
    }
    const seen = await page.evaluate(() => ({
      charts: [...document.querySelectorAll(".bpl-plot")].filter((d) => d.querySelector(".main-svg")).length,
      chartDivs: document.querySelectorAll(".bpl-plot").length,
      formulas: document.querySelectorAll(".katex math").length,
      graphs: document.querySelectorAll("svg.bpl-graph").length,
    }));
    await page.screenshot({ path: join(outDir, name.replace(/\.ipynb$/, ".png")), fullPage: true });
    await page.close();
    expect(seen.chartDivs, `${name}: chart containers`).toBe(expected.charts);
    expect(seen.charts, `${name}: charts that drew their SVG`).toBe(expected.charts);
    expect(seen.formulas, `${name}: rendered formulas`).toBeGreaterThanOrEqual(expected.formulas);
    expect(seen.graphs, `${name}: graph SVGs`).toBeGreaterThanOrEqual(expected.graphs);
    expect(errors, name).toEqual([]);
  });
});
