import { describe, expect, it } from "vitest";
import { confusionMatrix } from "../../src/nn/metrics";

describe("confusionMatrix", () => {
  it("counts (true, predicted) pairs: rows are true classes, the diagonal the right answers", () => {
    // Three classes; by hand: class 0 → 0, 0, 2; class 1 → 1; class 2 → 1, 2.
    const actual = [0, 0, 0, 1, 2, 2], predicted = [0, 0, 2, 1, 1, 2];
    expect(confusionMatrix(predicted, actual, 3)).toEqual([[2, 0, 1], [0, 1, 0], [0, 1, 1]]);
  });
  it("names bad input", () => {
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow(/1 predictions but 2 labels/);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/prediction 3 of example 1 is not a class in 0..2/);
    expect(() => confusionMatrix([0], [-1], 3)).toThrow(/label -1 of example 0/);
    expect(() => confusionMatrix([], [], 0)).toThrow(/classes must be a positive integer/);
  });
});
