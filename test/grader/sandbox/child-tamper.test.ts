// child-tamper: a watch reports what changed on the watched built-ins since its baseline: a
// planted change, an added and a deleted property; not a new global, not a restored property.
// Runs in this process: each change is planted and undone synchronously.
import { describe, expect, it } from "vitest";
import { watchBuiltins } from "../../../src/grader/sandbox/child-tamper";

describe("child-tamper", () => {
  it("reports a replaced, an added and a deleted property of a watched object, and nothing once they are undone", () => {
    const watch = watchBuiltins();
    const max = Object.getOwnPropertyDescriptor(Math, "max")!;
    const hypot = Object.getOwnPropertyDescriptor(Math, "hypot")!;
    let planted: string[];
    let later: string[];
    try {
      Math.max = () => 0;
      Object.defineProperty(Math, "evil", { value: 1, configurable: true, enumerable: true, writable: true });
      Reflect.deleteProperty(Math, "hypot");
      Object.defineProperty(globalThis, "myHelper", { value: 1, configurable: true }); // a student's own global
      planted = watch.tamperedSince();
      // a second watch made now starts from the changed state
      later = watchBuiltins().tamperedSince();
    } finally {
      Object.defineProperty(Math, "max", max);
      Reflect.deleteProperty(Math, "evil");
      Object.defineProperty(Math, "hypot", hypot); // back, but last in key order
      Reflect.deleteProperty(globalThis, "myHelper");
    }
    expect(planted.sort()).toEqual(["Math.evil (added)", "Math.hypot (deleted)", "Math.max"]);
    expect(later).toEqual([]);
    expect(watch.tamperedSince()).toEqual([]);
  });

  it("recordBaseline moves the baseline: a change already there is not reported again", () => {
    const watch = watchBuiltins();
    const saved = Object.getOwnPropertyDescriptor(JSON, "stringify")!;
    const seen: string[][] = [];
    try {
      JSON.stringify = () => "forged";
      seen.push(watch.tamperedSince());
      watch.recordBaseline();
      seen.push(watch.tamperedSince());
    } finally {
      Object.defineProperty(JSON, "stringify", saved);
    }
    seen.push(watch.tamperedSince()); // the restore is a change from the new baseline
    expect(seen).toEqual([["JSON.stringify"], [], ["JSON.stringify"]]);
  });
});
