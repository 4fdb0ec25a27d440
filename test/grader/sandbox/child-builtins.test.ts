// child-builtins: the student process's own references, taken before student code, keep working
// when the prototypes they came from are patched; the entry imports the module first.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { P, checkIndexTraps, codeAt, cut, find, has, hasIndexKey, isCallable, push, starts } from "../../../src/grader/sandbox/child-builtins";
import { partPath } from "./part-child";

/** Replace a property for the length of `body` (synchronous: nothing else runs meanwhile). */
function patched<T>(o: object, k: string, v: unknown, body: () => T): T {
  const saved = Object.getOwnPropertyDescriptor(o, k);
  Object.defineProperty(o, k, { value: v, writable: true, configurable: true });
  try {
    return body();
  } finally {
    if (saved) Object.defineProperty(o, k, saved);
    else Reflect.deleteProperty(o, k);
  }
}

describe("child-builtins", () => {
  it("string helpers use the captured methods, not the ones on String.prototype now", () => {
    const broken = () => "patched";
    expect(patched(String.prototype, "slice", broken, () => cut("abcdef", 1, 3))).toBe("bc");
    expect(patched(String.prototype, "slice", broken, () => cut("abcdef", 4))).toBe("ef");
    expect(patched(String.prototype, "includes", () => false, () => has("graded code", "code"))).toBe(true);
    expect(patched(String.prototype, "indexOf", () => 99, () => find("a:b:c", ":", 2))).toBe(3);
    expect(patched(String.prototype, "startsWith", () => false, () => starts("threw x", "threw "))).toBe(true);
    expect(patched(String.prototype, "charCodeAt", () => 0, () => codeAt("A", 0))).toBe(65);
  });

  it("the table of captured references is frozen", () => {
    expect(Object.isFrozen(P)).toBe(true);
    expect(() => {
      (P as { stringify: unknown }).stringify = () => "";
    }).toThrow(TypeError);
  });

  it("push appends without running an index setter planted on Array.prototype, once checkIndexTraps has seen it", () => {
    const a: number[] = [1, 2];
    push(a, 3);
    expect(a).toEqual([1, 2, 3]);
    let hits = 0;
    Object.defineProperty(Array.prototype, "3", {
      set: () => {
        hits++;
      },
      configurable: true,
    });
    try {
      expect(hasIndexKey(Array.prototype)).toBe(true);
      checkIndexTraps();
      push(a, 4);
      expect(hits).toBe(0);
      expect(Object.getOwnPropertyDescriptor(a, "3")?.value).toBe(4);
    } finally {
      Reflect.deleteProperty(Array.prototype, "3");
    }
  });

  it("hasIndexKey sees array-index keys only", () => {
    expect(hasIndexKey({ "0": 1 })).toBe(true);
    expect(hasIndexKey({ "17": 1, a: 2 })).toBe(true);
    expect(hasIndexKey({ a: 1, "": 2, "1a": 3 })).toBe(false);
    expect(hasIndexKey({ [Symbol("0")]: 1 })).toBe(false);
  });

  it("isCallable is typeof function", () => {
    expect(isCallable(() => 1)).toBe(true);
    expect(isCallable(class {})).toBe(true);
    expect(isCallable({})).toBe(false);
    expect(isCallable(null)).toBe(false);
  });

  it("the child's entry requires it before any other module", () => {
    const js = readFileSync(partPath("child"), "utf8");
    const first = /require\("([^"]+)"\)/.exec(js);
    expect(first?.[1]).toBe("./child-builtins");
  });
});
