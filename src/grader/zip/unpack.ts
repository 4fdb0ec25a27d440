/**
 * Unpacking a student's zip from the grader's side: the work happens in a child process
 * (`child.ts`) with a capped heap and a wall-clock limit, so a zip bomb, a stall or a crash in
 * inflation never reaches the grader's own process or holds up a class. What the zip contains is
 * reported as an `UnpackResult`; only a failure of the unpacker itself (it could not start, it
 * overran its time, it died) throws, because that is the grader's problem, not the student's.
 */
import { spawn } from "node:child_process";
import { childScript } from "../child-script";
import { DEFAULT_ZIP_LIMITS, type UnpackResult, type ZipLimits } from "./extract";

/** The compiled script of the child process (see child-script.ts). */
const CHILD_SCRIPT = childScript("zip/child");

/** More reply than any honest result (500 file names and ten notes) could need. */
const MAX_REPLY_BYTES = 1024 * 1024;

/** Unpack `file` into the empty folder `outDir` in a child process. Rejects only when the unpacker fails. */
export function unpackZip(file: string, outDir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<UnpackResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--max-old-space-size=64", CHILD_SCRIPT, file, outDir, JSON.stringify(limits)], { stdio: ["ignore", "pipe", "pipe"], env: {} });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let failed: string | null = null;
    let closed = false;
    const stop = (why: string): void => {
      failed ??= why;
      child.kill("SIGKILL");
    };
    // When the timer fires after the grader's own event loop was busy (compiling a classmate), a
    // reply that already arrived is read first (setImmediate runs after the poll phase): a child
    // that has written its whole reply line is finishing, not stalled (it gets a moment to exit).
    const replied = (): boolean => out.length > 0 && out[out.length - 1]!.at(-1) === 0x0a;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (closed) return;
          if (replied()) setTimeout(() => child.kill("SIGKILL"), 5000).unref();
          else stop(`unpacking the zip did not finish within ${limits.timeoutMs / 1000} s`);
        }),
      limits.timeoutMs,
    );
    child.stdout.on("data", (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > MAX_REPLY_BYTES) stop("the zip unpacker sent more than 1 MB of reply");
      else out.push(b);
    });
    child.stderr.on("data", (b: Buffer) => {
      if (err.length < 4096) err += b.toString("utf8");
    });
    child.stdout.on("error", () => undefined);
    child.stderr.on("error", () => undefined);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`the grader could not start its zip unpacker: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      closed = true;
      clearTimeout(timer);
      const reply = parseReply(Buffer.concat(out).toString("utf8"));
      if (!failed && reply && "files" in reply) return resolve(reply);
      const why = failed ?? (reply && "error" in reply ? `it failed: ${reply.error}` : `it exited with ${signal ?? `code ${code}`}${err.trim() ? `: ${err.trim().split("\n").slice(-1)[0]}` : ""}`);
      reject(new Error(`the grader's zip unpacker did not finish (${why}); this is a problem of the grader or the machine (e.g. overloaded), not of the submission: grade it again`));
    });
  });
}

function parseReply(text: string): UnpackResult | { error: string } | null {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && ("files" in v || "error" in v)) return v as UnpackResult | { error: string };
  } catch {
    /* no reply */
  }
  return null;
}
