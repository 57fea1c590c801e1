/**
 * Options for a worker thread whose modules are TypeScript: tsx compiles them as esbuild does for
 * the cloud bundle. Profiling flags the process was started with (`--cpu-prof`, `--heap-prof` and
 * their directories) carry over, so `tsx --cpu-prof … simulate` profiles every thread, not only the
 * main one (a worker given its own execArgv does not inherit the process's).
 */
const TSX_LOADER = import.meta.resolve('tsx');
const PROFILING_FLAG = /^--(cpu|heap)-prof/;

export function typeScriptWorkerExecArgv(): string[] {
  return ['--import', TSX_LOADER, ...process.execArgv.filter((flag) => PROFILING_FLAG.test(flag))];
}
