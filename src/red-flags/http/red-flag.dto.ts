import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { OPD_CODE_EXAMPLE, OPD_CODE_FORMAT } from '../../opds/domain/opd-code.js';
import { IsOpdCode } from '../../opds/http/opd-code.validator.js';
import { ListQueryDto } from '../../read-models/http/read-model-query.dto.js';
import { RED_FLAG_RULES, RED_FLAG_STATUSES, REVIEW_REASON_LENGTH_MAX, REVIEW_STATUSES } from '../domain/red-flag-rules.js';
import type { ReviewStatus } from '../domain/red-flag-rules.js';
import { IsIsoDate } from '../../http/is-iso-date.validator.js';

export class ReviewRedFlagDto {
  @ApiProperty({ enum: REVIEW_STATUSES })
  @IsIn(REVIEW_STATUSES)
  status!: ReviewStatus;

  @ApiProperty({
    description: `why (1..${REVIEW_REASON_LENGTH_MAX} characters); kept internal, never published`,
    example: 'harga wajar: laptop spesifikasi tinggi',
  })
  @IsString()
  @MaxLength(REVIEW_REASON_LENGTH_MAX * 2)
  reason!: string;
}

export class RedFlagListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: RED_FLAG_RULES }) @IsOptional() @IsIn(RED_FLAG_RULES) rule?: string;
  @ApiPropertyOptional({ enum: RED_FLAG_STATUSES }) @IsOptional() @IsIn(RED_FLAG_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ['flagged', 'refused'], description: 'refused: a split purchase refused at placement' })
  @IsOptional()
  @IsIn(['flagged', 'refused'])
  outcome?: string;
  @ApiPropertyOptional({ description: OPD_CODE_FORMAT, example: OPD_CODE_EXAMPLE }) @IsOptional() @IsOpdCode() opdCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() vendorId?: string;
  @ApiPropertyOptional({ description: 'raised at or after (ISO 8601)' }) @IsOptional() @IsIsoDate() from?: string;
  @ApiPropertyOptional({ description: 'raised at or before (ISO 8601)' }) @IsOptional() @IsIsoDate() to?: string;
}

/** The public list: the same filters and paging, but it never waits for a position (anyone may call it): waitForPosition and waitMs are unknown parameters here (400). */
export class PublicRedFlagListQueryDto extends OmitType(RedFlagListQueryDto, ['waitForPosition', 'waitMs', 'asOf'] as const) {}
