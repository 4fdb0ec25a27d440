/**
 * Which Node runs student code, and the permission flags that Node understands. The flag's name
 * changed between releases (`--experimental-permission` on Node 20 and early 22, `--permission`
 * from 22.13; Node 24 and later refuse the old name), and Node 25 added a network permission
 * (`--allow-net`: without it, sockets are refused). So the flags are chosen by asking the binary
 * what it accepts, never from a fixed string: a fixed string made every child die with "bad option"
 * on Node 24 and every student score zero.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { GraderFault } from "../fault";

/** Environment variable naming another Node binary to run student code (default: the grader's own). */
export const SANDBOX_NODE_ENV = "BACKPROP_LAB_NODE";

/** What the sandbox's Node binary supports. */
export interface SandboxNode {
  /** absolute path of the binary the children are started with */
  execPath: string;
  /** e.g. "24.22.3" ("" when the probe failed) */
  version: string;
  major: number;
  /** the flag that turns the permission model on, or null when the binary has none */
  permissionFlag: "--permission" | "--experimental-permission" | null;
  /** does the permission model cover the network (and refuse sockets unless `--allow-net` is given)? */
  blocksNetwork: boolean;
  /** why the probe could not ask the binary (it would not start, printed nothing useful, …) */
  probeError?: string;
}

interface Capabilities {
  version: string;
  flags: string[];
}

/** The flags of interest, read by the probed binary itself. */
const PROBE = `process.stdout.write(JSON.stringify({version: process.versions.node, flags: ["--permission", "--experimental-permission", "--allow-net"].filter((f) => process.allowedNodeEnvironmentFlags.has(f))}))`;

function capabilitiesOf(execPath: string): Capabilities | { error: string } {
  if (execPath === process.execPath) {
    const flags = ["--permission", "--experimental-permission", "--allow-net"].filter((f) => process.allowedNodeEnvironmentFlags.has(f));
    return { version: process.versions.node, flags };
  }
  const r = spawnSync(execPath, ["-e", PROBE], { encoding: "utf8", timeout: 30_000, env: {} });
  if (r.error) return { error: `${execPath} could not be started (${r.error.message})` };
  try {
    const c: unknown = JSON.parse(r.stdout);
    if (c !== null && typeof c === "object" && "version" in c && typeof c.version === "string" && "flags" in c && Array.isArray(c.flags))
      return { version: c.version, flags: c.flags.filter((f): f is string => typeof f === "string") };
  } catch {
    /* reported below */
  }
  const said = `${r.stderr ?? ""}`.trim().split("\n")[0] ?? "";
  return { error: `${execPath} did not answer a version probe (exit code ${r.status ?? r.signal}${said ? `: ${said}` : ""})` };
}

const probed = new Map<string, SandboxNode>();

/** The Node binary that runs student code and what it supports (probed once per binary). */
export function sandboxNode(): SandboxNode {
  const override = process.env[SANDBOX_NODE_ENV];
  const execPath = override ? path.resolve(override) : process.execPath;
  let node = probed.get(execPath);
  if (!node) {
    const c = capabilitiesOf(execPath);
    if ("error" in c) node = { execPath, version: "", major: 0, permissionFlag: null, blocksNetwork: false, probeError: c.error };
    else {
      const permissionFlag = c.flags.includes("--permission") ? "--permission" : c.flags.includes("--experimental-permission") ? "--experimental-permission" : null;
      node = { execPath, version: c.version, major: Number(c.version.split(".")[0]) || 0, permissionFlag, blocksNetwork: permissionFlag !== null && c.flags.includes("--allow-net") };
    }
    probed.set(execPath, node);
  }
  return node;
}

/**
 * The permission flags for a child that may read only `readDirs`: no writes, no processes, no
 * workers, no add-ons, no WASI, and (where Node can refuse it) no network, since `--allow-net` is
 * never given. Node 20 grants a folder only with a trailing wildcard, one flag per folder (a comma
 * list honours only its last wildcard entry); later versions accept the same form.
 */
export function permissionArgs(node: SandboxNode, readDirs: readonly string[]): string[] {
  if (!node.permissionFlag) {
    const what = node.probeError ?? `Node ${node.version} at ${node.execPath} has no permission model, so student code cannot be confined`;
    const fix = process.env[SANDBOX_NODE_ENV]
      ? `point ${SANDBOX_NODE_ENV} at Node 20, 22, 24 or 26, or unset it to use the Node that runs the grader`
      : "run the grader with Node 20, 22, 24 or 26";
    throw new GraderFault(what, fix);
  }
  return [node.permissionFlag, ...readDirs.map((d) => `--allow-fs-read=${path.resolve(d)}${path.sep}*`)];
}
