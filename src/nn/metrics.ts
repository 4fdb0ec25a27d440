/** Classification figures beyond accuracy: where the mistakes are. */

/**
 * Counts of (true class, predicted class) pairs: entry [t][p] is how many examples of class t were
 * predicted as p. The diagonal sums to the number of right answers; each row sums to a class's size.
 */
export function confusionMatrix(predicted: readonly number[], actual: readonly number[], classes: number): number[][] {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`confusionMatrix: classes must be a positive integer, got ${classes}`);
  if (predicted.length !== actual.length) throw new RangeError(`confusionMatrix: ${predicted.length} predictions but ${actual.length} labels`);
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  predicted.forEach((p, j) => {
    const t = actual[j] as number;
    for (const [what, c] of [["prediction", p], ["label", t]] as const) {
      if (!Number.isInteger(c) || c < 0 || c >= classes) throw new RangeError(`confusionMatrix: ${what} ${c} of example ${j} is not a class in 0..${classes - 1}`);
    }
    const row = counts[t] as number[]; // t and p are classes, checked just above
    row[p] = (row[p] as number) + 1;
  });
  return counts;
}
