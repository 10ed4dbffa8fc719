import { Injectable } from '@nestjs/common';

/** Response counts by method and status; the key space is bounded (methods x statuses). */
@Injectable()
export class HttpMetrics {
  private readonly responses = new Map<string, number>();

  record(method: string, status: number): void {
    const key = `${method} ${status}`;
    this.responses.set(key, (this.responses.get(key) ?? 0) + 1);
  }

  counts(): ReadonlyMap<string, number> {
    return this.responses;
  }
}
