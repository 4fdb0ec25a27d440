/** Every gradable exercise, in course order; the CLI, inline checks and docs all read this list. */
import type { Exercise } from "../contract";
import { LOCAL_RULE_EXERCISES } from "./local-rules";
import { GRAPH_EXERCISES } from "./graph";
import { LAYER_EXERCISES } from "./layers";
import { MLP_EXERCISES } from "./mlp";
import { TOY_CHAIN_EXERCISES } from "./toy-chain";
import { LAYER_BACKWARD_EXERCISES, OUTPUT_DELTA_EXERCISES } from "./outputs";

/** All exercises the grader knows. */
export const ALL_EXERCISES: Exercise[] = [
  ...LOCAL_RULE_EXERCISES,
  ...GRAPH_EXERCISES,
  ...TOY_CHAIN_EXERCISES,
  ...OUTPUT_DELTA_EXERCISES,
  ...LAYER_EXERCISES,
  ...MLP_EXERCISES,
  ...LAYER_BACKWARD_EXERCISES,
];

/** Look an exercise up by id; throws with the known ids so a typo is easy to fix. */
export function exerciseById(id: string): Exercise {
  const ex = ALL_EXERCISES.find((e) => e.id === id);
  if (!ex) throw new Error(`unknown exercise id "${id}"; known ids: ${ALL_EXERCISES.map((e) => e.id).join(", ")}`);
  return ex;
}
