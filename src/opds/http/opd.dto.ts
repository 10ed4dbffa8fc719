import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../read-models/http/read-model-query.dto.js';
import { KABUPATEN_KOTA_CODE_PATTERN } from '../../vendors/domain/regions.js';
import { OPD_CODE_EXAMPLE, OPD_CODE_FORMAT, OPD_CODE_LENGTH_MAX, PEMDA_CODE_PATTERN } from '../domain/opd-code.js';
import { OPD_NAME_LENGTH_MAX } from '../domain/opd.decider.js';
import { IsOpdCode } from './opd-code.validator.js';

export class RegisterOpdDto {
  @ApiProperty({ example: OPD_CODE_EXAMPLE, maxLength: OPD_CODE_LENGTH_MAX, description: `the OPD/satker code: ${OPD_CODE_FORMAT}; unique` })
  @IsOpdCode()
  opdCode!: string;

  @ApiProperty({ example: 'Dinas Kesehatan Kota Serang' })
  @IsString()
  @Length(1, OPD_NAME_LENGTH_MAX)
  name!: string;

  @ApiProperty({
    example: '3673',
    description:
      'BPS kabupaten/kota where the OPD sits: its orders are credited to it. The pemda itself for a kabupaten/kota OPD; the kabupaten/kota of its office (Kota Serang, 3673, for Pemprov Banten) for a province OPD',
  })
  @Matches(KABUPATEN_KOTA_CODE_PATTERN, { message: 'kabupatenKotaCode must be 4 digits' })
  kabupatenKotaCode!: string;
}

export class RenameOpdDto {
  @ApiProperty({ example: 'Dinas Kesehatan Kota Serang' })
  @IsString()
  @Length(1, OPD_NAME_LENGTH_MAX)
  name!: string;
}

export class OpdListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: '3673' }) @IsOptional() @Matches(KABUPATEN_KOTA_CODE_PATTERN) kabupatenKotaCode?: string;
  @ApiPropertyOptional({ description: 'the parent pemda (2 or 4 digits)', example: '36' }) @IsOptional() @Matches(PEMDA_CODE_PATTERN) pemdaCode?: string;
  @ApiPropertyOptional({ description: 'part of the name, case-insensitive' }) @IsOptional() @IsString() @MaxLength(OPD_NAME_LENGTH_MAX) name?: string;
}
