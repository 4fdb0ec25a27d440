// child-faults: errors raised outside a call's own stack are caught process-wide (the process goes
// on) and the first since clear() is kept, described. Process-wide handlers: run in a child.
import { describe, expect, it } from "vitest";
import { runWithPart } from "./part-child";

describe("child-faults", () => {
  it("keeps the first uncaught error and unhandled rejection since clear(), and the process goes on", () => {
    const seen = runWithPart(
      "child-faults",
      `const log = part.catchFaults();
      const seen = [log.current()];
      setImmediate(() => { throw new RangeError("first"); });
      setImmediate(() => { throw new Error("second"); });
      setImmediate(() => {
        seen.push(log.current());
        log.clear();
        seen.push(log.current());
        Promise.reject("not an Error");
        setTimeout(() => {
          seen.push(log.current());
          process.stdout.write(JSON.stringify(seen));
        }, 0);
      });`,
    );
    expect(seen).toEqual([
      null,
      "an uncaught error escaped from a timer or callback: RangeError: first",
      null,
      "an unhandled promise rejection escaped: a string, not an Error: not an Error",
    ]);
  });
});
