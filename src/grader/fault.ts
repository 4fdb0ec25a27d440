/**
 * A failure of the grader's own machinery: its Node, its sandbox, its compiler. Nothing a student
 * wrote causes one, so it is never turned into a score: grading stops, and the command that was
 * grading says what is wrong with the installation and how to fix it.
 */
export class GraderFault extends Error {
  constructor(
    /** what went wrong, one sentence */
    message: string,
    /** what the person running the grader can do about it */
    readonly fix: string,
  ) {
    super(message);
    this.name = "GraderFault";
  }

  /** The installation message the CLI and the Gradescope runner print. */
  describe(): string {
    return `the grader cannot run on this installation: ${this.message}\nHow to fix it: ${this.fix}\nNo scores were written for the submissions this affected.`;
  }
}

/** Is `e` a grader fault (checked by name too, so a copy of this module loaded twice still counts)? */
export function isGraderFault(e: unknown): e is GraderFault {
  return e instanceof GraderFault || (e instanceof Error && e.name === "GraderFault" && typeof (e as Partial<GraderFault>).fix === "string");
}
