/**
 * What the student process does for the grader's two requests: load a file, call an export.
 * Each answers with one reply (protocol.ts's `loaded` or `result`, as JSON text) that also says
 * what the load or call did on the side: built-ins changed (`tampered`), bytes printed, and
 * whether the process is `dirty` (timers or handles left open, built-ins changed, or a fault
 * raised late), in which case the grader replaces it. It computes no verdicts.
 */
import type { CallMessage, JsLocation, LoadMessage } from "./protocol";
import { P, isCallable } from "./child-builtins";
import { EncodeError, dataProp, describeThrown, encode, locate, q } from "./child-encode";
import type { FaultLog } from "./child-faults";
import { exportNames, exportsOf, runModule, type Registry } from "./child-loader";
import type { Handlers, Reply } from "./child-messages";
import type { BuiltinWatch } from "./child-tamper";
import { DRIVERS, isDriverName } from "./drivers";

/** Most values in a call's arguments the child copies to notice a changed input (the grader's own data; the capstone sends 784 000 pixels). */
const MAX_ARG_ELEMENTS = 4000000;

/** The watches a load or call reports from, made by the child's entry before any student code. */
export interface Parts {
  /** characters and bytes printed so far (child-output) */
  printed: () => number;
  faults: FaultLog;
  /** child-leftovers' settle: is anything left open? */
  settle: () => Promise<boolean>;
  builtins: BuiltinWatch;
  modules: Registry;
}

/** Load and call, reporting through these parts (only their holder can reset what they record). */
export function handleRequests(parts: Parts): Handlers {
  /** The side effects of a load or call, as the reply's closing fields. */
  function effects(dirty: boolean, printedBefore: number): string {
    const t = parts.builtins.tamperedSince();
    let list = "";
    for (let i = 0; i < t.length; i++) list += (i ? "," : "") + q(t[i] ?? "");
    return `"tampered":[${list}],"printed":${parts.printed() - printedBefore},"dirty":${dirty || t.length > 0 || parts.faults.current() !== null ? "true" : "false"}`;
  }

  /** The fields of a failure: the message, where it was raised, and whether it was raised outside the code's own stack. */
  function failure(error: string, where: JsLocation | undefined, late: boolean): string {
    return `"ok":false,"error":${q(error)}${where ? `,"where":{"line":${where.line},"column":${where.column}}` : ""}${late ? `,"async":true` : ""}`;
  }

  /**
   * Student code runs next: say so, with the memory the process holds now. The grader measures
   * growth from here, so the grader's own arguments (the capstone's 784 000 pixels, decoded and
   * copied before the call) never count as the student's heap filling up.
   */
  function running(notice: Reply): void {
    notice(`{"type":"running","rssMb":${P.apply(P.rss, undefined, []) / 1048576}}`);
  }

  /** Loads a file (runModule), lets its timers run, and replies with its export names or why it failed. */
  async function load(m: LoadMessage, reply: Reply, notice: Reply): Promise<void> {
    const printedBefore = parts.printed();
    parts.faults.clear();
    let mod: object | null = null;
    let error: string | null = null;
    let where: JsLocation | undefined;
    running(notice);
    try {
      mod = runModule(m.js, m.filename);
    } catch (e) {
      error = `loading ${m.filename} ${describeThrown(e)}`;
      where = locate(e, m.filename);
    }
    const dirty = await parts.settle();
    const fault = parts.faults.current();
    const late = error === null && fault !== null;
    if (late) error = `loading ${m.filename}: ${fault}`;
    const fx = effects(dirty, printedBefore);
    if (error !== null || mod === null) {
      return reply(`{"type":"loaded","key":${q(m.key)},${failure(error ?? "", where, late)},${fx}}`);
    }
    // What the file's top level changed is reported once, here; its calls are compared with it.
    parts.builtins.recordBaseline();
    const ex = exportsOf(mod);
    parts.modules.remember(m.key, { exports: ex, file: m.filename });
    const { names, hasDefault } = exportNames(ex, m.wanted);
    let list = "";
    for (let i = 0; i < names.length; i++) list += (i ? "," : "") + q(names[i] ?? "");
    reply(`{"type":"loaded","key":${q(m.key)},"ok":true,"exports":[${list}],"hasDefault":${hasDefault ? "true" : "false"},${fx}}`);
  }

  const NOTHING = {};

  /**
   * Calls an export (through its driver, when the call names one) on the grader's arguments, lets
   * the timers it left run, and replies with the answer encoded (child-encode), whether the
   * arguments were changed, or why it failed.
   */
  async function call(m: CallMessage, reply: Reply, notice: Reply): Promise<void> {
    const printedBefore = parts.printed();
    parts.faults.clear();
    const mod = parts.modules.loaded(m.key);
    const fn = mod ? dataProp(mod.exports, m.exportName) : undefined;
    if (mod === undefined || !isCallable(fn)) {
      const what = fn === undefined ? "missing" : `a ${typeof fn}`;
      return reply(`{"type":"result","id":${m.id},${failure(`\`${m.exportName}\` is not a function (it is ${what})`, undefined, false)},${effects(false, printedBefore)}}`);
    }
    // The grader's own arguments (up to MAX_ARG_ELEMENTS values: the capstone sends 784 000 pixels).
    const before = encode(m.args, MAX_ARG_ELEMENTS);
    // a driver (trusted code, loaded before any student code) receives the export and the arguments
    const driver = isDriverName(m.driver) ? DRIVERS[m.driver] : null;
    let out: unknown = NOTHING;
    let thrown: unknown = NOTHING;
    running(notice);
    try {
      out = driver ? P.apply(driver, undefined, [fn, m.args]) : P.apply(fn, undefined, m.args);
    } catch (e) {
      thrown = e;
    }
    const dirty = await parts.settle();
    const fx = effects(dirty, printedBefore);
    // `async`: raised outside the call's own stack (a timer, a promise), possibly by earlier work
    const fail = (error: string, where?: JsLocation, late = false): void => reply(`{"type":"result","id":${m.id},${failure(error, where, late)},${fx}}`);
    if (thrown !== NOTHING) return fail(describeThrown(thrown), locate(thrown, mod.file));
    const fault = parts.faults.current();
    if (fault !== null) return fail(fault, undefined, true);
    let value: string;
    let after: string;
    try {
      if (out !== null && typeof out === "object" && !P.isProxy(out)) {
        const then = P.gopd(out, "then") ?? (out instanceof P.Promise ? { value: P.then } : undefined);
        if (then && typeof then.value === "function") throw new EncodeError("returned a Promise; the function must return its result directly");
      }
      value = encode(out);
    } catch (e) {
      return fail(describeThrown(e));
    }
    try {
      after = encode(m.args, MAX_ARG_ELEMENTS);
    } catch {
      after = ""; // grown past the cap (or made unreadable): changed
    }
    reply(`{"type":"result","id":${m.id},"ok":true,"value":${value},"mutated":${after === before ? "false" : "true"},${fx}}`);
  }

  return { load, call };
}
