import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CARD_LAST4_PATTERN } from '../../src/cards/domain/card-number.js';
import { CARD_LIMIT_RUPIAH_MAX, HOLDER_NAME_LENGTH_MAX, REASON_LENGTH_MAX as CARD_REASON_LENGTH_MAX } from '../../src/cards/domain/card.decider.js';
import { CardReasonDto, ChangeCardLimitDto, IssueCardDto } from '../../src/cards/http/card.dto.js';
import { REASON_LENGTH_MAX as LISTING_REASON_LENGTH_MAX, TITLE_LENGTH_MAX, UNIT_LENGTH_MAX } from '../../src/catalog/domain/listing.decider.js';
import { CreateListingDto } from '../../src/catalog/http/listing.dto.js';
import { OPD_CODE_LENGTH_MAX } from '../../src/opds/domain/opd-code.js';
import { OPD_NAME_LENGTH_MAX } from '../../src/opds/domain/opd.decider.js';
import { RegisterOpdDto, RenameOpdDto } from '../../src/opds/http/opd.dto.js';
import { BAST_NUMBER_LENGTH_MAX, REASON_LENGTH_MAX as ORDER_REASON_LENGTH_MAX } from '../../src/orders/domain/order.decider.js';
import { LINE_QUANTITY_MAX, OFFICIAL_NAME_LENGTH_MAX } from '../../src/orders/domain/order-placement.js';
import { OrderLineDto, OrderReasonDto, PlaceOrderDto, ReceiveOrderDto, ShipOrderDto } from '../../src/orders/http/order.dto.js';
import { POLICY_DAYS_MAX } from '../../src/policy/domain/policy.js';
import { RedFlagListQueryDto } from '../../src/red-flags/http/red-flag.dto.js';
import { SetPolicyDto } from '../../src/policy/http/set-policy.dto.js';
import { PublicListQueryDto, PublicVendorQueryDto } from '../../src/public-api/public-query.dto.js';
import { CSV_PAGE_SIZE_MAX, CURSOR_LENGTH_MAX, PAGE_SIZE_MAX, SEARCH_TEXT_LENGTH_MAX } from '../../src/read-models/keyset-query.js';
import { VendorListQueryDto } from '../../src/read-models/http/directory-query.dto.js';
import { ListQueryDto } from '../../src/read-models/http/read-model-query.dto.js';
import { REASON_LENGTH_MAX as VENDOR_REASON_LENGTH_MAX, VENDOR_NAME_LENGTH_MAX } from '../../src/vendors/domain/vendor-rules.js';
import { ReasonDto, RegisterVendorDto, UpdateVendorProfileDto } from '../../src/vendors/http/vendor.dto.js';

/**
 * One source for each limit: every DTO field below accepts the domain's (or the query layer's)
 * limit and refuses one past it, so changing the constant changes what the API accepts.
 */
type Dto = new () => object;

function fieldFails(dto: Dto, field: string, value: unknown): boolean {
  const instance = plainToInstance(dto, { [field]: value });
  return validateSync(instance).some((error) => error.property === field);
}

const text = (length: number): string => 'x'.repeat(length);

const LENGTH_LIMITS: ReadonlyArray<readonly [string, Dto, string, number]> = [
  ['vendor name', RegisterVendorDto, 'name', VENDOR_NAME_LENGTH_MAX],
  ['vendor name (update)', UpdateVendorProfileDto, 'name', VENDOR_NAME_LENGTH_MAX],
  ['vendor and NIB reason', ReasonDto, 'reason', VENDOR_REASON_LENGTH_MAX],
  ['listing delist reason (the vendors ReasonDto)', ReasonDto, 'reason', LISTING_REASON_LENGTH_MAX],
  ['listing title', CreateListingDto, 'title', TITLE_LENGTH_MAX],
  ['listing unit', CreateListingDto, 'unit', UNIT_LENGTH_MAX],
  ['cardholder name', IssueCardDto, 'holderName', HOLDER_NAME_LENGTH_MAX],
  ['card reason', CardReasonDto, 'reason', CARD_REASON_LENGTH_MAX],
  ['official name', PlaceOrderDto, 'officialName', OFFICIAL_NAME_LENGTH_MAX],
  ['order reason', OrderReasonDto, 'reason', ORDER_REASON_LENGTH_MAX],
  ['shipping note', ShipOrderDto, 'note', ORDER_REASON_LENGTH_MAX],
  ['BAST number', ReceiveOrderDto, 'bastNumber', BAST_NUMBER_LENGTH_MAX],
  ['OPD name', RegisterOpdDto, 'name', OPD_NAME_LENGTH_MAX],
  ['OPD name (rename)', RenameOpdDto, 'name', OPD_NAME_LENGTH_MAX],
  ['cursor', ListQueryDto, 'cursor', CURSOR_LENGTH_MAX],
  ['public cursor', PublicListQueryDto, 'cursor', CURSOR_LENGTH_MAX],
  ['vendor name search', VendorListQueryDto, 'name', SEARCH_TEXT_LENGTH_MAX],
  ['public vendor search', PublicVendorQueryDto, 'q', SEARCH_TEXT_LENGTH_MAX],
];

