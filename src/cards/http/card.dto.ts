import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { OPD_CODE_EXAMPLE, OPD_CODE_FORMAT } from '../../opds/domain/opd-code.js';
import { DATE_PATTERN } from '../../kernel/dates.js';
import { IsOpdCode } from '../../opds/http/opd-code.validator.js';
import { CARD_LAST4_PATTERN } from '../domain/card-number.js';
import { CARD_LIMIT_RUPIAH_MAX, HOLDER_NAME_LENGTH_MAX, REASON_LENGTH_MAX, STATEMENT_REFERENCE_PATTERN } from '../domain/card.decider.js';

export class IssueCardDto {
  @ApiProperty({
    example: OPD_CODE_EXAMPLE,
    description: `a registered OPD/satker (POST /opds; 422 OPD_NOT_REGISTERED otherwise), ${OPD_CODE_FORMAT}. The card records the OPD's registered name; buyer keys carry the same code`,
  })
  @IsOpdCode()
  opdCode!: string;

  @ApiProperty({ example: 'Siti Rahmawati', description: 'the cardholder (never published)' })
  @IsString()
  @Length(1, HOLDER_NAME_LENGTH_MAX)
  holderName!: string;

  @ApiProperty({ example: '4821', description: 'the last four digits only: a full card number anywhere in the request is refused with 400' })
  @Matches(CARD_LAST4_PATTERN, { message: 'cardLast4 must be exactly the last four digits' })
  cardLast4!: string;

  @ApiProperty({ example: 100_000_000, description: 'credit limit, integer rupiah' })
  @IsInt()
  @Min(1)
  @Max(CARD_LIMIT_RUPIAH_MAX)
  limitRupiah!: number;

  @ApiProperty({ example: '2028-12-31', format: 'date', description: 'expiry date; the card is valid through the end of that day (WIB)' })
  @Matches(DATE_PATTERN, { message: 'expiresOn must be YYYY-MM-DD' })
  expiresOn!: string;
}

export class ChangeCardLimitDto {
  @ApiProperty({ example: 150_000_000, description: 'new limit, integer rupiah; not below what is held and captured but unsettled' })
  @IsInt()
  @Min(1)
  @Max(CARD_LIMIT_RUPIAH_MAX)
  limitRupiah!: number;
}

export class CardReasonDto {
  @ApiProperty({ example: 'kartu dilaporkan hilang' })
  @IsString()
  @Length(1, REASON_LENGTH_MAX)
  reason!: string;
}

export class SettleStatementDto {
  @ApiProperty({ example: 'BNI-KKP/2026-11/DINKES', description: 'the bank statement paid; settled once per card' })
  @Matches(STATEMENT_REFERENCE_PATTERN, { message: 'statementReference must be 1..100 of A-Z a-z 0-9 . / _ -' })
  statementReference!: string;

  @ApiProperty({ example: 4_250_000, description: 'paid to the bank, integer rupiah; at most what is captured and unsettled' })
  @IsInt()
  @Min(1)
  @Max(CARD_LIMIT_RUPIAH_MAX)
  amountRupiah!: number;
}
