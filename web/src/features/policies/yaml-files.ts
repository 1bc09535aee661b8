// Import and export of YAML files in the browser: read a chosen file as text (bounded, so a wrong
// pick cannot freeze the tab) and offer text as a download.
export const MAX_IMPORT_BYTES = 1024 * 1024;

export async function readYamlFile(file: File): Promise<string> {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`${file.name} is larger than 1 MiB.`);
  return file.text();
}

export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
