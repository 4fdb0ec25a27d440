/**
 * The classic Notebook live: a real `jupyter notebook` server with the project's kernel and headless
 * Chromium. A copy of the gallery is run with Run All (charts must draw although the page runs
 * require.js), saved with its outputs, and reopened without running anything (charts draw again from
 * the saved outputs, with the bundle on the page once). Then the cell that carried the bundle is run
 * again, so the saved notebook no longer holds it, and after reopening the charts must still draw,
 * from the server's own copy of plotly. Finally a notebook executed by nbconvert and marked trusted
 * opens with its charts drawn. All copies live in test-artifacts/ so autosave never writes into notebooks/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { census, openNotebook, waitForCharts, waitIdle, type JupyterWindow } from "./browser";
import {
  BUNDLE_MARKER, CHROMIUM, CHROMIUM_ARGS, JUPYTER, artifacts, freePort, jupyterEnv, notebooksDir, root, run, toolGate, waitForHttp, failWhenMissing } from "./helpers";

const gallery = join(notebooksDir, "99-display-gallery.ipynb");
const gate = toolGate(true);

describe.skipIf(gate.skip)("live classic Notebook", () => {
  if (failWhenMissing(gate.missing, "has Jupyter, the tslab kernel and Chromium")) return;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
  });

  it("runs, saves and reopens the gallery: charts draw each time, plotly loaded once per page", async () => {
    const dir = join(artifacts, "live");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(gallery, join(dir, "gallery.ipynb"));
    // An nbconvert-executed copy, for the last step (trusted by `jupyter trust`, as a teacher would).
    await run(JUPYTER, ["nbconvert", "--to", "notebook", "--execute", "gallery.ipynb", "--output", "executed.ipynb"], { cwd: dir, env: jupyterEnv(), maxBuffer: 64 << 20 });

    const port = await freePort();
    const token = "bpl-test-token";
    const args = ["notebook", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`];
    if (process.getuid?.() === 0) args.push("--allow-root");
    server = spawn(JUPYTER, args, { env: jupyterEnv(), stdio: "ignore" });
    const base = `http://127.0.0.1:${port}`;
    expect(await waitForHttp(`${base}/api/status?token=${token}`), "Notebook server did not answer").toBe(true);
    // The server's copy of plotly that charts fall back to (scripts/setup.mjs puts it there).
    const served = await fetch(`${base}/nbextensions/backprop-lab/plotly.js?token=${token}`);
    expect(served.status).toBe(200);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const url = `${base}/notebooks/gallery.ipynb?token=${token}`;

    // 1. Run All in the live page.
    await openNotebook(page, url);
    await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.execute_all_cells());
    await waitIdle(page);
    const live = await census(page);
    expect(live.chartDivs).toBeGreaterThanOrEqual(7);
    await waitForCharts(page, live.chartDivs);
    const liveDrawn = await census(page);
    await page.screenshot({ path: join(dir, "1-live.png"), fullPage: true });
    expect(liveDrawn.plotly).toBe("object");
    expect(liveDrawn.charts).toBe(live.chartDivs);
    expect(liveDrawn.formulas).toBeGreaterThanOrEqual(2);
    expect(liveDrawn.graphs).toBeGreaterThanOrEqual(2);
    expect(liveDrawn.progress).toBe(1); // updated in place, not one output per step
    expect(liveDrawn.bundles).toBe(1);

    // 2. Save with outputs, reopen without running anything.
    await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.save_notebook());
    await page.waitForFunction(() => !document.title.startsWith("*"), undefined, { timeout: 30_000 }).catch(() => undefined);
    const saved = JSON.parse(readFileSync(join(dir, "gallery.ipynb"), "utf8")) as { cells: { outputs?: unknown[] }[] };
    expect(JSON.stringify(saved).split(BUNDLE_MARKER).length - 1, "bundles in the saved file").toBe(1);
    await openNotebook(page, url);
    await waitForCharts(page, live.chartDivs);
    const reopened = await census(page);
    await page.screenshot({ path: join(dir, "2-reopened.png"), fullPage: true });
    expect(await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.trusted)).toBe(true);
    expect(reopened.charts).toBe(live.chartDivs);
    expect(reopened.bundles).toBe(1);
    expect(reopened.formulas).toBe(liveDrawn.formulas);
    expect(reopened.graphs).toBe(liveDrawn.graphs);

    // 3. Run the cell that carried the bundle again (its new output has none), save, reopen: the
    //    charts load plotly from the server instead.
    const carrier = await page.evaluate((marker) => {
      const cells = (window as unknown as JupyterWindow).Jupyter.notebook.get_cells();
      return cells.findIndex((c) => JSON.stringify(c.output_area?.outputs ?? []).includes(marker));
    }, BUNDLE_MARKER);
    expect(carrier).toBeGreaterThan(0);
    await page.evaluate((i) => (window as unknown as JupyterWindow).Jupyter.notebook.execute_cells([i]), carrier);
    await waitIdle(page);
    await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.save_notebook());
    await page.waitForFunction(() => !document.title.startsWith("*"), undefined, { timeout: 30_000 }).catch(() => undefined);
    const resaved = readFileSync(join(dir, "gallery.ipynb"), "utf8");
    expect(resaved.split(BUNDLE_MARKER).length - 1, "bundles in the re-saved file").toBe(0);
    await openNotebook(page, url);
    await waitForCharts(page, live.chartDivs);
    const fallback = await census(page);
    await page.screenshot({ path: join(dir, "3-reopened-without-bundle.png"), fullPage: true });
    expect(fallback.bundles).toBe(0);
    expect(fallback.charts).toBe(live.chartDivs);

    // 4. A notebook executed by nbconvert, then trusted, opens with its charts drawn.
    // `jupyter trust` is nbformat's signer; Debian ships the module without the `jupyter-trust` script.
    await run("/usr/bin/python3", ["-m", "nbformat.sign", join(dir, "executed.ipynb")], { env: jupyterEnv() });
    await openNotebook(page, `${base}/notebooks/executed.ipynb?token=${token}`);
    await waitForCharts(page, live.chartDivs);
    const trusted = await census(page);
    await page.screenshot({ path: join(dir, "4-executed-trusted.png"), fullPage: true });
    expect(trusted.charts).toBe(live.chartDivs);
    expect(trusted.bundles).toBe(1);

    expect(pageErrors).toEqual([]);
    expect(existsSync(join(root, "notebooks", "gallery.ipynb"))).toBe(false);
  });
});
