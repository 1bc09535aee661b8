import { randomBytes } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { deflateAhead, zipArchive } from './evidence-zip.js';

/** Reads an archive by its central directory, checking every local header against it. */
function read(zip: Buffer) {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  expect(at + zip.readUInt32LE(end + 12)).toBe(end);
  const out = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const [crc, size, length] = [
      zip.readUInt32LE(at + 16),
      zip.readUInt32LE(at + 20),
      zip.readUInt32LE(at + 24),
    ];
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    expect(zip.subarray(local + 6, local + 26)).toEqual(zip.subarray(at + 8, at + 28));
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const bytes = inflateRawSync(zip.subarray(start, start + size));
    expect(bytes.length).toBe(length);
    expect(crc32(bytes)).toBe(crc);
    const [time, date] = [zip.readUInt16LE(at + 12), zip.readUInt16LE(at + 14)];
    const mtime = new Date(
      (date >> 9) + 1980,
      ((date >> 5) & 15) - 1,
      date & 31,
      time >> 11,
      (time >> 5) & 63,
      (time & 31) * 2,
    );
    out.push({ name, bytes, mtime, utf8: (zip.readUInt16LE(at + 8) & 0x800) !== 0 });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

describe('zipArchive', () => {
  const mtime = new Date(2026, 2, 4, 5, 6, 8);
  const entries = [
    { name: 'endpoints.csv', bytes: Buffer.from('cluster,endpoint\n'.repeat(5_000)) },
    { name: 'empty.txt', bytes: Buffer.alloc(0) },
    { name: 'random.bin', bytes: randomBytes(70_000) },
    { name: 'répertoire/données.json', bytes: Buffer.from('{"a": 1}\n') },
  ];

  it('holds every entry, in order, with its CRC, sizes, date and name (as read back)', async () => {
    const zip = await zipArchive(entries, mtime);
    const back = read(zip);
    expect(back.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    for (const [i, e] of back.entries()) {
      expect(e.bytes.equals(entries[i]!.bytes)).toBe(true);
      expect(e.mtime.getTime()).toBe(mtime.getTime());
    }
    expect(back.map((e) => e.utf8)).toEqual([false, false, false, true]);
    // Another implementation reads it alike.
    const other = unzipSync(zip);
    expect(Object.keys(other)).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(Buffer.from(other[e.name]!).equals(e.bytes)).toBe(true);
  });

  it('depends only on the contents, whether compressions were started ahead or not', async () => {
    const plain = await zipArchive(entries, mtime);
    const copies = entries.map((e) => ({ name: e.name, bytes: Buffer.from(e.bytes) }));
    for (const e of copies) deflateAhead(e.bytes);
    expect((await zipArchive(copies, mtime)).equals(plain)).toBe(true);
    const later = await zipArchive(entries, new Date(2026, 2, 4, 5, 6, 10));
    expect(later.equals(plain)).toBe(false);
  });
});
