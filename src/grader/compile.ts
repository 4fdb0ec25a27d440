/**
 * TypeScript → CommonJS for student files, and the type check that tslab would have done.
 *
 * All the files of a submission go through ONE program (lib files parsed once per process):
 * syntax errors stop a file, since nothing in it can run; the JavaScript comes with a source map,
 * so a run-time error in the sandbox is reported at the student's own line; type errors are
 * charged only to the exercises whose code they touch: the exported function itself, or a
 * top-level helper it uses.
 * TypeScript is loaded lazily: the grader's CLI starts fast when it grades nothing.
 */
import type * as TS from "typescript";
import { GraderFault } from "./fault";

/** One problem found in a student's source, 1-based line and column. */
export interface SourceDiagnostic {
  line: number;
  column: number;
  message: string;
}

let tsModule: typeof TS | null = null;
/** The TypeScript compiler, or a `GraderFault`: a grader that cannot compile must not charge students. */
function ts(): typeof TS {
  if (!tsModule) {
    try {
      tsModule = require("typescript") as typeof TS;
    } catch (e) {
      throw new GraderFault(
        `the TypeScript compiler could not be loaded (${((e as Error).message ?? String(e)).split("\n")[0]})`,
        "typescript is a run-time dependency of backprop-lab: reinstall the package with its dependencies (`npm install backprop-lab`, or `npm ci` in a clone), without removing typescript",
      );
    }
  }
  return tsModule;
}

/** The version of the TypeScript compiler the grader uses (loading it if needed). */
export function compilerVersion(): string {
  return ts().version;
}

/** A compiled student file: JavaScript plus the generated-line → source-line map. */
export interface CompiledSource {
  js?: string;
  diagnostics: SourceDiagnostic[];
  /** `lines[jsLine - 1]` = segments [jsColumn, sourceLine, sourceColumn] (all 0-based) */
  lines?: number[][][];
}

function toDiagnostic(t: typeof TS, d: TS.Diagnostic): SourceDiagnostic {
  const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
  return { line: pos.line + 1, column: pos.character + 1, message: t.flattenDiagnosticMessageText(d.messageText, " ") };
}

