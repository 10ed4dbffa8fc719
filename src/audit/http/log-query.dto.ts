import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

/** Tree sizes and leaf indexes: non-negative integers below 2^53. */
const INDEX_MAX = Number.MAX_SAFE_INTEGER;

export class InclusionQueryDto {
  @ApiPropertyOptional({ description: "the event's position in $all (digits); give this or eventId", example: '42' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'position must be a position (digits)' })
  position?: string;

  @ApiPropertyOptional({ description: "the event's id; give this or position" })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ description: 'the tree size to prove against (default: the latest signed checkpoint)', example: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(INDEX_MAX)
  treeSize?: number;
}

export class ConsistencyQueryDto {
  @ApiProperty({ description: 'the earlier tree size (a checkpoint you kept)', example: 10 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INDEX_MAX)
  from!: number;

  @ApiPropertyOptional({ description: 'the later tree size (default: the latest signed checkpoint)', example: 100 })
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

  @ApiProperty({ description: 'leaf index after the last (exclusive); the range is bounded per route', example: 100 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INDEX_MAX)
  end!: number;
}
