// Palisade's local ESLint plugin.
import guardedResolvers from './guarded-resolvers.js';
import oneHome from './one-home.js';

export default { rules: { 'guarded-resolvers': guardedResolvers, 'one-home': oneHome } };
