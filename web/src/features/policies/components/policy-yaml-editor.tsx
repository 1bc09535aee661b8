// The YAML editor with live validation: CodeMirror (lazy) marks the lines with errors and the list
// under it says what is wrong, both updated as you type.
import { CodeEditor } from '../../../components/ui/code-editor';
import { useYamlValidation, type YamlValidation } from '../hooks/use-yaml-validation';
import { ValidationList } from './validation-list';

export interface PolicyYamlEditorProps {
  value: string;
  onChange: (value: string) => void;
  readOnly?: boolean;
  /** Shows only the validation (e.g. while the form view edits the text). */
  editorHidden?: boolean;
  /** Receives every validation result, e.g. to enable the save button. */
  children?: (v: YamlValidation) => React.ReactNode;
}

export function PolicyYamlEditor({
  value,
  onChange,
  readOnly = false,
  editorHidden = false,
  children,
}: PolicyYamlEditorProps) {
  const validation = useYamlValidation(value);
  const diagnostics = validation.errors.map((e) => ({
    line: e.line ?? 1,
    column: e.column,
    message: e.message,
  }));
  return (
    <div className="stack">
      {!editorHidden && (
        <CodeEditor
          label="Policy YAML"
          value={value}
          onChange={onChange}
          diagnostics={diagnostics}
          readOnly={readOnly}
        />
      )}
      <ValidationList errors={validation.errors} count={validation.resources.length} />
      {children?.(validation)}
    </div>
  );
}
