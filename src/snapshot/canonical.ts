/** JSON with object keys sorted: two values with equal content give the same text, whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) Object.defineProperty(sorted, key, { value: (v as Record<string, unknown>)[key], enumerable: true });
    return sorted;
  });
}
