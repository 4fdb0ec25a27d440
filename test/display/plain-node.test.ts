/**
 * The display helpers outside Jupyter, in a real plain-Node process that loads the built package by
 * its name: every helper prints a text version instead of failing, and with BACKPROP_LAB_HTML set the
 * same calls also write one standalone HTML page (the browser suite opens it and checks it draws).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "..", "..");
const run = promisify(execFile);

async function demo(env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [join(__dirname, "plain-node-demo.cjs")], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
}

describe("plain Node, no kernel", () => {
  it("every helper falls back to text on the terminal, with nothing on stderr", async () => {
    const { stdout, stderr } = await demo({ BACKPROP_LAB_HTML: "" });
    expect(stderr).toBe("");
    const lines = stdout;
    expect(lines).toContain("The forward pass computes $z = Wa + b$.");
    expect(lines).toContain("[html output, 15 characters]");
    expect(lines).toContain("\\delta^{(L)} = \\hat y - y");
    expect(lines).toContain("W (2 × 2)");
    expect(lines).toContain("[chart] line\n  loss: 3 points y in [0.25, 0.9]");
    expect(lines).toContain("[chart] heatmap");
    expect(lines).toContain("[chart] boundary");
    expect(lines).toContain("e (*): data=-6 grad=1 <- a, b");
    expect(lines).toContain("step 1: e.grad = 1\nstep 2: b.grad = 2\nstep 3: a.grad = -3"); // ∂(ab)/∂b = a, ∂(ab)/∂a = b
    expect(lines.match(/fit \[####################\] 20\/20 loss=0.05 acc=1/g)).toHaveLength(1); // done() does not repeat it
    expect(lines).toContain("loss @ 20: train=0.05");
    expect(lines.trimEnd().endsWith("DEMO DONE")).toBe(true);
  });

  it("with BACKPROP_LAB_HTML it also writes one HTML page: bundle once, every chart, formula and graph", async () => {
    const page = join(mkdtempSync(join(tmpdir(), "bpl-page-")), "out.html");
    const { stderr } = await demo({ BACKPROP_LAB_HTML: page });
    expect(stderr).toBe("");
    const html = readFileSync(page, "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.match(/\/\*bpl-plotly-bundle\*\//g)).toHaveLength(1);
    expect(html.match(/class="bpl-plot"/g)).toHaveLength(7); // six charts + the live curve (its last state)
    expect(html.match(/class="bpl-progress"/g)).toHaveLength(1); // updated in place
    expect(html).toContain("20/20 (100%)");
    expect(html.match(/class="katex"/g)).toHaveLength(2);
    expect(html.match(/class="bpl-graph"/g)!.length).toBe(1 + 3); // showGraph + one picture per backward step
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
  });
});
