import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsOmittable } from '../../http/optional.js';
import { OPD_CODE_EXAMPLE, OPD_CODE_FORMAT } from '../../opds/domain/opd-code.js';
import { IsOpdCode } from '../../opds/http/opd-code.validator.js';
import { DATE_PATTERN } from '../../kernel/dates.js';
import { RUPIAH_MAX } from '../../kernel/money.js';
import { BAST_NUMBER_LENGTH_MAX, REASON_LENGTH_MAX } from '../domain/order.decider.js';
import { LINE_QUANTITY_MAX, OFFICIAL_NAME_LENGTH_MAX, ORDER_LINES_MAX } from '../domain/order-placement.js';

export class OrderLineDto {
  @ApiProperty({ example: '0d000000-0000-4000-8000-000000000001' })
  @IsUUID()
  listingId!: string;

  @ApiProperty({ example: 100 })
  @IsInt()
  @Min(1)
  @Max(LINE_QUANTITY_MAX)
  quantity!: number;
}

export class PlaceOrderDto {
  @ApiPropertyOptional({
    example: OPD_CODE_EXAMPLE,
    description:
      `the buying OPD/satker, registered (POST /opds): a buyer key's own (may be omitted); required for an admin. ${OPD_CODE_FORMAT}. ` +
      "The order is credited to this OPD's registered kabupaten/kota: a kabupatenKotaCode in the request is refused as an unknown field",
  })
  @IsOmittable()
  @IsOpdCode()
  opdCode?: string;

  @ApiProperty({ example: 'Budi Santoso', description: 'the official placing the order (pejabat pengadaan / PPK)' })
  @IsString()
  @Length(1, OFFICIAL_NAME_LENGTH_MAX)
  officialName!: string;

  @ApiProperty({ example: '0b000000-0000-4000-8000-000000000001', description: 'one verified vendor' })
  @IsUUID()
  vendorId!: string;

  @ApiProperty({ example: '0c000000-0000-4000-8000-000000000001', description: "a KKP card of the buyer's own OPD" })
  @IsUUID()
  cardId!: string;

  @ApiProperty({ type: [OrderLineDto], description: `1..${ORDER_LINES_MAX} lines of that vendor's active listings, each listing once` })
  @ArrayMinSize(1)
  @ArrayMaxSize(ORDER_LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  lines!: OrderLineDto[];

  @ApiProperty({ example: 150_000, description: 'shipping, integer rupiah >= 0; counts towards the order total' })
  @IsInt()
  @Min(0)
  @Max(RUPIAH_MAX)
  shippingRupiah!: number;
}

export class OrderReasonDto {
  @ApiProperty({ example: 'stok habis' })
  @IsString()
  @Length(1, REASON_LENGTH_MAX)
  reason!: string;
}

export class ShipOrderDto {
  @ApiPropertyOptional({ example: 'dikirim kurir, tiba pukul 10.00' })
  @IsOmittable()
  @IsString()
  @Length(1, REASON_LENGTH_MAX)
  note?: string;
}

export class ReceiveOrderDto {
  @ApiProperty({ example: 'BAST/017/DINKES/2026', description: 'number of the berita acara serah terima' })
  @IsString()
  @Length(1, BAST_NUMBER_LENGTH_MAX)
  bastNumber!: string;

  @ApiProperty({ example: '2026-11-28', format: 'date', description: 'date of the BAST, not after today (WIB)' })
  @Matches(DATE_PATTERN, { message: 'bastDate must be YYYY-MM-DD' })
  bastDate!: string;
}
