// TEST TOOLING — never used by production code. Just enough HTML form reading to submit the
// provider's own pages (the login form, the logout confirmation) the way a browser would: the POST
// forms of a page with their resolved action, id, field names and hidden values. Not a parser for
// arbitrary HTML.

export interface HtmlForm {
  readonly id: string | undefined;
  readonly action: string;
  readonly fieldNames: ReadonlySet<string>;
  readonly hiddenFields: URLSearchParams;
}

function decodeEntities(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

export function parsePostForms(html: string, pageUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const [, formTag = '', inner = ''] of html.matchAll(/(<form\b[^>]*>)([\s\S]*?)<\/form>/gi)) {
    if (attribute(formTag, 'method')?.toLowerCase() !== 'post') continue;
    const inputs = [...inner.matchAll(/<input\b[^>]*>/gi)].map(([tag]) => tag);
    const hiddenFields = new URLSearchParams();
    const fieldNames = new Set<string>();
    for (const tag of inputs) {
      const name = attribute(tag, 'name');
      if (name === undefined) continue;
      fieldNames.add(name);
      if (attribute(tag, 'type')?.toLowerCase() === 'hidden')
        hiddenFields.append(name, attribute(tag, 'value') ?? '');
    }
    const action = new URL(attribute(formTag, 'action') ?? pageUrl, pageUrl).href;
    forms.push({ id: attribute(formTag, 'id'), action, fieldNames, hiddenFields });
  }
  return forms;
}

/** The text of the page's alert (role="alert"), e.g. "Invalid email or password". */
export function pageAlert(html: string): string | undefined {
  const match = /<[a-z]+\b[^>]*\srole="alert"[^>]*>([^<]*)</i.exec(html);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]).trim();
}
