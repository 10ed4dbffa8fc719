import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

/** A stream id as the store names them: `<category>-<id>`. */
const STREAM_ID_PATTERN = /^[a-z]{1,20}-[A-Za-z0-9-]{1,100}$/;

/** Tree sizes and leaf indexes: non-negative integers below 2^53. */
const INDEX_MAX = Number.MAX_SAFE_INTEGER;

/** The tree a proof is asked against; both proof queries take it. */
class TreeSizeQueryDto {
  @ApiPropertyOptional({ description: 'the tree size to prove against (default: the latest signed checkpoint)', example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(INDEX_MAX)
  treeSize?: number;
}

export class InclusionQueryDto extends TreeSizeQueryDto {
  @ApiPropertyOptional({ description: "the event's position in $all (digits); give this, eventId or leafIndex", example: '0' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'position must be a position (digits)' })
  position?: string;

  @ApiPropertyOptional({ description: "the event's id; give this, position or leafIndex" })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ description: 'the leaf index (from 0); give this, position or eventId', example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INDEX_MAX)
  leafIndex?: number;
}

export class StreamProofQueryDto extends TreeSizeQueryDto {
  @ApiProperty({
    description: 'a stream id: `order-<uuid>`, `card-<uuid>`, `vendor-<uuid>`, `listing-<uuid>`',
    example: 'order-0b000000-0000-4000-8000-000000000001',
  })
  @Matches(STREAM_ID_PATTERN, { message: 'streamId must be <category>-<id>' })
  streamId!: string;
}

export class ConsistencyQueryDto {
  @ApiProperty({ description: 'the earlier tree size (a checkpoint you kept)', example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INDEX_MAX)
  from!: number;

  @ApiPropertyOptional({ description: 'the later tree size (default: the latest signed checkpoint)', example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INDEX_MAX)
  to?: number;
}

export class LeafRangeQueryDto {
  @ApiProperty({ description: 'first leaf index (inclusive)', example: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INDEX_MAX)
  start!: number;

  @ApiProperty({ description: 'leaf index after the last (exclusive); the range is bounded per route', example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INDEX_MAX)
  end!: number;
}
