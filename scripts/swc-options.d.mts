import type { Options } from '@swc/core';

export function swcOptions(filename: string, sourceMaps: boolean | 'inline'): Options;
