import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { AS_OF_CARDS_PAGE_DEFAULT, AS_OF_CARDS_PAGE_MAX } from '../as-of/balances-as-of.js';
import { INSTANT_FORMAT, INSTANT_PATTERN, POSITION_PATTERN } from '../params/audit-params.js';

/** Lines per answer of GET /audit/events; the next answer starts at the last line's position + 1. */
export const AUDIT_EXPORT_LINES_DEFAULT = 10_000;
export const AUDIT_EXPORT_LINES_MAX = 100_000;
/** Lines per answer of GET /public/events: smaller, as anyone may ask. */
export const PUBLIC_EXPORT_LINES_DEFAULT = 1_000;
export const PUBLIC_EXPORT_LINES_MAX = 10_000;
/** Raw parameters are checked by src/audit/params (one rule for the CLI and HTTP); this only bounds their length. */
const PARAM_LENGTH_MAX = 64;
const POSITION = { pattern: POSITION_PATTERN.source, maxLength: PARAM_LENGTH_MAX };
const INSTANT = { format: 'date-time', pattern: INSTANT_PATTERN.source, maxLength: PARAM_LENGTH_MAX };

class ExportRangeDto {
  @ApiPropertyOptional({ description: "first position (inclusive); to resume, the last line's position + 1", example: '0', ...POSITION })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  fromPosition?: string;

  @ApiPropertyOptional({ description: 'last position (inclusive)', ...POSITION })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  toPosition?: string;

  @ApiPropertyOptional({ description: `recorded at or after: ${INSTANT_FORMAT}`, ...INSTANT })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  from?: string;

  @ApiPropertyOptional({ description: `recorded at or before: ${INSTANT_FORMAT}`, ...INSTANT })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  to?: string;
}

export class AuditExportQueryDto extends ExportRangeDto {
  @ApiPropertyOptional({
    description: `lines in this answer: default ${AUDIT_EXPORT_LINES_DEFAULT}, max ${AUDIT_EXPORT_LINES_MAX}`,
    type: 'integer',
    minimum: 1,
    maximum: AUDIT_EXPORT_LINES_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_EXPORT_LINES_MAX)
  limit?: number;
}

export class PublicExportQueryDto extends ExportRangeDto {
  @ApiPropertyOptional({
    description: `lines in this answer: default ${PUBLIC_EXPORT_LINES_DEFAULT}, max ${PUBLIC_EXPORT_LINES_MAX}`,
    type: 'integer',
    minimum: 1,
    maximum: PUBLIC_EXPORT_LINES_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PUBLIC_EXPORT_LINES_MAX)
  limit?: number;
}

export class AsOfQueryDto {
  @ApiPropertyOptional({
    description: `the state after the last event recorded at or before this instant: ${INSTANT_FORMAT}. Exactly one of at and position is required (400 INVALID_AS_OF otherwise)`,
    ...INSTANT,
  })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  at?: string;

  @ApiPropertyOptional({
    description: 'the state after the event at this position (inclusive). Exactly one of at and position is required (400 INVALID_AS_OF otherwise)',
    ...POSITION,
  })
  @IsOptional()
  @IsString()
  @MaxLength(PARAM_LENGTH_MAX)
  position?: string;
}

export class BalancesAsOfQueryDto extends AsOfQueryDto {
  @ApiPropertyOptional({ description: 'only this card', format: 'uuid' }) @IsOptional() @IsUUID() cardId?: string;
  @ApiPropertyOptional({ description: 'cards after this card id (the nextAfterCardId of the previous answer)', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  afterCardId?: string;
  @ApiPropertyOptional({
    description: `cards in this answer: default ${AS_OF_CARDS_PAGE_DEFAULT}, max ${AS_OF_CARDS_PAGE_MAX}`,
    type: 'integer',
    minimum: 1,
    maximum: AS_OF_CARDS_PAGE_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AS_OF_CARDS_PAGE_MAX)
  limit?: number;
}
