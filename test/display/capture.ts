/** What the display helpers emit while `fn` runs, captured instead of shown (the display tests' one set-up). */
import { captureOutput, type CapturedOutput } from "../../src/display";

export function capture(fn: () => void): CapturedOutput[] {
  const out: CapturedOutput[] = [];
  captureOutput((o) => out.push(o));
  try {
    fn();
  } finally {
    captureOutput(null);
  }
  return out;
}
