"""Writes the hostile corpus under test/hostile/: one folder per fault or attack of issue 7.

Each case holds only the files it changes (laid over a copy of solutions/, unless its
expected.json says "base": "empty") and an expected.json naming what every exercise must score
(test/grader/corpus.ts reads it). Run with /usr/bin/python3 from anywhere after changing
solutions/; the folders are rewritten from scratch.
"""
import json, os, re, shutil
ROOT=os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
H=f'{ROOT}/test/hostile'
sol={f:open(f'{ROOT}/solutions/{f}').read() for f in os.listdir(f'{ROOT}/solutions') if f.endswith('.ts')}
RELU='export function reluBackward(x: number, g: number): number {\n  return x > 0 ? g : 0;\n}'
assert RELU in sol['01-local-rules.ts']
def relu(body, pre=''):
    s=sol['01-local-rules.ts'].replace(RELU, 'export function reluBackward(x: number, g: number): number {\n'+body+'\n}')
    return pre+s
def fn_replace(fname, name, body, keep_sig=True):
    s=sol[fname]
    m=re.search(r'export function '+name+r'\(.*?\{\n', s, re.S)
    start=m.end(); depth=1; i=start
    while depth:
        if s[i]=='{': depth+=1
        elif s[i]=='}': depth-=1
        i+=1
    return s[:start]+body+'\n'+s[i-1:]
cases={}
def case(name, files, expected, remove=None):
    cases[name]=(files, expected, remove)
R='relu-backward'
def only(ex, **kw): return {ex: kw}
# a memory bomb is stopped by the memory limit or by the clock, whichever the machine hits first
OOM=['ran out of memory', 'timed out']
case('endless-loop', {'01-local-rules.ts': relu('  for (;;) {}')}, {'description':'reluBackward never returns: for (;;) {}','expect':only(R,score=0,feedback='timed out after 1 s')})
case('slow-code', {'01-local-rules.ts': relu('  let s = 0;\n  for (let i = 0; i < 2e10; i++) s += i % 7; // seconds of computing: slow but finite\n  return x > 0 ? g : s * 0;')}, {'description':'reluBackward is right but computes for many seconds of CPU per call (2e10 loop steps), far past the per-case limit (1 s in the tests); time spent waiting for a CPU on a loaded machine is not charged, computing is','expect':only(R,score=0,feedback='timed out after 1 s')})
slow08=sol['08-layer-backward.ts']
for n in ['linearLayerBackward','reluLayerBackward','sigmoidLayerBackward','tanhLayerBackward','softmaxCrossEntropyBackward']:
    m=re.search(r'export function '+n+r'\(.*?\{\n', slow08, re.S)
    slow08=slow08[:m.end()]+'  const t0 = process.cpuUsage();\n  for (let u = process.cpuUsage(t0); u.user + u.system < 400_000; u = process.cpuUsage(t0)) { /* 0.4 s of CPU per call (user and system time): under the case limit */ }\n'+slow08[m.end():]
case('submission-time-limit', {'08-layer-backward.ts': slow08}, {'description':'every function of file 08 is right but computes for 0.4 s of CPU time per call (32 calls, 12.8 s): the 8 s budget for the whole submission runs out in file 08, and from the case where it runs out every case says so, up to the files graded after it (10 to 13). Files 01 to 07 use a fraction of a second and keep full marks: the budget counts the student processes\' own time, not time spent waiting for a CPU, so on a loaded machine it runs out at the same point','options':{'submissionTimeoutMs':8000},'budgetRunsOut':True,
  'expect':{'file:08-layer-backward.ts':{'score':'any','failedFeedback':'total time'},'softmax-ce-backward':{'score':0,'feedback':'total time'},
            **{f'file:{f}':{'score':0,'feedback':'total time'} for f in ['10-gradient-checker.ts','11-stable-softmax.ts','12-init-variance.ts','13-training-loop.ts']}}})
