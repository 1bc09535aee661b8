// Public surface of the Calico selector language: parse, print, identify, evaluate, rewrite.

export type { ComparisonKind, LabelMap, SelectorNode, SetKind } from './ast.js';
export { compareBytes } from './ast.js';
export { SelectorSyntaxError } from './syntax-error.js';
export { parseSelector } from './parser.js';
export { canonicalSelector, normaliseSelector } from './canonical.js';
export { selectorUid } from './uid.js';
export { sha224 } from './sha224.js';
export { compileSelector, type LabelMatcher } from './compile.js';
export { evaluateSelector } from './evaluate.js';
export { containsGlobal, prefixSelectorLabels, replaceAll } from './rewrite.js';
export { labelsFromRecord } from './labels.js';
export { MAX_LABEL_LENGTH } from './tokenizer.js';
export { labelRestrictions, type LabelRestriction, type LabelRestrictions } from './restrictions.js';
