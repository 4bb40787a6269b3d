import { FairpackError, describeValue } from '../errors.js';

/** Exact fixed-point representation of amounts: `scaled = amount × 10^precision`, an integer. */
export interface Scale {
  /** Decimal places accepted in amounts. */
  readonly precision: number;
  /** 10^precision. */
  readonly factor: number;
}

export const DEFAULT_PRECISION = 3;
const MAX_PRECISION = 9;

export function createScale(precision: number = DEFAULT_PRECISION): Scale {
  if (!Number.isInteger(precision) || precision < 0 || precision > MAX_PRECISION) {
    throw new FairpackError(
      'INVALID_OPTION',
      `Expected \`precision\` to be an integer from 0 to ${MAX_PRECISION}, got ${describeValue(precision)}. ` +
        'Pass the number of decimal places your amounts use, e.g. 3 for millicores.',
      { option: 'precision', value: precision },
    );
  }
  return Object.freeze({ precision, factor: 10 ** precision });
}

/**
 * Converts one amount to its scaled integer, or throws `INVALID_RESOURCES`.
 * `where` names what is being parsed (e.g. `request resources`) for the message.
 *
 * The decimals check is exact: if `amount` is the double nearest to a decimal with at most
 * `precision` places, `round(amount × factor)` is that decimal's integer form and dividing it by
 * `factor` gives `amount` back; any other double fails the round trip.
 */
export function toScaled(amount: unknown, dimension: string, scale: Scale, where: string): number {
  if (typeof amount !== 'number' || Number.isNaN(amount) || !Number.isFinite(amount) || amount < 0) {
    throw invalidAmount(amount, dimension, where, 'a finite number >= 0', 'Pass a plain non-negative number (0 or omit the dimension for none).');
  }
  const scaled = Math.round(amount * scale.factor);
  if (scaled > Number.MAX_SAFE_INTEGER) {
    throw invalidAmount(
      amount,
      dimension,
      where,
      `at most ${Math.floor(Number.MAX_SAFE_INTEGER / scale.factor)} (larger amounts lose exactness at precision ${scale.precision})`,
      'Use a larger unit (e.g. GiB rather than bytes) or a lower `precision`.',
    );
  }
  if (scaled / scale.factor !== amount) {
    throw invalidAmount(amount, dimension, where, `a number with at most ${scale.precision} decimal places`, `Round the amount to ${scale.precision} decimals or raise the pool's \`precision\`.`);
  }
  return scaled;
}

export function fromScaled(scaled: number, scale: Scale): number {
  return scaled / scale.factor;
}

function invalidAmount(amount: unknown, dimension: string, where: string, expected: string, advice: string): FairpackError {
  return new FairpackError('INVALID_RESOURCES', `Expected ${where} "${dimension}" to be ${expected}, got ${describeValue(amount)}. ${advice}`, {
    dimension,
    value: amount,
  });
}
