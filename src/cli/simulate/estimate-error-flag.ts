import type { EstimateError } from '../../simulate/estimate-error.js';
import { ESTIMATE_ERROR_LIMITS } from '../../simulate/estimate-error.js';
import { UsageError } from '../io.js';

const SPEC = `sigma=<σ> and/or factor=<k>, comma-separated (e.g. sigma=0.5, factor=3 or factor=3,sigma=0.5; σ 0–${ESTIMATE_ERROR_LIMITS.sigma}, k > 0 and <= ${ESTIMATE_ERROR_LIMITS.factor})`;

/**
 * `--estimate-error <spec>`: the library's `estimateError` from `sigma=0.5`, `factor=3` or both
 * (`factor=3,sigma=0.5`). Named parts rather than a bare number, so that a reader of the command
 * cannot take a spread for a factor.
 */
export function estimateErrorFlag(text: string): EstimateError {
  const parts = new Map<string, number>();
  for (const part of text.split(',')) {
    const match = /^\s*(sigma|factor)\s*=\s*(\S+)\s*$/.exec(part);
    const value = match === null ? NaN : Number(match[2]);
    const name = match?.[1];
    if (name === undefined || !Number.isFinite(value) || parts.has(name)) throw new UsageError(`Expected --estimate-error to be ${SPEC}, got "${text}".`);
    if (name === 'sigma' ? value < 0 || value > ESTIMATE_ERROR_LIMITS.sigma : value <= 0 || value > ESTIMATE_ERROR_LIMITS.factor) {
      throw new UsageError(`Expected --estimate-error's ${name} to be ${name === 'sigma' ? `from 0 to ${ESTIMATE_ERROR_LIMITS.sigma}` : `> 0 and <= ${ESTIMATE_ERROR_LIMITS.factor}`}, got ${match?.[2]} in "${text}".`);
    }
    parts.set(name, value);
  }
  const sigma = parts.get('sigma');
  const factor = parts.get('factor');
  return { ...(sigma === undefined ? {} : { sigma }), ...(factor === undefined ? {} : { factor }) };
}
