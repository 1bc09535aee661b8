import type { Rule } from 'eslint';

export declare const DEFAULT_HOMES: Readonly<Record<string, readonly string[]>>;
declare const rule: Rule.RuleModule;
export default rule;
