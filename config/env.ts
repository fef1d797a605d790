import { z } from 'zod';

const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')).min(1, 'must name at least one broker'));

/**
 * Environment keyflow reads, once, at its edges (CLI, worker, API, tests). When
 * `TEMPORAL_ADDRESS` or `KAFKA_BROKERS` is set, keyflow uses that server and does not start
 * its own.
 */
export const KeyflowEnv = z.object({
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  KEYFLOW_TASK_QUEUE: z.string().min(1).default('keyflow'),
  KAFKA_BROKERS: list.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('keyflow'),
  /** Where the local stack keeps its state (SQLite, Kafka log dir, logs). */
  KEYFLOW_STATE_DIR: z.string().optional(),
  /** Port of the HTTP API and dashboard (0: any free port). */
  KEYFLOW_API_PORT: z.coerce.number().int('must be a whole number').min(0, 'must be a port 0–65535').max(65535, 'must be a port 0–65535').default(8080),
  /** Address the API listens on; 0.0.0.0 in a container. */
  KEYFLOW_API_HOST: z.string().min(1).default('127.0.0.1'),
  /** The API token file (hashes, roles, departments); seeds/api-tokens.json holds the demo stack's. */
  KEYFLOW_API_TOKENS: z.string().min(1).optional(),
  /** The user store (people, password hashes, their tokens); default users.json in the state directory, with the demo users. */
  KEYFLOW_USERS: z.string().min(1).optional(),
  /** Send the session cookie with Secure (set behind HTTPS). */
  KEYFLOW_COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Hours a sign-in lasts (the session cookie's Max-Age). */
  KEYFLOW_SESSION_HOURS: z.coerce.number().positive('must be a positive number of hours').max(24 * 30, 'must be at most 720 hours').default(8),
  /** Chat robot webhook for reminders; unset → a local inbox whose log the run command prints. */
  KEYFLOW_REMINDER_WEBHOOK: z.string().url('must be a URL').optional(),
  KEYFLOW_REMINDER_FORMAT: z.enum(['wecom', 'dingtalk']).default('wecom'),
  /** DingTalk robot signing secret (加签), when the robot requires it. */
  KEYFLOW_DINGTALK_SECRET: z.string().optional(),
  /** The read model's database (projections/): postgres://… for PostgreSQL; unset → SQLite in the state folder. */
  KEYFLOW_DATABASE_URL: z.string().min(1).optional(),
  /** Folder of extra holiday notices (`<year>.json`); default seeds/holidays. */
  KEYFLOW_HOLIDAYS_DIR: z.string().optional(),
  /** Memory the worker may use for its workflow cache, MiB (workers/worker.ts cacheSizeFor); default: the V8 heap limit. */
  KEYFLOW_WORKER_MEMORY_MIB: z.coerce.number().int('must be a whole number of MiB').positive('must be more than 0 MiB').optional(),
});
export type KeyflowEnv = z.infer<typeof KeyflowEnv>;

export function readEnv(env: NodeJS.ProcessEnv = process.env): KeyflowEnv {
  const parsed = KeyflowEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`keyflow: bad environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Where keyflow's engines are, once resolved (started locally or given by the environment). */
export interface Endpoints {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  kafkaBrokers: string[];
  kafkaClientId: string;
}
