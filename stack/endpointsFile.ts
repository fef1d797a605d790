import fs from 'node:fs';
import path from 'node:path';
import { Endpoints } from '../config/env';

/**
 * The running local stack writes where it listens, so the helper commands
 * (`npm run temporal`, `npm run events`, the CLI) find it without flags.
 */
export function writeEndpoints(stateDir: string, endpoints: Endpoints & { temporalUi?: string; apiUrl?: string }): void {
  fs.writeFileSync(path.join(stateDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2));
}

export function readEndpoints(stateDir: string): (Endpoints & { temporalUi?: string; apiUrl?: string }) | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

export function removeEndpoints(stateDir: string): void {
  fs.rmSync(path.join(stateDir, 'endpoints.json'), { force: true });
}
