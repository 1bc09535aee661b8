// Import a multi-document YAML file like `kubectl apply -f`: a dry run first shows what each
// document would do (or why it is refused, at its line); Apply stores all of them or none.
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Table } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import type { ApplyResourcesMutation } from '../../../generated/graphql';
import { useApplyResources } from '../api';
import { importIssueText, importResourceLabel } from '../import-issues';
import { readYamlFile } from '../yaml-files';
import { plural } from '../../../lib/format';

type Plan = ApplyResourcesMutation['applyResources'];

export function ImportDialog({ slug, open, onClose }: { slug: string; open: boolean; onClose: () => void }) {
  const apply = useApplyResources(slug);
  const toast = useToast();
  const [text, setText] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setText(null);
    setPlan(null);
    setError(null);
    onClose();
  };
  const choose = async (file: File) => {
    try {
      const t = await readYamlFile(file);
      setText(t);
      setFileName(file.name);
      setError(null);
      setPlan(await apply.mutateAsync({ yaml: t, dryRun: true }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const failed = plan?.results.some((r) => r.errors.length > 0) ?? false;
  return (
    <Dialog open={open} title="Import YAML" onClose={close}>
      <div className="stack">
        <input
          type="file"
          accept=".yaml,.yml,application/yaml,text/yaml"
          aria-label="YAML file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void choose(f);
          }}
        />
        {apply.isPending && <p role="status">Checking {fileName}…</p>}
        {error && (
          <p className="ui-field__error" role="alert">
            {error}
          </p>
        )}
        {plan && (
          <Table
            caption={`${fileName}: ${plural(plan.results.length, 'resource')}`}
            columns={['Line', 'Resource', 'Result']}
          >
            {plan.results.map((r) => (
              <tr key={r.index}>
                <td>{r.line}</td>
                <td className="mono">{importResourceLabel(r)}</td>
                <td>
                  {r.errors.length ? (
                    <ul className="validation-list">
                      {r.errors.map((e, i) => (
                        <li key={i}>{importIssueText(e)}</li>
                      ))}
                    </ul>
                  ) : (
                    <Badge tone={r.action === 'UNCHANGED' ? 'neutral' : 'info'}>
                      {r.action.toLowerCase()}
                    </Badge>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
        <div className="ui-dialog__actions">
          <Button onClick={close}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!text || !plan || failed}
            busy={apply.isPending}
            onClick={() =>
              text &&
              apply.mutate(
                { yaml: text, dryRun: false },
                {
                  onSuccess: (r) => {
                    toast.show({
                      title: `Imported ${plural(r.results.length, 'resource')} from ${fileName}`,
                      tone: 'ok',
                    });
                    close();
                  },
                  onError: (err) => setError(errorMessage(err)),
                },
              )
            }
          >
            Apply all
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
