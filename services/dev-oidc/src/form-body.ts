// Reads an HTML form submission (application/x-www-form-urlencoded) from a plain Node request, with
// a hard size limit: the login form carries two short fields, so anything larger is refused
// before it is buffered.
import type { IncomingMessage } from 'node:http';

export const FORM_BODY_LIMIT_BYTES = 8 * 1024;

export class FormBodyError extends Error {
  constructor(
    readonly status: 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'FormBodyError';
  }
}

export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const contentType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    throw new FormBodyError(415, 'expected an application/x-www-form-urlencoded form');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_BODY_LIMIT_BYTES) throw new FormBodyError(413, 'form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
