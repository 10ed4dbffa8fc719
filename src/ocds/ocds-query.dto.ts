import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { INSTANT_FORMAT, INSTANT_PATTERN, POSITION_PATTERN } from '../audit/params/audit-params.js';
import { PAGE_LIMIT_PATTERN } from './ocds-period.js';

/** Raw parameters are checked by ocds-period.ts (one rule for the CLI and HTTP); this only bounds their length. */
const PARAM_LENGTH_MAX = 64;

export class OcdsPeriodQueryDto {
  @ApiPropertyOptional({
    description: `releases recorded at or after: ${INSTANT_FORMAT}`,
    example: '2026-11-01T00:00:00+07:00',
    format: 'date-time',
    pattern: INSTANT_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  from?: string;

  @ApiPropertyOptional({ description: `releases recorded at or before: ${INSTANT_FORMAT}`, format: 'date-time', pattern: INSTANT_PATTERN.source })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  to?: string;

  @ApiPropertyOptional({ description: 'where the page starts: take it from the previous answer\'s Link rel="next"', pattern: POSITION_PATTERN.source })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  cursor?: string;

  @ApiPropertyOptional({ description: 'releases (or records) in this page: 1 to 200 releases, 1 to 100 records', pattern: PAGE_LIMIT_PATTERN.source })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  limit?: string;
}
