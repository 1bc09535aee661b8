// `npm run agent -- edit <state-dir> (set|delete) <kind> [<namespace>/]<name> [file]`: changes a
// simulated cluster's policy objects from outside, as `kubectl apply` / `kubectl delete` would on a
// real one, so drift can be shown without a cluster. `set` reads the object (YAML or JSON) from the
// file, or from stdin without one; its identity must match the command's. The running agent notices
// the change (it watches the file) and reports drift. Exit codes: 0 done, 2 bad usage or object.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { resourceKey, type PolicyResource } from '@palisade/policy';
import { isManagedKind, KIND_PLACEMENTS, MANAGED_KINDS } from '@palisade/policy/managed';
import { readPoliciesFile, writePoliciesFile } from './policy-store.js';

export const EDIT_USAGE = `  npm run agent -- edit <state-dir> set <kind> [<namespace>/]<name> [file]   (the object as YAML or JSON; stdin without a file)
  npm run agent -- edit <state-dir> delete <kind> [<namespace>/]<name>
    <kind>: ${MANAGED_KINDS.join(', ')}`;

export class EditError extends Error {
  override readonly name = 'EditError';
}

export interface EditIo {
  readonly stdin: () => Promise<string>;
  readonly print: (line: string) => void;
}

export async function runEditCommand(args: readonly string[], io: EditIo): Promise<void> {
  const [dir, action, kindArg, nameArg, file] = args;
  if (
    dir === undefined ||
    (action !== 'set' && action !== 'delete') ||
    kindArg === undefined ||
    nameArg === undefined
  ) {
    throw new EditError(`usage:\n${EDIT_USAGE}`);
  }
  const identity = identityOf(kindArg, nameArg);
  const key = resourceKey(identity);
  const objects = await readPoliciesFile(dir).catch((error: unknown) => {
    throw new EditError(error instanceof Error ? error.message : String(error));
  });
  const others = objects.filter((o) => resourceKey(o) !== key);
  if (action === 'delete') {
    if (others.length === objects.length) throw new EditError(`${kindArg} ${nameArg} is not in ${dir}`);
    await writePoliciesFile(dir, others);
    io.print(`${kindArg} ${nameArg} deleted`);
    return;
  }
  const text = file === undefined ? await io.stdin() : await readFile(file, 'utf8');
  let object: unknown;
  try {
    object = parse(text);
  } catch (error) {
    throw new EditError(
      `the object is not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const resource = object as PolicyResource;
  if (typeof object !== 'object' || object === null || typeof resource.metadata?.name !== 'string') {
    throw new EditError('the object needs apiVersion, kind and metadata.name');
  }
  if (resourceKey(resource) !== key) {
    throw new EditError(`the object is ${resourceKey(resource)}, but the command names ${key}`);
  }
  await writePoliciesFile(dir, [...others, resource]);
  io.print(`${kindArg} ${nameArg} ${others.length === objects.length ? 'created' : 'configured'}`);
}

function identityOf(kind: string, name: string): PolicyResource {
  const [first, second] = name.split('/');
  const namespace = second === undefined ? undefined : first;
  const objectName = second ?? first ?? '';
  const placement = isManagedKind(kind) ? KIND_PLACEMENTS[kind] : undefined;
  return {
    apiVersion: placement?.apiVersion ?? 'projectcalico.org/v3',
    kind: placement?.apiKind ?? kind,
    metadata: { name: objectName, ...(namespace === undefined ? {} : { namespace }) },
  } as PolicyResource;
}
