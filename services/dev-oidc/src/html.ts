// The provider's only HTML vocabulary: escaping and one self-contained page shell. Every value that
// reaches a page goes through escapeHtml; pages load nothing from elsewhere (no fonts, no scripts),
// so the provider works offline and a browser test never waits on the network.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:48px 16px;color:#1f2328}',
  'main{max-width:360px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px #0002}',
  'h1{font-size:1.3rem;margin:0 0 16px}label{display:block;margin:12px 0 4px;font-size:.9rem}',
  'input{width:100%;box-sizing:border-box;padding:8px;font-size:1rem}',
  'button{margin-top:18px;width:100%;padding:10px;font-size:1rem;cursor:pointer}',
  '.error{color:#b42318;background:#fef3f2;padding:8px;border-radius:4px}.hint{color:#57606a;font-size:.85rem}',
].join('');

/** `body` must already be escaped markup; `title` is escaped here. */
export function renderPage(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    `<body><main>${body}</main></body>`,
    '</html>',
  ].join('\n');
}