case('memory-bomb', {'01-local-rules.ts': relu('  const xs: number[][] = [];\n  for (;;) xs.push(new Array(1e6).fill(1));')}, {'description':'reluBackward fills the JS heap: whether the heap limit or the clock stops it first depends on the machine and its load, and both verdicts are correct (0 points either way)','expect':only(R,score=0,feedback=OOM)})
case('memory-bomb-buffers', {'01-local-rules.ts': relu('  const bufs: Float64Array[] = [];\n  for (;;) bufs.push(new Float64Array(1e7).fill(1));')}, {'description':'reluBackward allocates 80 MB typed arrays, outside the JS heap limit: the resident-memory watchdog (300 MB in the tests) or the clock stops it, whichever comes first on this machine (0 points either way)','expect':only(R,score=0,feedback=OOM)})
case('deep-recursion', {'01-local-rules.ts': relu('  const f = (n: number): number => f(n + 1) + 1;\n  return f(0);')}, {'description':'reluBackward recurses without end','expect':only(R,score=0,feedback='recursed too deeply')})
case('process-exit', {'01-local-rules.ts': relu('  process.exit(0);\n  return 0;')}, {'description':'reluBackward calls process.exit(0)','expect':only(R,score=0,feedback='process exited')})
case('process-kill', {'01-local-rules.ts': relu('  process.kill(process.pid, "SIGKILL");\n  return 0;')}, {'description':'reluBackward kills its own process','expect':only(R,score=0,feedback='killed by SIGKILL')})
case('timer-throw', {'01-local-rules.ts': relu('  setTimeout(() => { throw new Error("boom"); }, 0);\n  for (let i = 0; i < 3e7; i++);\n  return x > 0 ? g : 0;')}, {'description':'reluBackward returns the right answer but schedules a timer that throws right away','expect':only(R,score=0,feedback='an uncaught error escaped from a timer')})
case('timer-late', {'01-local-rules.ts': relu('  setTimeout(() => { throw new Error("much later"); }, 500);\n  return x > 0 ? g : 0;')}, {'description':'reluBackward is right but leaves a timer that would throw 0.5 s later: the child is replaced after the case, the timer never fires, the answer is graded as given','expect':{}})
case('promise-reject', {'01-local-rules.ts': relu('  Promise.reject(new Error("late"));\n  return x > 0 ? g : 0;')}, {'description':'reluBackward leaves an unhandled promise rejection','expect':only(R,score=0,feedback='an unhandled promise rejection escaped')})
case('returns-promise', {'01-local-rules.ts': relu('  return Promise.resolve(x > 0 ? g : 0) as unknown as number;')}, {'description':'reluBackward returns a Promise of the right answer','expect':only(R,score=0,feedback='returned a Promise')})
case('throw-non-error', {'01-local-rules.ts': relu('  throw 42;')}, {'description':'reluBackward throws a number','expect':only(R,score=0,feedback='threw a non-Error value: 42')})
case('returns-nan', {'01-local-rules.ts': relu('  return NaN;')}, {'description':'reluBackward returns NaN','expect':only(R,score=0,feedback='returned NaN, not a finite number')})
case('returns-infinity', {'01-local-rules.ts': relu('  return x > 0 ? Infinity : -Infinity;')}, {'description':'reluBackward returns ±Infinity','expect':only(R,score=0,feedback='Infinity, not a finite number')})
case('returns-undefined', {'01-local-rules.ts': relu('  return undefined as unknown as number;')}, {'description':'reluBackward returns undefined','expect':only(R,score=0,feedback='returned undefined (did you forget to return?)')})
s05=fn_replace('05-delta-recurrence.ts','deltaStep','''  const dIn = z.length;
  const M = z[0]!.length;
  // δ computed right, then returned with rows and columns swapped (M × d_l instead of d_l × M)
  const out: number[][] = [];
  for (let m = 0; m < M; m++) {
    const row: number[] = [];
    for (let k = 0; k < dIn; k++) {
      let s = 0;
      for (let i = 0; i < W.length; i++) s += W[i]![k]! * deltaNext[i]![m]!;
      row.push(s * fPrime(activation, z[k]![m]!));
    }
    out.push(row);
  }
  return out;''')
case('wrong-shape', {'05-delta-recurrence.ts': s05}, {'description':'deltaStep returns δ^l transposed (M × d_l)','expect':{'delta-recurrence':{'score':0,'someFeedback':'returned a 3×2 matrix where a 2×3 matrix was expected'}}})
s01=relu('  return String(x > 0 ? g : 0) as unknown as number;')
s01=s01.replace('  return { da: g * b, db: g * a };','  return [g * b, g * a] as unknown as { da: number; db: number };')
case('wrong-type', {'01-local-rules.ts': s01}, {'description':'reluBackward returns a string; mulBackward returns an array where an object { da, db } is expected','expect':{R:{'score':0,'feedback':'returned a string where a number was expected'},'mul-backward':{'score':0,'feedback':'return an object { da, db }, not a vector of length 2'}}})
case('huge-array', {'01-local-rules.ts': relu('  return new Array(1e6).fill(0) as unknown as number;')}, {'description':'reluBackward returns a million-element array','expect':only(R,score=0,feedback='(a huge result)')})
case('getter-object', {'01-local-rules.ts': relu('  return { get value() { return x > 0 ? g : 0; } } as unknown as number;')}, {'description':'reluBackward returns an object whose property is a getter','expect':only(R,score=0,feedback='getter on `value`')})
s01=relu('  return { toJSON: () => (x > 0 ? g : 0) } as unknown as number;')
s01=s01.replace('  return { da: g * b, db: g * a };','  // wrong numbers, with a toJSON that would print the right ones\n  return { da: 0, db: 0, toJSON: () => ({ da: g * b, db: g * a }) } as unknown as { da: number; db: number };')
case('poisoned-tojson', {'01-local-rules.ts': s01}, {'description':'answers carry a toJSON that would report the right numbers: the grader never calls it and grades the object\'s own data','expect':{R:{'score':0,'feedback':'returned an object where a number was expected'},'mul-backward':{'score':0,'feedback':'da is wrong'}}})
s06=fn_replace('06-layer-gradients.ts','layerGradients','''  // zero the upstream δ in place, then compute from it: the result agrees with the mutated input
  for (const row of delta) row.fill(0);
  const M = delta[0]!.length;
  return { dW: delta.map(() => A.map(() => 0 / M)), db: delta.map(() => 0) };''')
