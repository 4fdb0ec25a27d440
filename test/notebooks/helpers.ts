/** Shared helpers for the notebook suites: the project's Jupyter environment and nbconvert runs. */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
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
  };
}

export function notebookNames(): string[] {
  return readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();
}

export function hasJupyter(): boolean {
  return existsSync(JUPYTER) && existsSync(join(root, ".jupyter", "share", "jupyter", "kernels", "tslab", "kernel.json"));
}

/** Runs tasks with at most `limit` at once (CI has 2 cores). */
export async function pool<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
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
