// GraphQL types of signed evidence: the published signing keys and a downloaded archive.
import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';

@ObjectType('EvidenceSigningKey', {
  description:
    'A key Palisade signs evidence manifests with (ECDSA P-256 over SHA-256, DER signatures). Retired keys stay listed so older signatures verify.',
})
export class EvidenceSigningKeyModel {
  @Field(() => String, { description: 'Key id, as manifest.json names it in signature.keyId.' }) id!: string;
  @Field(() => String, { description: 'Signature algorithm: ECDSA-P256-SHA256.' }) algorithm!: string;
  @Field(() => String, {
    description: 'Public key, PEM (SubjectPublicKeyInfo), for openssl dgst -sha256 -verify.',
  })
  publicKeyPem!: string;
  @Field(() => Date, { description: 'From when it signs.' }) notBefore!: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'When it stopped signing (rotated out); null for the key signing now.',
  })
  notAfter!: Date | null;
}

@ObjectType('EvidenceArchive', {
  description: 'A signed evidence archive (zip): the files, SHA256SUMS, manifest.json and manifest.sig.',
})
export class EvidenceArchiveModel {
  @Field(() => String, { description: 'Suggested file name.' }) filename!: string;
  @Field(() => String, { description: 'Media type: application/zip.' }) contentType!: string;
  @Field(() => Int, { description: 'Size in bytes.' }) size!: number;
  @Field(() => String, { description: 'SHA-256 of the archive, hex.' }) sha256!: string;
  @Field(() => String, { description: 'The archive, base64-encoded.' }) base64!: string;
  @Field(() => JSONScalar, { description: 'The signed manifest (also in the archive as manifest.json).' })
  manifest!: unknown;
}

@InputType('DownloadReportRunInput', { description: 'Which run’s evidence to download.' })
export class DownloadReportRunInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Id of a succeeded run.' }) runId!: string;
}

@InputType('ExportAuditLogInput', { description: 'A time range of the audit log to export, signed.' })
export class ExportAuditLogInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => Date, { description: 'Events at or after this time.' }) from!: Date;
  @Field(() => Date, { description: 'Events before this time; not in the future.' }) to!: Date;
}
