/** `npm start`: `.env` (if present) and the environment -> the bridge, until SIGINT/SIGTERM. */
import { loadDotEnv } from './config.js';
import { exitWhenDone, runUntilSignal } from './run.js';

loadDotEnv();
exitWhenDone(runUntilSignal(process.env), 'market-bridge', process.env);
