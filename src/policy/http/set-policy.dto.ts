import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CATEGORY_CODES } from '../../catalog/domain/categories.js';
import { RUPIAH_MAX } from '../../kernel/money.js';
import {
  CATEGORY_COUNT_MIN,
  DEFAULT_POLICY,
  DUPLICATE_WINDOW_HOURS_MAX,
  PERCENT_MAX,
  POLICY_DAYS_MAX,
  PRICE_OUTLIER_MIN_SAMPLES_MIN,
  PRICE_OUTLIER_SAMPLE_SIZE_MAX,
  RED_FLAG_POLICY_DEFAULTS,
  SPLIT_PURCHASE_ACTIONS,
  VENDOR_SCALES,
  VendorScale,
} from '../../policy/domain/policy.js';
import type { SplitPurchaseAction } from '../../policy/domain/policy.js';
import { IsIsoDate } from '../../http/is-iso-date.validator.js';

export class SetPolicyDto {
  @ApiProperty({ example: '2027-01-01T00:00:00+07:00', description: 'when the policy takes effect (not in the past)' })
  @IsIsoDate()
  effectiveFrom!: string;

  @ApiProperty({ example: DEFAULT_POLICY.maxOrderTotalRupiah, description: 'largest order total, rupiah' })
  @IsInt()
  @Min(1)
  @Max(RUPIAH_MAX)
  maxOrderTotalRupiah!: number;

  @ApiProperty({ example: DEFAULT_POLICY.kkpPerPayeeCapRupiah, description: 'KKP cap per payee per payment (PMK 196/PMK.05/2018), rupiah' })
  @IsInt()
  @Min(1)
  @Max(RUPIAH_MAX)
  kkpPerPayeeCapRupiah!: number;

  @ApiProperty({ example: false, description: 'PMK 97/PMK.05/2021 allowance for domestic UMK products in the toko daring' })
  @IsBoolean()
  domesticUmkAllowanceEnabled!: boolean;

  @ApiProperty({ example: 200_000_000, description: 'KKP cap under that allowance, rupiah' })
  @IsInt()
  @Min(1)
  @Max(RUPIAH_MAX)
  domesticUmkKkpCapRupiah!: number;

  @ApiProperty({ example: ['mikro', 'kecil', 'koperasi'], enum: VENDOR_SCALES, isArray: true })
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(VENDOR_SCALES, { each: true })
  eligibleScales!: VendorScale[];

  @ApiProperty({ example: 30 })
  @IsInt()
  @Min(1)
  @Max(POLICY_DAYS_MAX)
  authorisationTtlDays!: number;

  @ApiProperty({ example: 30 })
  @IsInt()
  @Min(1)
  @Max(POLICY_DAYS_MAX)
  splitWindowDays!: number;

  // The red-flag parameters: each optional, an omitted one takes its default (docs/red-flags.md).
  @ApiPropertyOptional({
    enum: SPLIT_PURCHASE_ACTIONS,
    example: RED_FLAG_POLICY_DEFAULTS.splitPurchaseAction,
    description: "'refuse' refuses the order that completes a split purchase (422 SPLIT_PURCHASE); 'flag' only raises a red flag",
  })
  @IsOptional()
  @IsIn(SPLIT_PURCHASE_ACTIONS)
  splitPurchaseAction?: SplitPurchaseAction;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.nearCapPercent,
    description: 'an order at or above this percent of maxOrderTotalRupiah is flagged "just under the cap"',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PERCENT_MAX)
  nearCapPercent?: number;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.concentrationSharePercent,
    description: "one vendor's share of an OPD's yearly spending above which it is flagged",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PERCENT_MAX)
  concentrationSharePercent?: number;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.concentrationMinSpendRupiah,
    description: "the OPD's yearly spending below which concentration is not flagged, rupiah",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(RUPIAH_MAX)
  concentrationMinSpendRupiah?: number;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.duplicateWindowHours,
    description: 'same OPD, vendor and total within this many hours is a possible duplicate',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(DUPLICATE_WINDOW_HOURS_MAX)
  duplicateWindowHours?: number;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.newVendorDays,
    description: "days after a vendor's verification during which a large order is flagged",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(POLICY_DAYS_MAX)
  newVendorDays?: number;

  @ApiPropertyOptional({ example: RED_FLAG_POLICY_DEFAULTS.newVendorLargeOrderRupiah, description: 'what counts as a large order for a new vendor, rupiah' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(RUPIAH_MAX)
  newVendorLargeOrderRupiah?: number;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.priceOutlierSampleSize,
    description: "how many of a category's most recent unit prices form the reference",
  })
  @IsOptional()
  @IsInt()
  @Min(PRICE_OUTLIER_MIN_SAMPLES_MIN)
  @Max(PRICE_OUTLIER_SAMPLE_SIZE_MAX)
  priceOutlierSampleSize?: number;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.priceOutlierMinSamples,
    description: 'no price outlier is flagged before the category has this many prices',
  })
  @IsOptional()
  @IsInt()
  @Min(PRICE_OUTLIER_MIN_SAMPLES_MIN)
  @Max(PRICE_OUTLIER_SAMPLE_SIZE_MAX)
  priceOutlierMinSamples?: number;

  @ApiPropertyOptional({
    example: RED_FLAG_POLICY_DEFAULTS.heterogeneousCategoriesMin,
    description: 'a micro or small vendor selling in at least this many categories is flagged',
  })
  @IsOptional()
  @IsInt()
  @Min(CATEGORY_COUNT_MIN)
  @Max(CATEGORY_CODES.length)
  heterogeneousCategoriesMin?: number;
}
