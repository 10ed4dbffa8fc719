import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsObject, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsOmittable } from '../../http/optional.js';
import { RUPIAH_MAX } from '../../kernel/money.js';
import { KABUPATEN_KOTA_CODE_PATTERN } from '../domain/regions.js';
import { LEGAL_FORMS, NIB_PATTERN, NPWP_PATTERN, REASON_LENGTH_MAX, VENDOR_NAME_LENGTH_MAX, type LegalForm } from '../domain/vendor-rules.js';

export class VendorContactDto {
  @ApiProperty({ example: 'usaha@sarirasa.co.id' })
  @IsEmail()
  @Length(3, 200)
  email!: string;

  @ApiProperty({ example: '+62 254 123456' })
  @Matches(/^\+?[0-9][0-9 ()-]{5,24}$/, { message: 'phone must be digits, spaces, ( ) - and an optional leading +' })
  phone!: string;
}

export class RegisterVendorDto {
  @ApiProperty({ example: '9120301234567', description: 'Nomor Induk Berusaha, 13 digits, unique' })
  @Matches(NIB_PATTERN, { message: 'nib must be 13 digits' })
  nib!: string;

  @ApiProperty({ example: '012345678901234', description: 'NPWP: 15 digits, or 16 digits from 2024' })
  @Matches(NPWP_PATTERN, { message: 'npwp must be 15 or 16 digits' })
  npwp!: string;

  @ApiProperty({ example: 'Koperasi Sari Rasa Serang' })
  @IsString()
  @Length(1, VENDOR_NAME_LENGTH_MAX)
  name!: string;

  @ApiProperty({ enum: LEGAL_FORMS, example: 'koperasi' })
  @IsIn(LEGAL_FORMS)
  legalForm!: LegalForm;

  @ApiPropertyOptional({ example: 750_000_000, description: 'capital excluding land and buildings, rupiah (PP 7/2021)' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(RUPIAH_MAX)
  capitalRupiah?: number;

  @ApiPropertyOptional({ example: 1_200_000_000, description: 'annual sales, rupiah: used when no capital is declared' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(RUPIAH_MAX)
  annualSalesRupiah?: number;

  @ApiProperty({ example: '3673', description: 'BPS kabupaten/kota code; 36xx is Banten (local)' })
  @Matches(KABUPATEN_KOTA_CODE_PATTERN, { message: 'kabupatenKotaCode must be 4 digits' })
  kabupatenKotaCode!: string;

  @ApiProperty({ type: VendorContactDto })
  @IsObject()
  @ValidateNested()
  @Type(() => VendorContactDto)
  contact!: VendorContactDto;
}

export class ReasonDto {
  @ApiProperty({ example: 'NIB tidak sesuai dengan OSS' })
  @IsString()
  @Length(1, REASON_LENGTH_MAX)
  reason!: string;
}

export class UpdateVendorProfileDto {
  @ApiPropertyOptional({ example: 'Koperasi Sari Rasa Banten' })
  @IsOmittable()
  @IsString()
  @Length(1, VENDOR_NAME_LENGTH_MAX)
  name?: string;

  @ApiPropertyOptional({ type: VendorContactDto })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => VendorContactDto)
  contact?: VendorContactDto;

  @ApiPropertyOptional({ example: '3604' })
  @IsOmittable()
  @Matches(KABUPATEN_KOTA_CODE_PATTERN, { message: 'kabupatenKotaCode must be 4 digits' })
  kabupatenKotaCode?: string;
}
