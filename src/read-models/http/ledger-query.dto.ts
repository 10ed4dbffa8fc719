import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { CATEGORY_CODES } from '../../catalog/domain/categories.js';
import { OPD_CODE_EXAMPLE, OPD_CODE_FORMAT } from '../../opds/domain/opd-code.js';
import { IsOpdCode } from '../../opds/http/opd-code.validator.js';
import { VENDOR_SCALES } from '../../policy/domain/policy.js';
import { KABUPATEN_KOTA_CODE_PATTERN } from '../../vendors/domain/regions.js';
import { ACCOUNTS } from '../../../projections/journal/journal.projection.js';
import { CSV_PAGE_SIZE_MAX, CURSOR_LENGTH_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, SORT_PATTERN } from '../keyset-query.js';
import { SPENDING_DIMENSIONS } from '../queries/spending.queries.js';
import { BooleanParam } from './directory-query.dto.js';
import { ListQueryDto } from './read-model-query.dto.js';

const ORDER_STATUSES = ['placed', 'authorised', 'declined', 'accepted', 'rejected', 'shipped', 'received', 'paid', 'cancelled', 'expired'];

export class OrderListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES }) @IsOptional() @IsIn(ORDER_STATUSES) status?: string;
  @ApiPropertyOptional({ example: OPD_CODE_EXAMPLE, description: OPD_CODE_FORMAT }) @IsOptional() @IsOpdCode() opdCode?: string;
  @ApiPropertyOptional({ description: "the buyer's kabupaten/kota (BPS)", example: '3673' })
  @IsOptional()
  @Matches(KABUPATEN_KOTA_CODE_PATTERN)
  kabupatenKotaCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() vendorId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardId?: string;
  @ApiPropertyOptional({ enum: CATEGORY_CODES, description: 'orders with a line in this category' }) @IsOptional() @IsIn(CATEGORY_CODES) category?: string;
  @ApiPropertyOptional({ description: 'placed at or after (ISO 8601)' }) @IsOptional() @IsISO8601() placedFrom?: string;
  @ApiPropertyOptional({ description: 'placed at or before (ISO 8601)' }) @IsOptional() @IsISO8601() placedTo?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) minTotalRupiah?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) maxTotalRupiah?: number;
}

export class TimelineQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'only events of this type', example: 'OrderPaid' }) @IsOptional() @Matches(/^[A-Za-z]{1,60}$/) type?: string;
}

export class CardListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: OPD_CODE_EXAMPLE, description: OPD_CODE_FORMAT }) @IsOptional() @IsOpdCode() opdCode?: string;
  @ApiPropertyOptional({ enum: ['active', 'suspended', 'closed'] }) @IsOptional() @IsIn(['active', 'suspended', 'closed']) status?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() minAvailableRupiah?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() maxAvailableRupiah?: number;
}

const HOLD_STATUSES = ['held', 'captured', 'voided', 'expired', 'declined'];
export class CardHoldListQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional({ enum: HOLD_STATUSES }) @IsOptional() @IsIn(HOLD_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() payeeVendorId?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() authorisedFrom?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() authorisedTo?: string;
}

const ENTRY_KINDS = ['issue', 'limit-change', 'hold', 'capture', 'void', 'expiry', 'settlement'];
export class JournalEntryQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardId?: string;
  @ApiPropertyOptional({ enum: ENTRY_KINDS }) @IsOptional() @IsIn(ENTRY_KINDS) kind?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() to?: string;
}

export class JournalLineQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardId?: string;
  @ApiPropertyOptional({ enum: ACCOUNTS }) @IsOptional() @IsIn(ACCOUNTS) account?: string;
  @ApiPropertyOptional({ description: 'the lines of one entry (its position in $all)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) position?: number;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() to?: string;
}

export class JournalBalanceQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() cardId?: string;
  @ApiPropertyOptional({ enum: ACCOUNTS }) @IsOptional() @IsIn(ACCOUNTS) account?: string;
}

/**
 * Filters of the spending aggregates (public: no personal data). No waitForPosition: a public
 * answer never waits; X-Read-Model-Position says how far the read model is.
 */
export class SpendingFilterDto {
  @ApiPropertyOptional({ description: 'from this month (YYYY-MM, month of payment)', example: '2025-01' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}$/)
  monthFrom?: string;
  @ApiPropertyOptional({ description: 'to this month (YYYY-MM)', example: '2025-12' }) @IsOptional() @Matches(/^\d{4}-\d{2}$/) monthTo?: string;
  @ApiPropertyOptional({ example: OPD_CODE_EXAMPLE, description: OPD_CODE_FORMAT }) @IsOptional() @IsOpdCode() opdCode?: string;
  @ApiPropertyOptional({ description: "the buyer's kabupaten/kota" }) @IsOptional() @Matches(KABUPATEN_KOTA_CODE_PATTERN) kabupatenKotaCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() vendorId?: string;
  @ApiPropertyOptional({ enum: CATEGORY_CODES }) @IsOptional() @IsIn(CATEGORY_CODES) category?: string;
  @ApiPropertyOptional({ enum: VENDOR_SCALES }) @IsOptional() @IsIn(VENDOR_SCALES) scale?: string;
  @ApiPropertyOptional({ description: 'vendors domiciled in Banten' }) @IsOptional() @BooleanParam() @IsBoolean() isLocal?: boolean;
}

export class SpendingQueryDto extends SpendingFilterDto {
  @ApiPropertyOptional({ enum: SPENDING_DIMENSIONS, description: 'group by this dimension (default kabupaten-kota)' })
  @IsOptional()
  @IsIn(SPENDING_DIMENSIONS)
  by?: (typeof SPENDING_DIMENSIONS)[number];

  @ApiPropertyOptional({ description: `page size: default ${PAGE_SIZE_DEFAULT}, max ${PAGE_SIZE_MAX} (JSON) or ${CSV_PAGE_SIZE_MAX} (CSV)` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;
  @ApiPropertyOptional({ description: 'opaque: nextCursor of the previous page' }) @IsOptional() @MaxLength(CURSOR_LENGTH_MAX) cursor?: string;
  @ApiPropertyOptional({ description: 'amountRupiah, orderCount or key; prefix - for descending (default -amountRupiah)' })
  @IsOptional()
  @Matches(SORT_PATTERN)
  sort?: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
}
