import { Injectable, PipeTransform } from '@nestjs/common';
import { invalid } from '../../kernel/errors.js';
import { OPD_CODE_FORMAT, isOpdCode } from '../domain/opd-code.js';

/** An OPD code in a path has the one format; anything else is a 400, never a lookup. */
@Injectable()
export class OpdCodeParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isOpdCode(value)) throw invalid('INVALID_ID', `opdCode must be ${OPD_CODE_FORMAT}`, [{ field: 'opdCode', messages: [OPD_CODE_FORMAT] }]);
    return value;
  }
}
