/**
 * Loaded into every unit and LSP test file's process (plain JavaScript: worker threads inherit the --import flags but
 * not tsx's loader) (`node --import ./test/helpers/file-guard.mjs --test …`, see
 * test/run-all.sh): a test file can never hang the suite quietly.
 *
 * - Once the file's tests have finished, the process must exit within LINGER_LIMIT_MS (of an unblocked event loop). If something still holds it
 *   open (a server, socket, timer or child process a test or the product forgot to close), the guard names those
 *   handles and fails the file. Its own timer is unref'd: it never keeps the process alive by itself.
 * - A file still running shortly before its limit (`--test-timeout`, which in Node 20 bounds each file as well as each
 *   test) is failed by the guard, naming what was still open, since the runner's own timeout prints nothing about it.
 */
import { after } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import budget from '../wait-budget.js';

const { scaled, TEST_FILE_LIMIT_MS } = budget;

const LINGER_LIMIT_MS = scaled(15_000);
/** Just before the runner's own limit, so the report comes from inside the process while it still can. */
const FILE_REPORT_MS = Math.max(TEST_FILE_LIMIT_MS - scaled(15_000), TEST_FILE_LIMIT_MS / 2);

/** Pending timers of this process with where they were set: Node lists a timer only as "Timeout". */
const liveTimers = new Map();

function whereFrom() {
  const frames = (new Error().stack ?? '')
    .split('\n')
    .slice(3)
    .filter((frame) => !frame.includes('file-guard') && !frame.includes('node:internal'));
  return frames
    .slice(0, 4)
    .map((frame) => frame.trim())
    .join(' ← ');
}

/** Wraps setTimeout/setInterval so a timer that holds the process open can be named with the code that set it. */
function trackTimers() {
  const originalSetTimeout = globalThis.setTimeout;
  const originalSetInterval = globalThis.setInterval;
  const originalClearTimeout = globalThis.clearTimeout;
  const originalClearInterval = globalThis.clearInterval;
  const tracked = (callback, ms, ...args) => {
    const timer = originalSetTimeout(
      (...callArgs) => {
        liveTimers.delete(timer);
        callback(...callArgs);
      },
      ms,
      ...args,
    );
    liveTimers.set(timer, whereFrom());
    return timer;
  };
  Object.assign(tracked, originalSetTimeout);
  globalThis.setTimeout = tracked;
  globalThis.setInterval = (callback, ms, ...args) => {
    const timer = originalSetInterval(callback, ms, ...args);
    liveTimers.set(timer, whereFrom());
    return timer;
  };
  globalThis.clearTimeout = (timer) => {
    if (timer && typeof timer === 'object') liveTimers.delete(timer);
    originalClearTimeout(timer);
  };
  globalThis.clearInterval = (timer) => {
    if (timer && typeof timer === 'object') liveTimers.delete(timer);
    originalClearInterval(timer);
  };
}

/** The open handles, described as specifically as Node lets us (types always; addresses, pids, commands, timers' origins). */
export function describeOpenHandles() {
  const lines = [`active resources: ${JSON.stringify(process.getActiveResourcesInfo())}`];
  for (const [timer, where] of liveTimers) if (timer.hasRef()) lines.push(`  timer set at ${where}`);
  const handles = process._getActiveHandles?.() ?? [];
  for (const handle of handles) {
    const described = describeHandle(handle);
    if (described) lines.push(`  ${described}`);
  }
  return lines.join('\n');
}

function describeHandle(handle) {
  if (!handle || typeof handle !== 'object') return undefined;
  const name = handle.constructor?.name ?? 'object';
  const record = handle;
  if (typeof record['pid'] === 'number' && Array.isArray(record['spawnargs']))
    return `child process ${record['pid']}: ${record['spawnargs'].join(' ').slice(0, 300)}`;
  if (typeof record['address'] === 'function' && typeof record['listening'] === 'boolean') {
    try {
      return `${name} listening on ${JSON.stringify(record['address'].call(handle))}`;
    } catch {
      return `${name} (server)`;
    }
  }
  if ('remoteAddress' in record || 'localPort' in record) {
    const fd = record['_handle']?.fd;
    // stdio of this process are sockets/pipes too; they are expected.
    if (fd !== undefined && fd >= 0 && fd <= 2) return undefined;
    const field = (key) => {
      const value = record[key];
      return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    };
    return `${name} ${field('localAddress')}:${field('localPort')} → ${field('remoteAddress')}:${field('remotePort')}${record['destroyed'] ? ' (destroyed)' : ''}`;
  }
  if (name === 'WriteStream' || name === 'ReadStream') return undefined;
  return name;
}

/** The runner's own process loads this module too (through --import): only the test file processes are guarded. */
// Worker threads (the analysis worker) inherit the flags too; their process is guarded by its main thread.
const isTestFileProcess = process.env['NODE_TEST_CONTEXT'] !== undefined && isMainThread;

if (isTestFileProcess) guardThisFile();

function guardThisFile() {
  trackTimers();
  after(() => {
    // Counted in quiet seconds: a file's own root-level after hooks run after this one, and a synchronous cleanup there
    // (removing a large scratch tree) blocks the loop; a late tick restarts the count rather than failing the file.
    let quietSince = Date.now();
    let lastTick = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - lastTick > 1500) quietSince = now;
      lastTick = now;
      if (now - quietSince < LINGER_LIMIT_MS) return;
      process.stderr.write(
        `\n[file guard] ${process.argv[1] ?? 'this test file'}: all its tests finished, but the process was still open ${LINGER_LIMIT_MS} ms later. Close what a test opened.\n${describeOpenHandles()}\n`,
      );
      process.exit(1);
    }, 1000);
    timer.unref();
  });

  const fileTimer = setTimeout(() => {
    process.stderr.write(
      `\n[file guard] ${process.argv[1] ?? 'this test file'} has run for ${FILE_REPORT_MS} ms, close to its limit of ${TEST_FILE_LIMIT_MS} ms (KAYRON_TEST_TIMEOUT_SCALE scales it): a test hangs.\n${describeOpenHandles()}\n`,
    );
    process.exit(1);
  }, FILE_REPORT_MS);
  fileTimer.unref();
}
