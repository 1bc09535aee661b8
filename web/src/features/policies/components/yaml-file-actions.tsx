// Import (a .yaml file into the editor) and Export (the editor's text as a file).
import { useRef, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { downloadText, readYamlFile } from '../yaml-files';

export function YamlFileActions({
  text,
  filename,
  onImport,
  canImport,
}: {
  text: string;
  filename: string;
  onImport: (text: string) => void;
  canImport: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="row">
      {canImport && (
        <>
          <input
            ref={input}
            type="file"
            accept=".yaml,.yml,application/yaml,text/yaml"
            hidden
            aria-label="YAML file to import"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              readYamlFile(file).then(
                (t) => {
                  setError(null);
                  onImport(t);
                },
                (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
              );
            }}
          />
          <Button onClick={() => input.current?.click()}>Import YAML…</Button>
        </>
      )}
      <Button onClick={() => downloadText(filename, text)}>Export YAML</Button>
      {error && (
        <span className="ui-field__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
