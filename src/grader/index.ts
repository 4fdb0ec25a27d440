/** Exercise contracts, inline checks and the isolating autograder. */
export * from "./contract";
export * from "./judge";
export * from "./exercises";
export * from "./inline";
export { COURSE_SEED, DEFAULT_SUBMISSION_TIMEOUT_MS, gradeSubmission, type GradeOptions } from "./grade";
export { gradeClass, listSubmissions, type ClassOptions } from "./class";
export { loadSubmission, type Submission } from "./submission";
export { formatReport, gradebookCsv, type CaseReport, type ExerciseReport, type SubmissionReport } from "./report";
export { DEFAULT_LIMITS, type SandboxLimits } from "./sandbox/runner";
