// Naming rules of calico-semantics §2.1 and the Kubernetes rules for label keys/values, DNS names
// and port names. Each checker returns a problem sentence, or undefined when the value is fine.

const LABEL = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(?:\\.${LABEL})*`;

export const DNS_LABEL_RE = new RegExp(`^${LABEL}$`);
export const DNS_SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN}$`);
const NAMESPACED_POLICY_RE = new RegExp(
  `^(?:${LABEL}(?:\\.${LABEL})?|(?:knp|ossg)\\.default\\.${SUBDOMAIN})$`,
);
const GLOBAL_POLICY_RE = new RegExp(`^(?:${LABEL}\\.)?${LABEL}$`);

export interface NameRule {
  pattern: RegExp;
  maxLength: number;
  explain: string;
}

export const NAME_RULES = {
  tier: {
    pattern: DNS_LABEL_RE,
    maxLength: 63,
    explain: 'lowercase letters, digits and "-", starting and ending with a letter or digit, no dots',
  },
  namespacedPolicy: {
    pattern: NAMESPACED_POLICY_RE,
    maxLength: 253,
    explain:
      'one or two dot-separated DNS labels (lowercase letters, digits and "-"), or a name with the reserved prefix "knp.default." or "ossg.default."',
  },
  globalPolicy: {
    pattern: GLOBAL_POLICY_RE,
    maxLength: 253,
    explain: 'one or two dot-separated DNS labels (lowercase letters, digits and "-")',
  },
  subdomain: {
    pattern: DNS_SUBDOMAIN_RE,
    maxLength: 253,
    explain: 'dot-separated DNS labels of lowercase letters, digits and "-"',
  },
  namespace: {
    pattern: DNS_LABEL_RE,
    maxLength: 63,
    explain: 'lowercase letters, digits and "-", starting and ending with a letter or digit',
  },
} as const satisfies Record<string, NameRule>;

export function checkName(name: string, rule: NameRule, what: string): string | undefined {
  if (name.length > rule.maxLength) return `${what} must be at most ${rule.maxLength} characters long`;
  if (!rule.pattern.test(name)) return `${what} "${name}" is not valid: use ${rule.explain}`;
  return undefined;
}

const QUALIFIED_NAME_RE = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A Kubernetes qualified name: `[prefix/]name`, prefix a DNS subdomain, name ≤63 characters. */
export function checkQualifiedName(key: string, what: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix)) {
      return `${what} "${key}" has an invalid prefix: it must be a lowercase DNS subdomain of at most 253 characters`;
    }
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_RE.test(name)) {
    return `${what} "${key}" is not valid: the name part must be 1-63 characters of letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

export function checkLabelValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !QUALIFIED_NAME_RE.test(value)) {
    return `label value "${value}" is not valid: use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

const PORT_NAME_RE = /^[a-z0-9](?:-?[a-z0-9])*$/;

/** IANA service name as Kubernetes uses for named ports: ≤15 chars, lowercase alnum/"-", ≥1 letter. */
export function isPortName(name: string): boolean {
  return name.length <= 15 && PORT_NAME_RE.test(name) && /[a-z]/.test(name);
}
