import { ConfigError } from './app-config.js';

/** Process-manager settings from the environment, with embedded defaults. */
export interface ProcessConfig {
  /** How often the hold-expiry sweep looks for holds past their time to live. */
  readonly holdExpirySweepIntervalMs: number;
}

const SWEEP_INTERVAL_MS_DEFAULT = 60_000;
const SWEEP_INTERVAL_MS_MIN = 100;
const SWEEP_INTERVAL_MS_MAX = 86_400_000;

export function loadProcessConfig(env: NodeJS.ProcessEnv = process.env): ProcessConfig {
  const raw = env.HOLD_EXPIRY_SWEEP_INTERVAL_MS;
  if (raw === undefined || raw === '') return { holdExpirySweepIntervalMs: SWEEP_INTERVAL_MS_DEFAULT };
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < SWEEP_INTERVAL_MS_MIN || value > SWEEP_INTERVAL_MS_MAX) {
    throw new ConfigError(`HOLD_EXPIRY_SWEEP_INTERVAL_MS must be an integer from ${SWEEP_INTERVAL_MS_MIN} to ${SWEEP_INTERVAL_MS_MAX}, got "${raw}"`);
  }
  return { holdExpirySweepIntervalMs: value };
}
