/**
 * The student process's side of the message protocol (protocol.ts): the grader's messages arrive
 * as JSON lines on stdin, replies leave as JSON lines on fd 3. Every reply carries the token from
 * the grader's first message (`hello`), which student code never sees; requests are run one at a
 * time, in the order they came.
 */
import type { CallMessage, LoadMessage, ParentMessage } from "./protocol";
import { P, cut, push } from "./child-builtins";
import { q } from "./child-encode";

/** Sends one reply: `text` is a JSON object, which goes out with the token first. */
export type Reply = (text: string) => void;

/**
 * Splits a byte stream into lines and hands each one that parses as JSON to `onMessage` (others
 * are skipped); a line may arrive in any number of chunks. The chunks of an unfinished line are
 * kept as they came and joined once, when its end arrives: joining them chunk by chunk would copy a
 * large message (the capstone's pixels come in hundreds of pipe reads) quadratically often, time
 * that counts against the student. Reads through the captured built-ins.
 */
export function lineReader(onMessage: (m: unknown) => void): (chunk: Uint8Array) => void {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const hand = (line: Uint8Array): void => {
    let m: unknown;
    try {
      m = P.parse(P.apply(P.utf8Slice, line, [0, line.length]));
    } catch {
      return;
    }
    onMessage(m);
  };
  return (chunk) => {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== 10) continue;
      const tail = P.apply(P.taSubarray, chunk, [start, i]);
      start = i + 1;
      if (heldBytes === 0) {
        hand(tail);
        continue;
      }
      const line = new P.Uint8Array(heldBytes + tail.length);
      let at = 0;
      for (let j = 0; j < held.length; j++) {
        const part = held[j]!;
        P.apply(P.taSet, line, [part, at]);
        at += part.length;
      }
      P.apply(P.taSet, line, [tail, at]);
      held = [];
      heldBytes = 0;
      hand(line);
    }
    if (start < chunk.length) {
      // a copy: the stream may reuse the chunk's memory
      const rest = new P.Uint8Array(chunk.length - start);
      P.apply(P.taSet, rest, [P.apply(P.taSubarray, chunk, [start]), 0]);
      push(held, rest);
      heldBytes += rest.length;
    }
  };
}

/**
 * What the child does for a load and for a call; each answers with one `reply`. Just before the
 * student's code runs, each sends one `notice` (protocol.ts's `running`), which is not a reply.
 */
export interface Handlers {
  load(m: LoadMessage, reply: Reply, notice: Reply): Promise<void>;
  call(m: CallMessage, reply: Reply, notice: Reply): Promise<void>;
}

let serving = false;

/**
 * Reads the grader's messages from stdin, runs them through the handlers one at a time, in the
 * order they came (the grader sends one at a time anyway), and exits when the grader closes stdin
 * (it is gone or done). `start` makes the handlers once stdin is open and before any message is
 * read, so the baselines it takes see the process as the grader's own set-up left it. Once per
 * process: the token and the only way to send with it stay inside, where student code, which
 * can reach this module's exports, cannot call them.
 *
 * The first message, `hello`, sets the token and is answered `ready` before any student code.
 * A message is the grader's own, parsed from its line: it is typed as the protocol says and its
 * fields are read defensively. stdin is read as a stream (a blocking read in the thread pool
 * would keep process.exit from returning until the next message). What arrives there is not
 * secret: the token came first, before any student code, and student code that tampers with
 * streams only deafens itself.
 */
export function serve(start: () => Handlers): void {
  if (serving) throw new P.Error("the student process already reads the grader's messages");
  serving = true;
  let token = "";
  /**
   * One reply line on fd 3, written synchronously through the captured `fs.writeSync` (the pipe
   * is blocking on this side, so the whole line goes out): no stream, prototype or IPC machinery
   * student code could patch to read or rewrite it.
   */
  const send: Reply = (text) => {
    try {
      P.apply(P.writeSync, undefined, [3, `{"token":${q(token)},${cut(text, 1)}\n`]);
    } catch {
      P.exit(3);
    }
  };
  let chain: Promise<void> = P.Promise.resolve();
  const dispatch = (raw: unknown): void => {
    if (raw === null || typeof raw !== "object") return;
    const m = raw as ParentMessage;
    if (m.type === "hello") {
      if (token === "" && typeof m.token === "string") {
        token = m.token;
        send(`{"type":"ready"}`); // before any student code: the grader now knows this process started
      }
      return;
    }
    const job = m.type === "load" ? () => handlers.load(m, send, send) : m.type === "call" ? () => handlers.call(m, send, send) : null;
    if (job) chain = P.apply(P.then, chain, [job, job]);
  };
  process.stdin.on("data", lineReader(dispatch));
  process.stdin.on("end", () => P.exit(0));
  process.stdin.on("error", () => P.exit(0));
  const handlers = start();
}
