/**
 * The student process's side of the message protocol (protocol.ts): the grader's messages arrive
 * as JSON lines on stdin, replies leave as JSON lines on fd 3. Every reply carries the token from
 * the grader's first message (`hello`), which student code never sees; requests are run one at a
 * time, in the order they came.
 */
import type { CallMessage, LoadMessage, ParentMessage } from "./protocol";
import { P, cut } from "./child-builtins";
import { q } from "./child-encode";

/** The token from the grader's first message; every reply carries it (student code never sees it). */
let token = "";

/**
 * One reply line on fd 3, written synchronously through the captured `fs.writeSync` (the pipe
 * is blocking on this side, so the whole line goes out): no stream, prototype or IPC machinery
 * student code could patch to read or rewrite it. `text` is a JSON object; the token goes first.
 */
export function send(text: string): void {
  try {
    P.apply(P.writeSync, undefined, [3, `{"token":${q(token)},${cut(text, 1)}\n`]);
  } catch {
    P.exit(3);
  }
}

/**
 * Splits a byte stream into lines and hands each one that parses as JSON to `onMessage` (others
 * are skipped); a line may arrive in any number of chunks. Reads through the captured built-ins.
 */
export function lineReader(onMessage: (m: unknown) => void): (chunk: Uint8Array) => void {
  let pending = new P.Uint8Array(0);
  return (chunk) => {
    const data = new P.Uint8Array(pending.length + chunk.length);
    P.apply(P.taSet, data, [pending, 0]);
    P.apply(P.taSet, data, [chunk, pending.length]);
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== 10) continue;
      const line = P.apply(P.utf8Slice, data, [start, i]);
      start = i + 1;
      let m: unknown;
      try {
        m = P.parse(line);
      } catch {
        continue;
      }
      onMessage(m);
    }
    pending = new P.Uint8Array(data.length - start);
    P.apply(P.taSet, pending, [P.apply(P.taSubarray, data, [start]), 0]);
  };
}

/** What the child does for a load and for a call; each answers with one `send`. */
export interface Handlers {
  load(m: LoadMessage): Promise<void>;
  call(m: CallMessage): Promise<void>;
}

/**
 * Answers the grader's hello (once: it sets the token and replies `ready`, before any student
 * code) and queues loads and calls so that one never overlaps another (the grader sends one at a
 * time anyway). The message is the grader's own, parsed from its line; it is typed as the
 * protocol says and its fields are read defensively.
 */
export function dispatcher(handlers: Handlers): (m: unknown) => void {
  let chain: Promise<void> = P.Promise.resolve();
  return (raw) => {
    if (raw === null || typeof raw !== "object") return;
    const m = raw as ParentMessage;
    if (m.type === "hello") {
      if (token === "" && typeof m.token === "string") {
        token = m.token;
        send(`{"type":"ready"}`); // before any student code: the grader now knows this process started
      }
      return;
    }
    const job = m.type === "load" ? () => handlers.load(m) : m.type === "call" ? () => handlers.call(m) : null;
    if (job) chain = P.apply(P.then, chain, [job, job]);
  };
}

/**
 * Reads the grader's messages from stdin and exits when the grader closes it (it is gone or done).
 * stdin is read as a stream (a blocking read in the thread pool would keep process.exit from
 * returning until the next message). What arrives there is not secret: the token came first,
 * before any student code, and student code that tampers with streams only deafens itself.
 */
export function serve(handlers: Handlers): void {
  process.stdin.on("data", lineReader(dispatcher(handlers)));
  process.stdin.on("end", () => P.exit(0));
  process.stdin.on("error", () => P.exit(0));
}
