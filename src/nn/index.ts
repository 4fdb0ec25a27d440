/** Networks: the scalar-Value MLP and the matrix MLP written as the course δ recurrences. */

export * from "./matrix";
