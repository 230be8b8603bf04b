'use strict';
/**
 * Preloaded into a language-server process by the benchmark (`node --require test/bench/stall-probe.js ...`): a 1 ms
 * timer notices every time the event loop was blocked and reports the stall on stderr, with its start as epoch ms, so
 * the benchmark can tell how long the server could not answer anything during an edit. On SIGUSR2 it reports any
 * stall in progress and then a mark, so the benchmark knows every stall before that moment has been reported.
 * Not part of the product.
 */
const { performance } = require('node:perf_hooks');
const { isMainThread } = require('node:worker_threads');

// Worker threads inherit --require: only the server's own event loop is probed (the analysis worker may well be busy).
if (isMainThread) {
  const thresholdMs = Number(process.env.KAYRON_BENCH_STALL_MS || 5);
  let last = performance.now();
  let lastCpu = process.cpuUsage();

  /** Also reports the CPU time the process (all threads) used meanwhile: on a busy machine a stall can be time spent descheduled. */
  function check() {
    const now = performance.now();
    const gap = now - last;
    if (gap > thresholdMs) {
      const cpu = process.cpuUsage(lastCpu);
      process.stderr.write(
        `kayron-bench-stall ${(performance.timeOrigin + last).toFixed(3)} ${gap.toFixed(3)} ${((cpu.user + cpu.system) / 1000).toFixed(3)}\n`,
      );
    }
    last = now;
    lastCpu = process.cpuUsage();
  }

  setInterval(check, 1).unref();

  // Garbage-collection pauses, so a long stall can be told apart from long work.
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  const gcKinds = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < 1) continue;
      const kind = gcKinds[entry.detail?.kind] ?? 'other';
      process.stderr.write(
        `kayron-bench-gc ${(performance.timeOrigin + entry.startTime).toFixed(3)} ${entry.duration.toFixed(3)} ${kind}\n`,
      );
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    check();
    process.stderr.write(`kayron-bench-mark ${(performance.timeOrigin + performance.now()).toFixed(3)}\n`);
  });
}
