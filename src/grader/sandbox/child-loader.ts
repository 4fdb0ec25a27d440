/**
 * Loading a student's compiled file as a CommonJS module of its own, and remembering it by the
 * grader's key. `require` in graded code gives inert stand-ins for the course library and tslab
 * (graded code must do the work itself), refuses relative paths (the grader links a submission's
 * own imports before the file gets here) and passes Node's built-ins on to the permission model.
 */
import { P, cut, push, starts } from "./child-builtins";
import { dataProp, inertObjects } from "./child-encode";

/** A stand-in that answers every use with itself; an answer holding one is refused by name (child-encode). */
function inert(): object {
  const target = function () {
    /* inert */
  };
  const p: object = new Proxy(target, {
    get: (_t, k) => (k === "__esModule" ? true : k === Symbol.toPrimitive ? () => "" : k === "then" ? undefined : p),
    apply: () => p,
    construct: () => p,
    has: () => true,
    set: () => true,
  });
  inertObjects.add(p);
  return p;
}

/**
 * Made when the loader is imported, before any student code: making it later would go through a
 * `Proxy` or `WeakSet.prototype.add` that student code may have replaced.
 */
const INERT = inert();

/** The `require` graded code is given. */
export function studentRequire(id: unknown): unknown {
  if (typeof id !== "string") throw new Error("require() needs a module name");
  if (id === "backprop-lab" || starts(id, "backprop-lab/") || id === "tslab") return INERT;
  if (starts(id, ".") || starts(id, "/"))
    throw new Error(`require("${cut(id, 0, 100)}"): a graded file may import only another file of the submission, e.g. "./07-mlp-backward"`);
  return P.nodeRequire(id);
}

/**
 * Runs a file's compiled JavaScript as a module and returns its `module` object; throws what the
 * file's top level threw. Read `exports` with `exportsOf` once its timers have had their turn: they
 * may still replace `module.exports`.
 */
export function runModule(js: string, filename: string): object {
  const mod = { exports: {} };
  const factory = P.compileFunction(js, ["exports", "require", "module", "__filename", "__dirname"], { filename });
  P.apply(factory, undefined, [mod.exports, studentRequire, mod, filename, "."]);
  return mod;
}

/** A module's `exports` as a data property (a getter student code put there is not run). */
export const exportsOf = (mod: object): unknown => dataProp(mod, "exports");

/** A loaded file: its exports and the compiled file's name (to find its frames in a stack). */
export interface Loaded {
  exports: unknown;
  file: string;
}
/** The files loaded so far, by the grader's key (a file loaded again replaces the old one). */
export interface Registry {
  remember(key: string, loaded: Loaded): void;
  loaded(key: string): Loaded | undefined;
}

/** An empty registry (the child keeps one; nothing else can reach it). */
export function moduleRegistry(): Registry {
  const modules: Record<string, Loaded> = Object.create(null);
  return {
    remember: (key, loaded) => {
      modules[key] = loaded;
    },
    loaded: (key) => modules[key],
  };
}

/**
 * The names a module exports, for the grader's "found: …" hint and its check that the wanted
 * export exists: the names the grader asked for come first, so a file with many top-level names
 * (a long notebook) cannot push them past the cap; then others, up to 200. `default` is reported
 * apart.
 */
export function exportNames(ex: unknown, wanted: unknown): { names: string[]; hasDefault: boolean } {
  const names: string[] = [];
  let hasDefault = false;
  if (ex !== null && (typeof ex === "object" || typeof ex === "function")) {
    const asked = P.isArray(wanted) ? wanted : [];
    for (let i = 0; i < asked.length && i < 200; i++) {
      const w: unknown = asked[i];
      if (typeof w === "string" && w !== "default" && P.gopd(ex, w)?.enumerable === true) push(names, w);
    }
    const keys = P.keys(ex);
    for (let i = 0; i < keys.length && names.length < 400; i++) {
      const k = keys[i];
      if (k === undefined || k === "__esModule") continue;
      if (k === "default") hasDefault = true;
      else if (names.length < 200 && !hasName(names, k)) push(names, k);
    }
  }
  return { names, hasDefault };
}

function hasName(list: string[], k: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === k) return true;
  return false;
}
