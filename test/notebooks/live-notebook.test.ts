/**
 * The classic Notebook live: a real `jupyter notebook` server with the project's kernel, a copy of the
 * gallery opened in headless Chromium, Run All — charts must draw even though the page runs require.js.
 * The copy lives in test-artifacts/ so autosave can never write outputs into notebooks/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { CHROMIUM, JUPYTER, artifacts, hasJupyter, jupyterEnv, notebooksDir } from "./helpers";

const gallery = join(notebooksDir, "00-display-gallery.ipynb");

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
    s.on("error", rej);
  });
}

describe.skipIf(!hasJupyter() || !existsSync(CHROMIUM) || !existsSync(gallery))("live classic Notebook", () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill("SIGTERM");
  });

  it("runs the gallery and draws plotly charts despite require.js", async () => {
    const dir = join(artifacts, "live");
    mkdirSync(dir, { recursive: true });
    copyFileSync(gallery, join(dir, "gallery.ipynb"));
    const port = await freePort();
    const token = "bpl-test-token";
    const args = ["notebook", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`];
    if (process.getuid?.() === 0) args.push("--allow-root");
    server = spawn(JUPYTER, args, { env: jupyterEnv(), stdio: "ignore" });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 120; i++) {
      const ok = await fetch(`${base}/api/status?token=${token}`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(`${base}/notebooks/gallery.ipynb?token=${token}`, { waitUntil: "load" });
      // require.js is really on the page: this is the case the define-hiding loader exists for.
      await page.waitForFunction(() => typeof (window as unknown as { define?: { amd?: unknown } }).define?.amd === "object", undefined, { timeout: 60_000 });
      await page.waitForFunction(() => {
        const j = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
        return j?.notebook?.kernel?.is_connected() === true;
      }, undefined, { timeout: 120_000 });
      await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
      await page.waitForFunction(() => document.querySelectorAll(".bpl-plot .main-svg").length >= 7, undefined, { timeout: 180_000 });
      await page.waitForFunction(() => document.querySelectorAll("svg.bpl-graph").length >= 2, undefined, { timeout: 60_000 });
      const seen = await page.evaluate(() => ({
        plotly: typeof (window as unknown as { Plotly?: unknown }).Plotly,
        charts: document.querySelectorAll(".bpl-plot .main-svg").length,
        formulas: document.querySelectorAll(".katex math").length,
        progress: document.querySelectorAll(".bpl-progress").length,
      }));
      await page.screenshot({ path: join(dir, "live-gallery.png"), fullPage: true });
      expect(seen.plotly).toBe("object");
      expect(seen.charts).toBeGreaterThanOrEqual(7);
      expect(seen.formulas).toBeGreaterThanOrEqual(1);
      expect(seen.progress).toBe(1); // updated in place, not one output per step
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
