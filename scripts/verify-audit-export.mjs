#!/usr/bin/env node
// Verifies a Palisade audit-log export offline, with Node alone (no dependencies): every event's
// hash is recomputed as SHA-256(prevHash || canonical JSON of its fields), exactly as the API
// chains them (services/api/src/platform/audit/audit-hash.ts), each event must link to the one
// before it, and the first and last hashes must be those the signed manifest states. Check the
// manifest's signature and the file checksums first (README, "Verifying evidence"):
//   openssl dgst -sha256 -verify key.pem -signature manifest.sig manifest.json
//   sha256sum -c SHA256SUMS
//   node scripts/verify-audit-export.mjs <directory of the unzipped export>
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function canonicalJson(value) {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

function hashOf(e) {
  const body = canonicalJson({
    orgId: e.orgId,
    seq: e.seq,
    occurredAt: e.occurredAt,
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    before: e.before ?? null,
    after: e.after ?? null,
  });
  return createHash('sha256').update(Buffer.from(e.prevHash, 'hex')).update(body).digest('hex');
}

function fail(message) {
  console.error(`FAILED: ${message}`);
  process.exit(1);
}

const dir = process.argv[2];
if (!dir) fail('usage: node verify-audit-export.mjs <directory holding audit.jsonl and manifest.json>');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
if (manifest.kind !== 'audit-log')
  fail(`manifest.json is a ${manifest.kind} manifest, not an audit-log export`);
const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l !== '');
let previous = null;
for (const [i, line] of lines.entries()) {
  const e = JSON.parse(line);
  if (e.orgId !== manifest.organization.id) fail(`line ${i + 1}: event of another organisation`);
  if (previous !== null) {
    if (BigInt(e.seq) !== BigInt(previous.seq) + 1n) fail(`seq ${e.seq} does not follow ${previous.seq}`);
    if (e.prevHash !== previous.hash) fail(`seq ${e.seq}: prevHash does not link to seq ${previous.seq}`);
  } else if (e.prevHash !== manifest.subject.anchorPrevHash) {
    fail(`seq ${e.seq}: the first prevHash is not the manifest's anchorPrevHash`);
  }
  if (hashOf(e) !== e.hash) fail(`seq ${e.seq}: its hash does not match its contents`);
  previous = e;
}
if (lines.length !== manifest.subject.events)
  fail(`${lines.length} events, the manifest says ${manifest.subject.events}`);
if ((previous?.hash ?? null) !== manifest.subject.lastHash)
  fail("the last hash is not the manifest's lastHash");
console.log(
  lines.length === 0
    ? 'OK: no events in the range'
    : `OK: ${lines.length} events, seq ${manifest.subject.firstSeq}..${manifest.subject.lastSeq}, chain intact, last hash ${previous.hash}`,
);
