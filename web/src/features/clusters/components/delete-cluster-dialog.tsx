// Deleting a cluster revokes its agent's credential and closes its tunnel at once, so the dialog
// asks for the cluster's name to be typed before the button works.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { useDeleteCluster } from '../api';

export function DeleteClusterDialog({
  slug,
  name,
  open,
  onClose,
  onDeleted,
}: {
  slug: string;
  name: string;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const del = useDeleteCluster(slug);
  const [typed, setTyped] = useState('');
  const matches = typed === name;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (matches) del.mutate(name, { onSuccess: onDeleted });
  };
  return (
    <Dialog open={open} title={`Delete ${name}?`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          The agent's credential is revoked and its tunnel closed immediately. Policies stop being pushed to
          this cluster. This cannot be undone; to connect it again, register it anew.
        </p>
        <Field label={`Type ${name} to confirm`}>
          <Input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus autoComplete="off" />
        </Field>
        {del.error && (
          <p className="ui-field__error" role="alert">
            {errorMessage(del.error)}
          </p>
        )}
        <div className="ui-dialog__actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger-solid" disabled={!matches} busy={del.isPending}>
            Delete cluster
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
