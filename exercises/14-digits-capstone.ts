/**
 * Exercise 14 — capstone: a network trained on real handwritten digits by your own code (id: digits-capstone).
 *
 * Write the training loop around your backward pass from exercise 07 (imported below) and train a
 * network on real MNIST digits. You get
 *
 *   data.X       784 × N grey values in [0, 1] (N = 1000): the COLUMNS are the images, 28 × 28 pixels row by row;
 *   data.labels  N digits 0..9, labels[m] belongs to column m;
 *   seed         a whole number: draw every random number of your run from it.
 *
 * Return { W, b, hidden, losses }: the trained parameters in exercise 07's layout (W[l−1] is W^l,
 * d_l × d_(l−1), arrays of rows; b[l−1] is b^l, a plain array; W[0] has 784 columns and the last
 * layer 10 rows, one score per digit), the name of your hidden activation ("relu", "tanh" or
 * "sigmoid"), and losses = the cost before training and after each epoch (on all the training
 * images or on a fixed part of them). The cost is exercise 07's: squared error against one-hot
 * target columns, with a linear output. The network may hold at most 150 000 numbers.
 *
 * The grader runs your network on 1 000 digits that are not in data and counts the columns whose
 * largest score is the right digit: 60 % earns the points. A correct loop gets well above that in a
 * few seconds (one hidden layer of a few dozen units, small minibatches, a few epochs). Each run may
 * take at most a minute. The grader calls trainDigits more than once, also twice with the same
 * input, and the two answers must be identical.
 *
 * Taught in: notebook 11, sections 2 "The network, its loss and two conventions" and 4 "Training";
 * notebook 07, part 2 (a training loop with minibatches). Conventions (table in docs/exercises.md and
 * notebooks/00-start-here.ipynb): rows "layout", "layer numbers", "1/M of the batch mean",
 * "squared error" and "weight decay".
 * Stuck? Notebook 10 has three levels of hints per exercise. Import nothing but your own exercise 07.
 */
import { mlpBackward } from "./07-mlp-backward";

export function trainDigits(
  data: { X: number[][]; labels: number[] },
  seed: number,
): { W: number[][][]; b: number[][]; hidden: "relu" | "tanh" | "sigmoid"; losses: number[] } {
  void mlpBackward; // call it on every minibatch of your loop
  throw new Error("not implemented: digits-capstone");
}
