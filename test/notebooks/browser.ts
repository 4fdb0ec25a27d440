/** Driving a live classic Notebook page in headless Chromium: shared by the live-Notebook and hub suites. */
import type { Browser, Page } from "playwright-core";
import { BUNDLE_MARKER } from "./helpers";

/** How long a whole notebook may take on a loaded 2-core machine shared with other test runs. */
export const LOADED = 900_000;

/** The parts of the classic Notebook's page object the tests call. */
export interface JupyterWindow {
  Jupyter: {
    notebook: {
      kernel: { is_connected(): boolean } | null;
      execute_all_cells(): void;
      execute_cells(indices: number[]): void;
      save_notebook(): Promise<unknown>;
      get_cells(): { cell_type: string; output_area?: { outputs: unknown[] }; get_text(): string }[];
      kernel_busy?: boolean;
      trusted: boolean;
    };
  };
}

/** Waits for the page's MathJax (if any) to finish typesetting. */
export async function mathJaxIdle(page: Page) {
  await page.waitForFunction(() => {
    const mj = (window as unknown as { MathJax?: { Hub?: { queue: { pending: number; running: number } } } }).MathJax;
    return !mj?.Hub || (mj.Hub.queue.pending === 0 && mj.Hub.queue.running === 0);
  }, undefined, { timeout: 60_000 });
}

/** What the page shows: charts drawn, formulas, progress bars, and how many plotly bundles it holds. */
export async function census(page: Page) {
  await mathJaxIdle(page);
  return page.evaluate((marker) => ({
    plotly: typeof (window as unknown as { Plotly?: unknown }).Plotly,
    chartDivs: document.querySelectorAll(".bpl-plot").length,
    charts: Array.from(document.querySelectorAll(".bpl-plot")).filter((d) => d.querySelector(".main-svg") && d.querySelectorAll("g.trace, g.hm").length > 0).length,
    // KaTeX's MathML; when the Notebook reopens a saved page its MathJax typesets that MathML again.
    formulas: Array.from(document.querySelectorAll(".katex")).filter((k) => {
      const r = (k.querySelector("math, .MathJax") as Element | null)?.getBoundingClientRect();
      return !!r && r.width > 0 && r.height > 0;
    }).length,
    graphs: document.querySelectorAll("svg.bpl-graph").length,
    progress: document.querySelectorAll(".bpl-progress").length,
    bundles: Array.from(document.querySelectorAll("script")).filter((s) => (s.textContent ?? "").startsWith(marker)).length,
  }), BUNDLE_MARKER);
}

/** Waits until at least `n` charts have drawn their SVG (generously: readiness, not speed, is tested). */
export async function waitForCharts(page: Page, n: number, timeout = 120_000) {
  await page.waitForFunction(
    (k) => Array.from(document.querySelectorAll(".bpl-plot")).filter((d) => d.querySelector(".main-svg")).length >= k,
    n,
    { timeout },
  );
}

/** Opens a notebook page and waits until require.js is there and the kernel is connected. */
export async function openNotebook(page: Page, url: string) {
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => typeof (window as unknown as { define?: { amd?: unknown } }).define?.amd === "object", undefined, { timeout: 60_000 });
  await page.waitForFunction(() => (window as unknown as JupyterWindow).Jupyter?.notebook?.kernel?.is_connected() === true, undefined, { timeout: 120_000 });
}

/** Waits until no cell shows the busy prompt `In [*]`. */
export async function waitIdle(page: Page, timeout = 180_000) {
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll(".input_prompt")).every((p) => !(p.textContent ?? "").includes("*")),
    undefined,
    { timeout },
  );
}

/**
 * Logs `user` in through a JupyterHub's login form in a fresh browser context and waits until their
 * own server shows its file list (spawning on a loaded machine can take minutes).
 */
export async function hubLogin(browser: Browser, hub: string, user: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${hub}/hub/login`);
  await page.fill("#username_input", user);
  await page.fill("#password_input", password);
  await page.click("#login_submit");
  await page.waitForURL(new RegExp(`/user/${user}/tree`), { timeout: 600_000 });
  await page.waitForSelector("#notebook_list .item_link", { timeout: 120_000 });
  return page;
}
