/**
 * The class-mode progress display: a bar redrawn in place on a terminal, one plain line per
 * student in a log (CI, a file, a pipe), with elapsed time and an estimate of the time left.
 */

/** m:ss for a duration in ms. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** One progress line: "[█████░░░░░]  37/200  0:21 elapsed, ~1:32 left  alice 31/35". */
export function progressLine(done: number, total: number, elapsedMs: number, last?: { student: string; score: number; max: number }, width = 30): string {
  const frac = total > 0 ? done / total : 1;
  const filled = Math.round(frac * width);
  const bar = `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
  const left = done > 0 && done < total ? `, ~${clock((elapsedMs / done) * (total - done))} left` : "";
  const who = last ? `  ${last.student} ${fmt(last.score)}/${fmt(last.max)}` : "";
  return `${bar} ${String(done).padStart(String(total).length)}/${total}  ${clock(elapsedMs)} elapsed${left}${who}`;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** A progress reporter for a stream: redraws one line on a TTY, prints a line per step otherwise. */
export function progressReporter(stream: { isTTY?: boolean; columns?: number; write(s: string): unknown }, total: number): {
  step(done: number, last?: { student: string; score: number; max: number }): void;
  end(): void;
} {
  const t0 = Date.now();
  const tty = stream.isTTY === true;
  return {
    step(done, last) {
      const line = progressLine(done, total, Date.now() - t0, last);
      if (tty) {
        const cols = Math.max(40, (stream.columns ?? 100) - 1);
        stream.write(`\r${line.slice(0, cols).padEnd(cols)}`);
      } else stream.write(`${line}\n`);
    },
    end() {
      if (tty) stream.write("\n");
    },
  };
}
