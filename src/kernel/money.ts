/**
 * Rupiah amounts are integers (IDR has no minor unit in use). They travel as JSON numbers and
 * are checked with Number.isSafeInteger; never floats.
 */
export type Rupiah = number;

/** The largest amount the ledger can hold exactly (a JSON number). */
export const RUPIAH_MAX = Number.MAX_SAFE_INTEGER;

export function isRupiah(value: unknown): value is Rupiah {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isPositiveRupiah(value: unknown): value is Rupiah {
  return isRupiah(value) && value > 0;
}

/** Sum that refuses to leave the safe-integer range instead of silently losing precision. */
export function addRupiah(a: Rupiah, b: Rupiah): Rupiah {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError(`rupiah sum out of safe range: ${a} + ${b}`);
  return sum;
}

export function multiplyRupiah(amount: Rupiah, quantity: number): Rupiah {
  const product = amount * quantity;
  if (!Number.isSafeInteger(product)) throw new RangeError(`rupiah product out of safe range: ${amount} x ${quantity}`);
  return product;
}
