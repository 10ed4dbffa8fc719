import { Injectable, PipeTransform } from '@nestjs/common';
import { invalid } from '../kernel/errors.js';

/**
 * For commands that take no body (accept an order, verify a vendor, reinstate a card): none, or
 * `{}`. Without a `@Body()` such a route ignored whatever was sent, so `null`, an array or
 * `{"isAdmin":true}` carried out the command where every other route refuses them.
 */
@Injectable()
export class NoBodyPipe implements PipeTransform<unknown, Record<string, never>> {
  transform(value: unknown): Record<string, never> {
    if (value === undefined) return {};
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return {};
    throw invalid('VALIDATION_FAILED', 'this command takes no body (send none, or {})', [{ field: 'body', messages: ['must be empty'] }]);
  }
}
