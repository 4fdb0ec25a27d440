// child-leftovers: settle() lets due callbacks run and says whether timers or handles opened since
// the baseline are still open. Open resources are process-wide: run in a child.
import { describe, expect, it } from "vitest";
import { runWithPart } from "./part-child";

describe("child-leftovers", () => {
  it("reports what is left open, after letting a due timer fire", () => {
    const out = runWithPart(
      "child-leftovers",
      `(async () => {
        // the student process's stdin keeps its event loop alive; here a timer in the baseline does
        // (settle's own short sleeps are unref'd and would let this process end)
        const alive = setInterval(() => {}, 1 << 30);
        const settle = part.watchResources();
        const out = { clean: await settle() };
        let fired = false;
        setTimeout(() => { fired = true; }, 0);
        out.dueTimer = await settle();
        out.fired = fired;
        const t = setTimeout(() => {}, 60000);
        out.longTimer = await settle();
        clearTimeout(t);
        out.cleared = await settle();
        const iv = setInterval(() => {}, 1000);
        out.interval = await settle();
        clearInterval(iv);
        const server = require("node:net").createServer().listen(0, "127.0.0.1");
        out.server = await settle();
        await new Promise((r) => server.close(r));
        out.closed = await settle();
        clearInterval(alive);
        process.stdout.write(JSON.stringify(out));
      })();`,
    );
    expect(out).toEqual({ clean: false, dueTimer: false, fired: true, longTimer: true, cleared: false, interval: true, server: true, closed: false });
  });
});
