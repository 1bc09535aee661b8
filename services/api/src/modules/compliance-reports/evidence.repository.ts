// The only Prisma caller for evidence_signing_keys (platform-wide, no tenant) and report_evidence
// (per organisation, org id first).
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../platform/db/database.js';

/** Serialises key creation and rotation across workers and API replicas. */
const KEY_LOCK = 7215330013;

@Injectable()
export class EvidenceRepository {
  async lockKeys(tx: Tx): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK}::bigint)`;
  }

  activeKey(tx: Tx) {
    return tx.evidenceSigningKey.findFirst({ where: { notAfter: null } });
  }

  key(tx: Tx, id: string) {
    return tx.evidenceSigningKey.findFirst({ where: { id } });
  }

  keys(tx: Tx) {
    return tx.evidenceSigningKey.findMany({
      orderBy: { notBefore: 'desc' },
      select: { id: true, algorithm: true, publicKeyPem: true, notBefore: true, notAfter: true },
    });
  }

  async retire(tx: Tx, id: string, at: Date): Promise<void> {
    await tx.evidenceSigningKey.updateMany({ where: { id, notAfter: null }, data: { notAfter: at } });
  }

  addKey(tx: Tx, key: { id: string; publicKeyPem: string; privateKeyEnc: Uint8Array; notBefore: Date }) {
    return tx.evidenceSigningKey.create({
      data: { ...key, algorithm: 'ECDSA-P256-SHA256', privateKeyEnc: new Uint8Array(key.privateKeyEnc) },
    });
  }

  async addEvidence(
    tx: Tx,
    orgId: string,
    e: { runId: string; keyId: string; manifest: unknown; archive: Uint8Array; archiveSha256: string },
  ): Promise<void> {
    await tx.reportEvidence.create({
      data: {
        orgId,
        runId: e.runId,
        keyId: e.keyId,
        manifest: e.manifest as Prisma.InputJsonValue,
        archive: new Uint8Array(e.archive),
        archiveSha256: e.archiveSha256,
      },
    });
  }

  evidence(tx: Tx, orgId: string, runId: string) {
    return tx.reportEvidence.findFirst({ where: { orgId, runId } });
  }

  auditHead(tx: Tx, orgId: string) {
    return tx.auditHead.findFirst({ where: { orgId } });
  }
}
