/// <reference types="node" />
// Entry point of the `palisade-policy` command (bin/palisade-policy.mjs loads it): runs the command
// line with Node's file system and streams, and exits with its code. The only module of the
// package that uses node:*. The version is the package's own (package.json, one folder above src/
// and dist/ alike).

import { readdirSync, readFileSync } from 'node:fs';
import { runCommandLine } from './dispatch.js';
import type { CommandIo } from './io.js';

const io: CommandIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  listFiles: (path) => readdirSync(path),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

process.exitCode = runCommandLine(process.argv.slice(2), io, manifest.version);
