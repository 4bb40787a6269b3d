import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/did-you-mean.js';

const JOB_FIELDS = ['resources', 'replicas', 'nodeSelector', 'tolerations', 'spread', 'id', 'tenant', 'priority', 'category', 'ttlMs', 'deadline', 'estimatedRuntimeMs', 'metadata'];

describe('didYouMean', () => {
  it.each([
    // [typed, suggestion, candidates]
    ['ttl', 'ttlMs', JOB_FIELDS], // a prefix of 3+ characters
    ['priorty', 'priority', JOB_FIELDS], // one deletion
    ['replica', 'replicas', JOB_FIELDS],
    ['nodeSelectors', 'nodeSelector', JOB_FIELDS],
    ['NODESELECTOR', 'nodeSelector', JOB_FIELDS], // case alone: always the answer
    ['toleratoins', 'tolerations', JOB_FIELDS], // one swap: 1 <= floor(0.4 × 11) = 4
    ['tolerance', undefined, JOB_FIELDS], // tolerance → tolerations is 5 edits: too far
    ['estimated', 'estimatedRuntimeMs', JOB_FIELDS],
    ['prot', 'port', ['host', 'port', 'admin-token']], // one swap of neighbours (OSA distance 1)
    ['serv', 'serve', ['node', 'serve', 'simulate']],
    ['bestfit', 'best-fit', ['first-fit', 'best-fit', 'worst-fit', 'dot-product']],
    ['urgent', undefined, ['real-time', 'high', 'default', 'low', 'best-effort']], // nothing close: no hint
    ['x', undefined, JOB_FIELDS],
    ['foo', undefined, ['nodes', 'capacity', 'placement', 'precision', 'now']], // foo → now is 2 > floor(0.4 × 3) = 1
  ])('%s → %s', (typed, expected, candidates) => {
    expect(didYouMean(typed, candidates)).toBe(expected);
  });

  it('prefers the closest candidate, then the first one listed', () => {
    expect(didYouMean('cpux', ['cpu', 'cpus'])).toBe('cpu'); // both at distance 1: the first
    expect(didYouMean('abcd', ['abxy', 'abcx'])).toBe('abcx'); // 1 beats 2
  });

  it('answers fast for a huge key: lengths too far apart are never compared', () => {
    const started = performance.now();
    expect(didYouMean('k'.repeat(1_000_000), JOB_FIELDS)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
