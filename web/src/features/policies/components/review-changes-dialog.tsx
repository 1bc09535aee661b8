// Before saving: the diff between the stored YAML and the draft, and the button that saves.
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { DiffView } from '../../../components/ui/diff-view';

export function ReviewChangesDialog({
  open,
  stored,
  draft,
  saving,
  error,
  onSave,
  onClose,
}: {
  open: boolean;
  stored: string;
  draft: string;
  saving: boolean;
  error: string | null;
  onSave: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      title={stored ? 'Review changes' : 'Review new policy'}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>Keep editing</Button>
          <Button variant="primary" busy={saving} onClick={onSave} disabled={stored === draft}>
            Save
          </Button>
        </>
      }
    >
      <DiffView before={stored} after={draft} label="Changes to save" />
      {error && (
        <p className="ui-field__error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
