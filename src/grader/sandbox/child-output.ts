/**
 * What graded code prints: counted and discarded. The student process's stdout and stderr `write`
 * is replaced by `countWrite`, so nothing a submission prints reaches the grader's pipes through
 * the streams (the grader drains and drops what bypasses them), and each reply says how much was
 * printed: the grader judges that count against its output cap.
 */
import { P, isCallable } from "./child-builtins";

let printed = 0;

/**
 * A stream's `write` as the child installs it: a string counts its length, a buffer or typed array
 * its bytes; the data is dropped and a callback (in either of `write`'s places) is still called.
 */
export function countWrite(chunk: unknown, enc?: unknown, cb?: unknown): boolean {
  if (typeof chunk === "string") printed += chunk.length;
  else if (chunk !== null && typeof chunk === "object" && P.isView(chunk)) printed += chunk.byteLength;
  const done = isCallable(enc) ? enc : cb;
  if (isCallable(done)) P.setImmediate(done);
  return true;
}

/** Routes these streams' writes to `countWrite` (the child does this to stdout and stderr before any student code). */
export function countOutput(streams: readonly NodeJS.WritableStream[]): void {
  for (const s of streams) s.write = countWrite;
}

/** Characters and bytes counted since the process started; a reply reports the difference over its load or call. */
export function printedSoFar(): number {
  return printed;
}