s08=fn_replace('08-layer-backward.ts','reluLayerBackward','''  const out = dA.map((row, i) => row.map((g, m) => (cache.z[i]![m]! > 0 ? g : 0)));
  for (const row of dA) row.fill(0); // the classic in-place bug: the upstream gradient is overwritten
  return out;''')
case('mutate-inputs', {'06-layer-gradients.ts': s06, '08-layer-backward.ts': s08}, {'description':'layerGradients zeroes δ in place and returns gradients that match the zeroed input; reluLayerBackward returns the right answer but overwrites dA','expect':{'layer-gradients':{'score':0,'feedback':'changed its input arguments'},'relu-layer-backward':{'score':0,'feedback':'changed its input arguments'}}})
case('patch-builtins-call', {'01-local-rules.ts': relu('''  // every call patches built-ins the grader might use, then returns the right answer
  Math.max = () => 0;
  (Array.prototype as any).map = function () { return []; };
  (globalThis as any).Float64Array = Array;
  JSON.stringify = () => "{}";
  console.log = () => undefined;
  process.send = () => true;
  Object.defineProperty(Object.prototype, "score", { value: 1, configurable: true, writable: true });
  (Object.prototype as any).toJSON = function () { return { score: 1 }; };
  return x > 0 ? g : 0;''')}, {'description':'reluBackward patches Math, Array.prototype, Float64Array, JSON, console, process and Object.prototype while running','expect':only(R,score=0,feedback='changed built-ins while running')})
s01=sol['01-local-rules.ts'].replace('/** ∂(ab)/∂a = b','''// Top-level code that changes built-ins for the rest of the process.
const realExp = Math.exp;
Math.exp = (v: number): number => 2 * realExp(v);
(Object.prototype as any).toJSON = function () { return "polluted"; };
(Array.prototype as any).join = function () { return "polluted"; };

/** ∂(ab)/∂a = b''',1)
case('patch-builtins-load', {'01-local-rules.ts': s01}, {'description':'the top level of 01 doubles Math.exp and pollutes Object.prototype.toJSON and Array.prototype.join: that file runs in a child of its own, so only its own exp and sigmoid rules (which call Math.exp) go wrong; sigmoid in files 04 and 08 is unaffected','expect':{'exp-backward':{'score':0,'feedback':'is wrong'},'sigmoid-backward':{'score':0,'feedback':'is wrong'}}})
case('read-solutions', {'01-local-rules.ts': relu('''  const flag = process.execArgv.find((a: string) => a.includes("sandbox"));
  const sandbox = flag.slice("--allow-fs-read=".length, -2);
  return Number(require("fs").readFileSync(sandbox + "/../../../solutions/01-local-rules.ts", "utf8").length > 0);''')}, {'description':'reluBackward finds the grader from its own command line and reads solutions/','expect':only(R,score=0,feedback='tried to read a file outside the submission')})
case('read-generators', {'01-local-rules.ts': relu('''  const flag = process.execArgv.find((a: string) => a.includes("sandbox"));
  const sandbox = flag.slice("--allow-fs-read=".length, -2);
  // the hidden-case generators and the course seed
  require("fs").readFileSync(sandbox + "/../exercises/01-local-rules.js", "utf8");
  require("fs").readFileSync(sandbox + "/../grade.js", "utf8");
  return x > 0 ? g : 0;''')}, {'description':'reluBackward reads the hidden-case generators and the seed from the grader\'s dist/','expect':only(R,score=0,feedback='tried to read a file outside the submission')})
case('read-classmate', {'01-local-rules.ts': relu('''  const fs = require("fs");
  const path = require("path");
  // classmates' copies sit next to ours in the temporary folder
  const around = path.dirname(process.cwd());
  return fs.readdirSync(around).length > 0 ? (x > 0 ? g : 0) : 0;''')}, {'description':'reluBackward lists the folder around its own submission, looking for classmates','expect':only(R,score=0,feedback='tried to read a file outside the submission')})
case('write-file', {'01-local-rules.ts': relu('  require("fs").writeFileSync("/tmp/bpl-pwned.txt", "x");\n  return x > 0 ? g : 0;')}, {'description':'reluBackward writes a file','expect':only(R,score=0,feedback='tried to write a file')})
case('spawn-process', {'01-local-rules.ts': relu('  require("child_process").execSync("id");\n  return x > 0 ? g : 0;')}, {'description':'reluBackward starts a process','expect':only(R,score=0,feedback='tried to start a process')})
case('forged-reply', {'01-local-rules.ts': relu('''  // pose as the grader's own child: write "clean, correct" replies for every call id it might be on
  // straight into the reply pipe (fd 3)
  let lines = "";
  for (let id = 1; id < 300; id++) {
    lines += JSON.stringify({ type: "result", id, ok: true, value: x > 0 ? g : 0, mutated: false, tampered: [], printed: 0, dirty: false }) + "\\n";
  }
  require("fs").writeSync(3, lines);
  return x > 0 ? g : 0;''')}, {'description':'reluBackward writes its own replies into the pipe the grader reads replies from: they lack the per-process token, so the grader refuses them, replaces the process and charges the case','expect':only(R,score=0,feedback='the student process sent a malformed reply')})
