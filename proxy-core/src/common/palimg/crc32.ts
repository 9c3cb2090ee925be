/**
 * CRC-32 (IEEE 802.3, the polynomial of zlib and PNG chunk CRCs), in plain JS so the palette
 * transform runs in the browser too. Perlbal's Palimg needed String::CRC32 for this; without
 * it every PNG failed.
 */

// Int32, not Uint32: entries above 2^31 read from a Uint32Array are not small integers to
// V8, and the loop then runs on heap numbers, about 15 times slower.
function makeTable(): Int32Array {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

const TABLE = makeTable();

/** CRC-32 of `bytes[start, end)`, continuing from `crc` (0 for a fresh CRC). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  let c = ~crc | 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
