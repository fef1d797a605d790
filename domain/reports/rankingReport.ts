import { METRICS, type CountyKind, type FourCompareResult, type MetricId } from '../../schemas/fourCompare';
import type { TourProject, TourResult } from '../../schemas/inspection';
import { compiledLagText, type CompiledLag } from '../../schemas/readModel';
import type { County } from '../../schemas/reference';

/**
 * Pure renderers of published rankings (四比四看 checks and 观摩 tours).
 * HTML: one self-contained UTF-8 page — Chinese labels with English beside, the ranking table and
 * an inline SVG bar chart of the scores; no scripts, no external assets; every text escaped.
 * CSV: RFC 4180 (comma separated, CRLF line ends, fields with comma, quote, CR or LF quoted and
 * quotes doubled), a header row, UTF-8 with a byte-order mark so that Excel reads the Chinese.
 * Text cells starting with = + - @ get a leading apostrophe so that spreadsheets do not run them
 * as formulas; numeric cells are written as numbers.
 */

const KIND_LABEL: Record<CountyKind, string> = {
  district: '区 District',
  county: '县 County',
  'functional-zone': '功能区 Functional zone',
};

/** Escapes text for HTML and SVG element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const fixed2 = (n: number) => n.toFixed(2);

function rankChangeLabel(change: number | null): string {
  if (change === null) return '—';
  if (change > 0) return `↑${change}`;
  if (change < 0) return `↓${-change}`;
  return '0';
}

// ---------------------------------------------------------------- HTML

const STYLE = `
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}
.en{color:#666;font-size:.85em}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f3f3f3}
svg text{font-size:13px}
p.note{color:#555;font-size:.85em;max-width:60em}
p.nodata{font-size:1.1em;color:#7a4a00}
`.trim();

function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Chinese label with the English beside it, both escaped. */
function bi(zh: string, en: string): string {
  return `${escapeHtml(zh)} <span class="en">${escapeHtml(en)}</span>`;
}

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs}\n</tbody>\n</table>`;
}

const td = (html: string) => `<td>${html}</td>`;
const tdNum = (text: string) => `<td class="num">${escapeHtml(text)}</td>`;

/** Horizontal bar chart of scores, longest bar = `max`. Labels and values are escaped. */
function barChart(caption: string, rows: { label: string; value: number }[], max: number): string {
  const rowH = 26;
  const labelW = 280;
  const barW = 420;
  const width = labelW + barW + 70;
  const height = rows.length * rowH + 16;
  const bars = rows
    .map((r, i) => {
      const y = 8 + i * rowH;
      const w = max > 0 ? Math.max(0, Math.min(1, r.value / max)) * barW : 0;
      const mid = y + rowH / 2;
      return [
        `<text x="${labelW - 8}" y="${mid}" text-anchor="end" dominant-baseline="middle">${escapeHtml(r.label)}</text>`,
        `<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="#b03a2e"></rect>`,
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${mid}" dominant-baseline="middle">${escapeHtml(fixed2(r.value))}</text>`,
      ].join('');
    })
    .join('\n');
  return [
    `<svg role="img" aria-label="${escapeHtml(caption)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeHtml(caption)}</title>`,
    bars,
    '</svg>',
  ].join('\n');
}

/** What a no-data check says instead of a ranking, Chinese first. */
export function noDataText(period: string): { zh: string; en: string } {
  return {
    zh: `无数据：${period} 月末没有适用的重点项目，本期不排名、不计分。`,
    en: `No data: no key project the check applies to existed at the end of ${period}; nothing is ranked or scored.`,
  };
}

