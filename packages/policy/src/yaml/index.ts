// Public surface of YAML import/export and canonical serialisation.

export { parseResourcesYaml, type ParsedDocument, type ParsedResources } from './parse-resources.js';
export { toCanonicalYaml } from './canonical-yaml.js';
export { canonicalJson, stableStringify } from './canonical-json.js';
export { canonicalResource } from './canonical-resource.js';
