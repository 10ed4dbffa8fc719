import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { CATEGORY_CODES } from '../domain/categories.js';
import { RUPIAH_MAX } from '../../kernel/money.js';
import { INVALID_PRICE, TITLE_LENGTH_MAX, UNIT_LENGTH_MAX } from '../domain/listing.decider.js';

/** A bad price is the domain's INVALID_PRICE, refused here before the decider sees it. */
const PRICE = { context: { code: INVALID_PRICE } };

export class CreateListingDto {
  @ApiProperty({ example: 'Nasi kotak rapat (ayam bakar, sayur, buah)' })
  @IsString()
  @Length(1, TITLE_LENGTH_MAX)
  title!: string;

  @ApiProperty({ enum: CATEGORY_CODES, example: 'makan-minum', description: 'see docs/catalog-categories.md' })
  @IsIn(CATEGORY_CODES)
  category!: string;

  @ApiProperty({ example: 'kotak' })
  @IsString()
  @Length(1, UNIT_LENGTH_MAX)
  unit!: string;

  @ApiProperty({ example: 35_000, description: 'integer rupiah > 0' })
  @IsInt(PRICE)
  @Min(1, PRICE)
  @Max(RUPIAH_MAX, PRICE)
  priceRupiah!: number;

  @ApiProperty({ example: true, description: 'a domestic product (produk dalam negeri)' })
  @IsBoolean()
  isDomesticProduct!: boolean;
}

export class ChangePriceDto {
  @ApiProperty({ example: 37_500, description: 'integer rupiah > 0' })
  @IsInt(PRICE)
  @Min(1, PRICE)
  @Max(RUPIAH_MAX, PRICE)
  priceRupiah!: number;
}
