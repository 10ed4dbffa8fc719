import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { CATEGORY_CODES } from '../../catalog/domain/categories.js';
import { KABUPATEN_KOTA_CODE_PATTERN } from '../../vendors/domain/regions.js';
import { LEGAL_FORMS, NIB_PATTERN } from '../../vendors/domain/vendor-rules.js';
import { SEARCH_TEXT_LENGTH_MAX } from '../keyset-query.js';
import { VENDOR_SCALES } from '../../policy/domain/policy.js';
import { ListQueryDto } from './read-model-query.dto.js';

/** Query strings carry "true"/"false"; anything else stays as is and fails @IsBoolean. */
export const BooleanParam = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

export class VendorListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'verified', 'rejected', 'suspended'] })
  @IsOptional()
  @IsIn(['pending', 'verified', 'rejected', 'suspended'])
  status?: string;

  @ApiPropertyOptional({ enum: VENDOR_SCALES })
  @IsOptional()
  @IsIn(VENDOR_SCALES)
  scale?: string;

  @ApiPropertyOptional({ enum: LEGAL_FORMS })
  @IsOptional()
  @IsIn(LEGAL_FORMS)
  legalForm?: string;

  @ApiPropertyOptional({ description: 'BPS kabupaten/kota code of the domicile', example: '3673' })
  @IsOptional()
  @Matches(KABUPATEN_KOTA_CODE_PATTERN)
  kabupatenKotaCode?: string;

  @ApiPropertyOptional({ description: 'domiciled in Banten (province 36)' })
  @IsOptional()
  @BooleanParam()
  @IsBoolean()
  isLocal?: boolean;

  @ApiPropertyOptional({ description: 'part of the name, case-insensitive' })
  @IsOptional()
  @MaxLength(SEARCH_TEXT_LENGTH_MAX)
  name?: string;

  @ApiPropertyOptional({ description: 'exact NIB (13 digits)' })
  @IsOptional()
  @Matches(NIB_PATTERN)
  nib?: string;

  @ApiPropertyOptional({ description: 'registered at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  registeredFrom?: string;

  @ApiPropertyOptional({ description: 'registered at or before (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  registeredTo?: string;
}

export class ListingListQueryDto extends ListQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  vendorId?: string;

  @ApiPropertyOptional({ enum: CATEGORY_CODES })
  @IsOptional()
  @IsIn(CATEGORY_CODES)
  category?: string;

  @ApiPropertyOptional({ enum: ['active', 'delisted'] })
  @IsOptional()
  @IsIn(['active', 'delisted'])
  status?: string;

  @ApiPropertyOptional({ enum: ['verified', 'suspended'], description: "the vendor's status now: a suspended vendor's listings are not selling" })
  @IsOptional()
  @IsIn(['verified', 'suspended', 'rejected', 'pending'])
  vendorStatus?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @BooleanParam()
  @IsBoolean()
  isDomesticProduct?: boolean;

  @ApiPropertyOptional({ description: 'rupiah' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPriceRupiah?: number;

  @ApiPropertyOptional({ description: 'rupiah' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  maxPriceRupiah?: number;

  @ApiPropertyOptional({ description: 'part of the title, case-insensitive' })
  @IsOptional()
  @MaxLength(SEARCH_TEXT_LENGTH_MAX)
  title?: string;
}

export class PriceHistoryQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'effective at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'effective at or before (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}
