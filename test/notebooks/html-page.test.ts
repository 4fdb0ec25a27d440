/**
 * Outside Jupyter, BACKPROP_LAB_HTML=page.html makes a plain Node script write its outputs to one
 * standalone page. Opened offline in headless Chromium, every chart draws, every formula renders,
 * every graph is there and nothing logs an error.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, artifacts, root, run, toolGate, failWhenMissing } from "./helpers";

const gate = toolGate(true);

describe.skipIf(gate.skip)("HTML page written by a plain Node script", () => {
  if (failWhenMissing(gate.missing, "has Chromium")) return;

  it("draws every chart, formula and graph offline", async () => {
    const dir = join(artifacts, "html-page");
    mkdirSync(dir, { recursive: true });
    const page = join(dir, "plain-node.html");
    await run(process.execPath, [join(root, "test", "display", "plain-node-demo.cjs")], { cwd: root, env: { ...process.env, BACKPROP_LAB_HTML: page }, maxBuffer: 16 << 20 });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      tab.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
      await tab.route(/^https?:\/\//, (r) => r.abort());
      await tab.goto("file://" + page, { waitUntil: "load" });
      await tab.waitForFunction(() => document.querySelectorAll(".bpl-plot .main-svg").length >= 7, undefined, { timeout: 60_000 });
      const seen = await tab.evaluate(() => ({
        charts: Array.from(document.querySelectorAll(".bpl-plot")).filter((d) => d.querySelectorAll("g.trace, g.hm").length > 0).length,
        formulas: Array.from(document.querySelectorAll(".katex math")).filter((m) => m.getBoundingClientRect().width > 0).length,
        graphs: document.querySelectorAll("svg.bpl-graph .bpl-node").length > 0 ? document.querySelectorAll("svg.bpl-graph").length : 0,
        progress: document.querySelectorAll(".bpl-progress").length,
      }));
      await tab.screenshot({ path: join(dir, "plain-node.png"), fullPage: true });
      expect(seen).toEqual({ charts: 7, formulas: 2, graphs: 4, progress: 1 });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
