import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmpty, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CSV_PAGE_SIZE_MAX, CURSOR_LENGTH_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, SORT_PATTERN } from '../keyset-query.js';
import { READ_MODEL_WAIT_MS_DEFAULT, READ_MODEL_WAIT_MS_MAX } from '../read-model-query.service.js';

/** A position as digits; 15 of them stay exact in a JSON number. */
const WAIT_FOR_POSITION_PATTERN = /^\d{1,15}$/;

/** Read-your-writes: what every read-model query accepts. */
export class FreshnessDto {
  @ApiPropertyOptional({
    description:
      "a `position` from a command response: wait until this read model has applied it. A position beyond the store's head is " +
      '400 POSITION_BEYOND_HEAD at once; one not applied within waitMs is 503 READ_MODEL_STALE (with Retry-After), never stale data.',
    example: '0',
    pattern: WAIT_FOR_POSITION_PATTERN.source,
  })
  @IsOptional()
  @Matches(WAIT_FOR_POSITION_PATTERN, { message: 'waitForPosition must be a position (digits)' })
  waitForPosition?: string;

  @ApiPropertyOptional({
    description: `how long to wait for waitForPosition, in ms (default ${READ_MODEL_WAIT_MS_DEFAULT}, max ${READ_MODEL_WAIT_MS_MAX}; more is a 400)`,
    example: READ_MODEL_WAIT_MS_DEFAULT,
    type: 'integer',
    minimum: 0,
    maximum: READ_MODEL_WAIT_MS_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(READ_MODEL_WAIT_MS_MAX)
  waitMs?: number;

  /** Read models hold the present only; a past state is answered by the auditors' as-of endpoints. */
  @IsEmpty({
    message:
      'asOf is not a read-model parameter: a past state is at GET /audit/as-of/balances, /audit/as-of/cards/:id, ... with at= or position= (auditors, admins)',
  })
  asOf?: string;
}

/** Paging, sorting and format of a list. */
export class ListQueryDto extends FreshnessDto {
  // The document states the JSON bound, which every request meets; a CSV page may be larger.
  @ApiPropertyOptional({
    description: `page size: default ${PAGE_SIZE_DEFAULT}, max ${PAGE_SIZE_MAX} (JSON) or ${CSV_PAGE_SIZE_MAX} (CSV; above ${PAGE_SIZE_MAX} without CSV is 400 INVALID_LIMIT)`,
    example: PAGE_SIZE_DEFAULT,
    type: 'integer',
    minimum: 1,
    maximum: PAGE_SIZE_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(CSV_PAGE_SIZE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque: the nextCursor of the previous page (same filters and sort)', maxLength: CURSOR_LENGTH_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_LENGTH_MAX)
  cursor?: string;

  @ApiPropertyOptional({ description: 'a sort field; prefix with - for descending. The allowed fields are listed per endpoint.', pattern: SORT_PATTERN.source })
  @IsOptional()
  @Matches(SORT_PATTERN)
  sort?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv answers text/csv (also chosen by Accept: text/csv); the next cursor is in X-Next-Cursor' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
