// The PDF of a report run, rendered with pdfkit in the worker: a cover (organisation, report,
// scope, interval, generation time), summary figures with bar charts, the tables, notes, and page
// numbers. Deterministic: the document's dates are the result's generation time (pdfkit derives
// the file ID from them) and only the standard Helvetica fonts are used, so the same result always
// gives the same bytes, which the signed manifest can then pin.
import PDFDocument from 'pdfkit';
import type { ReportResult } from './report-result.js';

const MARGIN = 48;
const ROW = 13;
const TYPE_TITLE = {
  inventory: 'Inventory',
  'network-access': 'Network access',
  'policy-audit': 'Policy audit',
  encryption: 'Fleet encryption',
} as const;

/** Keeps what the standard fonts can draw (WinAnsi); anything else becomes '?'. */
function latin(s: string): string {
  return s.replace(/[^\x20-\x7e\u00a0-\u00ff\u2019\u2013\u2014]/g, '?');
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

interface Column<T> {
  title: string;
  width: number;
  value: (row: T) => string;
}

/** What pdfkit's standard fonts offer its text layout (not in its types). */
interface FontInternals {
  encode(text: string, features?: unknown): [string[], object[]];
  widthOfString(text: string, size: number, features?: unknown): number;
}

/**
 * Memoises the encodings and widths of the document's font `name`: pdfkit measures a table cell
 * three times and encodes it once, each time looking up the kerning of every pair of letters, and
 * most cells repeat (yes/no, cluster and namespace names). The results are the font's own, so the
 * bytes do not change; pdfkit only reads them (decision 0206). The font objects are the
 * document's: nothing outside this document is touched.
 */
function memoiseFont(doc: PDFKit.PDFDocument, name: string): void {
  doc.font(name);
  const font = (doc as unknown as { _font: FontInternals })._font;
  const encode = font.encode.bind(font);
  const widthOf = font.widthOfString.bind(font);
  const encodings = new Map<string, [string[], object[]]>();
  const widths = new Map<string, number>();
  font.encode = (text, features) => {
    if (features !== undefined) return encode(text, features);
    let e = encodings.get(text);
    if (!e) encodings.set(text, (e = encode(text)));
    return e;
  };
  font.widthOfString = (text, size, features) => {
    if (features !== undefined) return widthOf(text, size, features);
    const key = `${size}\u0000${text}`;
    let w = widths.get(key);
    if (w === undefined) widths.set(key, (w = widthOf(text, size)));
    return w;
  };
}

/** What pdfkit's stream objects (a page's content) offer (not in its types). */
interface StreamInternals {
  write(chunk: string | Uint8Array): void;
  finalize(): void;
}

/**
 * Gathers the lines pdfkit writes to a page's content stream and hands them to the stream as one
 * chunk when the stream is finalised (or before a chunk of bytes, to keep the order). pdfkit turns
 * each line (`BT`, `Tm`, `Tf`, `TJ`, `ET`, ...: about six per table cell) into its own
 * `Uint8Array`, i.e. its own `ArrayBuffer`, and a 10,000-row table into some 600,000 of them, which
 * cost more in garbage collection than the layout itself. The bytes are the same: the stream is
 * the concatenation of the same lines, each followed by a newline, converted the same way (the
 * low byte of each UTF-16 unit; pdfkit's content lines are ASCII); pdfkit reads a stream's
 * length only when it finalises it (decision 0210).
 */
function batchStream(ref: StreamInternals): void {
  const write = ref.write.bind(ref);
  const finalize = ref.finalize.bind(ref);
  let lines: string[] = [];
  // Lines joined every few hundred: fewer live objects for the garbage collector to copy while
  // the document's pages stay buffered (`bufferPages`) until the end.
  let joined: string[] = [];
  const flush = () => {
    if (lines.length === 0 && joined.length === 0) return;
    joined.push(lines.join(''));
    const text = joined.join('');
    lines = [];
    joined = [];
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    write(bytes);
  };
  ref.write = (chunk) => {
    if (typeof chunk === 'string') {
      lines.push(`${chunk}\n`);
      if (lines.length === 256) {
        joined.push(lines.join(''));
        lines = [];
      }
    } else {
      flush();
      write(chunk);
    }
  };
  ref.finalize = () => {
    flush();
    finalize();
  };
}

export interface PdfOptions {
  /**
   * Every table cell through pdfkit's line wrapper, fonts unmemoised, content streams written
   * line by line: the straightforward layout the default one is tested against (same bytes).
   */
  plain?: boolean;
}

export function renderPdf(r: ReportResult, options: PdfOptions = {}): Promise<Buffer> {
  const when = new Date(r.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    compress: true,
    info: {
      Title: latin(`${TYPE_TITLE[r.report.type]} report ${r.report.definition}`),
      Author: 'Palisade',
      Subject: latin(`${r.organization.name}, ${r.report.interval.start} to ${r.report.interval.end}`),
      Producer: 'Palisade',
      Creator: 'Palisade compliance reports',
      CreationDate: when,
      ModDate: when,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const plain = options.plain === true;
  if (!plain) {
    memoiseFont(doc, 'Helvetica');
    memoiseFont(doc, 'Helvetica-Bold');
    const content = () => (doc.page as unknown as { content: StreamInternals }).content;
    batchStream(content());
    doc.on('pageAdded', () => batchStream(content()));
  }
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - ROW;

  // ── cover ──
  doc.font('Helvetica-Bold').fontSize(26).text('Compliance report', MARGIN, 120);
  doc
    .moveDown(0.3)
    .font('Helvetica')
    .fontSize(16)
    .text(latin(`${TYPE_TITLE[r.report.type]}: ${r.report.definition}`));
  doc.moveDown(1.2).fontSize(11);
  const s = r.report.scope;
  const cover: [string, string][] = [
    ['Organisation', `${r.organization.name} (${r.organization.slug})`],
    ['Interval', `${r.report.interval.start}  to  ${r.report.interval.end}`],
    ['Generated', r.generatedAt],
    ['Run', `${r.report.runId} (${r.report.trigger.replace('_', '-')})`],
    ['Clusters', r.clusters.map((c) => c.name).join(', ') || 'none'],
    ['Endpoint selector', s.endpointSelector || 'all endpoints'],
    ['Namespaces', [s.namespaceNames.join(', '), s.namespaceSelector].filter(Boolean).join('; ') || 'all'],
    [
      'Service accounts',
      [s.serviceAccountNames.join(', '), s.serviceAccountSelector].filter(Boolean).join('; ') || 'all',
    ],
    ['Cluster selector', s.clusterSelector || 'all clusters'],
  ];
  for (const [k, v] of cover) {
    const y = doc.y;
    doc.font('Helvetica-Bold').text(k, MARGIN, y, { width: 140 });
    doc.font('Helvetica').text(latin(v), MARGIN + 150, y, { width: width - 150 });
    doc.moveDown(0.4);
  }
  doc
    .moveDown(2)
    .fontSize(9)
    .fillColor('#555555')
    .text(
      'Evidence: this file is listed with its SHA-256 in manifest.json, which is signed (ECDSA P-256, manifest.sig). ' +
        'Flags are computed with the full policy semantics (tiers, order, Pass, Deny, profiles); where Calico\u2019s ' +
        'over-approximation would report otherwise, the CSV files say so in their differsFromCalico column.',
      MARGIN,
      doc.y,
      { width },
    )
    .fillColor('black');

  // ── summary ──
  doc.addPage();
  doc.font('Helvetica-Bold').fontSize(16).text('Summary', MARGIN, MARGIN);
  doc.moveDown(0.6);
  const counters: [string, number, number | null][] = [];
  const total = r.endpoints.length;
  if (r.inventory) {
    const i = r.inventory;
    counters.push(
      ['Endpoints in scope', i.endpointsNumInScope, null],
      ['Endpoints ingress protected', i.endpointsNumIngressProtected, i.endpointsNumInScope],
      ['Endpoints egress protected', i.endpointsNumEgressProtected, i.endpointsNumInScope],
      ['Namespaces in scope', i.namespacesNumInScope, null],
      ['Namespaces ingress protected', i.namespacesNumIngressProtected, i.namespacesNumInScope],
      ['Namespaces egress protected', i.namespacesNumEgressProtected, i.namespacesNumInScope],
      ['Service accounts in scope', i.serviceAccountsNumInScope, null],
    );
  }
  if (r.networkAccess) {
    const n = r.networkAccess;
    counters.push(
      ['Endpoints in scope', total, null],
      ['Ingress protected', n.endpointsNumIngressProtected, total],
      ['Egress protected', n.endpointsNumEgressProtected, total],
      ['Reachable from the internet', n.endpointsNumIngressFromInternet, total],
      ['Reaching the internet', n.endpointsNumEgressToInternet, total],
      ['Reachable from other namespaces', n.endpointsNumIngressFromOtherNamespace, total],
      ['Reaching other namespaces', n.endpointsNumEgressToOtherNamespace, total],
    );
  }
  if (r.policyAudit) {
    const p = r.policyAudit;
    const sum = p.numCreatedPolicies + p.numModifiedPolicies + p.numDeletedPolicies;
    counters.push(
      ['Policies created', p.numCreatedPolicies, sum],
      ['Policies modified', p.numModifiedPolicies, sum],
      ['Policies deleted', p.numDeletedPolicies, sum],
    );
  }
  if (r.encryption) {
    const x = r.encryption;
    counters.push(
      ['Clusters in scope', x.clustersNumInScope, null],
      ['Nodes', x.nodesNum, null],
      ['Nodes encrypting in transit', x.nodesNumEncrypting, x.nodesNum],
    );
  }
  const barX = MARGIN + 260;
  const barW = 320;
  doc.fontSize(11);
  for (const [label, value, of] of counters) {
    const y = doc.y;
    doc.font('Helvetica').text(label, MARGIN, y, { width: 200 });
    doc.font('Helvetica-Bold').text(String(value), MARGIN + 200, y, { width: 50, align: 'right' });
    if (of !== null) {
      doc.rect(barX, y + 1, barW, 9).fill('#e6e6e6');
      if (of > 0 && value > 0) doc.rect(barX, y + 1, (barW * value) / of, 9).fill('#2f6fb0');
      doc
        .fillColor('black')
        .font('Helvetica')
        .fontSize(9)
        .text(`of ${of}`, barX + barW + 8, y + 1);
      doc.fontSize(11);
    }
    doc.text('', MARGIN, y + 18);
  }
  const differing = r.endpoints.filter((e) => e.differsFromCalico.length > 0).length;
  if (r.report.type === 'inventory' || r.report.type === 'network-access')
    doc
      .moveDown(1)
      .font('Helvetica')
      .fontSize(10)
      .text(
        `Endpoints where Calico\u2019s over-approximation would report otherwise: ${differing} of ${total}.`,
        MARGIN,
      );

  // ── tables ──
  const table = <T>(title: string, columns: Column<T>[], rows: readonly T[]) => {
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(14).text(title, MARGIN, MARGIN);
    doc.moveDown(0.5);
    const header = () => {
      let x = MARGIN;
      const y = doc.y;
      doc.font('Helvetica-Bold').fontSize(8);
      for (const c of columns) {
        doc.text(c.title, x, y, { width: c.width - 4, lineBreak: false, ellipsis: true });
        x += c.width;
      }
      doc
        .moveTo(MARGIN, y + ROW - 2)
        .lineTo(MARGIN + width, y + ROW - 2)
        .stroke('#999999');
      doc.text('', MARGIN, y + ROW);
    };
    header();
    if (rows.length === 0)
      doc
        .font('Helvetica')
        .fontSize(9)
        .text('None.', MARGIN, doc.y + 4);
    for (const row of rows) {
      if (doc.y > bottom()) {
        doc.addPage();
        doc.text('', MARGIN, MARGIN);
        header();
      }
      let x = MARGIN;
      const y = doc.y;
      doc.font('Helvetica').fontSize(8);
      for (const c of columns) {
        const text = latin(c.value(row));
        // A cell without spaces that fits (with a point to spare for kerning at the line
        // wrapper's break points) is drawn as the wrapper would draw it, without the wrapper, and
        // an empty one not at all: the same bytes, a third of the cost of a large table
        // (decision 0206).
        if (plain) doc.text(text, x, y, { width: c.width - 4, lineBreak: false, ellipsis: true });
        else if (text !== '' && !/\s/.test(text) && doc.widthOfString(text) <= c.width - 5)
          doc.text(text, x, y, { lineBreak: false });
        else if (text !== '') doc.text(text, x, y, { width: c.width - 4, lineBreak: false, ellipsis: true });
        x += c.width;
      }
      doc.text('', MARGIN, y + ROW);
    }
  };
  type E = ReportResult['endpoints'][number];
  if (r.report.type === 'inventory') {
    table<E>(
      'Endpoints',
      [
        { title: 'Cluster', width: 80, value: (e) => e.cluster },
        { title: 'Endpoint', width: 190, value: (e) => e.endpoint },
        { title: 'Ingress protected', width: 80, value: (e) => yes(e.ingressProtected) },
        { title: 'Egress protected', width: 80, value: (e) => yes(e.egressProtected) },
        { title: 'Applied policies', width: 160, value: (e) => e.appliedPolicies.join('; ') },
        {
          title: 'Node encrypts',
          width: 40,
          value: (e) => (e.nodeEncrypted === null ? '?' : yes(e.nodeEncrypted)),
        },
        { title: 'Differs from Calico', width: width - 630, value: (e) => e.differsFromCalico.join(', ') },
      ],
      r.endpoints,
    );
    table<ReportResult['namespaces'][number]>(
      'Namespaces',
      [
        { title: 'Cluster', width: 120, value: (n) => n.cluster },
        { title: 'Namespace', width: 220, value: (n) => n.namespace },
        { title: 'Endpoints', width: 80, value: (n) => String(n.endpointsInScope) },
        { title: 'Ingress protected', width: 100, value: (n) => yes(n.ingressProtected) },
        { title: 'Egress protected', width: 100, value: (n) => yes(n.egressProtected) },
        { title: 'Differs from Calico', width: width - 620, value: (n) => n.differsFromCalico.join(', ') },
      ],
      r.namespaces,
    );
    table<ReportResult['services'][number]>(
      'Services',
      [
        { title: 'Cluster', width: 120, value: (v) => v.cluster },
        { title: 'Service', width: 260, value: (v) => v.service },
        { title: 'Endpoints', width: 80, value: (v) => String(v.endpointsInScope) },
        { title: 'Ingress protected', width: 100, value: (v) => yes(v.ingressProtected) },
        { title: 'Differs from Calico', width: width - 560, value: (v) => v.differsFromCalico.join(', ') },
      ],
      r.services,
    );
  } else if (r.report.type === 'network-access') {
    table<E>(
      'Endpoints',
      [
        { title: 'Cluster', width: 70, value: (e) => e.cluster },
        { title: 'Endpoint', width: 150, value: (e) => e.endpoint },
        { title: 'In prot.', width: 42, value: (e) => yes(e.ingressProtected) },
        { title: 'Eg prot.', width: 42, value: (e) => yes(e.egressProtected) },
        { title: 'From internet', width: 56, value: (e) => yes(e.ingressFromInternet) },
        { title: 'To internet', width: 50, value: (e) => yes(e.egressToInternet) },
        { title: 'From other ns', width: 58, value: (e) => yes(e.ingressFromOtherNamespace) },
        { title: 'To other ns', width: 50, value: (e) => yes(e.egressToOtherNamespace) },
        {
          title: 'Traffic from',
          width: 110,
          value: (e) => e.endpointsGeneratingTrafficToThisEndpoint.join('; '),
        },
        { title: 'Differs from Calico', width: width - 628, value: (e) => e.differsFromCalico.join(', ') },
      ],
      r.endpoints,
    );
  } else if (r.report.type === 'encryption') {
    type C = NonNullable<ReportResult['encryption']>['clusters'][number];
    type N = NonNullable<ReportResult['encryption']>['nodes'][number];
    table<C>(
      'Clusters',
      [
        { title: 'Cluster', width: 160, value: (c) => c.cluster },
        { title: 'Nodes', width: 60, value: (c) => String(c.nodes) },
        { title: 'Encrypting', width: 70, value: (c) => String(c.encryptingNodes) },
        { title: 'Coverage', width: 70, value: (c) => `${(c.coverage * 100).toFixed(1)} %` },
        { title: 'Dataplanes', width: 120, value: (c) => c.dataplanes.join(', ') },
        { title: 'Calico versions', width: width - 480, value: (c) => c.calicoVersions.join(', ') },
      ],
      r.encryption?.clusters ?? [],
    );
    table<N>(
      'Nodes',
      [
        { title: 'Cluster', width: 110, value: (n) => n.cluster },
        { title: 'Node', width: 160, value: (n) => n.node },
        { title: 'Dataplane', width: 70, value: (n) => n.dataplane },
        { title: 'WireGuard', width: 60, value: (n) => yes(n.wireguardEnabled) },
        { title: 'Public key', width: 60, value: (n) => yes(n.wireguardPublicKey) },
        { title: 'Encrypting', width: 60, value: (n) => yes(n.encrypting) },
        { title: 'MTU', width: 50, value: (n) => (n.mtu === null ? '' : String(n.mtu)) },
        { title: 'Calico', width: width - 570, value: (n) => n.calicoVersion },
      ],
      r.encryption?.nodes ?? [],
    );
  } else {
    table<ReportResult['events'][number]>(
      'Policy changes',
      [
        { title: 'Time', width: 150, value: (e) => e.occurredAt },
        { title: 'Verb', width: 50, value: (e) => e.verb },
        { title: 'Resource', width: 240, value: (e) => e.resource },
        { title: 'User', width: 150, value: (e) => e.user.label },
        {
          title: 'Changed fields',
          width: width - 590,
          value: (e) => e.diff.map((d) => d.path || '(whole)').join(', '),
        },
      ],
      r.events,
    );
  }
  if (r.notes.length > 0) {
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(14).text('Notes', MARGIN, MARGIN);
    doc.moveDown(0.5).font('Helvetica').fontSize(10);
    for (const n of r.notes) doc.text(latin(`\u2013 ${n}`), { width }).moveDown(0.3);
  }

  // ── page numbers ──
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#555555')
      .text(
        latin(`${r.organization.name} \u2013 ${r.report.definition} \u2013 page ${i + 1} of ${range.count}`),
        MARGIN,
        doc.page.height - MARGIN / 2 - 4,
        { width, align: 'center', lineBreak: false },
      )
      .fillColor('black');
    doc.page.margins.bottom = saved;
  }
  doc.end();
  return done;
}
