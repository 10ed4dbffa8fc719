// Preloaded (--import) into a service run by bench/memory-breakdown.ts: appends one JSON line of
// the process's memory every MEMORY_PROBE_INTERVAL_MS to MEMORY_PROBE_FILE, so the report can say
// what is resident (V8 heap, external and array buffers, native: SQLite, code, stacks) in each phase.
import { appendFileSync, readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const file = process.env.MEMORY_PROBE_FILE;
const intervalMs = Number(process.env.MEMORY_PROBE_INTERVAL_MS ?? '100');

function statusKiB(status, field) {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return match ? Number(match[1]) : 0;
}

if (file) {
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    const heap = getHeapStatistics();
    const status = readFileSync('/proc/self/status', 'utf8');
    const sample = {
      atMs: Math.round(performance.now()),
      rss: usage.rss,
      heapTotal: usage.heapTotal,
      heapUsed: usage.heapUsed,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      heapPhysical: heap.total_physical_size,
      mallocedV8: heap.malloced_memory,
      rssAnonKiB: statusKiB(status, 'RssAnon'),
      rssFileKiB: statusKiB(status, 'RssFile'),
      // Resident bytes per V8 space (old, new, code, large objects...), to tell which one grows.
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size])),
    };
    appendFileSync(file, `${JSON.stringify(sample)}\n`);
  }, intervalMs);
  timer.unref();
}
