/**
 * Backprop Lab: what a notebook author or a student imports from "backprop-lab". Each concept is
 * named once; the list is chosen on purpose and pinned by test/build/public-api.test.ts, so that
 * growing it is a decision. Everything else stays internal, or lives under a subpath:
 *   "backprop-lab/grader"   the autograder's programmatic API (grading, class mode, contracts)
 *   "backprop-lab/display"  every display helper, with the HTML/SVG builders behind the show* calls
 * Dependency order: engine → nn → display/grader.
 */

// The scalar engine: reverse mode, forward mode, graphs.
export { Value, sum, zeroParameterGrads, type Scalar } from "./engine/value";
export { grad, valueAndGrad, type ValueFunction, type ValueAndGrad } from "./engine/functional";
export { Dual, jvp, forwardGradient, type DualScalar } from "./engine/dual";
export type { ScalarOps } from "./engine/rules";
export { trace, topologicalOrder, backwardSteps, toDot, toSvg, type BackwardStep } from "./engine/graph";

// Checking gradients by finite differences.
export { numericGradient, numericVjp } from "./engine/finite-differences";
export {
  relativeError, checkGradient, checkVjp, classify, ERROR_BANDS,
  type ErrorBand, type GradCheckEntry, type GradCheckOptions, type GradCheckReport,
} from "./engine/gradcheck";

// Randomness and data.
export { Rng } from "./engine/random";
export { moons, circles, spirals, xor, regression1d, trainTestSplit, type ToyDataset } from "./engine/datasets";
export { digits, digitClassCounts, DIGIT_SIDE, type Digits, type DigitsOptions } from "./nn/digits";

// Networks: the scalar MLP of Values and the matrix MLP written as the δ recurrences.
export { Matrix, matmulTransA, matmulTransB } from "./nn/matrix";
export { ScalarMLP, Neuron, Layer, type ScalarMLPOptions, type ScalarActivation, type ScalarInit } from "./nn/scalar-mlp";
export { MatrixMLP, type MatrixMLPOptions, type ForwardCache, type Gradients } from "./nn/mlp";
export { relu, sigmoid, tanh, linear, softmax, type Activation, type ActivationName } from "./nn/activations";
export { squaredError, halfMeanSquared, mse, bce, softmaxCrossEntropy, type Loss, type LossName } from "./nn/losses";
export { normalInit, glorotInit, heInit, type InitName } from "./nn/init";
export { sgd, momentum, adam, type Optimizer } from "./nn/optim";
export { train, toColumns, accuracy, lossOn, type EpochReport, type TrainOptions } from "./nn/train";
export { confusionMatrix } from "./nn/metrics";

// Showing things in a notebook (the builders behind them: "backprop-lab/display").
export { tex, md, texMatrix, texNumber, texString, texWith, showDeltaStep } from "./display/math";
export { html, namedTable, matrixTable } from "./display/tables";
export {
  plot, linePlot, scatterPlot, histogram, heatmap, decisionBoundary, liveLossCurve, confusionMatrixPlot,
} from "./display/charts";
export { progressBar } from "./display/progress";
export { showGraph, showBackwardSteps } from "./display/graph";
export { showChain } from "./display/chain";
export { showReversedLayer } from "./display/reversed-layer";
export { showParameterGradients } from "./display/parameter-gradients";
export { imageGrid, weightImages } from "./display/images";

// Checking an exercise from a notebook (the grader itself: "backprop-lab/grader").
export { check, loadExercises } from "./grader/inline";
