/**
 * Message bodies for chat group robots (群机器人). Pure.
 *
 * - WeCom (企业微信): a `markdown` message cannot @-mention by mobile number (only `text`
 *   messages carry `mentioned_mobile_list`), so a reminder with mentions is two messages: the
 *   markdown, then a short text that mentions the people concerned.
 * - DingTalk (钉钉): one `markdown` message; mentions go in `at.atMobiles` and, as DingTalk
 *   requires for markdown, as `@<mobile>` in the text.
 * Robots limit a markdown message to 4096 bytes (WeCom) or 20000 bytes (DingTalk); longer texts
 * are cut at a line boundary with a note.
 */
import type { Reminder } from '../../schemas/meeting';

export type RobotFormat = 'wecom' | 'dingtalk';
export type RobotMessage = Record<string, unknown>;

const LIMIT: Record<RobotFormat, number> = { wecom: 4000, dingtalk: 18000 };

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Cuts `text` at a line boundary so that it fits `limit` UTF-8 bytes. */
export function fitText(text: string, limit: number): string {
  if (utf8Length(text) <= limit) return text;
  const note = '\n\n……（内容过长，其余请在系统中查看）';
  const lines = text.split('\n');
  while (lines.length > 1 && utf8Length(lines.join('\n') + note) > limit) lines.pop();
  return lines.join('\n') + note;
}

export function robotMessages(reminder: Pick<Reminder, 'title' | 'markdown' | 'mentionMobiles'>, format: RobotFormat): RobotMessage[] {
  const mobiles = [...new Set(reminder.mentionMobiles)];
  if (format === 'dingtalk') {
    const mentions = mobiles.length > 0 ? `\n\n${mobiles.map((m) => `@${m}`).join(' ')}` : '';
    return [
      {
        msgtype: 'markdown',
        markdown: { title: reminder.title, text: fitText(reminder.markdown, LIMIT.dingtalk - utf8Length(mentions)) + mentions },
        at: { atMobiles: mobiles, isAtAll: false },
      },
    ];
  }
  const messages: RobotMessage[] = [{ msgtype: 'markdown', markdown: { content: fitText(reminder.markdown, LIMIT.wecom) } }];
  if (mobiles.length > 0) {
    messages.push({ msgtype: 'text', text: { content: `请关注：${reminder.title}`, mentioned_mobile_list: mobiles } });
  }
  return messages;
}
