import { applyDecorators } from '@nestjs/common';
import { Matches, MaxLength } from 'class-validator';
import { OPD_CODE_FORMAT, OPD_CODE_LENGTH_MAX, OPD_CODE_PATTERN } from '../domain/opd-code.js';

/** The one OPD code format, for every DTO that takes one (cards, orders, OPDs, read-model filters). */
export const IsOpdCode = (field = 'opdCode'): PropertyDecorator =>
  applyDecorators(
    MaxLength(OPD_CODE_LENGTH_MAX, { message: `${field} must be at most ${OPD_CODE_LENGTH_MAX} characters` }),
    Matches(OPD_CODE_PATTERN, { message: `${field} must be ${OPD_CODE_FORMAT}` }),
  );
