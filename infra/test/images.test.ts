// The images: every Containerfile has the shape decision 0062 asks for (two stages from the pinned
// bases, production dependencies only, a non-root user, OCI labels, an exec-form entrypoint), and
// where this machine can build images (Linux, root, buildah, mmdebstrap; see missingPrerequisites)
// the agent's image is built from its Containerfile into an OCI archive and its entrypoint answers
// `--version` as the image's user. Elsewhere that test is skipped, and says what the machine lacks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION } from '../../agent/src/version.js';
import {
  BUILD_BASE,
  IMAGES,
  ROOT,
  RUNTIME_BASE,
  buildBases,
  buildImage,
  imageConfig,
  imageVersion,
  missingPrerequisites,
  runEntrypoint,
  runInImage,
} from '../images/build-images.js';

/** What is wrong with a Containerfile's text, by the rules of decision 0062. */
export function containerfileProblems(text: string): string[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const problems: string[] = [];
  const froms = lines.filter((l) => /^FROM\s/.test(l));
  if (froms.length < 2) problems.push('not multi-stage: needs a dependency stage and a runtime stage');
  if (!froms.every((l) => /^FROM \$\{(BUILD|RUNTIME)_BASE\}/.test(l)))
    problems.push('a stage is not FROM a pinned base');
  const args = new Map(
    lines.flatMap((l) => {
      const m = /^ARG (\w+_BASE)=(\S+)/.exec(l);
      return m ? [[m[1]!, m[2]!] as const] : [];
    }),
  );
  if (args.get('RUNTIME_BASE') !== RUNTIME_BASE || args.get('BUILD_BASE') !== BUILD_BASE)
    problems.push(`the bases must default to ${RUNTIME_BASE} and ${BUILD_BASE}`);
  if (!lines.some((l) => /npm ci .*--omit=dev/.test(l)))
    problems.push('dependencies are not installed with --omit=dev');
  const user = lines.filter((l) => /^USER\s/.test(l)).pop();
  if (!user || /^USER\s+(0|root)\b/.test(user))
    problems.push('the runtime stage does not switch to a non-root user');
  for (const label of ['version', 'revision', 'source'])
    if (!text.includes(`org.opencontainers.image.${label}=`))
      problems.push(`no org.opencontainers.image.${label} label`);
  if (!lines.some((l) => /^ENTRYPOINT \[/.test(l))) problems.push('the entrypoint is not in exec form');
  return problems;
}

describe('the Containerfiles', () => {
  it.each(IMAGES.map((i) => [i.name, i.containerfile]))('%s (%s) follows the image rules', (_, file) => {
    expect(containerfileProblems(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('a single-stage, root, unlabelled Containerfile is caught', () => {
    const bad = 'FROM node:latest\nCOPY . /app\nRUN npm ci\nCMD node agent/dist/main.js\n';
    expect(containerfileProblems(bad)).toEqual([
      'not multi-stage: needs a dependency stage and a runtime stage',
      'a stage is not FROM a pinned base',
      `the bases must default to ${RUNTIME_BASE} and ${BUILD_BASE}`,
      'dependencies are not installed with --omit=dev',
      'the runtime stage does not switch to a non-root user',
      'no org.opencontainers.image.version label',
      'no org.opencontainers.image.revision label',
      'no org.opencontainers.image.source label',
      'the entrypoint is not in exec form',
    ]);
  });

  it('copy the package.json of every workspace, so npm ci sees the whole lockfile', () => {
    const workspaces = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;
    for (const image of IMAGES) {
      const text = readFileSync(join(ROOT, image.containerfile), 'utf8');
      expect(
        workspaces.filter((ws) => !text.includes(`COPY ${ws}/package.json ${ws}/`)),
        image.name,
      ).toEqual([]);
    }
  });
});

const missing = missingPrerequisites();

describe.skipIf(missing.length > 0)(
  `building the agent image${missing.length > 0 ? ` (skipped: this machine lacks ${missing.join('; ')})` : ''}`,
  () => {
    const out = mkdtempSync(join(tmpdir(), 'palisade-images-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it(
      'writes an OCI archive whose entrypoint answers --version as a non-root user',
      { timeout: 1_200_000 },
      () => {
        for (const args of [['--deps-of', 'agent'], ['agent']]) {
          const build = spawnSync(
            'node',
            ['--import', './scripts/register.mjs', 'scripts/build.ts', ...args],
            {
              cwd: ROOT,
              encoding: 'utf8',
            },
          );
          expect(build.status, build.stderr).toBe(0);
        }
        buildBases(() => {});
        const agent = IMAGES.find((i) => i.name === 'agent')!;
        const archive = buildImage(agent, out, () => {});

        const version = runEntrypoint(archive, ['--version']);
        expect(version.status, version.stderr).toBe(0);
        expect(version.stdout).toContain(AGENT_VERSION);
        const uid = runInImage(archive, () => [
          'node',
          '-e',
          'process.stdout.write(String(process.getuid()))',
        ]);
        expect(uid.stdout).toBe('10001');
        // The application files are root's: the process cannot change its own code.
        const write = runInImage(archive, () => [
          'node',
          '-e',
          "require('fs').appendFileSync('agent/dist/main.js', '')",
        ]);
        expect(write.status).not.toBe(0);

        const config = imageConfig(`localhost/palisade/agent:${imageVersion(agent)}`);
        expect(config.User).toBe('10001:10001');
        expect(config.Entrypoint).toEqual(['node', '--enable-source-maps', 'agent/dist/main.js']);
        expect(config.Labels).toMatchObject({
          'org.opencontainers.image.version': imageVersion(agent),
          'org.opencontainers.image.source': expect.stringMatching(/^https:\/\//),
          'org.opencontainers.image.revision': expect.stringMatching(/^[0-9a-f]{40}$|^unknown$/),
        });
      },
    );
  },
);
