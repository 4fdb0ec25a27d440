/**
 * Linking a student file to the other student files it imports (`import { mlpBackward } from
 * "./07-mlp-backward"`), so an exercise can build on an earlier one. The sandboxed child may not
 * read files or resolve relative imports itself; instead the grader, which has every file's
 * compiled JavaScript, hands the child one self-contained script: the importing file's code as it
 * was, wrapped so that its `require("./name")` returns the imported file's exports, evaluated once
 * from JavaScript appended after it. The importing file keeps its own line numbers (the wrapper
 * sits on its first line and after its last), so its source map still places errors; errors inside
 * an imported file fall after those lines and are reported without a place.
 */

/** The relative specifiers ("./07-mlp-backward") a compiled CommonJS file requires. */
export function relativeRequires(js: string): string[] {
  return [...new Set([...js.matchAll(/\brequire\(\s*(["'])(\.\/[^"']+)\1\s*\)/g)].map((m) => m[2] as string))];
}

/** The submission file a relative specifier names: "./07-mlp-backward" (or ".js"/".ts") → "07-mlp-backward.ts". */
export function importedFileName(spec: string): string {
  return spec.replace(/^\.\//, "").replace(/\.(js|ts)$/, "") + ".ts";
}

/**
 * `js` with its relative requires resolved from `files` (file name → compiled JavaScript), each
 * imported file evaluated at most once per load, imports of imports included. A specifier that
 * names no file in `files` is left to the outer `require`, which refuses it with its own message.
 */
export function linkRelativeImports(js: string, files: ReadonlyMap<string, string>): string {
  const needed = new Map<string, string>();
  const visit = (code: string): void => {
    for (const spec of relativeRequires(code)) {
      const name = importedFileName(spec);
      const dep = files.get(name);
      if (dep === undefined || needed.has(name)) continue;
      needed.set(name, dep);
      visit(dep);
    }
  };
  visit(js);
  if (needed.size === 0) return js;
  const table = [...needed].map(([name, code]) => `${JSON.stringify(name)}: function (exports, require, module) {${code}\n}`).join(",\n");
  return (
    `(function (exports, require, module) {${js}\n` +
    `}).call(this, exports, __bplLinked(require), module);\n` +
    `function __bplLinked(outer) {\n` +
    `var files = {${table}};\n` +
    `var cache = Object.create(null);\n` +
    `function req(id) {\n` +
    `  if (typeof id === "string" && id.slice(0, 2) === "./") {\n` +
    `    var name = id.slice(2).replace(/\\.(js|ts)$/, "") + ".ts";\n` +
    `    if (Object.prototype.hasOwnProperty.call(files, name)) {\n` +
    `      if (!cache[name]) { var m = { exports: {} }; cache[name] = m; files[name].call(m.exports, m.exports, req, m); }\n` +
    `      return cache[name].exports;\n` +
    `    }\n` +
    `  }\n` +
    `  return outer(id);\n` +
    `}\n` +
    `return req;\n` +
    `}\n`
  );
}