case('reply-pipe-garbage', {'01-local-rules.ts': relu('''  // a line that is not JSON, then 20 MB without a line break, into the reply pipe: a Node IPC
  // channel would have thrown inside the grader (and buffered without limit)
  const fs = require("fs");
  fs.writeSync(3, "not json at all\\n");
  const block = "a".repeat(1 << 20);
  try { for (let i = 0; i < 20; i++) fs.writeSync(3, block); } catch { /* the grader hung up */ }
  return x > 0 ? g : 0;''')}, {'description':'reluBackward writes garbage and an endless line into the reply pipe: the grader\'s own parser refuses them without throwing, stops the child and charges the case; the grader lives','expect':only(R,score=0,feedback='the student process sent a malformed reply')})
case('open-socket', {'01-local-rules.ts': relu('''  // refused where Node's permission model covers the network (Node 25+); elsewhere this works
  const net = require("net");
  const server = net.createServer((s: any) => s.end("hi"));
  server.listen(0, "127.0.0.1", () => {
    const c = net.connect(server.address().port, "127.0.0.1");
    c.on("data", () => c.end());
    c.on("error", () => undefined);
  });
  return x > 0 ? g : 0;''')}, {'description':'reluBackward opens a server and a connection, then answers right. Where the permission model covers the network (Node 25 and later, no --allow-net) the socket is refused and the case charged; elsewhere the network is not blocked (see docs/threat-model.md), the answer is graded, and the child, left with open handles, is replaced before the next case','expect':{},'networkBlocked':{'expect':only(R,score=0,feedback='tried to use the network')}})
s01=relu('  console.log("x".repeat(2 * 1024 * 1024));\n  return x > 0 ? g : 0;')
s01=s01.replace('  return g * Math.cos(x);','  // straight to the file descriptor, around console: drained and dropped by the grader\n  try { require("fs").writeSync(1, "y".repeat(3 * 1024 * 1024)); } catch { /* a full pipe refuses */ }\n  return g * Math.cos(x);')
case('print-megabytes', {'01-local-rules.ts': s01}, {'description':'reluBackward prints 2 MB through console.log on every call (charged: over 64 KB per case); sinBackward writes 3 MB straight to fd 1 (drained and dropped, not attributed: graded on its answer)','expect':only(R,score=0,feedback='printed 2.0 MB to stdout/stderr')})
case('nondeterministic', {'01-local-rules.ts': relu('  return (x > 0 ? g : 0) + 1e-3 * (1 + Math.random());')}, {'description':'reluBackward adds random noise: visible cases (run twice) differ between runs; hidden cases (run once) are simply wrong','expect':only(R,score=0,visibleFeedback='answers differ between two runs of the same input',hiddenFeedback='is wrong')})
case('type-error', {'01-local-rules.ts': relu('  const zero: number = "0";\n  return x > 0 ? g : zero;')}, {'description':'reluBackward has a TypeScript type error (tslab would refuse to run it)','expect':only(R,score=0,feedback="does not type-check: 01-local-rules.ts:42:9: Type 'string' is not assignable to type 'number'.")})
s01=sol['01-local-rules.ts']
s01=s01.replace('/** d(sin x)/dx = cos x. */','''/** g times a local derivative (with a type error: it returns a string). */
function chain(g: number, local: number): number {
  return g * local + "";
}

/** d(sin x)/dx = cos x. */''')
s01=s01.replace('  return g * Math.cos(x);','  return chain(g, Math.cos(x));').replace('  return -g * Math.sin(x);','  return chain(g, -Math.sin(x));')
case('type-error-helper', {'01-local-rules.ts': s01}, {'description':'a helper with a type error, used by sinBackward and cosBackward: those two are charged, the file\'s other exercises are not','expect':{'sin-backward':{'score':0,'feedback':'does not type-check: 01-local-rules.ts:'},'cos-backward':{'score':0,'feedback':'does not type-check: 01-local-rules.ts:'}}})
case('syntax-error', {'01-local-rules.ts': relu('  return x > 0 ? g : 0;;)')}, {'description':'a syntax error in 01: nothing in that file can run','expect':{'file:01-local-rules.ts':{'score':0,'feedback':'does not compile: 01-local-rules.ts:'}}})
case('top-level-loop', {'01-local-rules.ts': sol['01-local-rules.ts'].replace('/** ∂(ab)/∂a = b', 'while (true) { /* the file never finishes loading */ }\n\n/** ∂(ab)/∂a = b', 1)}, {'description':'the top level of 01 never finishes: loading that file is stopped at its limit (5 s in the tests) and every exercise in it fails; the other files load in a fresh process','expect':{'file:01-local-rules.ts':{'score':0,'feedback':'loading 01-local-rules.ts timed out after 5 s'}}})
case('default-export', {'01-local-rules.ts': sol['01-local-rules.ts'].replace('export function reluBackward','export default function reluBackward')}, {'description':'reluBackward is the default export','expect':only(R,score=0,feedback='01-local-rules.ts: `reluBackward` must be a named export')})
case('misnamed-export', {'01-local-rules.ts': sol['01-local-rules.ts'].replace('export function reluBackward','export function ReluBackward')}, {'description':'the export is called ReluBackward','expect':only(R,score=0,feedback='01-local-rules.ts has no export named `reluBackward` (found:')})
case('missing-export', {'01-local-rules.ts': sol['01-local-rules.ts'].replace('export function reluBackward','function reluBackward')}, {'description':'reluBackward is defined but not exported','expect':only(R,score=0,feedback='01-local-rules.ts has no export named `reluBackward`')})
case('missing-file', {}, {'description':'02-graph-backward.ts is not in the submission','remove':['02-graph-backward.ts'],'expect':{'file:02-graph-backward.ts':{'score':0,'feedback':'file 02-graph-backward.ts was not submitted'}}})
# deferred work that fires during a LATER call (found by the audit of 2026-11-25): none of it is a
# timer or handle Node reports as active, so the grader cannot see it coming; it must still cost only
# the exercise whose code set it up (the grader runs a call that faulted in a shared child again, in a
# fresh child holding only that file, before charging it)
case('unref-timer-exit', {'01-local-rules.ts': relu('  setTimeout(() => process.exit(3), 30).unref();\n  return x > 0 ? g : 0;')}, {'description':'reluBackward is right but leaves an unref\'d timer (absent from Node\'s list of active handles) that exits the process 30 ms later, during some later call: only relu-backward may lose marks','expect':only(R,score='any',failedFeedback='process exited (code 3)')})
case('wait-async-exit', {'01-local-rules.ts': relu('''  // Atomics.waitAsync settles 40 ms later without any timer or handle Node reports
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const w = (Atomics as any).waitAsync(cell, 0, 0, 40);
  if (w.async) w.value.then(() => process.exit(9));
  return x > 0 ? g : 0;''')}, {'description':'reluBackward is right but arms Atomics.waitAsync to exit the process 40 ms later: only relu-backward may lose marks','expect':only(R,score='any',failedFeedback='process exited (code 9)')})
