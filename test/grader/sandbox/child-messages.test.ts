// child-messages: JSON lines from any chunking; serve() answers the hello with the token, runs
// requests one at a time in order, ignores what is not a message, and runs once per process.
// serve() reads the process's stdin and writes fd 3: run in a child with those pipes.
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { lineReader } from "../../../src/grader/sandbox/child-messages";
import { partPath } from "./part-child";

describe("child-messages: lineReader", () => {
  it("hands on each complete JSON line, across chunks and split characters; skips lines that are not JSON", () => {
    const got: unknown[] = [];
    const read = lineReader((m) => got.push(m));
    const bytes = Buffer.from('{"a":"é"}\nnot json\n[1,2]\n{"b":', "utf8");
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of é
    read(bytes.subarray(0, cut));
    read(bytes.subarray(cut));
    expect(got).toEqual([{ a: "é" }, [1, 2]]);
    read(Buffer.from("3}\n"));
    expect(got).toEqual([{ a: "é" }, [1, 2], { b: 3 }]);
  });

  it("a large message in hundreds of pipe-sized chunks, with the next line's start in its last chunk, arrives whole", () => {
    const got: unknown[] = [];
    const read = lineReader((m) => got.push(m));
    const pixels = Array.from({ length: 200_000 }, (_, i) => (i % 255) / 255);
    const bytes = Buffer.from(`${JSON.stringify({ type: "call", args: [pixels] })}\n{"next":`, "utf8");
    for (let at = 0; at < bytes.length; at += 65_536) {
      const chunk = Buffer.from(bytes.subarray(at, at + 65_536));
      read(chunk);
      chunk.fill(0); // the stream may reuse a chunk's memory: the reader must have copied what it keeps
    }
    read(Buffer.from("1}\n"));
    expect(bytes.length / 65_536).toBeGreaterThan(50);
    expect(got).toEqual([{ type: "call", args: [pixels] }, { next: 1 }]);
  });
});

describe("child-messages: serve", () => {
  it("answers the hello with its token, then each request in the order sent, and only once per process", async () => {
    const script = `"use strict";
      const { serve } = require(${JSON.stringify(partPath("child-messages"))});
      const wait = (ms) => new Promise((r) => setTimeout(r, ms));
      serve(() => ({
        load: async (m, reply) => reply(JSON.stringify({ type: "loaded", key: m.key })),
        // the first call is the slowest: a queue still answers in order
        call: async (m, reply) => { await wait(m.id === 1 ? 50 : 0); reply(JSON.stringify({ type: "result", id: m.id })); },
      }));
      let again = "served twice";
      try { serve(() => ({})); } catch (e) { again = e.message; }
      process.stderr.write(again);`;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "pipe", "pipe"] });
    const replies = child.stdio[3];
    if (!(replies instanceof Readable)) throw new Error("no reply pipe");
    let text = "";
    let err = "";
    replies.on("data", (d: Buffer) => (text += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const lines = (n: number) =>
      new Promise<void>((r) => {
        const check = () => (text.split("\n").length > n ? r() : setTimeout(check, 5));
        check();
      });
    child.stdin.write('{"type":"hello","token":"t0k"}\n');
    child.stdin.write("garbage\n");
    child.stdin.write('{"type":"hello","token":"other"}\n'); // the token is set once
    child.stdin.write('{"type":"call","id":1,"key":"k","exportName":"f","args":[]}\n{"type":"call","id":2,');
    child.stdin.write('"key":"k","exportName":"f","args":[]}\n{"type":"load","key":"k2","js":"","filename":"a.js","wanted":[]}\n');
    await lines(4);
    child.stdin.end(); // the grader is gone: the child exits
    expect(await exited).toBe(0);
    expect(text.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { token: "t0k", type: "ready" },
      { token: "t0k", type: "result", id: 1 },
      { token: "t0k", type: "result", id: 2 },
      { token: "t0k", type: "loaded", key: "k2" },
    ]);
    expect(err).toBe("the student process already reads the grader's messages");
  });
});
