/**
 * Backprop Lab: the library that the course notebooks, exercises and autograder share.
 * Each folder re-exports its public API here, in dependency order (engine → nn → display/grader).
 */
export {};
