// Reads what Palisade needs from a SAML 2.0 IdP's metadata (decision 0100): its entity id, the
// HTTP-Redirect single sign-on URL, and the certificates it signs with. Anything missing is a
// clear error naming what is missing; nothing is guessed.
import { DOMParser } from '@xmldom/xmldom';
import { X509Certificate } from 'node:crypto';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  /** PEM certificates (use="signing" or no use given). */
  certs: string[];
}

export class MetadataError extends Error {
  override readonly name = 'MetadataError';
}

type El = {
  getAttribute(n: string): string | null;
  getElementsByTagNameNS(ns: string, n: string): ArrayLike<El>;
  textContent: string | null;
  localName: string | null;
  namespaceURI: string | null;
};

function list(x: ArrayLike<El>): El[] {
  return Array.from({ length: x.length }, (_, i) => x[i] as El);
}

function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function parseIdpMetadata(xml: string): IdpMetadata {
  const errors: string[] = [];
  let doc: { documentElement: El | null };
  try {
    doc = new DOMParser({
      onError: (level: string, msg: string) => {
        if (level !== 'warning') errors.push(msg);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    throw new MetadataError(`the metadata is not well-formed XML: ${(err as Error).message}`);
  }
  const root = doc.documentElement;
  if (errors.length > 0 || !root)
    throw new MetadataError(`the metadata is not well-formed XML: ${errors[0] ?? 'empty'}`);
  const entity =
    root.localName === 'EntityDescriptor' && root.namespaceURI === MD
      ? root
      : list(root.getElementsByTagNameNS(MD, 'EntityDescriptor'))[0];
  if (!entity) throw new MetadataError('the metadata has no md:EntityDescriptor');
  const entityId = entity.getAttribute('entityID');
  if (!entityId) throw new MetadataError('the md:EntityDescriptor has no entityID');
  const idp = list(entity.getElementsByTagNameNS(MD, 'IDPSSODescriptor'))[0];
  if (!idp) throw new MetadataError('the metadata describes no identity provider (md:IDPSSODescriptor)');
  const sso = list(idp.getElementsByTagNameNS(MD, 'SingleSignOnService')).find(
    (s) => s.getAttribute('Binding') === REDIRECT,
  );
  const ssoUrl = sso?.getAttribute('Location');
  if (!ssoUrl)
    throw new MetadataError('the IdP offers no SingleSignOnService with the HTTP-Redirect binding');
  try {
    const u = new URL(ssoUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new MetadataError(`the SingleSignOnService location is not an http(s) URL: ${ssoUrl}`);
  }
  const certs: string[] = [];
  for (const kd of list(idp.getElementsByTagNameNS(MD, 'KeyDescriptor'))) {
    const use = kd.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const c of list(kd.getElementsByTagNameNS(DS, 'X509Certificate'))) {
      const pem = toPem(c.textContent ?? '');
      try {
        new X509Certificate(pem);
      } catch {
        throw new MetadataError('a signing certificate in the metadata is not a valid X.509 certificate');
      }
      if (!certs.includes(pem)) certs.push(pem);
    }
  }
  if (certs.length === 0) throw new MetadataError('the IdP metadata names no signing certificate');
  return { entityId, ssoUrl, certs };
}
