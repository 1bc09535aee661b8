// UTF-8 byte arithmetic on JavaScript strings, without encoding them: the frame limit is in bytes
// and must be checked before a large string is copied or parsed. Lone surrogates count as the three
// bytes of U+FFFD, which is what a WebSocket text frame would carry for them.

const NON_ASCII = /[\u0080-\uffff]/;

export function utf8ByteLength(text: string): number {
  const first = text.search(NON_ASCII);
  if (first === -1) return text.length;
  let bytes = first;
  for (let i = first; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** True when `text` is certainly longer than `maxBytes`; exact only when that cannot be decided cheaply. */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return utf8ByteLength(text) > maxBytes;
}

/** The longest prefix of `text` that fits in `maxBytes`, never splitting a surrogate pair. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (!exceedsUtf8Bytes(text, maxBytes)) return text;
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const unit = text.charCodeAt(end);
    const pair = isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(end + 1));
    const size = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += pair ? 2 : 1;
  }
  return text.slice(0, end);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
