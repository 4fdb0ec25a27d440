/** Exercise contracts, inline checks and the isolating autograder. */
export * from "./contract";
// Named one by one: judge.ts also holds the grader's own plumbing (verdictOf), which stays internal.
export {
  ABS_TOL, REL_TOL, SIGN_ERROR, agrees, awayFromZero, defineExercise, describeShape, fdVjp, fromJson,
  judgeGradients, matchesJson, plainData, randomMatrix, readTensor, shapeOf, toJson, worstRelError,
  type ExerciseSpec, type GradShape, type GradTensor, type GradientSpec, type HiddenFamily, type Mistake,
} from "./judge";
export * from "./exercises";
export * from "./inline";
export { COURSE_SEED, DEFAULT_SUBMISSION_TIMEOUT_MS, gradeSubmission, type GradeOptions } from "./grade";
export { gradeClass, listSubmissions, type ClassOptions } from "./class";
export { loadSubmission, type Submission } from "./submission";
export { formatReport, gradebookCsv, type CaseReport, type ExerciseReport, type SubmissionReport } from "./report";
export { DEFAULT_LIMITS, type SandboxLimits } from "./sandbox/runner";
