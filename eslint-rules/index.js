// Palisade's local ESLint plugin.
import guardedResolvers from './guarded-resolvers.js';

export default { rules: { 'guarded-resolvers': guardedResolvers } };
