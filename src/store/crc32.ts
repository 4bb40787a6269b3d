/*
 * CRC-32 (IEEE 802.3, the polynomial of zlib, PNG and Ethernet: reflected 0xEDB88320, initial
 * value and final XOR 0xFFFFFFFF), table-driven: one table lookup per byte. Written here rather
 * than taken from `node:zlib` because `zlib.crc32` only exists from Node 20.15/22.2 and the store
 * must not depend on a patch release; the check value crc32("123456789") = 0xCBF43926 is tested.
 */

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The CRC-32 of `bytes[start, end)`, as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