case('finalizer-sabotage', {'01-local-rules.ts': relu('''  // callbacks that run whenever the garbage collector gets round to it, maybe during another exercise
  const registry = new (globalThis as any).FinalizationRegistry(() => { Math.sin = () => 0; process.exit(4); });
  for (let i = 0; i < 2000; i++) registry.register({ junk: new Array(64).fill(i) }, i);
  (globalThis as any).keepRegistry = registry;
  return x > 0 ? g : 0;''')}, {'description':'reluBackward is right but registers finalizers that patch Math.sin and exit whenever garbage is collected: only relu-backward may lose marks','expect':only(R,score='any')})
case('forge-via-send', {'01-local-rules.ts': relu('''  // wrap Node's IPC writer to rewrite the replies (erasing the charge for the patch below)
  const p = process as any;
  if (!p.wrapped) {
    p.wrapped = true;
    const real = p._send;
    p._send = function (msg: any, ...rest: any[]) {
      if (typeof msg === "string") msg = msg.replace(/"tampered":\\[[^\\]]*\\]/, '"tampered":[]').replace('"dirty":true', '"dirty":false');
      return real.call(this, msg, ...rest);
    };
  }
  (Math as any).evil = 1;
  return x > 0 ? g : 0;''')}, {'description':'reluBackward wraps process._send (Node\'s IPC writer) to rewrite its own replies (erasing the report that it changed Math): the child has no IPC channel and writes replies with a captured fs.writeSync, so the change is still charged','expect':only(R,score=0,feedback='changed built-ins while running (Math.evil (added)')})
case('forge-via-pipe', {'01-local-rules.ts': relu('''  // the IPC channel and stdout share a stream prototype: try to rewrite every message on its way out
  const proto = Object.getPrototypeOf(Object.getPrototypeOf((process.stdout as any)._handle));
  const real = proto.writeUtf8String;
  proto.writeUtf8String = function (req: any, s: string, ...rest: any[]) {
    return real.call(this, req, s.replace("Math.evil (added)", ""), ...rest);
  };
  (Math as any).evil = 1;
  return x > 0 ? g : 0;''')}, {'description':'reluBackward patches the stream prototype Node\'s pipes write through, hoping to rewrite its replies: the child writes replies with fs.writeSync, which that cannot reach, so its change to Math is still charged','expect':only(R,score=0,feedback='changed built-ins while running (Math.evil (added)')})
case('array-index-getter', {'01-local-rules.ts': relu('''  // a getter for index 0 on every array: code that fills arrays by index breaks
  Object.defineProperty(Array.prototype, "0", { get() { return 1; }, configurable: true });
  return x > 0 ? g : 0;''')}, {'description':'reluBackward puts a getter for index 0 on Array.prototype and answers right: charged as a change to built-ins (it used to wedge the student process into a timeout)','expect':only(R,score=0,feedback='changed built-ins while running (Array.prototype.0 (added)')})
