import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseCpuProfile } from '../../bench/support/cpu-profile.js';
import { percentile, summarise } from '../../bench/support/stats.js';

describe('performance report helpers', () => {
  it('percentile picks the nearest rank; summarise gives p50, p99 and max', () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(summarise([3, 1, 2])).toEqual({ count: 3, p50Ms: 2, p99Ms: 3, maxMs: 3 });
  });

  it('summariseCpuProfile counts self time per frame (sample i lasts timeDeltas[i+1]), idle apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bela-cpuprofile-'));
    try {
      const frame = (id: number, functionName: string, url: string, lineNumber: number) => ({
        id,
        callFrame: { functionName, url, lineNumber, columnNumber: 0 },
      });
      const profile = {
        nodes: [
          frame(1, '(root)', '', -1),
          frame(2, '(idle)', '', -1),
          frame(3, 'save', 'file:///app/dist/src/checkpoint.js', 23),
          frame(4, 'decide', 'file:///app/dist/src/order.js', 9),
        ],
        samples: [3, 3, 4, 2, 3],
        timeDeltas: [0, 1_000, 3_000, 2_000, 4_000],
      };
      const path = join(dir, 'run.cpuprofile');
      writeFileSync(path, JSON.stringify(profile));
      const summary = summariseCpuProfile(path, 2);
      expect(summary.sampledMs).toBe(10);
      expect(summary.idlePercent).toBe(40);
      expect(summary.top.map((entry) => [entry.function, entry.selfMs, entry.selfPercentOfBusy])).toEqual([
        ['save', 4, 66.7],
        ['decide', 2, 33.3],
      ]);
      expect(summary.top[0]!.location).toMatch(/checkpoint\.js:24$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
