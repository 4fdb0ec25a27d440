/**
 * The package's public surface, pinned: every name (values and types) that `import … from
 * "backprop-lab"`, "backprop-lab/grader" and "backprop-lab/display" offer. Adding or removing a
 * name makes this test fail, so that growing the API is a decision taken here, in review, and not
 * an accident of an `export *`. The names are read with the TypeScript checker from the entry
 * sources, the same files `tsc` compiles into dist/ (test/engine/package-import.test.ts checks that
 * the built package resolves them by name, in Node and in tslab's TypeScript 5.0).
 */
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "../..");

function exportedNames(entry: string): string[] {
  const file = path.join(root, entry);
  const program = ts.createProgram([file], { strict: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, types: ["node"], skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const symbol = source && checker.getSymbolAtLocation(source);
  if (symbol === undefined) throw new Error(`${entry} is not a module`);
  return checker.getExportsOfModule(symbol).map((s) => s.name).sort();
}

/** "backprop-lab": what notebooks and students use, one name per concept. */
const MAIN = [
    "Activation", "ActivationName", "BackwardStep", "DIGIT_SIDE", "Digits", "DigitsOptions", "Dual",
    "DualScalar", "ERROR_BANDS", "EpochReport", "ErrorBand", "ForwardCache", "GradCheckEntry",
    "GradCheckOptions", "GradCheckReport", "Gradients", "InitName", "Layer", "Loss", "LossName",
    "Matrix", "MatrixMLP", "MatrixMLPOptions", "Neuron", "Optimizer", "Rng", "Scalar",
    "ScalarActivation", "ScalarInit", "ScalarMLP", "ScalarMLPOptions", "ScalarOps", "ToyDataset",
    "TrainOptions", "Value", "ValueAndGrad", "ValueFunction", "accuracy", "adam", "backwardSteps",
    "bce", "check", "checkGradient", "checkVjp", "circles", "classify", "confusionMatrix",
    "confusionMatrixPlot", "decisionBoundary", "digitClassCounts", "digits", "forwardGradient",
    "glorotInit", "grad", "halfMeanSquared", "heInit", "heatmap", "histogram", "html", "imageGrid",
    "jvp", "linePlot", "linear", "liveLossCurve", "loadExercises", "lossOn", "matmulTransA",
    "matmulTransB", "matrixTable", "md", "momentum", "moons", "mse", "namedTable", "normalInit",
    "numericGradient", "numericVjp", "plot", "progressBar", "regression1d", "relativeError", "relu",
    "scatterPlot", "sgd", "showBackwardSteps", "showChain", "showDeltaStep", "showGraph",
    "showParameterGradients", "showReversedLayer", "sigmoid", "softmax", "softmaxCrossEntropy",
    "spirals", "squaredError", "sum", "tanh", "tex", "texMatrix", "texNumber", "texString",
    "texWith", "toColumns", "toDot", "toSvg", "topologicalOrder", "trace", "train",
    "trainTestSplit", "valueAndGrad", "weightImages", "xor", "zeroParameterGrads",
];

/** "backprop-lab/grader": the autograder's programmatic API, for instructors and exercise authors. */
const GRADER = [
    "ABS_TOL", "ALL_EXERCISES", "COURSE_SEED", "CaseReport", "CaseVerdict", "ClassOptions",
    "DEFAULT_LIMITS", "DEFAULT_SUBMISSION_TIMEOUT_MS", "Exercise", "ExerciseModule",
    "ExerciseReport", "ExerciseSpec", "GradShape", "GradTensor", "GradeCase", "GradeOptions",
    "GradientSpec", "HiddenFamily", "InlineCaseResult", "InlineResult", "Json", "Mistake",
    "REL_TOL", "SIGN_ERROR", "SandboxLimits", "Submission", "SubmissionReport", "agrees",
    "awayFromZero", "check", "checkResults", "defineExercise", "describeShape", "exerciseById",
    "fdVjp", "formatReport", "fromJson", "gradeClass", "gradeSubmission", "gradebookCsv",
    "judgeGradients", "listSubmissions", "loadExercises", "loadSubmission", "matchesJson",
    "plainData", "randomMatrix", "readTensor", "resultsHtml", "resultsText", "runInline", "shapeOf",
    "toJson", "worstRelError",
];

/** "backprop-lab/display": every display helper, with the builders behind the show* calls. */
const DISPLAY = [
    "ArrayLike2D", "CapturedOutput", "Cell", "ChainNode", "ChainOptions", "ChartOptions",
    "DIVERGING_COLORSCALE", "DeltaStepInput", "DeltaStepNumbers", "GraphOptions", "HeatmapOptions",
    "ImageColormap", "ImageGridOptions", "ImageSource", "LabelledPoints", "Layout", "LiveLossCurve",
    "MAX_GRAPH_NODES", "MAX_REVERSED_UNITS", "MatrixInput", "OutputSlot", "PLOTLY_NBEXTENSION",
    "ParameterGridOptions", "ParameterWithGradient", "ProgressBar", "ReversedLayerInput",
    "SEQUENTIAL_COLORSCALE", "ShapeCheck", "TableOptions", "TexOptions", "Trace",
    "WeightImagesOptions", "captureActive", "captureOutput", "chainSvg", "chainText",
    "computeDeltaStep", "confusionMatrixPlot", "decisionBoundary", "deltaStepTex", "emitHtml",
    "emitMarkdown", "encodePng", "escapeHtml", "formatNumber", "graphSvg", "heatmap", "histogram",
    "html", "htmlFile", "htmlFilePath", "imageGrid", "imageGridHtml", "inNotebook", "layoutFrom",
    "linePlot", "liveLossCurve", "matrixTable", "matrixTableHtml", "md", "namedTable",
    "namedTableHtml", "namedTableText", "newSlot", "parameterGradientsHtml", "plot", "plotHtml",
    "plotlyBundlePath", "progressBar", "progressHtml", "progressText", "resetPlotlyBundle",
    "reversedLayerSvg", "scatterPlot", "setHtmlPageHead", "showBackwardSteps", "showChain",
    "showDeltaStep", "showGraph", "showParameterGradients", "showReversedLayer", "tex", "texMatrix",
    "texNumber", "texString", "texWith", "toRows", "weightImages",
];

describe("the public API is the pinned list", () => {
  it('"backprop-lab" exports exactly the curated names', () => {
    expect(exportedNames("src/index.ts")).toEqual(MAIN);
  });
  it('"backprop-lab/grader" exports exactly the grader\'s API', () => {
    expect(exportedNames("src/grader/index.ts")).toEqual(GRADER);
  });
  it('"backprop-lab/display" exports exactly the display helpers', () => {
    expect(exportedNames("src/display/index.ts")).toEqual(DISPLAY);
  });
  it("internal plumbing stays out of the package entry", () => {
    for (const internal of ["setGemmBackend", "gemmBackend", "reuseOrCreate", "kernelMatrix", "DEFAULT_LIMITS", "gradeSubmission", "captureOutput", "DenseNetwork", "MLP"]) {
      expect(MAIN, internal).not.toContain(internal);
    }
  });
});
