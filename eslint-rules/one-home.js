// One home per contract (CONVENTIONS.md): fails on a second definition, outside its home, of a fact
// the deployables must agree on. What it recognises, by shape rather than by name, so a copy under
// another name is still caught:
//  - kind-list: an array, union type or enum naming 3+ managed kinds (Tier, NetworkPolicy, …);
//  - error-codes: an array, union type or enum naming 3+ of the API's error codes;
//  - sync-statuses: an array, union type or enum naming 3+ sync statuses (IN_SYNC, DRIFTED, …);
//  - contract-name: the managed-by label or a palisade.io annotation name spelled as a string;
//  - reference-key: a kind, a namespace and a name joined into one string (template literal, `+`
//    chain or `[…].join`);
//  - selector-rule: a try around selector parsing whose catch answers "matches nothing";
//  - diff: an import of the `diff` package, or a function named like a document or line diff.
// A home is a directory prefix relative to the repository root; a file inside it may define the
// fact. Tests and benchmarks are not linted by this rule (they spell wire values on purpose).
import path from 'node:path';

const MANAGED_KINDS = new Set([
  'Tier',
  'GlobalNetworkSet',
  'NetworkSet',
  'GlobalNetworkPolicy',
  'NetworkPolicy',
  'KubernetesNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
]);
const ERROR_CODES = new Set([
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'PRECONDITION_FAILED',
  'UNAVAILABLE',
  'BAD_REQUEST',
  'INTERNAL',
]);
const SYNC_STATUSES = new Set(['IN_SYNC', 'PENDING', 'FAILED', 'DRIFTED', 'DISCONNECTED']);
const CONTRACT_NAMES = new Set([
  'app.kubernetes.io/managed-by',
  'palisade.io/drift-mode',
  'palisade.io/cluster-selector',
]);
const DIFF_FUNCTION = /^(?:lineDiff|unifiedDiff|documentUnifiedDiff|fieldChanges|lineOps|lcs\w*|diffLines)$/i;
const SELECTOR_CALLS = new Set(['parseSelector', 'compileSelector', 'clusterMatcher']);

const MANAGED_HOME = 'packages/policy/src/managed/';
export const DEFAULT_HOMES = {
  'kind-list': ['packages/policy/src/'],
  'error-codes': ['packages/access/src/'],
  'sync-statuses': [MANAGED_HOME],
  'contract-name': [MANAGED_HOME],
  // The policy package also prints Calico's own names (the engine's trace hits).
  'reference-key': ['packages/policy/src/'],
  'selector-rule': [MANAGED_HOME],
  diff: [MANAGED_HOME],
};

const FACT_WORDS = {
  'kind-list': 'a list of managed kinds',
  'error-codes': 'a list of API error codes',
  'sync-statuses': 'a list of sync statuses',
  'contract-name': 'the managed-by label or a Palisade annotation name',
  'reference-key': 'a resource reference key',
  'selector-rule': 'the cluster-selector rule',
  diff: 'a document or line diff',
};

const LISTS = [
  ['kind-list', MANAGED_KINDS],
  ['error-codes', ERROR_CODES],
  ['sync-statuses', SYNC_STATUSES],
];

/** The string values of literal elements (array elements, union members, enum initialisers). */
function stringsOf(nodes) {
  const out = new Set();
  for (const n of nodes) {
    if (!n) continue;
    if (n.type === 'Literal' && typeof n.value === 'string') out.add(n.value);
    else if (
      n.type === 'TSLiteralType' &&
      n.literal.type === 'Literal' &&
      typeof n.literal.value === 'string'
    )
      out.add(n.literal.value);
  }
  return out;
}

