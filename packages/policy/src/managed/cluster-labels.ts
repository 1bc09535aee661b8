// The syntax of a cluster's labels, which cluster selectors match: Kubernetes label syntax, the
// same rule @palisade/policy applies to the labels inside documents (../resources/names.ts). The
// API refuses other labels; the console checks its label field with the same functions.
import { checkLabelValue, checkQualifiedName } from '../resources/names.js';

/** `[prefix/]name`: prefix a DNS subdomain (≤253), name 1–63 letters, digits, "-", "_", ".". */
export function isLabelKey(key: string): boolean {
  return checkQualifiedName(key, 'label key') === undefined;
}

/** Empty, or up to 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit. */
export function isLabelValue(value: string): boolean {
  return checkLabelValue(value) === undefined;
}
