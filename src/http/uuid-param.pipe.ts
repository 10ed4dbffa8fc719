import { Injectable, PipeTransform } from '@nestjs/common';
import { UUID_PATTERN } from '../kernel/ids.js';
import { invalid } from '../kernel/errors.js';

/** Path ids are lowercase UUIDs; anything else is a 400, never a lookup. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}
  transform(value: string): string {
    if (!UUID_PATTERN.test(value)) throw invalid('INVALID_ID', `${this.field} must be a lowercase UUID`, [{ field: this.field, messages: ['must be a UUID'] }]);
    return value;
  }
}
