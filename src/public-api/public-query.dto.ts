import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { CATEGORY_CODES } from '../catalog/domain/categories.js';
import { OPD_CODE_EXAMPLE, OPD_CODE_FORMAT } from '../opds/domain/opd-code.js';
import { IsOpdCode } from '../opds/http/opd-code.validator.js';
import { VENDOR_SCALES } from '../policy/domain/policy.js';
import { BooleanParam } from '../read-models/http/directory-query.dto.js';
import { invalid } from '../kernel/errors.js';
import { CURSOR_LENGTH_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, SEARCH_TEXT_LENGTH_MAX, SORT_PATTERN } from '../read-models/keyset-query.js';
import { KABUPATEN_KOTA_CODE_PATTERN } from '../vendors/domain/regions.js';
import { IsIsoDate } from '../http/is-iso-date.validator.js';

const ORDER_STATUSES = ['placed', 'authorised', 'declined', 'accepted', 'rejected', 'shipped', 'received', 'paid', 'cancelled', 'expired'];
const PRICE_RUPIAH_MAX = 1_000_000_000_000;

/**
 * Paging of a public list. Public queries take no waitForPosition: they answer from the read
 * model as it is (X-Read-Model-Position says how far), so nobody can hold a request open.
 */
export class PublicListQueryDto {
  @ApiPropertyOptional({ description: `page size: default ${PAGE_SIZE_DEFAULT}, max ${PAGE_SIZE_MAX}`, example: PAGE_SIZE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_SIZE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque: the nextCursor of the previous page (same filters and sort)' })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_LENGTH_MAX)
  cursor?: string;

  @ApiPropertyOptional({ description: 'a sort field; prefix with - for descending' })
  @IsOptional()
  @Matches(SORT_PATTERN)
  sort?: string;
}

export class PublicTransactionQueryDto extends PublicListQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES) status?: string;
  @ApiPropertyOptional({ description: OPD_CODE_FORMAT, example: OPD_CODE_EXAMPLE }) @IsOptional() @IsOpdCode() opdCode?: string;
  @ApiPropertyOptional({ description: "the buyer OPD's kabupaten/kota (BPS)", example: '3673' })
  @IsOptional()
  @Matches(KABUPATEN_KOTA_CODE_PATTERN)
  kabupatenKotaCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() vendorId?: string;
  @ApiPropertyOptional({ enum: CATEGORY_CODES, description: 'orders with a line in this category' }) @IsOptional() @IsIn(CATEGORY_CODES) category?: string;
  @ApiPropertyOptional({ description: 'placed at or after (ISO 8601)' }) @IsOptional() @IsIsoDate() placedFrom?: string;
  @ApiPropertyOptional({ description: 'placed at or before (ISO 8601)' }) @IsOptional() @IsIsoDate() placedTo?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(PRICE_RUPIAH_MAX) minTotalRupiah?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(PRICE_RUPIAH_MAX) maxTotalRupiah?: number;
}

export class PublicVendorQueryDto extends PublicListQueryDto {
  @ApiPropertyOptional({ description: 'part of the business name, case-insensitive' }) @IsOptional() @IsString() @MaxLength(SEARCH_TEXT_LENGTH_MAX) q?: string;
  @ApiPropertyOptional({ enum: VENDOR_SCALES }) @IsOptional() @IsIn(VENDOR_SCALES) scale?: string;
  @ApiPropertyOptional({ enum: ['pending', 'verified', 'rejected', 'suspended'] })
  @IsOptional()
  @IsIn(['pending', 'verified', 'rejected', 'suspended'])
  status?: string;
  @ApiPropertyOptional({ description: 'BPS code of the domicile', example: '3673' })
  @IsOptional()
  @Matches(KABUPATEN_KOTA_CODE_PATTERN)
  kabupatenKotaCode?: string;
  @ApiPropertyOptional({ description: 'domiciled in Banten' }) @IsOptional() @BooleanParam() @IsBoolean() isLocal?: boolean;
}

export class PublicCatalogQueryDto extends PublicListQueryDto {
  @ApiPropertyOptional({ description: 'part of the title or the vendor name, case-insensitive', example: 'kertas' })
  @IsOptional()
  @IsString()
  @MaxLength(SEARCH_TEXT_LENGTH_MAX)
  q?: string;

  @ApiPropertyOptional({ enum: CATEGORY_CODES }) @IsOptional() @IsIn(CATEGORY_CODES) category?: string;
  @ApiPropertyOptional({ description: "the vendor's kabupaten/kota (BPS)", example: '3673' })
  @IsOptional()
  @Matches(KABUPATEN_KOTA_CODE_PATTERN)
  kabupatenKotaCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() vendorId?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(PRICE_RUPIAH_MAX) minPriceRupiah?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(PRICE_RUPIAH_MAX) maxPriceRupiah?: number;
}

export class PublicPriceHistoryQueryDto extends PublicListQueryDto {}

/** Endpoints without parameters still refuse unknown ones (a typo is a 400, not a silent default). */
export function refuseParameters(query: Readonly<Record<string, unknown>>): void {
  const names = Object.keys(query);
  if (names.length > 0)
    throw invalid(
      'VALIDATION_FAILED',
      'this endpoint takes no parameters',
      names.map((field) => ({ field, messages: ['not a parameter of this endpoint'] })),
    );
}
