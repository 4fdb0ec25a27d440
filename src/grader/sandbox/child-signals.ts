import { P } from "./child-builtins";

/**
 * Signals are not covered by the permission model: without this, `process.kill(process.ppid,
 * "SIGUSR1")` opens the grader's inspector on 127.0.0.1:9229 (code execution in the grader, since
 * the network is open), `SIGKILL` ends the grader, and any other process of the same user can be
 * signalled, reniced or debugged. `process.kill` goes through `process._kill`; both that and
 * `process._debugProcess` and `os.setPriority` are replaced, before any student code, by versions
 * that act on this process only.
 */
export function lockSignals(): void {
  const own = process.pid;
  // Node's internals, not in its type declarations: the cast names their signatures
  const proc = process as unknown as { _kill: (pid: number, sig: number) => number; _debugProcess: (pid: number) => void };
  const rawKill = proc._kill;
  const denied = (permission: string, what: string): object => {
    const e = new P.Error(what);
    P.define(e, "code", { value: "ERR_ACCESS_DENIED" });
    P.define(e, "permission", { value: permission });
    return e;
  };
  const lock = (o: object, k: string, f: unknown): void => {
    P.define(o, k, { value: f, writable: false, enumerable: false, configurable: false });
  };
  lock(process, "_kill", function kill(pid: number, sig: number): number {
    if (pid !== own) throw denied("Signal", `signal ${sig} to process ${pid} refused`);
    return P.apply(rawKill, process, [pid, sig]) as number;
  });
  lock(process, "_debugProcess", function debugProcess(pid: number): void {
    throw denied("Signal", `debugging process ${pid} refused`);
  });
  const os: typeof import("node:os") = require("node:os");
  const rawPriority = os.setPriority;
  lock(os, "setPriority", function setPriority(a: number, b?: number): void {
    const pid = b === undefined ? 0 : a;
    if (pid !== 0 && pid !== own) throw denied("Priority", `changing the priority of process ${pid} refused`);
    P.apply(rawPriority, os, b === undefined ? [a] : [a, b]);
  });
  // A heap snapshot holds every string of this process, the reply token included, and V8 flags
  // change how the engine itself behaves: neither is for graded code.
  const v8: Record<string, unknown> = require("node:v8");
  for (const name of ["getHeapSnapshot", "writeHeapSnapshot", "setHeapSnapshotNearHeapLimit", "setFlagsFromString"]) {
    if (typeof v8[name] === "function") lock(v8, name, () => {
      throw denied("", `v8.${name} is not available to graded code`);
    });
  }
}
