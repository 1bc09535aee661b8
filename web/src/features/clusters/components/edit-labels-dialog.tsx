// Edit a cluster's labels (the complete new set), validated as Kubernetes labels before saving.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { useToast } from '../../../components/ui/toast';
import type { LabelInput } from '../../../generated/graphql';
import { useUpdateClusterLabels } from '../api';
import { formatLabels, parseLabels } from '../validation';

export function EditLabelsDialog({
  slug,
  name,
  labels,
  open,
  onClose,
}: {
  slug: string;
  name: string;
  labels: readonly LabelInput[];
  open: boolean;
  onClose: () => void;
}) {
  const update = useUpdateClusterLabels(slug);
  const toast = useToast();
  const [text, setText] = useState(formatLabels(labels));
  const parsed = parseLabels(text);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsed.error) return;
    update.mutate(
      { name, labels: parsed.labels },
      {
        onSuccess: () => {
          toast.show({ title: `Labels of ${name} saved`, tone: 'ok' });
          onClose();
        },
      },
    );
  };
  return (
    <Dialog open={open} title={`Labels of ${name}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Labels" hint="key=value, separated by commas" error={parsed.error}>
          <Input value={text} onChange={(e) => setText(e.target.value)} autoFocus autoComplete="off" />
        </Field>
        {update.error && (
          <p className="ui-field__error" role="alert">
            {errorMessage(update.error)}
          </p>
        )}
        <div className="ui-dialog__actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending} disabled={Boolean(parsed.error)}>
            Save labels
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
