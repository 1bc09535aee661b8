// The package compiles without DOM or Node typings so that nothing platform-specific creeps in.
// These few WHATWG/HTML globals exist in Node, browsers, Deno and Bun alike.

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
