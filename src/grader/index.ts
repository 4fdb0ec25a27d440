/** Exercise contracts, inline checks and the isolating autograder. */
export {};
