import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { INSTANT_FORMAT } from '../audit/params/audit-params.js';

/** Raw parameters are checked by ocds-period.ts (one rule for the CLI and HTTP); this only bounds their length. */
const PARAM_LENGTH_MAX = 64;

export class OcdsPeriodQueryDto {
  @ApiPropertyOptional({ description: `releases recorded at or after: ${INSTANT_FORMAT}`, example: '2026-11-01T00:00:00+07:00' })
  @IsOptional() @IsString() @MaxLength(PARAM_LENGTH_MAX) from?: string;

  @ApiPropertyOptional({ description: `releases recorded at or before: ${INSTANT_FORMAT}` })
  @IsOptional() @IsString() @MaxLength(PARAM_LENGTH_MAX) to?: string;

  @ApiPropertyOptional({ description: 'where the page starts: take it from the previous answer\'s Link rel="next"' })
  @IsOptional() @IsString() @MaxLength(PARAM_LENGTH_MAX) cursor?: string;

  @ApiPropertyOptional({ description: 'releases (or records) in this page' })
  @IsOptional() @IsString() @MaxLength(PARAM_LENGTH_MAX) limit?: string;
}
