import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A stand-in for a chat group robot, for running keyflow locally without WeCom or DingTalk:
 * an HTTP endpoint on 127.0.0.1 that accepts robot messages (either format) and appends them,
 * readable, to `<stateDir>/logs/reminders.log` — `tail -f` it to watch reminders arrive.
 * Answers like a robot: `{"errcode":0,"errmsg":"ok"}`.
 */
export interface LocalWebhook {
  url: string;
  logFile: string;
  close(): Promise<void>;
}

function readable(message: Record<string, unknown>): string {
  const md = message.markdown as { content?: string; text?: string; title?: string } | undefined;
  const text = message.text as { content?: string; mentioned_mobile_list?: string[] } | undefined;
  const at = message.at as { atMobiles?: string[] } | undefined;
  const lines: string[] = [];
  if (md) lines.push(md.title ? `# ${md.title}` : '', md.content ?? md.text ?? '');
  if (text) lines.push(text.content ?? '');
  const mentions = text?.mentioned_mobile_list ?? at?.atMobiles ?? [];
  if (mentions.length > 0) lines.push(`@ ${mentions.join(' ')}`);
  return lines.filter((l) => l !== '').join('\n');
}

export async function startLocalWebhook(opts: { stateDir: string; port?: number; host?: string }): Promise<LocalWebhook> {
  const logFile = path.join(opts.stateDir, 'logs', 'reminders.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'application/json' }).end('{"errcode":405,"errmsg":"POST only"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"errcode":40001,"errmsg":"invalid json"}');
        return;
      }
      const block = `\n===== ${new Date().toISOString()} · ${String(message.msgtype)} =====\n${readable(message)}\n`;
      fs.appendFile(logFile, block, (err) => {
        if (err) res.writeHead(500, { 'content-type': 'application/json' }).end('{"errcode":500,"errmsg":"cannot write log"}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      });
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/robot/send`,
    logFile,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