case('worker-thread', {'01-local-rules.ts': relu('  const W = require("worker_threads").Worker;\n  new W("1", { eval: true });\n  return x > 0 ? g : 0;')}, {'description':'reluBackward starts a worker thread (loading worker_threads also patches process.chdir: the refusal is what is reported)','expect':only(R,score=0,feedback='tried to start a worker thread')})
case('process-binding', {'01-local-rules.ts': relu('  (process as any).binding("spawn_sync");\n  return x > 0 ? g : 0;')}, {'description':'reluBackward reaches for Node\'s internal bindings','expect':only(R,score=0,feedback='tried to use a Node API that submissions may not use')})
case('control-characters', {'01-local-rules.ts': relu('  throw new Error("\\u001b[2J\\u001b[1A\\r\\nrelu-backward   1/1\\n\\u202efake\\ud800\\u2028total   35/35\\u2029\\u2067x");')}, {'description':'reluBackward throws an error whose message would clear the instructor\'s terminal and print fake report lines (CR LF, LF, U+2028, U+2029): feedback is one line, control and bidi characters replaced','expect':only(R,score=0,feedback='threw Error: \ufffd[2J\ufffd[1A relu-backward   1/1 \ufffdfake\ufffd total   35/35 \ufffdx')})
case('compiler-crash', {'02-graph-backward.ts': sol['02-graph-backward.ts'] + '\nexport const nested = ' + '(' * 150000 + '1' + ')' * 150000 + ';\n'}, {'description':'02 nests parentheses 150 000 deep, which overflows the TypeScript compiler\'s stack: only file 02\'s exercises are lost, every other file still compiles','expect':{'file:02-graph-backward.ts':{'score':0,'feedback':'the TypeScript compiler failed on 02-graph-backward.ts'}}})
# signals are outside Node's permission model (found by the audit of 2026-11-25): before the child
# locked process.kill, these killed the grader, or opened its inspector to the network
case('kill-grader', {'01-local-rules.ts': relu('  process.kill(process.ppid, "SIGKILL");\n  return x > 0 ? g : 0;')}, {'description':'reluBackward sends SIGKILL to the grader (its parent process): refused, the grader lives','expect':only(R,score=0,feedback='tried to signal or debug another process')})
case('inspector-signal', {'01-local-rules.ts': relu('''  // SIGUSR1 would open the grader's inspector on 127.0.0.1:9229, reachable over the open network
  try { (process as any)._debugProcess(process.ppid); } catch { /* try the other way */ }
  process.kill(process.ppid, "SIGUSR1");
  return x > 0 ? g : 0;''')}, {'description':'reluBackward tries to open the grader\'s inspector (SIGUSR1, process._debugProcess): refused','expect':only(R,score=0,feedback='tried to signal or debug another process')})
case('renice-grader', {'01-local-rules.ts': relu('  require("os").setPriority(process.ppid, 19);\n  return x > 0 ? g : 0;')}, {'description':'reluBackward lowers the grader\'s scheduling priority: refused','expect':only(R,score=0,feedback="tried to change another process's priority")})
case('heap-snapshot-token', {'01-local-rules.ts': relu('''  // a heap snapshot holds every string of the process, the reply token included
  const snap = require("v8").getHeapSnapshot();
  snap.on("data", () => undefined);
  return x > 0 ? g : 0;''')}, {'description':'reluBackward takes a heap snapshot of its own process to find the token that authenticates replies: refused','expect':only(R,score=0,feedback='v8.getHeapSnapshot is not available to graded code')})
# notebooks
def nbjson(cells):
    return json.dumps({'cells':[{'cell_type':t,'metadata':{},'source':src.splitlines(True),**({'outputs':[],'execution_count':None} if t=='code' else {})} for t,src in cells],'metadata':{'kernelspec':{'name':'tslab','display_name':'TypeScript','language':'typescript'}},'nbformat':4,'nbformat_minor':5}, indent=1)
