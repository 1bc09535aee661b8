// The zip container of a sealed evidence archive (decision 0210): every entry deflated (level 6)
// with Node's zlib on its thread pool, so a file's compression can start as soon as its bytes
// exist (`deflateAhead`: the CSV files and report.json are compressed while the main thread
// renders the PDF), then the local headers, the central directory and its end record written
// around the compressed bytes. The entries carry one fixed modification time, so the archive
// depends only on its contents. No zip64: an evidence archive stays far below 4 GiB.
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';

const deflate = promisify(deflateRaw);
const LEVEL = 6;
const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const LIMIT = 0xffffffff;

/** Compressions in flight or done, by the very bytes they compress. */
const ahead = new WeakMap<Uint8Array, Promise<Buffer>>();

/** Starts compressing `bytes` on zlib's thread pool; `zipArchive` picks the result up. */
export function deflateAhead(bytes: Uint8Array): void {
  if (!ahead.has(bytes)) ahead.set(bytes, deflate(bytes, { level: LEVEL }));
}

function deflated(bytes: Uint8Array): Promise<Buffer> {
  deflateAhead(bytes);
  return ahead.get(bytes)!;
}

/** MS-DOS date and time of `at` (local time, two-second steps), as zip tools read them. */
function dosTime(at: Date): { time: number; date: number } {
  const year = at.getFullYear() - 1980;
  if (year < 0 || year > 127) throw new Error(`a zip entry cannot carry the year ${at.getFullYear()}`);
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1),
    date: (year << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}

/** A zip archive of `entries` (name, bytes) in that order, every entry deflated, all dated `mtime`. */
export async function zipArchive(
  entries: readonly { name: string; bytes: Uint8Array }[],
  mtime: Date,
): Promise<Buffer> {
  const { time, date } = dosTime(mtime);
  if (entries.length > 0xffff) throw new Error('an evidence archive of more than 65,535 files needs zip64');
  const compressed = await Promise.all(entries.map((e) => deflated(e.bytes)));
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    const name = Buffer.from(e.name, 'utf8');
    const data = compressed[i]!;
    const crc = crc32(e.bytes);
    if (e.bytes.length > LIMIT || data.length > LIMIT || offset > LIMIT)
      throw new Error('an evidence archive above 4 GiB needs zip64');
    // General purpose flag bit 11: the name is UTF-8.
    const flags = /[^\x20-\x7e]/.test(e.name) ? 0x800 : 0;
    // From "version needed" to the extra field's length, the local header and the central
    // directory's entry hold the same fields (at offset 4 and 6).
    const common = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
      header.writeUInt16LE(flags, at + 2);
      header.writeUInt16LE(8, at + 4); // deflate
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(date, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(data.length, at + 14);
      header.writeUInt32LE(e.bytes.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
      // no extra field: 0
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    common(local, 4);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(CENTRAL, 0);
    entry.writeUInt16LE(20, 4); // made by: MS-DOS attributes, 2.0
    common(entry, 6);
    // extra and comment lengths, disk number, internal and external attributes: 0
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(entry, name);
    offset += local.length + name.length + data.length;
  });
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
