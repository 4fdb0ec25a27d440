/**
 * What graded code prints: counted and discarded. The student process's stdout and stderr `write`
 * is replaced by a counter, so nothing a submission prints reaches the grader's pipes through the
 * streams (the grader drains and drops what bypasses them), and each reply says how much was
 * printed: the grader judges that count against its output cap.
 */
import { P, isCallable } from "./child-builtins";

/**
 * Replaces the streams' `write` with one counter: a string counts its length, a buffer or typed
 * array its bytes; the data is dropped and a callback (in either of `write`'s places) is still
 * called. Returns the count so far (its own: a later call starts another count).
 */
export function countOutput(streams: readonly { write: unknown }[]): () => number {
  let printed = 0;
  const write = function (chunk: unknown, enc?: unknown, cb?: unknown): boolean {
    if (typeof chunk === "string") printed += chunk.length;
    else if (chunk !== null && typeof chunk === "object" && P.isView(chunk)) printed += chunk.byteLength;
    const done = isCallable(enc) ? enc : cb;
    if (isCallable(done)) P.setImmediate(done);
    return true;
  };
  for (const s of streams) s.write = write;
  return () => printed;
}
