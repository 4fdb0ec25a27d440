/**
 * TypeScript → CommonJS for student files. Emit uses `transpileModule` (fast, no type
 * information), so a file with type errors still runs; syntax errors come back as diagnostics
 * with line and column so every exercise in that file can say where the file broke.
 * TypeScript is loaded lazily: the grader's CLI starts fast when it grades nothing.
 */
import type * as TS from "typescript";

/** One problem found in a student's source, 1-based line and column. */
export interface SourceDiagnostic {
  line: number;
  column: number;
  message: string;
}

let tsModule: typeof TS | null = null;
function ts(): typeof TS {
  if (!tsModule) tsModule = require("typescript") as typeof TS;
  return tsModule;
}

/** Compile one student file; `js` is absent when the file does not parse. */
export function compileStudentSource(source: string, fileName: string): { js?: string; diagnostics: SourceDiagnostic[] } {
  const t = ts();
  const out = t.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: t.ScriptTarget.ES2022,
      module: t.ModuleKind.CommonJS,
      esModuleInterop: true,
      sourceMap: false,
      inlineSourceMap: false,
    },
  });
  const diagnostics: SourceDiagnostic[] = (out.diagnostics ?? []).map((d) => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return { line: pos.line + 1, column: pos.character + 1, message: t.flattenDiagnosticMessageText(d.messageText, "\n") };
  });
  const syntaxBroken = (out.diagnostics ?? []).some((d) => d.category === t.DiagnosticCategory.Error);
  return syntaxBroken ? { diagnostics } : { js: out.outputText, diagnostics };
}

/** A one-line summary of the first diagnostic, as student feedback. */
export function describeDiagnostics(fileName: string, diags: SourceDiagnostic[]): string {
  const d = diags[0];
  if (!d) return `${fileName} could not be compiled`;
  return `${fileName}:${d.line}:${d.column}: ${d.message}${diags.length > 1 ? ` (and ${diags.length - 1} more)` : ""}`;
}