/** A one-line summary of the first diagnostic, as student feedback. */
export function describeDiagnostics(fileName: string, diags: SourceDiagnostic[]): string {
  const d = diags[0];
  if (!d) return `${fileName} could not be compiled`;
  return `${fileName}:${d.line}:${d.column}: ${d.message}${diags.length > 1 ? ` (and ${diags.length - 1} more)` : ""}`;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decode a source map's `mappings` into per-line segments [genColumn, srcLine, srcColumn]. */
export function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  let srcLine = 0;
  let srcCol = 0;
  let srcIdx = 0;
  for (const lineText of mappings.split(";")) {
    const segs: number[][] = [];
    let genCol = 0;
    for (const seg of lineText.split(",")) {
      if (!seg) continue;
      const vals: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        if (digit < 0) throw new Error("bad source map");
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += vals[0] ?? 0;
      if (vals.length >= 4) {
        srcIdx += vals[1]!;
        srcLine += vals[2]!;
        srcCol += vals[3]!;
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
    void srcIdx;
  }
  return lines;
}

/** Map a 1-based generated (line, column) back to a 1-based source (line, column). */
export function originalPosition(lines: number[][][] | undefined, line: number, column: number): { line: number; column: number } | null {
  if (!lines) return null;
  const segs = lines[line - 1];
  if (!segs || segs.length === 0) return null;
  let best = segs[0]!;
  for (const s of segs) if (s[0]! <= column - 1) best = s;
  return { line: best[1]! + 1, column: best[2]! + 1 };
}

/**
 * The first syntax error of each source, parsed independently (null when it parses). For notebook
 * cells, which tslab compiles one at a time: a cell that does not parse is skipped, as in the
 * kernel, instead of breaking the whole notebook.
 */
export function firstSyntaxErrors(sources: string[]): (SourceDiagnostic | null)[] {
  const t = ts();
  const root = "/__cells__/";
  const texts = new Map(sources.map((src, i) => [`${root}c${i}.ts`, src]));
  const options: TS.CompilerOptions = { target: t.ScriptTarget.ES2022, module: t.ModuleKind.CommonJS, noLib: true, noResolve: true, types: [], noEmit: true, moduleDetection: t.ModuleDetectionKind.Force };
  const host = t.createCompilerHost(options, true);
  host.getSourceFile = (fileName, languageVersion) => {
    const text = texts.get(fileName);
    return text === undefined ? undefined : t.createSourceFile(fileName, text, languageVersion, true);
  };
  host.fileExists = (f) => texts.has(f);
  host.readFile = (f) => texts.get(f);
  host.getCurrentDirectory = () => root;
  const program = t.createProgram([...texts.keys()], options, host);
  return sources.map((_, i) => {
    const sf = program.getSourceFile(`${root}c${i}.ts`);
    const d = sf ? program.getSyntacticDiagnostics(sf).find((x) => x.category === t.DiagnosticCategory.Error) : undefined;
    return d ? toDiagnostic(t, d) : null;
  });
}

/**
 * The names a module really exports, read from its syntax tree: `export function/const/class …`
 * and `export { a, b as c }`. A name that appears only in a comment, a string or a non-exported
 * declaration is not among them, so a single file is graded on what it defines. Ambient
 * (`export declare …`) and default exports are left out: neither gives a graded name a value.
 */
export function exportedNames(source: string): Set<string> {
  const t = ts();
  const sf = t.createSourceFile("/__exports__.ts", source, t.ScriptTarget.ES2022, false, t.ScriptKind.TS);
  const out = new Set<string>();
  const bindingNames = (n: TS.BindingName): void => {
    if (t.isIdentifier(n)) out.add(n.text);
    else for (const el of n.elements) if (!t.isOmittedExpression(el)) bindingNames(el.name);
  };
  for (const st of sf.statements) {
    if (t.isExportDeclaration(st)) {
      if (!st.isTypeOnly && st.exportClause && t.isNamedExports(st.exportClause))
        for (const el of st.exportClause.elements) if (!el.isTypeOnly) out.add(el.name.text);
      continue;
    }
    const mods = t.canHaveModifiers(st) ? t.getModifiers(st) : undefined;
    if (!mods?.some((m) => m.kind === t.SyntaxKind.ExportKeyword)) continue;
    if (mods.some((m) => m.kind === t.SyntaxKind.DeclareKeyword || m.kind === t.SyntaxKind.DefaultKeyword)) continue;
    if ((t.isFunctionDeclaration(st) || t.isClassDeclaration(st) || t.isEnumDeclaration(st)) && st.name) out.add(st.name.text);
    else if (t.isVariableStatement(st)) for (const d of st.declarationList.declarations) bindingNames(d.name);
  }
  return out;
}

// ---- type checking -------------------------------------------------------------------------

/**
 * Globals a student file may use without imports, declared for the checker only. The course
 * library and tslab are declared as untyped modules: notebooks import them, and graded code gets
 * an inert stand-in at run time (see the sandbox).
 */
const PRELUDE = `
declare var console: { log(...a: any[]): void; error(...a: any[]): void; warn(...a: any[]): void; info(...a: any[]): void; debug(...a: any[]): void; table(...a: any[]): void };
declare function require(id: string): any;
declare var module: any;
declare var exports: any;
declare var process: any;
declare function setTimeout(f: (...a: any[]) => void, ms?: number, ...a: any[]): any;
declare function clearTimeout(t: any): void;
declare function setInterval(f: (...a: any[]) => void, ms?: number, ...a: any[]): any;
declare function clearInterval(t: any): void;
declare function setImmediate(f: (...a: any[]) => void, ...a: any[]): any;
declare function queueMicrotask(f: () => void): void;
declare function structuredClone<T>(value: T): T;
declare module "backprop-lab";
declare module "tslab";
`;
const PRELUDE_NAME = "/__backprop_lab_prelude__.d.ts";

/** The checker's settings: tslab's (not strict), on the ES2022 library. */
function checkOptions(t: typeof TS): TS.CompilerOptions {
  return {
    target: t.ScriptTarget.ES2022,
    module: t.ModuleKind.CommonJS,
    moduleResolution: t.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    lib: ["lib.es2022.d.ts"],
    types: [],
    noEmit: true,
    skipLibCheck: true,
    strict: false,
    noResolve: false,
    allowJs: false,
    // every file is a module, so files checked together never share a global scope
    moduleDetection: t.ModuleDetectionKind.Force,
  };
}

const libCache = new Map<string, TS.SourceFile | undefined>();

/** One file to type-check: a virtual path inside the submission and its text. */
export interface CheckFile {
  /** stable name, e.g. "01-local-rules.ts" */
  name: string;
  source: string;
}

/** The type errors of one file. */
export interface FileTypeErrors {
  errors: (SourceDiagnostic & { declares: string[] | null })[];
  /** for each top-level name, the top-level names it uses (directly) */
  uses: Map<string, Set<string>>;
  /** export name → local top-level name that defines it */
  exports: Map<string, string>;
}

/** One file of a submission after `compileSubmission`. */
export interface CompiledFile extends CompiledSource {
  /** its type errors and what they reach (absent when type checking was off or the file does not parse) */
  types?: FileTypeErrors;
}

/**
 * Compile the files of one submission in ONE program: syntax errors, JavaScript with source maps
 * and (with `typeCheck`) the type errors, all from the same parse. This is several times faster
 * than a `transpileModule` per file plus a separate type-checking program.
 */
export function compileSubmission(files: CheckFile[], opts: { typeCheck: boolean }): Map<string, CompiledFile> {
  const list = compileFiles(files, opts);
  return new Map(files.map((f, i) => [f.name, list[i]!]));
}

/** Compile files in one program; names may repeat (a batch of several submissions). Results in input order. */
export function compileFiles(files: CheckFile[], opts: { typeCheck: boolean }): CompiledFile[] {
  const t = ts();
  const root = "/__submission__/";
  const outDir = "/__out__/";
  const options: TS.CompilerOptions = opts.typeCheck
    ? { ...checkOptions(t), noEmit: false, sourceMap: true, outDir, rootDir: root }
    : { target: t.ScriptTarget.ES2022, module: t.ModuleKind.CommonJS, esModuleInterop: true, noLib: true, noResolve: true, isolatedModules: true, sourceMap: true, outDir, rootDir: root, types: [], moduleDetection: t.ModuleDetectionKind.Force };
  const { program, sourceNames } = makeProgram(t, files, options, opts.typeCheck, root);
  const out: CompiledFile[] = [];
  for (const [index, f] of files.entries()) {
    const sf = program.getSourceFile(root + sourceNames[index]!);
    if (!sf) {
      out.push({ diagnostics: [{ line: 0, column: 0, message: "could not be read" }] });
      continue;
    }
    const syntax = program.getSyntacticDiagnostics(sf).filter((d) => d.category === t.DiagnosticCategory.Error);
    if (syntax.length > 0) {
      out.push({ diagnostics: syntax.map((d) => toDiagnostic(t, d)) });
      continue;
    }
    let js = "";
    let map = "";
    program.emit(sf, (name, text) => {
      if (name.endsWith(".js")) js = text;
      else if (name.endsWith(".js.map")) map = text;
    });
    const result: CompiledFile = { js: js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n"), diagnostics: [] };
    if (map) {
      try {
        result.lines = decodeMappings((JSON.parse(map) as { mappings: string }).mappings);
      } catch {
        /* no map: errors are reported without a line */
      }
    }
    if (opts.typeCheck) result.types = fileTypeErrors(t, program, sf);
    void f;
    out.push(result);
  }
  return out;
}

const compiledCache = new Map<string, CompiledFile>();
const CACHE_SIZE = 512;

/**
 * `compileSubmission` with a per-process cache keyed by file name and text, so a file that many
 * students submit unchanged (an untouched stub, a copied helper) is compiled once. A file that
 * imports another file is not cached: its type errors depend on that file too.
 */
export function compileSubmissionCached(files: CheckFile[], opts: { typeCheck: boolean }): Map<string, CompiledFile> {
  const keyOf = (f: CheckFile): string => `${opts.typeCheck ? 1 : 0}\u0000${f.name}\u0000${f.source}`;
  const cacheable = (f: CheckFile): boolean => cacheableSource(f.source);
  // A file that imports others is compiled in one program with all of them (a cached file alone
  // would leave its importer's type-check without the imported module).
  if (!files.every(cacheable)) return compileSubmission(files, opts);
  const out = new Map<string, CompiledFile>();
  const missing: CheckFile[] = [];
  for (const f of files) {
    const hit = cacheable(f) ? compiledCache.get(keyOf(f)) : undefined;
    if (hit) {
      compiledCache.delete(keyOf(f));
      compiledCache.set(keyOf(f), hit);
      out.set(f.name, hit);
    } else missing.push(f);
  }
  if (missing.length > 0) {
    const fresh = compileSubmission(missing, opts);
    for (const f of missing) {
      const r = fresh.get(f.name)!;
      out.set(f.name, r);
      if (cacheable(f)) remember(keyOf(f), r);
    }
  }
  return out;
}

function remember(key: string, r: CompiledFile): void {
  compiledCache.set(key, r);
  while (compiledCache.size > CACHE_SIZE) compiledCache.delete(compiledCache.keys().next().value as string);
}

/** A file that imports another file is not cached: its type errors depend on that file too. */
const cacheableSource = (source: string): boolean => !/(from\s+|require\(\s*|import\(\s*)["']\./.test(source);

/** A program over the given files (plus the prelude when checking), lib files parsed once per process. */
function makeProgram(t: typeof TS, files: CheckFile[], options: TS.CompilerOptions, withPrelude: boolean, root: string): { program: TS.Program; sourceNames: string[] } {
  const texts = new Map<string, string>();
  const sourceNames: string[] = [];
  const used = new Set<string>();
  for (const f of files) {
    let name = f.name.replace(/\.ipynb$/i, ".ts").replace(/[^\w.-]/g, "_");
    if (!name.endsWith(".ts")) name += ".ts";
    for (let n = 2; used.has(name); n++) name = name.replace(/(~\d+)?\.ts$/, `~${n}.ts`);
    used.add(name);
    sourceNames.push(name);
    texts.set(root + name, f.source);
  }
  if (withPrelude) texts.set(PRELUDE_NAME, PRELUDE);
  const host = t.createCompilerHost(options, true);
  const libDir = require("node:path").dirname(t.getDefaultLibFilePath(options)) as string;
  const baseGet = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion) => {
    const text = texts.get(fileName);
    if (text !== undefined) return t.createSourceFile(fileName, text, languageVersion, true);
    if (!fileName.startsWith(libDir)) return undefined;
    if (!libCache.has(fileName)) libCache.set(fileName, baseGet(fileName, languageVersion));
    return libCache.get(fileName);
  };
  host.fileExists = (f) => texts.has(f) || (f.startsWith(libDir) && t.sys.fileExists(f));
  host.readFile = (f) => texts.get(f) ?? (f.startsWith(libDir) ? t.sys.readFile(f) : undefined);
  host.directoryExists = (d) => d === root.slice(0, -1) || d.startsWith(libDir);
  host.getCurrentDirectory = () => root;
  host.writeFile = () => undefined;
  return { program: t.createProgram([...texts.keys()], options, host), sourceNames };
}

function fileTypeErrors(t: typeof TS, program: TS.Program, sf: TS.SourceFile): FileTypeErrors {
  const { decls, uses, exports } = topLevelStructure(t, sf);
  const errors = program
    .getSemanticDiagnostics(sf)
    .filter((d) => d.category === t.DiagnosticCategory.Error)
    .map((d) => {
      const base = toDiagnostic(t, d);
      const at = d.start ?? -1;
      const owner = decls.find((x) => at >= x.start && at < x.end);
      return { ...base, declares: owner ? owner.names : null };
    });
  return { errors, uses, exports };
}

/** Which exports a file's type errors reach: an error hits an export whose definition uses, directly or not, the declaration it sits in. */
export function typeErrorsFor(file: FileTypeErrors, exportName: string): SourceDiagnostic[] {
  const local = file.exports.get(exportName) ?? exportName;
  const reach = new Set<string>([local]);
  const todo = [local];
  while (todo.length) {
    const n = todo.pop()!;
    for (const m of file.uses.get(n) ?? []) {
      if (!reach.has(m)) {
        reach.add(m);
        todo.push(m);
      }
    }
  }
  return file.errors.filter((e) => e.declares === null || e.declares.length === 0 || e.declares.some((d) => reach.has(d)));
}

interface Decl {
  start: number;
  end: number;
  names: string[];
}

/** The top-level statements of a file: what each declares, what each uses, and the export map. */
function topLevelStructure(t: typeof TS, sf: TS.SourceFile): { decls: Decl[]; uses: Map<string, Set<string>>; exports: Map<string, string> } {
  const decls: Decl[] = [];
  const exports = new Map<string, string>();
  const topNames = new Set<string>();
  const bindingNames = (n: TS.BindingName, out: string[]): void => {
    if (t.isIdentifier(n)) out.push(n.text);
    else for (const el of n.elements) if (!t.isOmittedExpression(el)) bindingNames(el.name, out);
  };
  for (const st of sf.statements) {
    const names: string[] = [];
    if ((t.isFunctionDeclaration(st) || t.isClassDeclaration(st) || t.isInterfaceDeclaration(st) || t.isTypeAliasDeclaration(st) || t.isEnumDeclaration(st)) && st.name) {
      names.push(st.name.text);
    } else if (t.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) bindingNames(d.name, names);
    } else if (t.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) names.push(c.name.text);
      if (c.namedBindings) {
        if (t.isNamespaceImport(c.namedBindings)) names.push(c.namedBindings.name.text);
        else for (const el of c.namedBindings.elements) names.push(el.name.text);
      }
    } else if (t.isExportDeclaration(st) && st.exportClause && t.isNamedExports(st.exportClause) && !st.moduleSpecifier) {
      for (const el of st.exportClause.elements) exports.set(el.name.text, (el.propertyName ?? el.name).text);
      // an export list declares nothing; it only renames
      decls.push({ start: st.getStart(sf), end: st.end, names: ["\u0000export-list"] });
      continue;
    }
    for (const n of names) topNames.add(n);
    decls.push({ start: st.getStart(sf), end: st.end, names });
  }
  const uses = new Map<string, Set<string>>();
  for (const [i, st] of sf.statements.entries()) {
    const d = decls[i]!;
    const used = new Set<string>();
    const visit = (n: TS.Node): void => {
      if (t.isIdentifier(n) && topNames.has(n.text)) used.add(n.text);
      t.forEachChild(n, visit);
    };
    visit(st);
    for (const name of d.names) {
      const s = uses.get(name) ?? new Set<string>();
      for (const u of used) if (u !== name) s.add(u);
      uses.set(name, s);
    }
  }
  return { decls, uses, exports };
}
