import { Injectable } from '@nestjs/common';

/** Refused follow-up commands per process manager and refusal code, since start (exposed at /metrics by src/ops/ops-metrics.ts). The key space is bounded: a few processes times the domain's error codes. */
@Injectable()
export class ProcessRefusalMetrics {
  private readonly refusals = new Map<string, { process: string; code: string; count: number }>();

  record(process: string, code: string): void {
    const key = `${process} ${code}`;
    const entry = this.refusals.get(key) ?? { process, code, count: 0 };
    this.refusals.set(key, { ...entry, count: entry.count + 1 });
  }

  count(process: string, code: string): number {
    return this.refusals.get(`${process} ${code}`)?.count ?? 0;
  }

  entries(): { readonly process: string; readonly code: string; readonly count: number }[] {
    return [...this.refusals.values()];
  }
}
