/**
 * Every gradable exercise, in course order; the CLI, inline checks and docs all read this list.
 * Each module is named after the exercise file it grades (`01-local-rules.ts` grades
 * exercises/01-local-rules.ts). A new exercise declares its hidden cases as families that cover
 * every option of its contract (`ExerciseSpec.hidden`), lists those options in
 * test/grader/coverage.test.ts (which fails for an exercise it does not know), and plants the
 * slips each option invites in test/grader/slips.test.ts.
 */
import type { Exercise } from "../contract";
import { LOCAL_RULE_EXERCISES } from "./01-local-rules";
import { GRAPH_EXERCISES } from "./02-graph-backward";
import { TOY_CHAIN_EXERCISES } from "./03-toy-chain";
import { OUTPUT_DELTA_EXERCISES } from "./04-output-deltas";
import { DELTA_RECURRENCE_EXERCISES } from "./05-delta-recurrence";
import { LAYER_GRADIENT_EXERCISES } from "./06-layer-gradients";
import { MLP_EXERCISES } from "./07-mlp-backward";
import { LAYER_BACKWARD_EXERCISES } from "./08-layer-backward";
import { ENGINE_EXERCISES } from "./09-build-an-engine";
import { CHECKER_EXERCISES } from "./10-gradient-checker";
import { STABLE_SOFTMAX_EXERCISES } from "./11-stable-softmax";
import { INIT_VARIANCE_EXERCISES } from "./12-init-variance";
import { TRAINING_LOOP_EXERCISES } from "./13-training-loop";
import { CAPSTONE_EXERCISES } from "./14-digits-capstone";

/** All exercises the grader knows. */
export const ALL_EXERCISES: Exercise[] = [
  ...LOCAL_RULE_EXERCISES,
  ...GRAPH_EXERCISES,
  ...TOY_CHAIN_EXERCISES,
  ...OUTPUT_DELTA_EXERCISES,
  ...DELTA_RECURRENCE_EXERCISES,
  ...LAYER_GRADIENT_EXERCISES,
  ...MLP_EXERCISES,
  ...LAYER_BACKWARD_EXERCISES,
  ...ENGINE_EXERCISES,
  ...CHECKER_EXERCISES,
  ...STABLE_SOFTMAX_EXERCISES,
  ...INIT_VARIANCE_EXERCISES,
  ...TRAINING_LOOP_EXERCISES,
  ...CAPSTONE_EXERCISES,
];

/** Look an exercise up by id; throws with the known ids so a typo is easy to fix. */
export function exerciseById(id: string): Exercise {
  const ex = ALL_EXERCISES.find((e) => e.id === id);
  if (!ex) throw new Error(`unknown exercise id "${id}"; known ids: ${ALL_EXERCISES.map((e) => e.id).join(", ")}`);
  return ex;
}
