import { Injectable, PipeTransform } from '@nestjs/common';
import { isValidNib } from '../domain/vendor-rules.js';
import { invalid } from '../../kernel/errors.js';

/** A NIB in a path is 13 digits; anything else is a 400, never a lookup. */
@Injectable()
export class NibParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isValidNib(value)) throw invalid('INVALID_ID', 'nib must be 13 digits', [{ field: 'nib', messages: ['13 digits'] }]);
    return value;
  }
}
