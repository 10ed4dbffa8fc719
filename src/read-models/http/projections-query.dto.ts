import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** The projections' status: row counts scan every table, so a poller of the lag can leave them out. */
export class ProjectionsStatusQueryDto {
  @ApiPropertyOptional({
    description: '`false` leaves out `tables` (row counts: a full count of each table, slow on large read models)',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  rows?: 'true' | 'false';
}
