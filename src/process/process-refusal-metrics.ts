import { Injectable } from '@nestjs/common';
import type { MetricFamily } from '../http/metric-family.js';

/** Refused follow-up commands per process manager and refusal code, since start. The key space is bounded: a few processes times the domain's error codes. */
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

  families(): MetricFamily[] {
    return [
      {
        name: 'bela_process_refusals_total',
        help: 'follow-up commands of a process manager that the domain refused, by process and refusal code',
        type: 'counter',
        samples: [...this.refusals.values()].map(({ process, code, count }) => [{ process, code }, count] as const),
      },
    ];
  }
}