const NUMBER_LIMITS: ReadonlyArray<readonly [string, Dto, string, number]> = [
  ['card limit', IssueCardDto, 'limitRupiah', CARD_LIMIT_RUPIAH_MAX],
  ['changed card limit', ChangeCardLimitDto, 'limitRupiah', CARD_LIMIT_RUPIAH_MAX],
  ['line quantity', OrderLineDto, 'quantity', LINE_QUANTITY_MAX],
  ['authorisation TTL days', SetPolicyDto, 'authorisationTtlDays', POLICY_DAYS_MAX],
  ['split-purchase window days', SetPolicyDto, 'splitWindowDays', POLICY_DAYS_MAX],
  ['page size (JSON or CSV)', ListQueryDto, 'limit', CSV_PAGE_SIZE_MAX],
  ['public page size', PublicListQueryDto, 'limit', PAGE_SIZE_MAX],
];

describe('DTOs take their limits from the domain (unit)', () => {
  it.each(LENGTH_LIMITS)('%s: accepts the limit, refuses one character more', (_name, dto, field, lengthMax) => {
    expect(fieldFails(dto, field, text(lengthMax))).toBe(false);
    expect(fieldFails(dto, field, text(lengthMax + 1))).toBe(true);
  });

  it.each(NUMBER_LIMITS)('%s: accepts the limit, refuses one more', (_name, dto, field, max) => {
    expect(fieldFails(dto, field, max)).toBe(false);
    expect(fieldFails(dto, field, max + 1)).toBe(true);
  });

  it('the OPD code is at most OPD_CODE_LENGTH_MAX characters', () => {
    const code = (length: number): string => `3673-${'A'.repeat(length - 5)}`;
    expect(fieldFails(RegisterOpdDto, 'opdCode', code(OPD_CODE_LENGTH_MAX))).toBe(false);
    expect(fieldFails(RegisterOpdDto, 'opdCode', code(OPD_CODE_LENGTH_MAX + 1))).toBe(true);
  });

  it('a read-model filter by OPD takes the one OPD code format', () => {
    expect(fieldFails(RedFlagListQueryDto, 'opdCode', '3673-DINKES')).toBe(false);
    expect(fieldFails(RedFlagListQueryDto, 'opdCode', 'OPD-3673-DINKES')).toBe(true);
  });

  it('formats: NIB, kabupaten/kota code, card last four digits and dates are the domain patterns', () => {
    expect(fieldFails(RegisterVendorDto, 'nib', '9120301234567')).toBe(false);
    expect(fieldFails(RegisterVendorDto, 'nib', '91203012345678')).toBe(true);
    expect(fieldFails(RegisterVendorDto, 'npwp', '0123456789012345')).toBe(false);
    expect(fieldFails(RegisterVendorDto, 'npwp', '01234567890123')).toBe(true);
    expect(fieldFails(RegisterVendorDto, 'kabupatenKotaCode', '3673')).toBe(false);
    expect(fieldFails(RegisterVendorDto, 'kabupatenKotaCode', '36730')).toBe(true);
    expect(CARD_LAST4_PATTERN.test('4821')).toBe(true);
    expect(fieldFails(IssueCardDto, 'cardLast4', '4821')).toBe(false);
    expect(fieldFails(IssueCardDto, 'cardLast4', '48215')).toBe(true);
    expect(fieldFails(ReceiveOrderDto, 'bastDate', '2026-11-28')).toBe(false);
    expect(fieldFails(ReceiveOrderDto, 'bastDate', '28-11-2026')).toBe(true);
  });
});
