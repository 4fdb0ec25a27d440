#!/usr/bin/env node
// `npm start`: set up whatever is missing (deps, build, Jupyter, the project's tslab kernel), then run
// the classic Notebook on notebooks/. Flags --port, --ip, --no-browser pass through to Jupyter.
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuild, ensureJupyter, ensureKernel, ensureNodeModules, ensurePlotlyForServer, ensureSelfLink, jupyterEnv } from "./setup.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `usage: npm start [-- [--port N] [--ip ADDR] [--no-browser]]
  Sets up what is missing (npm packages, the build, Debian's Jupyter, the tslab kernel in .jupyter/),
  then runs the classic Notebook on notebooks/ and prints its URL. Ctrl-C stops it.`;

// Read the options first, so a typo fails at once instead of after the set-up.
const passthrough = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "-h" || a === "--help") {
    console.log(USAGE);
    process.exit(0);
  } else if (a === "--no-browser") passthrough.push("--no-browser");
  else if (a === "--port" || a === "--ip") {
    const v = argv[++i];
    if (v === undefined || v.startsWith("--")) {
      console.error(`[start] ${a} needs a value\n${USAGE}`);
      process.exit(2);
    }
    passthrough.push(`${a}=${v}`);
  } else if (a.startsWith("--port=") || a.startsWith("--ip=")) passthrough.push(a);
  else {
    console.error(`[start] unknown option ${a}\n${USAGE}`);
    process.exit(2);
  }
}

ensureNodeModules();
ensureBuild({ strict: false });
ensureSelfLink();
ensureJupyter();
ensureKernel();
ensurePlotlyForServer();

// Debian 12 ships notebook 6 (classic); newer Debian ships nbclassic. Prefer whichever exists.
let sub = ["notebook"];
try {
  execFileSync("/usr/bin/python3", ["-c", "import nbclassic"], { stdio: "ignore" });
  if (!existsSync("/usr/lib/python3/dist-packages/notebook/notebookapp.py")) sub = ["nbclassic"];
} catch {
  /* classic notebook 6 */
}
const args = [...sub, `--notebook-dir=${join(root, "notebooks")}`, ...passthrough];
if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
console.log(`[start] jupyter ${args.join(" ")}`);
console.log("[start] open the URL printed below (with its token); Ctrl-C stops the server.");
const child = spawn("/usr/bin/jupyter", args, { cwd: join(root, "notebooks"), stdio: "inherit", env: jupyterEnv() });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
