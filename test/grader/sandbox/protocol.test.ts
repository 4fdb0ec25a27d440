// protocol: the child's notices and replies are taken only with the process's token and only in
// their documented shape; the `running` notice carries the memory the growth is measured from.
import { describe, expect, it } from "vitest";
import { parseChildMessage } from "../../../src/grader/sandbox/protocol";

const line = (o: object): string => JSON.stringify({ token: "t0k", ...o });

describe("protocol: parseChildMessage", () => {
  it("reads `ready` and `running` with the token, and nothing without it", () => {
    expect(parseChildMessage(line({ type: "ready" }), "t0k")).toEqual({ type: "ready" });
    expect(parseChildMessage(line({ type: "running", rssMb: 61.25 }), "t0k")).toEqual({ type: "running", rssMb: 61.25 });
    expect(parseChildMessage(line({ type: "running", rssMb: 61.25 }), "other")).toBeNull();
    expect(parseChildMessage(JSON.stringify({ type: "running", rssMb: 1 }), "t0k")).toBeNull();
  });

  it("refuses a `running` notice whose memory is not a finite, non-negative number", () => {
    for (const rssMb of [-1, "61", null, [1], { mb: 1 }]) expect(parseChildMessage(line({ type: "running", rssMb }), "t0k"), JSON.stringify(rssMb)).toBeNull();
    expect(parseChildMessage(`{"token":"t0k","type":"running","rssMb":1e999}`, "t0k")).toBeNull();
    expect(parseChildMessage(line({ type: "running" }), "t0k")).toBeNull();
  });
});
