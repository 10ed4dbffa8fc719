/** Top self-time frames of a V8 .cpuprofile (the JSON `node --cpu-prof` writes). */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from './service.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileFrame {
  readonly function: string;
  readonly location: string;
  readonly selfMs: number;
  readonly selfPercent: number;
  /** Share of the time the main thread was busy (sampled time less idle). */
  readonly selfPercentOfBusy: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  /** Share of the sampled time the main thread was idle (waiting for I/O or requests). */
  readonly idlePercent: number;
  readonly top: readonly ProfileFrame[];
}

function location(url: string, lineNumber: number): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? relative(PROJECT_ROOT, fileURLToPath(url)) : url;
  return lineNumber >= 0 ? `${path}:${lineNumber + 1}` : path;
}

/** Sample i lasts until sample i+1 (timeDeltas[i+1] microseconds), as DevTools counts it. */
export function summariseCpuProfile(path: string, topCount: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUsByFrame = new Map<string, { fn: string; location: string; us: number }>();
  let totalUs = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    const us = profile.timeDeltas[index + 1] ?? 0;
    const node = byId.get(profile.samples[index]!);
    if (!node) continue;
    const fn = node.callFrame.functionName || '(anonymous)';
    const where = location(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${fn}\u0000${where}`;
    const entry = selfUsByFrame.get(key) ?? { fn, location: where, us: 0 };
    entry.us += us;
    selfUsByFrame.set(key, entry);
    totalUs += us;
  }
  const share = (us: number, ofUs = totalUs): number => (ofUs > 0 ? Math.round((1000 * us) / ofUs) / 10 : 0);
  const frames = [...selfUsByFrame.values()].sort((a, b) => b.us - a.us);
  const idleUs = frames.filter((frame) => frame.fn === '(idle)').reduce((sum, frame) => sum + frame.us, 0);
  const busyUs = totalUs - idleUs;
  return {
    sampledMs: Math.round(totalUs / 1000),
    idlePercent: share(idleUs),
    top: frames
      .filter((frame) => frame.fn !== '(idle)')
      .slice(0, topCount)
      .map((frame) => ({
        function: frame.fn,
        location: frame.location,
        selfMs: Math.round(frame.us / 1000),
        selfPercent: share(frame.us),
        selfPercentOfBusy: share(frame.us, busyUs),
      })),
  };
}
