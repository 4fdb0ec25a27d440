// Types for the parts of setup.mjs that TypeScript code (the tests' global set-up) calls.
/** Builds dist/ when any source is newer than its compiled file; `strict` makes type errors fatal. */
export function ensureBuild(options?: { strict?: boolean }): void;
/** Is dist/ behind src/ (some source newer than its compiled .js, or that .js missing)? */
export function buildIsStale(): boolean;
