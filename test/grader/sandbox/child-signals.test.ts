// child-signals: after lockSignals() the process can signal, renice or debug only itself, the
// replacements cannot be replaced, and heap snapshots and V8 flags refuse. Run in a child.
import { describe, expect, it } from "vitest";
import { runWithPart } from "./part-child";

describe("child-signals", () => {
  it("refuses other processes and keeps working on its own", () => {
    const out = runWithPart(
      "child-signals",
      `part.lockSignals();
      const tryIt = (f) => { try { return ["ok", f()]; } catch (e) { return [e.code, e.permission, e.message]; } };
      const os = require("node:os");
      process.stdout.write(JSON.stringify({
        parent: tryIt(() => process.kill(process.ppid, 0)),
        group: tryIt(() => process.kill(0, 0)),
        self: tryIt(() => process.kill(process.pid, 0)),
        debug: tryIt(() => process._debugProcess(process.ppid)),
        renice: tryIt(() => os.setPriority(process.ppid, 19)),
        reniceSelf: tryIt(() => { os.setPriority(os.getPriority()); return "done"; }),
        snapshot: tryIt(() => require("node:v8").getHeapSnapshot()),
        relock: tryIt(() => { process._kill = () => 0; return "replaced"; }),
      }));`,
    );
    expect(out).toEqual({
      parent: ["ERR_ACCESS_DENIED", "Signal", expect.stringMatching(/^signal 0 to process \d+ refused$/)],
      group: ["ERR_ACCESS_DENIED", "Signal", "signal 0 to process 0 refused"],
      self: ["ok", true],
      debug: ["ERR_ACCESS_DENIED", "Signal", expect.stringMatching(/^debugging process \d+ refused$/)],
      renice: ["ERR_ACCESS_DENIED", "Priority", expect.stringMatching(/^changing the priority of process \d+ refused$/)],
      reniceSelf: ["ok", "done"],
      snapshot: ["ERR_ACCESS_DENIED", "", "v8.getHeapSnapshot is not available to graded code"],
      relock: [null, null, expect.stringMatching(/read only|read-only/)],
    });
  });
});