s01=sol['01-local-rules.ts'].replace('export function','function')
parts=re.split(r'\n(?=/\*\* )', s01)
parts=[p for p in parts if 'function reluBackward' not in p]
cells=[('markdown','# My answers'),('code','import { check } from "backprop-lab";\n%time')]+[('code',p.strip()+'\n') for p in parts]+[('code','check("mul-backward", mulBackward);')]
case('notebook-missing-function', {'answers.ipynb': nbjson(cells)}, {'description':'a notebook whose cells define the 01 rules except reluBackward; it also imports the course library, calls check() and has a magic: graded normally; every other exercise is named as missing','base':'empty','expect':{R:{'score':0,'feedback':'no cell defines `reluBackward`'},'mul-backward':{'score':'full'},'div-backward':{'score':'full'},'pow-backward':{'score':'full'},'exp-backward':{'score':'full'},'log-backward':{'score':'full'},'tanh-backward':{'score':'full'},'sigmoid-backward':{'score':'full'},'sin-backward':{'score':'full'},'cos-backward':{'score':'full'}},'others':{'score':0,'feedback':'no cell defines'}})
case('broken-notebook', {'answers.ipynb': '{"cells": [ {"cell_type": "code", "source": ["function reluB'}, {'description':'a notebook that is not valid JSON','base':'empty','expect':{},'others':{'score':0,'feedback':'notebook is not valid JSON'}})
s01=sol['01-local-rules.ts'].replace('export function','function')
parts=re.split(r'\n(?=/\*\* )', s01)
many=[('code', ''.join(f'const helper{i} = {i};\n' for i in range(k, k + 30))) for k in range(0, 300, 30)]
cells=[('markdown','# 300 names before the answers')]+many+[('code',p.strip()+'\n') for p in parts]
RULES=['mul-backward','div-backward','pow-backward','exp-backward','log-backward','tanh-backward','sigmoid-backward','relu-backward','sin-backward','cos-backward']
case('notebook-many-names', {'answers.ipynb': nbjson(cells)}, {'description':'a notebook with 300 top-level names before the 01 rules: the grader asks the student process for the names it needs, so they are found however many others there are','base':'empty','expect':{k:{'score':'full'} for k in RULES},'others':{'score':0,'feedback':'no cell defines'}})
broken=[('code',p.strip()+'\n') for p in parts]
idx=next(i for i,(t,src) in enumerate(broken) if 'function reluBackward' in src)
broken[idx]=('code', broken[idx][1].replace('return x > 0 ? g : 0;', 'return x > 0 ? g : 0 +;'))
cells=[('markdown','# My answers')]+broken
case('notebook-cell-syntax-error', {'answers.ipynb': nbjson(cells)}, {'description':'a notebook whose relu cell has a syntax error: that cell is skipped, as the kernel would skip it, so only reluBackward is lost, reported with its cell and line','base':'empty','expect':{R:{'score':0,'feedback':f'does not compile: answers.ipynb cell {idx + 2}, line 3:'}, **{k:{'score':'full'} for k in RULES if k != R}},'others':{'score':0,'feedback':'no cell defines'}})
# zips (issue 12): built byte by byte, since the hostile ones are exactly what zip tools refuse to write
import struct, zlib
def deflate(data):
    c=zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data)+c.flush()
def zeros_deflated(mb):
    c=zlib.compressobj(9, zlib.DEFLATED, -15); chunk=bytes(1024*1024)
    return b''.join(c.compress(chunk) for _ in range(mb))+c.flush()
def zipfile_bytes(entries):
    """entries: dicts with name (str or bytes), data (bytes) and optionally packed (the stored bytes, when
    they are not deflate(data)), size (the size the headers claim), unix_mode, at (reuse the local header
    of an earlier entry: overlapping entries)."""
    out=b''; central=b''; offsets=[]
    for e in entries:
        name=e['name'] if isinstance(e['name'], bytes) else e['name'].encode('utf-8')
        flags=0x800 if any(b>127 for b in name) else 0
        packed=e.get('packed', deflate(e.get('data', b'')))
        size=e.get('size', len(e.get('data', b'')))
        crc=zlib.crc32(e.get('data', b''))
        if 'at' in e: off=offsets[e['at']]
        else:
            off=len(out)
            out+=struct.pack('<IHHHHHIIIHH',0x04034b50,20,flags,8,0,0x21,crc,len(packed),size,len(name),0)+name+packed
        offsets.append(off)
        mode=e.get('unix_mode', 0o100644)
        central+=struct.pack('<IHHHHHHIIIHHHHHII',0x02014b50,(3<<8)|20,20,flags,8,0,0x21,crc,len(packed),size,len(name),0,0,0,0,(mode<<16)&0xffffffff,off)+name
    return out+central+struct.pack('<IHHHHIIH',0x06054b50,0,0,len(entries),len(entries),len(central),len(out),0)
def sol_entries(prefix='', skip=()):
    return [{'name':prefix+f,'data':sol[f].encode()} for f in sorted(sol) if f not in skip]
Z01='file:01-local-rules.ts'
case('zip-colliding-entries', {'submission.zip': zipfile_bytes(sol_entries()+[{'name':'work','data':b'notes'},{'name':'work/a.ts','data':b'export const a = 1;\n'},{'name':'lib/','data':b''},{'name':'lib','data':b'x'},{'name':'lib/b.ts','data':b'export const b = 2;\n'}])},
  {'description':'a zip whose entries collide: a file `work` and a file `work/a.ts`, a folder `lib/` and a file `lib` (this crashed the grader with EEXIST): the later entry of each pair is skipped with a note, the answers are graded','base':'empty','expect':{},
   'notes':['skipped the zip entry "work/a.ts": "work" is a file in the zip, so it cannot also be a folder','skipped the zip entry "lib": a folder of the same name is already in the zip']})
case('zip-nul-in-name', {'submission.zip': zipfile_bytes(sol_entries(skip=('01-local-rules.ts',))+[{'name':b'01-local-rules.ts\x00.pdf','data':sol['01-local-rules.ts'].encode()}])},
  {'description':'a zip whose 01 file is named "01-local-rules.ts\\0.pdf" with a NUL byte (this crashed the grader): that entry is skipped with a note naming the NUL, its exercises are not submitted, the rest is graded','base':'empty',
   'expect':{Z01:{'score':0,'feedback':'file 01-local-rules.ts was not submitted'}},'notes':['skipped the zip entry "01-local-rules.ts\\u0000.pdf": its name contains the NUL character U+0000']})