function memberName(node) {
  if (node?.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier')
    return node.property.name;
  if (node?.type === 'Identifier') return node.name;
  return undefined;
}

/** True when `node` contains a call to one of `names` (shallow walk over the AST). */
function callsAny(node, names) {
  let found = false;
  const visit = (n) => {
    if (found || !n || typeof n.type !== 'string') return;
    if (n.type === 'CallExpression' && names.has(memberName(n.callee) ?? '')) {
      found = true;
      return;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'parent') continue;
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(node);
  return found;
}

const SEPARATOR = /[/\u0000]/;
const KEY_PARTS = ['kind', 'namespace', 'name'];

/** The operands of a `+` chain, left to right. */
function plusOperands(node) {
  if (node.type === 'BinaryExpression' && node.operator === '+')
    return [...plusOperands(node.left), ...plusOperands(node.right)];
  return [node];
}

/** Whether `parts` name a kind, a namespace and a name, and `separators` join them with / or NUL. */
function joinsKey(parts, separators) {
  const names = new Set(parts.map((e) => memberName(e?.type === 'LogicalExpression' ? e.left : e)));
  return KEY_PARTS.every((p) => names.has(p)) && separators.some((t) => SEPARATOR.test(t ?? ''));
}

function isFalse(n) {
  return n?.type === 'Literal' && n.value === false;
}

/** A catch that answers "no match": `return false`, `return () => false`, or `() => false`. */
function answersNoMatch(handler) {
  const body = handler?.body?.body ?? [];
  return body.some((s) => {
    if (s.type !== 'ReturnStatement') return false;
    const a = s.argument;
    return isFalse(a) || (a?.type === 'ArrowFunctionExpression' && isFalse(a.body));
  });
}

export default {
  meta: {
    type: 'problem',
    docs: {
      description:
        'a contract fact (kind list, error codes, sync statuses, label and annotation names, reference key, cluster-selector rule, diff) is defined only in its home',
    },
    messages: {
      elsewhere: '{{fact}} is defined in {{homes}}; import it from there instead of writing a second copy.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          homes: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const homes = { ...DEFAULT_HOMES, ...(context.options[0]?.homes ?? {}) };
    const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    const atHome = (fact) => homes[fact].some((prefix) => file.startsWith(prefix));
    const report = (node, fact) => {
      if (atHome(fact)) return;
      context.report({
        node,
        messageId: 'elsewhere',
        data: { fact: FACT_WORDS[fact], homes: homes[fact].join(', ') },
      });
    };
    const checkList = (node, elements) => {
      const values = stringsOf(elements);
      for (const [fact, known] of LISTS) {
        let n = 0;
        for (const v of values) if (known.has(v)) n++;
        if (n >= 3) report(node, fact);
      }
    };
    return {
      ArrayExpression(node) {
        checkList(node, node.elements);
      },
      TSUnionType(node) {
        checkList(node, node.types);
      },
      TSEnumDeclaration(node) {
        const members = node.body?.members ?? node.members ?? [];
        checkList(
          node,
          members.map((m) => m.initializer ?? { type: 'Literal', value: m.id.name ?? m.id.value }),
        );
      },
      Literal(node) {
        if (typeof node.value === 'string' && CONTRACT_NAMES.has(node.value)) report(node, 'contract-name');
      },
      TemplateLiteral(node) {
        const separators = node.quasis.map((q) => q.value.cooked);
        if (joinsKey(node.expressions, separators)) report(node, 'reference-key');
      },
      BinaryExpression(node) {
        const top = !(node.parent.type === 'BinaryExpression' && node.parent.operator === '+');
        if (node.operator !== '+' || !top) return;
        const operands = plusOperands(node);
        const strings = operands.filter((o) => o.type === 'Literal' && typeof o.value === 'string');
        if (
          joinsKey(
            operands,
            strings.map((o) => o.value),
          )
        )
          report(node, 'reference-key');
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || memberName(callee) !== 'join') return;
        const sep = node.arguments[0];
        if (
          callee.object.type !== 'ArrayExpression' ||
          sep?.type !== 'Literal' ||
          typeof sep.value !== 'string'
        )
          return;
        if (joinsKey(callee.object.elements, [sep.value])) report(node, 'reference-key');
      },
      TryStatement(node) {
        if (callsAny(node.block, SELECTOR_CALLS) && answersNoMatch(node.handler))
          report(node, 'selector-rule');
      },
      ImportDeclaration(node) {
        if (node.source.value === 'diff') report(node, 'diff');
      },
      FunctionDeclaration(node) {
        if (node.id && DIFF_FUNCTION.test(node.id.name)) report(node.id, 'diff');
      },
      VariableDeclarator(node) {
        const init = node.init;
        const fn = init?.type === 'ArrowFunctionExpression' || init?.type === 'FunctionExpression';
        if (fn && node.id.type === 'Identifier' && DIFF_FUNCTION.test(node.id.name)) report(node.id, 'diff');
      },
    };
  },
};
