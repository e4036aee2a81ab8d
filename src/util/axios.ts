/**
 * axios as its one-file CommonJS build (dist/node/axios.cjs, what `require('axios')` gives): the ESM entry loads
 * about 180 modules, which cost ~5 MB of RSS at start for the same code. Types come from the package as usual.
 */
import { createRequire } from 'node:module';
import type { AxiosStatic } from 'axios';

export const axios = createRequire(import.meta.url)('axios') as AxiosStatic;