bomb=zeros_deflated(256)
case('zip-bomb-overlap', {'submission.zip': zipfile_bytes([{'name':'00-bomb.ts','packed':bomb,'size':10}]+[{'name':f'{k:03d}-bomb.ts','packed':bomb,'size':10,'at':0} for k in range(1,300)])},
  {'description':'a 260 KB zip bomb: 300 entries point into one deflate stream that inflates to 256 MB, each header claiming 10 bytes (this hung the grader past 60 s): refused before anything is inflated','base':'empty','expect':{},'others':{'score':0,'feedback':'(a zip bomb), so it was not unpacked'},
   'errors':["the zip's entries overlap (300 names share 1 data block(s))"]})
case('zip-bomb-lying-size', {'submission.zip': zipfile_bytes(sol_entries()+[{'name':'notes.ts','packed':zeros_deflated(64),'size':10}])},
  {'description':'a zip with the right answers and one entry whose header claims 10 bytes but inflates to 64 MB: inflation stops within 16 KB of the claim and the zip is refused','base':'empty','expect':{},'others':{'score':0,'feedback':'inflates to more than the 10 bytes its header declares'},
   'errors':['the zip entry "notes.ts" inflates to more than the 10 bytes its header declares']})
case('zip-duplicate-names', {'submission.zip': zipfile_bytes(sol_entries()+[{'name':'01-local-rules.ts','data':sol['01-local-rules.ts'].replace('return x > 0 ? g : 0;','return 0;').encode()},{'name':'02-GRAPH-backward.ts','data':b'export const x = 1;\n'}])},
  {'description':'a zip that holds 01-local-rules.ts twice (the second copy wrong) and 02-graph-backward.ts under another case: the first copy of each name is graded, each later one skipped with a note','base':'empty','expect':{},
   'notes':['skipped the zip entry "01-local-rules.ts": the zip holds this name twice; the first copy was used','skipped the zip entry "02-GRAPH-backward.ts": the zip holds this name twice']})
case('zip-symlink-entry', {'submission.zip': zipfile_bytes(sol_entries(skip=('01-local-rules.ts',))+[{'name':'01-local-rules.ts','data':b'../../../solutions/01-local-rules.ts','unix_mode':0o120777}])},
  {'description':'a zip whose 01 file is a symbolic link to ../../../solutions/01-local-rules.ts: skipped with a note, its exercises are not submitted','base':'empty',
   'expect':{Z01:{'score':0,'feedback':'file 01-local-rules.ts was not submitted'}},'notes':['skipped the zip entry "01-local-rules.ts": it is a symbolic link; submit the file itself']})
case('zip-absolute-path', {'submission.zip': zipfile_bytes(sol_entries('exercises/',skip=('01-local-rules.ts',))+[{'name':n,'data':sol['01-local-rules.ts'].encode()} for n in ['/tmp/01-local-rules.ts','../01-local-rules.ts','exercises/../../01-local-rules.ts','C:\\work\\01-local-rules.ts']])},
  {'description':'a zip whose 01 file is only under absolute, drive-letter and ".." paths (zip-slip): each is skipped with a note, its exercises are not submitted, the rest is graded','base':'empty',
   'expect':{Z01:{'score':0,'feedback':'file 01-local-rules.ts was not submitted'}},
   'notes':['skipped the zip entry "/tmp/01-local-rules.ts": its path is absolute','skipped the zip entry "../01-local-rules.ts": its path climbs out of the folder (..)','skipped the zip entry "exercises/../../01-local-rules.ts": its path climbs out','skipped the zip entry "C:\\\\work\\\\01-local-rules.ts": its path is absolute']})
case('zip-windows-separators', {'submission.zip': zipfile_bytes(sol_entries('exercises\\'))},
  {'description':'a zip made on Windows with "\\" between folders (exercises\\01-local-rules.ts, …): read as folder separators, graded at full marks','base':'empty','expect':{},'notes':['read "\\" in zip entry names as a folder separator']})
inner=zipfile_bytes(sol_entries())
case('zip-in-zip', {'submission.zip': zipfile_bytes([{'name':'inner.zip','data':inner}])},
  {'description':'a zip that holds only another zip: it is not unpacked a second time (a zip that contains itself would never end), and the note says so','base':'empty','expect':{},'others':{'score':0,'feedback':'was not submitted'},
   'notes':['inner.zip is a zip inside the zip, which is not unpacked']})
for name,(files,exp,remove) in cases.items():
    d=f'{H}/{name}'
    if os.path.isdir(d): shutil.rmtree(d)
    os.makedirs(d)
    for f,t in files.items(): open(f'{d}/{f}','wb' if isinstance(t, bytes) else 'w').write(t)
    e={'description':exp.pop('description')}
    e.update(exp)
    if remove: e['remove']=remove
    open(f'{d}/expected.json','w').write(json.dumps(e,indent=2,ensure_ascii=False)+'\n')
print(len(cases),'cases')
