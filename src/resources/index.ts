export { type Scale, DEFAULT_PRECISION, createScale, toScaled, fromScaled } from './scale.js';
export {
  type Resources,
  type ScaledEntries,
  parseResources,
  expectResourceRecord,
  scaleEntry,
  toResources,
  isPlainRecord,
  copyStringRecord,
  validateDimensionName,
} from './vector.js';
