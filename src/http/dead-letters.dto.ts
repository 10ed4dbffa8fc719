import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DISMISS_REASON_LENGTH_MAX } from '../event-store/dead-letter-admin.js';
import {
  DEAD_LETTER_ID_PATTERN,
  DEAD_LETTER_PAGE_SIZE_DEFAULT,
  DEAD_LETTER_PAGE_SIZE_MAX,
  DEAD_LETTER_STATUSES,
  type DeadLetterStatus,
} from '../event-store/dead-letter-store.js';

/** Consumer names: `process.order-payment`, `projection:orders`, `kafka.relay`, ... */
const CONSUMER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.:_-]{0,99}$/;

export class DeadLetterListQueryDto {
  @ApiPropertyOptional({ description: 'only this consumer', example: 'process.order-payment' })
  @IsOptional()
  @Matches(CONSUMER_NAME_PATTERN, { message: 'consumer must be a consumer name' })
  consumer?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES, description: 'only records in this status' })
  @IsOptional()
  @IsIn(DEAD_LETTER_STATUSES)
  status?: DeadLetterStatus;

  @ApiPropertyOptional({
    description: `page size: default ${DEAD_LETTER_PAGE_SIZE_DEFAULT}, max ${DEAD_LETTER_PAGE_SIZE_MAX}`,
    example: DEAD_LETTER_PAGE_SIZE_DEFAULT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DEAD_LETTER_PAGE_SIZE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page (same filters)' })
  @IsOptional()
  @Matches(DEAD_LETTER_ID_PATTERN, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

export class DismissDeadLetterDto {
  @ApiProperty({
    example: 'order 0a00... was settled by hand with the bank (BA-2026-11-07)',
    description: `why it is left unhandled, 1..${DISMISS_REASON_LENGTH_MAX} characters`,
  })
  @IsString()
  @Length(1, DISMISS_REASON_LENGTH_MAX)
  reason!: string;
}
