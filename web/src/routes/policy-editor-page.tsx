// Policy editor. Wired to the API's policy fields once they are in the schema.
import { useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { PolicyYamlEditor } from '../features/policies/components/policy-yaml-editor';
import { NEW_POLICY_YAML } from '../features/policies/templates';
import '../features/policies/policies.css';

export function PolicyEditorPage() {
  const [text, setText] = useState(NEW_POLICY_YAML);
  return (
    <>
      <PageHeader title="Policy editor" />
      <PolicyYamlEditor value={text} onChange={setText} />
    </>
  );
}
