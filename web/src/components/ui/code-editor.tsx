// CodeEditor: the YAML editor. CodeMirror 6 is loaded lazily (its own chunk, only on pages that
// edit code), and until it arrives the same text is already editable in a plain textarea, so the
// page never waits for the editor to be usable. Diagnostics (1-based line/column) mark lines.
import { lazy, Suspense } from 'react';

export interface EditorDiagnostic {
  line: number;
  column?: number | undefined;
  message: string;
}

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  diagnostics?: readonly EditorDiagnostic[];
  readOnly?: boolean;
  /** Accessible name of the editing area. */
  label: string;
}

const CodeMirrorEditor = lazy(() =>
  import('./code-editor-impl').then((m) => ({ default: m.CodeMirrorEditor })),
);

export function PlainCodeEditor({ value, onChange, readOnly = false, label }: CodeEditorProps) {
  return (
    <div className="ui-code">
      <textarea
        aria-label={label}
        value={value}
        readOnly={readOnly}
        spellCheck={false}
        onChange={(e) => onChange?.(e.target.value)}
      />
    </div>
  );
}

export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense fallback={<PlainCodeEditor {...props} />}>
      <CodeMirrorEditor {...props} />
    </Suspense>
  );
}