/** The 四比四看 ranking as a self-contained HTML page. `counties` supply English names. */
export function renderCheckHtml(result: FourCompareResult, counties: readonly County[], readModel?: CompiledLag | null): string {
  const byId = new Map(counties.map((c) => [c.id, c]));
  // Where the facts came from, and how far behind the events the read model was then (读模型滞后).
  const source = readModel === undefined ? [] : [`<p class="note">${escapeHtml(compiledLagText(readModel))}</p>`];
  const title = `四比四看排名 Four compare, four look — ranking ${result.period}`;
  if (result.noData) {
    const text = noDataText(result.period);
    return page(
      title,
      [
        `<h1>${bi(`四比四看排名 ${result.period}`, `Four compare, four look — ranking ${result.period}`)}</h1>`,
        `<p class="nodata"><strong>${bi(text.zh, text.en)}</strong></p>`,
        `<p>${bi('参评县区', 'Counties checked')}: ${counties.map((c) => escapeHtml(c.name)).join('、')}</p>`,
        `<p class="note">${escapeHtml('下期名次变化与最近一次有数据的评比相比。 Rank changes of later checks are measured against the latest check with data.')}</p>`,
        ...source,
      ].join('\n'),
    );
  }
  const head = [
    bi('名次', 'Rank'),
    bi('县区', 'County / district'),
    bi('类别', 'Group'),
    bi('组内名次', 'Rank in group'),
    ...result.pairs.map((p) => `${bi(p.name, p.nameEn)}<br><span class="en">(${escapeHtml(fixed2(p.maxPoints))})</span>`),
    bi('总分', 'Total'),
    bi('名次变化', 'Change'),
  ];
  const rows = result.counties.map((l) => {
    const en = byId.get(l.county)?.nameEn ?? l.county;
    const points = new Map(l.pairs.map((p) => [p.pairId, p.points]));
    return [
      tdNum(String(l.rank)),
      td(bi(l.name, en)),
      td(escapeHtml(KIND_LABEL[l.kind])),
      tdNum(String(l.peerRank)),
      ...result.pairs.map((p) => tdNum(fixed2(points.get(p.id) ?? 0))),
      tdNum(fixed2(l.total)),
      tdNum(rankChangeLabel(l.rankChange)),
    ];
  });
  const chart = barChart(
    `总分 Total, ${result.period}`,
    result.counties.map((l) => ({ label: `${l.rank}. ${l.name}`, value: l.total })),
    result.maxPoints,
  );
  const since = result.previousPeriod ? `比较基期 Compared with ${result.previousPeriod}` : '首次评比 First check (no rank change)';
  const body = [
    `<h1>${bi(`四比四看排名 ${result.period}`, `Four compare, four look — ranking ${result.period}`)}</h1>`,
    `<p>${bi('满分', 'Full score')} ${escapeHtml(fixed2(result.maxPoints))} · ${escapeHtml(since)}</p>`,
    table(head, rows),
    chart,
    `<p class="note">${bi('并列规则', 'Tie rule')}: ${escapeHtml(result.tieRule)}</p>`,
    ...source,
  ].join('\n');
  return page(title, body);
}

/** The 观摩 ranking as a self-contained HTML page. `projects` supply the owning enterprise when known. */
export function renderTourHtml(tourResult: TourResult, projects: readonly TourProject[]): string {
  const byCode = new Map(projects.map((p) => [p.code, p]));
  const withOwner = tourResult.projects.some((l) => byCode.get(l.projectCode)?.owner);
  const title = `观摩排序 Inspection tour ranking — ${tourResult.tourName}`;
  const head = [
    bi('名次', 'Rank'),
    bi('项目', 'Project'),
    ...(withOwner ? [bi('项目单位', 'Owner')] : []),
    bi('县区', 'County / district'),
    bi('县区内名次', 'Rank in county'),
    bi('类别', 'Group'),
    bi('组内名次', 'Rank in group'),
    bi('评分表', 'Sheets'),
    bi('计分', 'Method'),
    bi('综合得分', 'Combined score'),
  ];
  const rows = tourResult.projects.map((l) => [
    tdNum(String(l.rank)),
    td(`${escapeHtml(l.name)}<br><span class="en">${escapeHtml(l.projectCode)}</span>`),
    ...(withOwner ? [td(escapeHtml(byCode.get(l.projectCode)?.owner ?? ''))] : []),
    td(escapeHtml(l.countyName)),
    tdNum(String(l.countyRank)),
    td(escapeHtml(KIND_LABEL[l.kind])),
    tdNum(String(l.peerRank)),
    tdNum(String(l.sheets.length)),
    td(l.method === 'trimmedMean' ? bi('去掉最高最低分', 'trimmed mean') : bi('平均', 'mean')),
    tdNum(fixed2(l.combined)),
  ]);
  const chart = barChart(
    `综合得分 Combined score — ${tourResult.tourName}`,
    tourResult.projects.map((l) => ({ label: `${l.rank}. ${l.name}`, value: l.combined })),
    100,
  );
  const unscored =
    tourResult.unscored.length === 0
      ? ''
      : `<p>${bi('未评分项目', 'Not scored')}: ${tourResult.unscored
          .map((c) => escapeHtml(byCode.get(c)?.name ? `${byCode.get(c)?.name} (${c})` : c))
          .join(', ')}</p>`;
  const body = [
    `<h1>${bi(`观摩排序 ${tourResult.tourName}`, `Inspection tour ranking ${tourResult.date}`)}</h1>`,
    `<p>${bi('计分', 'Scoring')}: ${escapeHtml(
      `评分表达到 ${tourResult.trimAt} 份时去掉一个最高分和一个最低分 (from ${tourResult.trimAt} sheets one highest and one lowest total are dropped)`,
    )}</p>`,
    table(head, rows),
    chart,
    unscored,
    `<p class="note">${bi('并列规则', 'Tie rule')}: ${escapeHtml(tourResult.tieRule)}</p>`,
  ]
    .filter((s) => s !== '')
    .join('\n');
  return page(title, body);
}

