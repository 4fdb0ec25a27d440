/**
 * Backprop Lab: the library that the course notebooks, exercises and autograder share.
 * Each folder's barrel is re-exported here, in dependency order (engine → nn → display/grader).
 */
export * from "./engine";
export * from "./nn";
export * from "./display";
export * from "./grader";
