// The variables a deployable reads, taken from its config/env.ts: the keys of the zod object literal
// assigned to `schema` (CONVENTIONS: env.ts is the only reader of process.env). Read with the
// TypeScript parser rather than by importing the module, so the deployables need not export their
// schema and nothing is evaluated.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export function envKeys(envFile: string): string[] {
  const source = ts.createSourceFile(envFile, readFileSync(envFile, 'utf8'), ts.ScriptTarget.Latest, true);
  let keys: string[] | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === 'schema' &&
      node.initializer &&
      ts.isCallExpression(node.initializer)
    ) {
      const [shape] = node.initializer.arguments;
      if (shape && ts.isObjectLiteralExpression(shape))
        keys = shape.properties.flatMap((p) =>
          ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))
            ? [p.name.text]
            : [],
        );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!keys) throw new Error(`${envFile}: no \`const schema = z.object({...})\``);
  return keys;
}
