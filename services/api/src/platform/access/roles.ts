// The permission map lives in @palisade/access, shared with the console; the API's modules import
// it through this file.
export * from '@palisade/access';
