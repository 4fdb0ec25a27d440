// child-output: what graded code prints is counted (characters of a string, bytes of a buffer)
// and dropped; write's callback still runs; each counter counts only its own streams' writes.
import { describe, expect, it } from "vitest";
import { countOutput } from "../../../src/grader/sandbox/child-output";

/** A stand-in stream whose own write records what reaches it. */
function stream(): { s: { write: (...a: unknown[]) => unknown }; reached: unknown[] } {
  const reached: unknown[] = [];
  return { s: { write: (chunk) => reached.push(chunk) > 0 }, reached };
}

describe("child-output", () => {
  it("counts characters of strings and bytes of buffers and typed arrays, and drops them", () => {
    const out = stream();
    const err = stream();
    const printed = countOutput([out.s, err.s]);
    expect(printed()).toBe(0);
    expect(out.s.write("héllo")).toBe(true);
    err.s.write(Buffer.from("héllo")); // 6 bytes
    out.s.write(new Float64Array(2)); // 16 bytes
    out.s.write("x".repeat(3_000_000));
    expect(printed()).toBe(5 + 6 + 16 + 3_000_000);
    expect(out.reached).toEqual([]);
    expect(err.reached).toEqual([]);
  });

  it("calls back in either of write's places, after the write returned", async () => {
    const { s } = stream();
    countOutput([s]);
    const order: string[] = [];
    await new Promise<void>((done) => {
      s.write("a", () => order.push("callback"));
      s.write("b", "utf8", () => {
        order.push("callback with encoding");
        done();
      });
      order.push("returned");
    });
    expect(order).toEqual(["returned", "callback", "callback with encoding"]);
  });

  it("each counter is its own: a later one neither resets nor reads an earlier one", () => {
    const a = stream();
    const b = stream();
    const first = countOutput([a.s]);
    a.s.write("1234");
    const second = countOutput([b.s]);
    b.s.write("12");
    expect([first(), second()]).toEqual([4, 2]);
  });
});
