// child-encode: answers become JSON text without running student code, and travel to the grader's
// decoder (protocol.ts) with the values JSON cannot carry; what cannot be data is refused by name.
import { describe, expect, it } from "vitest";
import { EncodeError, dataProp, describeThrown, encode, inertObjects, locate } from "../../../src/grader/sandbox/child-encode";
import { MAX_DEPTH, MAX_ELEMENTS, MAX_STRING, decodeOutput } from "../../../src/grader/sandbox/protocol";

/** What the grader receives for `v`: encoded in the child, parsed and decoded in the grader. */
const roundTrip = (v: unknown): unknown => decodeOutput(JSON.parse(encode(v)));

/** The EncodeError `encode(v)` throws (fails the test if it returns). */
function refusal(v: unknown, cap?: number): EncodeError {
  try {
    encode(v, cap);
  } catch (e) {
    expect(e).toBeInstanceOf(EncodeError);
    return e as EncodeError;
  }
  throw new Error("encode accepted it");
}

describe("child-encode: values", () => {
  it("numbers JSON cannot write travel tagged and come back", () => {
    expect(encode(NaN)).toBe('{"$special":"NaN"}');
    expect(roundTrip([NaN, Infinity, -Infinity, undefined, 1.5e-300])).toEqual([NaN, Infinity, -Infinity, undefined, 1.5e-300]);
  });

  it("-0 arrives as 0, as in JSON", () => {
    expect(encode(-0)).toBe("0");
    expect(Object.is(roundTrip(-0), 0)).toBe(true);
  });

  it("typed arrays become arrays (bigints as strings); a DataView is refused", () => {
    expect(roundTrip(new Float64Array([1, NaN, -Infinity]))).toEqual([1, NaN, -Infinity]);
    expect(roundTrip({ w: new Int32Array([-3, 7]) })).toEqual({ w: [-3, 7] });
    expect(roundTrip(new BigInt64Array([5n]))).toEqual(["5"]);
    expect(refusal(new DataView(new ArrayBuffer(8))).message).toBe("returned a DataView where numbers were expected");
  });

  it("objects give their own enumerable data properties; methods, toJSON and __proto__ are left out", () => {
    class Net {
      W = [[1, 2]];
      step = (): number => 0; // an own function property: a method, not data
    }
    expect(roundTrip(new Net())).toEqual({ W: [[1, 2]] });
    const withToJSON = { a: 1, toJSON: () => "hijacked" };
    expect(roundTrip(withToJSON)).toEqual({ a: 1 });
    expect(roundTrip(JSON.parse('{"__proto__": {"x": 1}, "b": 2}'))).toEqual({ b: 2 });
  });

  it("a getter is refused by name and never run", () => {
    let runs = 0;
    const o = Object.defineProperty({}, "value", {
      get: () => {
        runs++;
        return 1;
      },
      enumerable: true,
    });
    expect(refusal(o).message).toBe("returned an object with a getter on `value`; return plain data");
    expect(refusal([1, o]).message).toBe("returned an object with a getter on `value`; return plain data");
    expect(runs).toBe(0);
  });

  it("a cycle is refused as nesting too deep", () => {
    const a: { self?: unknown } = {};
    a.self = a;
    expect(refusal(a).message).toBe(`returned data nested deeper than ${MAX_DEPTH} levels`);
  });

  it("oversize answers are refused at the cap, which the caller may raise", () => {
    expect(refusal(new Array(MAX_ELEMENTS + 1).fill(0)).message).toBe(`returned an array of ${MAX_ELEMENTS + 1} elements (a huge result)`);
    expect(refusal(new Float64Array(11), 10).message).toBe("returned more than 10 values (a huge result)");
    expect(JSON.parse(encode(new Float64Array(11), 12))).toHaveLength(11);
  });

  it("long strings are cut to MAX_STRING", () => {
    expect((roundTrip("x".repeat(MAX_STRING + 5)) as string).length).toBe(MAX_STRING);
  });

  it("functions, symbols, proxies and the course library's stand-ins are refused by name", () => {
    expect(refusal({ f: () => 1 }.f).message).toBe("returned a function where data was expected");
    expect(refusal({ s: Symbol("s") }).message).toBe("returned a symbol at s where data was expected");
    expect(refusal([new Proxy({}, {})]).message).toBe("returned a Proxy at [0]; return plain data");
    const inert = new Proxy({}, {});
    inertObjects.add(inert);
    expect(refusal({ y: inert }).message).toMatch(/^used the course library \(backprop-lab\) in the answer/);
  });
});

describe("child-encode: what was thrown", () => {
  it("an Error by its name and message; other values say what they are", () => {
    expect(describeThrown(new TypeError("bad shape"))).toBe("threw TypeError: bad shape");
    expect(describeThrown("oops")).toBe("threw a string, not an Error: oops");
    expect(describeThrown(42)).toBe("threw a non-Error value: 42");
    expect(describeThrown({})).toBe("threw a non-Error object (throw an Error with a message)");
    expect(describeThrown(() => 1)).toBe("threw a function, not an Error");
    expect(describeThrown(new EncodeError("returned a Promise"))).toBe("returned a Promise");
  });

  it("a refused capability by the permission it lacked", () => {
    const denied = (permission: string, resource?: string) => Object.assign(new Error("Access to this API has been restricted"), { code: "ERR_ACCESS_DENIED", permission, resource });
    expect(describeThrown(denied("FileSystemWrite"))).toBe("tried to write a file; submissions may not write files");
    expect(describeThrown(denied("FileSystemRead", "/etc/passwd"))).toBe("tried to read a file outside the submission (/etc/passwd)");
    expect(describeThrown(denied("Signal"))).toBe("tried to signal or debug another process; submissions may only stop themselves");
  });

  it("reads data properties only: a getter on message is not run", () => {
    let runs = 0;
    const e = Object.defineProperty(new Error(), "message", {
      get: () => {
        runs++;
        return "from a getter";
      },
    });
    expect(describeThrown(e)).toBe("threw a non-Error object (throw an Error with a message)");
    expect(runs).toBe(0);
    expect(dataProp({ get x() { runs++; return 1; } }, "x")).toBeUndefined();
    expect(runs).toBe(0);
  });

  it("locate finds the first frame in the student's file", () => {
    const e = new Error("x");
    Object.defineProperty(e, "stack", { value: "Error: x\n    at g (/other.js:1:1)\n    at f (/sub/07-mlp.js:12:5)\n    at /sub/07-mlp.js:40:2" });
    expect(locate(e, "/sub/07-mlp.js")).toEqual({ line: 12, column: 5 });
    expect(locate(e, "/sub/none.js")).toBeUndefined();
  });
});
