/** Shared helpers for the notebook suites: the project's Jupyter environment and nbconvert runs. */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { it } from "vitest";
import { promisify } from "node:util";

export const root = resolve(__dirname, "..", "..");
export const notebooksDir = join(root, "notebooks");
export const artifacts = join(root, "test-artifacts");
export const JUPYTER = "/usr/bin/jupyter";
export const CHROMIUM = "/usr/bin/chromium";

export const run = promisify(execFile);

/** Jupyter pointed at the project's own kernel registration (scripts/setup.mjs made it). */
export function jupyterEnv(): NodeJS.ProcessEnv {
  const data = join(root, ".jupyter", "share", "jupyter");
  return {
    ...process.env,
    JUPYTER_PATH: data,
    JUPYTER_DATA_DIR: data,
    JUPYTER_CONFIG_DIR: join(root, ".jupyter", "config"),
    JUPYTER_RUNTIME_DIR: join(root, ".jupyter", "runtime"),
    PYTHONWARNINGS: "ignore",
    // Notebook 11 then trains two epochs instead of fifteen, so the series stays practical to run.
    BPL_QUICK: "1",
  };
}

export function notebookNames(): string[] {
  return readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();
}

/**
 * BPL_NOTEBOOKS=01,04 keeps only the notebooks whose names start with those prefixes (a quicker loop
 * while editing a few notebooks; the full run is the default).
 */
export function selectedNotebooks(names: readonly string[]): string[] {
  const only = (process.env.BPL_NOTEBOOKS ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return names.filter((n) => only.length === 0 || only.some((p) => n.startsWith(p)));
}

export function hasJupyter(): boolean {
  return existsSync(JUPYTER) && existsSync(join(root, ".jupyter", "share", "jupyter", "kernels", "tslab", "kernel.json"));
}

/**
 * Whether a suite that needs the real kernel (and maybe the browser) should run. Missing tools are a
 * FAILURE, not a silent skip — CI installs them — unless the run opts out on purpose with
 * BPL_SKIP_NOTEBOOK_TESTS=1 (kernel and browser suites) or BPL_SKIP_BROWSER_TESTS=1 (browser only).
 */
export function toolGate(needsBrowser: boolean): { skip: boolean; missing: string | null } {
  if (process.env.BPL_SKIP_NOTEBOOK_TESTS === "1") return { skip: true, missing: null };
  if (needsBrowser && process.env.BPL_SKIP_BROWSER_TESTS === "1") return { skip: true, missing: null };
  const missing: string[] = [];
  if (!existsSync(JUPYTER)) missing.push("Debian's Jupyter (apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client)");
  else if (!hasJupyter()) missing.push("the project's tslab kernel in .jupyter/ (run: node scripts/setup.mjs --for-tests)");
  if (needsBrowser && !existsSync(CHROMIUM)) missing.push("Chromium at /usr/bin/chromium (apt-get install -y chromium)");
  return {
    skip: false,
    missing: missing.length
      ? `missing: ${missing.join("; ")}. Install it, or opt out explicitly with BPL_SKIP_NOTEBOOK_TESTS=1${needsBrowser ? " / BPL_SKIP_BROWSER_TESTS=1" : ""}.`
      : null,
  };
}

/**
 * Inside a suite: when tools are missing, registers one failing test that says what to install and
 * returns true, so the suite can stop there instead of failing in every test.
 */
export function failWhenMissing(missing: string | null, title: string): boolean {
  if (missing === null) return false;
  it(title, () => {
    throw new Error(missing);
  });
  return true;
}

/** Flags for a headless Chromium that never reaches the network on its own. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A TCP port nobody is listening on right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
    s.on("error", rej);
  });
}

/** Polls `url` until it answers 200 (or gives up after `ms`). */
export async function waitForHttp(url: string, ms = 60_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Marker the chart module puts at the start of the inline plotly bundle, to count copies in a page. */
export const BUNDLE_MARKER = "/*bpl-plotly-bundle*/";

/** Runs tasks with at most `limit` at once (CI has 2 cores). */
export async function pool<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function ensureArtifacts(): string {
  mkdirSync(join(artifacts, "notebooks"), { recursive: true });
  return join(artifacts, "notebooks");
}

interface NbOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
export interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: NbOutput[];
}
export interface Notebook {
  cells: NbCell[];
}

const joined = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

/** Every error or stderr output, named by cell index and the cell's first source line. */
export function problems(nb: Notebook): string[] {
  const out: string[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    const first = joined(c.source).split("\n")[0];
    for (const o of c.outputs ?? []) {
      if (o.output_type === "error") out.push(`cell ${i} (${first}): ${o.ename}: ${o.evalue}`);
      if (o.output_type === "stream" && o.name === "stderr") out.push(`cell ${i} (${first}): stderr: ${joined(o.text).slice(0, 500)}`);
    }
  });
  return out;
}
