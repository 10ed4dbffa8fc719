import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsBoolean, IsIn, IsInt, IsISO8601, Max, Min } from 'class-validator';
import { VENDOR_SCALES, VendorScale } from '../../policy/domain/policy.js';

const RUPIAH_MAX = Number.MAX_SAFE_INTEGER;

export class SetPolicyDto {
  @ApiProperty({ example: '2027-01-01T00:00:00+07:00', description: 'when the policy takes effect (not in the past)' })
  @IsISO8601({ strict: true })
  effectiveFrom!: string;

  @ApiProperty({ example: 50_000_000, description: 'largest order total, rupiah' })
  @IsInt() @Min(1) @Max(RUPIAH_MAX)
  maxOrderTotalRupiah!: number;

  @ApiProperty({ example: 50_000_000, description: 'KKP cap per payee per payment (PMK 196/PMK.05/2018), rupiah' })
  @IsInt() @Min(1) @Max(RUPIAH_MAX)
  kkpPerPayeeCapRupiah!: number;

  @ApiProperty({ example: false, description: 'PMK 97/PMK.05/2021 allowance for domestic UMK products in the toko daring' })
  @IsBoolean()
  domesticUmkAllowanceEnabled!: boolean;

  @ApiProperty({ example: 200_000_000, description: 'KKP cap under that allowance, rupiah' })
  @IsInt() @Min(1) @Max(RUPIAH_MAX)
  domesticUmkKkpCapRupiah!: number;

  @ApiProperty({ example: ['mikro', 'kecil', 'koperasi'], enum: VENDOR_SCALES, isArray: true })
  @ArrayNotEmpty() @ArrayUnique() @IsIn(VENDOR_SCALES, { each: true })
  eligibleScales!: VendorScale[];

  @ApiProperty({ example: 30 })
  @IsInt() @Min(1) @Max(3_650)
  authorisationTtlDays!: number;

  @ApiProperty({ example: 30 })
  @IsInt() @Min(1) @Max(3_650)
  splitWindowDays!: number;
}
