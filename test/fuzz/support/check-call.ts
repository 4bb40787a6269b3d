import fc from 'fast-check';
import { fuzzParameters } from './budget.js';
import { type Outcome, attempt, describeUntyped, prototypes, resolveArguments, samePrototypes } from './calls.js';
import { type Tally, bug, errorSignature } from './tally.js';

/**
 * The checks after one fuzzed call: no untyped error; a refused call (FairpackError) left every
 * public view as it was (`before` vs `after()`); a call made under a bad clock reading that did
 * not throw changed nothing either (it must have been a read); no prototype changed.
 */
export function checkCall(where: string, outcome: Outcome, state: { readonly before: string; readonly after: () => string; readonly badClock: boolean; readonly prototypes: unknown[] }, tally: Tally): void {
  tally.inputs++;
  if (outcome.kind === 'untyped') {
    tally.untyped++;
    bug(errorSignature(where, outcome.error), describeUntyped(where, outcome.error));
  } else if (outcome.kind === 'refused') {
    tally.refusals++;
    if (state.after() !== state.before) bug(`${where} | refused ${outcome.error.code} after a change`, `${where} was refused (${outcome.error.code}: ${outcome.error.message}) but changed the state`);
  } else {
    tally.accepted++;
    if (state.badClock && state.after() !== state.before) bug(`${where} | changed under a bad clock`, `${where} changed the state under a bad clock reading instead of refusing with INVALID_CLOCK`);
  }
  if (!samePrototypes(prototypes(), state.prototypes)) throw new Error(`${where} changed a prototype (Object, Function or Array)`);
}

/**
 * A constructor fed hostile options (`defaultRuns` runs at scale 1): each time an instance — then
 * `check` it — or a typed refusal; never another error; no prototype changed.
 */
export function fuzzConstructor<T>(name: string, options: fc.Arbitrary<unknown>, construct: (options: unknown) => T, check: (instance: T) => void, tally: Tally, defaultRuns: number): void {
  const baseline = prototypes();
  fc.assert(
    fc.property(options, (drawn) => {
      const outcome = attempt(() => construct(resolveArguments(drawn, { allocation: [], job: [], node: [], tenant: [] })));
      checkCall(`new ${name}`, outcome, { before: '', after: () => '', badClock: false, prototypes: baseline }, tally);
      if (outcome.kind === 'ok') check(outcome.value as T);
    }),
    fuzzParameters(defaultRuns),
  );
}
