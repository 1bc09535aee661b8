import { describe, expect, it } from 'vitest';
import { ReportSpecError, parseGlobalReports, toGlobalReport } from './report-definition.js';

const calicoExample = `
apiVersion: projectcalico.org/v3
kind: GlobalReport
metadata:
  name: weekly-full-inventory
  annotations:
    palisade.io/cluster-selector: env == 'prod'
spec:
  reportType: inventory
  endpoints:
    selector: app == 'frontend'
    namespaces:
      names: [shop, default, shop]
      selector: team == 'a'
    serviceAccounts:
      selector: has(role)
  schedule: 0 0 * * 0
`;

function issues(yaml: string) {
  try {
    parseGlobalReports(yaml);
  } catch (err) {
    if (err instanceof ReportSpecError) return err.issues;
    throw err;
  }
  throw new Error('expected a ReportSpecError');
}

describe('GlobalReport', () => {
  it("reads Calico's YAML shape, cluster selector from Palisade's annotation", () => {
    const [r] = parseGlobalReports(calicoExample);
    expect(r).toEqual({
      name: 'weekly-full-inventory',
      reportType: 'inventory',
      schedule: '0 0 * * 0',
      suspend: false,
      scope: {
        endpointSelector: "app == 'frontend'",
        namespaceNames: ['default', 'shop'],
        namespaceSelector: "team == 'a'",
        serviceAccountNames: [],
        serviceAccountSelector: 'has(role)',
        clusterSelector: "env == 'prod'",
      },
    });
  });

  it('round-trips through toGlobalReport', () => {
    const [r] = parseGlobalReports(calicoExample);
    const yaml = JSON.stringify(toGlobalReport(r!));
    expect(parseGlobalReports(yaml)).toEqual([r]);
  });

  it("names Calico's field in errors", () => {
    const bad = calicoExample.replace("app == 'frontend'", 'app ==').replace('0 0 * * 0', 'daily');
    expect(issues(bad).map((i) => i.path.join('.'))).toEqual([
      'documents.0.spec.endpoints.selector',
      'documents.0.spec.schedule',
    ]);
    expect(issues(calicoExample.replace('reportType: inventory', 'reportType: cis-benchmark'))).toEqual([
      {
        path: ['documents', 0, 'spec', 'reportType'],
        message:
          'must be one of inventory, network-access, policy-audit, encryption (cis-benchmark is not supported)',
      },
    ]);
    expect(issues(calicoExample.replace('kind: GlobalReport', 'kind: GlobalNetworkPolicy'))[0]?.path).toEqual(
      ['documents', 0, 'kind'],
    );
    expect(issues(`${calicoExample}\n---\n${calicoExample}`)[0]?.path).toEqual([
      'documents',
      1,
      'metadata',
      'name',
    ]);
  });
});