// ---------------------------------------------------------------- CSV

type Cell = string | number | null;

/** One RFC 4180 field. Numbers are written as is; text is guarded against formula injection. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  let s = typeof cell === 'number' ? String(cell) : /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

function csv(header: Cell[], rows: Cell[][]): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

function metricCell(m: MetricId, v: number | null | undefined): Cell {
  if (v === null || v === undefined) return null;
  const kind = METRICS[m].kind;
  if (kind === 'rate') return Number(v.toFixed(4));
  if (kind === 'count') return v;
  return Number(v.toFixed(2));
}

/**
 * The 四比四看 ranking as CSV, one row per county in ranking order: rank, rank in group, county id
 * and name, group, points per pair, raw metric values (rates as shares, 4 decimals; empty = no
 * relevant project), total, rank change (empty for none). A no-data check (无数据) has the header
 * and one line saying so, nothing ranked.
 */
export function renderCheckCsv(result: FourCompareResult): string {
  const metrics: MetricId[] = [];
  for (const p of result.pairs) for (const m of [p.compare, p.look]) if (!metrics.includes(m)) metrics.push(m);
  const header: Cell[] = [
    '名次 Rank',
    '组内名次 Rank in group',
    '县区代码 County id',
    '县区 County',
    '类别 Group',
    ...result.pairs.map((p) => `${p.name} ${p.nameEn}`),
    ...metrics.map((m) => `${METRICS[m].name} ${m}`),
    '总分 Total',
    '名次变化 Rank change',
  ];
  if (result.noData) {
    const text = noDataText(result.period);
    // One line in place of the ranking, as wide as the header, so Excel shows it under 名次.
    return csv(header, [[`${text.zh} ${text.en}`, ...header.slice(1).map(() => null)]]);
  }
  const rows = result.counties.map((l) => {
    const points = new Map(l.pairs.map((p) => [p.pairId, p.points]));
    return [
      l.rank,
      l.peerRank,
      l.county,
      l.name,
      KIND_LABEL[l.kind],
      ...result.pairs.map((p) => fixed2(points.get(p.id) ?? 0)),
      ...metrics.map((m) => metricCell(m, l.metrics[m])),
      fixed2(l.total),
      l.rankChange,
    ];
  });
  return csv(header, rows);
}

/**
 * The 观摩 ranking as CSV, one row per scored project in ranking order; unscored projects follow
 * with empty ranks and scores.
 */
export function renderTourCsv(tourResult: TourResult): string {
  const header: Cell[] = [
    '名次 Rank',
    '项目代码 Project code',
    '项目 Project',
    '县区代码 County id',
    '县区 County',
    '县区内名次 Rank in county',
    '类别 Group',
    '组内名次 Rank in group',
    '评分表数 Sheets',
    '计分 Method',
    '综合得分 Combined score',
  ];
  const rows: Cell[][] = tourResult.projects.map((l) => [
    l.rank,
    l.projectCode,
    l.name,
    l.county,
    l.countyName,
    l.countyRank,
    KIND_LABEL[l.kind],
    l.peerRank,
    l.sheets.length,
    l.method === 'trimmedMean' ? '去掉最高最低分 trimmed mean' : '平均 mean',
    fixed2(l.combined),
  ]);
  for (const code of tourResult.unscored) rows.push([null, code, null, null, null, null, null, null, 0, '未评分 not scored', null]);
  return csv(header, rows);
}
