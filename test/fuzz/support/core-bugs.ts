import { EVERYTHING, type Hostility } from './hostile.js';

/*
 * The hostility the library fuzzers use against the core. Everything: the four core bugs the
 * fuzzers found (FUZZ-1 to FUZZ-4 in docs/reliability.md) are fixed, so no input is left out. A
 * newly found core bug that cannot be fixed at once would be narrowed here, with its reproduction
 * in docs/reliability.md.
 */
export const CORE_HOSTILITY: Hostility = EVERYTHING;
