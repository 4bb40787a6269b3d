import { customAlphabet } from 'nanoid';

/** 6 random hex digits: the prefix drawn once per `AllocationTools`. */
const randomPrefix = customAlphabet('0123456789abcdef', 6);
const COUNTER_SPACE = 2 ** 24;
const ID_SPACE = 2 ** 48;

/** The state of the generator, as a snapshot keeps it. */
export interface AllocationIdsState {
  /** 6 lowercase hex digits, drawn at random once. */
  readonly prefix: string;
  /** Ids generated so far (the last one's counter). */
  readonly count: number;
}

export const ID_PREFIX_PATTERN = /^[0-9a-f]{6}$/;

/**
 * The seed's allocation ids, `alloc-` and 12 lowercase hex digits, made of a random prefix drawn
 * once per instance (6 digits) and a counter (6 digits): `alloc-3f9c2a000001`, `alloc-3f9c2a000002`
 * … Past 16,777,215 the counter carries into the prefix (the 12 digits are one 48-bit number, the
 * prefix times 2²⁴ plus the counter). Unique within the instance, unlikely to meet another
 * instance's, and — unlike a fresh random id per allocation — a function of the state: tools
 * restored from a snapshot give the same ids to the same further requests.
 */
export class AllocationIds {
  private prefix = randomPrefix();
  private count = 0;

  /** The next id that `taken` does not hold (a taken one is skipped, and counted). */
  next(taken: (id: string) => boolean): string {
    let id: string;
    do id = idOf(this.prefix, ++this.count);
    while (taken(id));
    return id;
  }

  state(): AllocationIdsState {
    return { prefix: this.prefix, count: this.count };
  }

  restore(state: AllocationIdsState): void {
    this.prefix = state.prefix;
    this.count = state.count;
  }
}

function idOf(prefix: string, count: number): string {
  // both terms below 2⁴⁸: the sum is exact
  const value = (Number.parseInt(prefix, 16) * COUNTER_SPACE + (count % ID_SPACE)) % ID_SPACE;
  return `alloc-${value.toString(16).padStart(12, '0')}`;
}
