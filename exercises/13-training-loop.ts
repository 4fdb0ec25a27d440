/**
 * Exercise 13 — your own training loop (ids: momentum-step, minibatch-order, training-loop,
 * initial-loss-check, overfit-small).
 *
 * Build minibatch SGD with momentum around YOUR backward pass from exercise 07 (imported below),
 * then use it for CS231n's two sanity checks. Five functions, graded one by one; later ones may
 * call earlier ones.
 *
 * The network is exercise 07's: net.W[l−1] is W^l (d_l × d_(l−1), arrays of rows), net.b[l−1] is
 * b^l (a plain array of length d_l), hidden layers use the activation `hidden`, the output layer is
 * linear. Its C outputs are class SCORES: the loss of this exercise is the SOFTMAX CROSS-ENTROPY of
 * the scores against the labels, averaged over the examples, plus the weight decay (λ/2)Σ_l‖W^l‖²:
 *
 *     J = (1/M) Σ_m −ln softmax(a^L_m)[labels[m]]  +  (λ/2) Σ_l ‖W^l‖²
 *
 * Data: X is d_0 × N, the COLUMNS are the examples; labels[m] ∈ 0..C−1 is the class of column m.
 *
 * Taught in: notebook 07, part 2 (a classifier with cross-entropy, weight decay and a training loop
 * with minibatches); notebook 11, sections 2 "The network, its loss and two conventions" (the two
 * momentum conventions) and 4 "Training"; notebook 04 section 5 (batches are columns); exercise 04's
 * softmax delta. The sanity checks are CS231n's ("Neural Networks Part 3", sanity checks).
 * Conventions (table in docs/exercises.md and notebooks/00-start-here.ipynb): rows "layout",
 * "layer numbers", "1/M of the batch mean", "weight decay" and "momentum".
 * Stuck? Notebook 10 has three levels of hints per exercise. Import nothing but your own exercise 07.
 */
import { mlpBackward } from "./07-mlp-backward";

type Act = "relu" | "tanh" | "sigmoid";
interface Net { W: number[][][]; b: number[][] }

/**
 * Given (do not change it): the generator every random number of this exercise comes from.
 * makeRng(seed) returns a function; each call gives the next uniform number in [0, 1).
 */
function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * (a) One step of SGD with momentum, in the course's VELOCITY convention (conventions table, row
 * "momentum", as the library's `momentum(η, μ)`; notebook 11 section 2 sets it beside PyTorch's):
 * the velocity is the change the step makes to the parameters, the rate η = `rate` scales the
 * gradient inside it, and μ = `momentum` is the fraction of the previous velocity it keeps.
 * `velocity` and `grads` have the layout of `params` (grads as mlpBackward returns them). Return
 * the new parameters and the new velocity for every W^l and b^l, as new arrays: do not change the
 * inputs.
 */
export function momentumStep(
  params: Net,
  velocity: Net,
  grads: { dW: number[][][]; db: number[][] },
  rate: number,
  momentum: number,
): { params: Net; velocity: Net } {
  throw new Error("not implemented: momentum-step");
}

/**
 * (b) The order in which the loop visits the examples, drawn so anyone with the seed can repeat it:
 * make ONE generator rand = makeRng(seed) before the first epoch. Keep an array `order`, at first
 * 0, 1, …, n−1. At the start of every epoch shuffle `order` in place (it keeps the previous epoch's
 * order as its starting point) with Fisher–Yates: for i from n−1 down to 1, k = Math.floor(rand() ·
 * (i + 1)), swap order[i] and order[k]. Then cut `order` into consecutive batches of batchSize
 * column indices; the last batch of an epoch is smaller when batchSize does not divide n (every
 * example is used once per epoch). Return every epoch's batches, one after the other.
 */
export function minibatchOrder(n: number, batchSize: number, epochs: number, seed: number): number[][] {
  void makeRng; // draw every random number from it
  throw new Error("not implemented: minibatch-order");
}

/**
 * (c) The loop. Starting from `net` (do not change it) with a velocity of zeros, take the batches
 * from minibatchOrder(N, options.batchSize, options.epochs, seed) (N = data.labels.length) and for
 * each one: compute J on that batch's columns (M = its number of columns), get ∂J/∂W^l and ∂J/∂b^l
 * from YOUR mlpBackward, and take one momentumStep with options.rate and options.momentum.
 *
 * mlpBackward differentiates exercise 07's squared error against a target you hand it, not this
 * exercise's softmax cross-entropy; work out which target makes it return the gradient of J (what
 * does it do with the target, and what does the softmax cross-entropy need at the output layer?).
 * Pass options.lambda through to it.
 *
 * Return the parameters after the last step, and `losses`: J on each batch BEFORE that batch's
 * update, one number per step in order. The grader replays your run step by step with the same
 * start and seed, so draw nothing else at random. On a spiral of 150 points it also wants a falling
 * loss and 75 % accuracy on held-out points it keeps to itself.
 */
export function train(
  net: Net,
  data: { X: number[][]; labels: number[] },
  options: { hidden: Act; rate: number; momentum: number; batchSize: number; epochs: number; lambda: number },
  seed: number,
): { W: number[][][]; b: number[][]; losses: number[] } {
  void mlpBackward; // call it on every batch
  throw new Error("not implemented: training-loop");
}

/**
 * (d) Sanity check 1: before training, with small weights, what should the loss be? Make a network
 * of layer sizes `sizes` ([d_0, …, C]) with small random weights drawn from makeRng(seed) and zero
 * biases, and return it with its J (λ = 0) on `data` and ln C. For small weights the scores are
 * nearly equal, so the loss should be within 2 % of ln C; a loss far from it means weights too
 * large or a wrong loss.
 */
export function initialLossCheck(
  sizes: number[],
  hidden: Act,
  data: { X: number[][]; labels: number[] },
  seed: number,
): { W: number[][][]; b: number[][]; loss: number; lnC: number } {
  throw new Error("not implemented: initial-loss-check");
}

/**
 * (e) Sanity check 2: a loop that works can memorise a tiny set. Make a fresh network of layer sizes
 * `sizes` (from the seed), train it with YOUR train on the 20 examples in `data` (no weight decay;
 * choose the rate, momentum, batch size and epochs) until every example is classified right (its
 * largest score is its label), and return the trained W and b, the losses of your run and the
 * accuracy, the fraction of the 20 classified right. Each call may take at most 10 seconds.
 */
export function overfitSmall(
  sizes: number[],
  hidden: Act,
  data: { X: number[][]; labels: number[] },
  seed: number,
): { W: number[][][]; b: number[][]; losses: number[]; accuracy: number } {
  throw new Error("not implemented: overfit-small");
}
