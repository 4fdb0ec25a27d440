/**
 * The grader checks its own machinery before it grades anyone: a Node it can confine, a working
 * TypeScript compiler, and a sandboxed child that starts, loads a known-good module and answers.
 * Without this check a broken installation (a Node that refuses the permission flags, a package
 * installed without `typescript`) graded every student zero and exited 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compileSubmission, compilerVersion } from "./compile";
import { GraderFault, isGraderFault } from "./fault";
import { sandboxNode, SANDBOX_NODE_ENV, type SandboxNode } from "./sandbox/node-flags";
import { SubmissionRunner } from "./sandbox/runner";

/** A module every working grader compiles and runs: it also reports what the sandbox allows. */
const KNOWN_GOOD = `declare const process: { permission?: { has(scope: string, reference?: string): boolean } };
/** What the sandbox lets this process do, and proof that it ran: x + 1. */
export function selfTest(x: number, own: string): { sum: number; confined: boolean; readsOwn: boolean; network: boolean } {
  const p = process.permission;
  const may = (scope: string, reference?: string): boolean => {
    try {
      return p !== undefined && p.has(scope, reference);
    } catch {
      return false; // a scope this Node does not know is not granted
    }
  };
  return { sum: x + 1, confined: p !== undefined && !may("fs.write") && !may("child") && !may("worker"), readsOwn: may("fs.read", own), network: p === undefined || may("net") };
}
`;

/** What the self-test found, for `--version`-like reports and tests. */
export interface GraderHealth {
  node: SandboxNode;
  typescript: string;
}

let passed: GraderHealth | null = null;

/**
 * Prove the grader works, once per process; throws a `GraderFault` saying what is wrong with the
 * installation and how to fix it. Call before grading; later calls return the first result.
 */
export async function checkGrader(): Promise<GraderHealth> {
  if (passed) return passed;
  const node = sandboxNode();
  if (node.probeError) throw new GraderFault(node.probeError, `point ${SANDBOX_NODE_ENV} at a working Node 20, 22, 24 or 26, or unset it`);
  if (node.major < 20 || node.permissionFlag === null)
    throw new GraderFault(`Node ${node.version} (${node.execPath}) has no permission model, so student code cannot be confined`, "run the grader with Node 20, 22, 24 or 26");

  // 1. the compiler (compileSubmission raises a GraderFault when typescript cannot be loaded)
  let js: string | undefined;
  let typescript = "";
  try {
    const [file] = compileSubmission([{ name: "self-test.ts", source: KNOWN_GOOD }], { typeCheck: true }).values();
    typescript = compilerVersion();
    const problems = [...(file?.diagnostics ?? []), ...(file?.types?.errors ?? [])];
    js = file?.js;
    if (js === undefined || problems.length > 0)
      throw new GraderFault(
        `TypeScript ${typescript} did not compile the grader's known-good module (${problems.map((d) => `${d.line}:${d.column} ${d.message}`).join("; ").slice(0, 300) || "no output"})`,
        "install the typescript version backprop-lab depends on (`npm install backprop-lab` installs it)",
      );
  } catch (e) {
    if (isGraderFault(e)) throw e;
    throw new GraderFault(`the TypeScript compiler failed on the grader's known-good module (${(e as Error).message})`, "reinstall backprop-lab with its dependencies (`npm install backprop-lab`, or `npm ci` in a clone)");
  }

  // 2. the sandbox: a child under the permission model loads it, runs it and answers
  const dir = mkdtempSync(path.join(os.tmpdir(), "bpl-selftest-"));
  const own = path.join(dir, "own.txt");
  writeFileSync(own, "");
  const runner = new SubmissionRunner([dir], { caseTimeoutMs: 30_000, loadTimeoutMs: 30_000, heapMb: 128, memoryMb: 512, outputCapBytes: 65_536 });
  const fix = `check that \`${node.execPath} ${node.permissionFlag} -e 0\` runs, and reinstall backprop-lab (or \`npm run build\` in a clone) if its dist/ is incomplete`;
  try {
    runner.register("self-test", { js, filename: "self-test.ts", wanted: ["selfTest"] });
    const r = await runner.call("self-test", "selfTest", [1, own], 30_000);
    if (!r.ok) throw new GraderFault(`the sandboxed student process ran the grader's known-good module and failed: ${r.error}`, fix);
    const out = r.output as { sum?: unknown; confined?: unknown; readsOwn?: unknown; network?: unknown };
    if (out.sum !== 2) throw new GraderFault(`the sandboxed student process answered ${JSON.stringify(r.output).slice(0, 200)} where the known-good module returns sum 2`, fix);
    if (out.confined !== true || out.readsOwn !== true)
      throw new GraderFault(`Node ${node.version} started the student process without the expected permissions (confined: ${String(out.confined)}, reads its own folder: ${String(out.readsOwn)})`, "run the grader with Node 20, 22, 24 or 26");
    if (node.blocksNetwork && out.network !== false)
      throw new GraderFault(`Node ${node.version} should refuse the student process the network, but it was granted`, "run the grader with Node 20, 22, 24 or 26, without --allow-net in NODE_OPTIONS");
  } finally {
    runner.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  passed = { node, typescript };
  return passed;
}
