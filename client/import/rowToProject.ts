/**
 * One spreadsheet row → a project registration, or every rule the row breaks (not just the
 * first), each naming the field, the file's column and the rule.
 */
import { ProjectCategory, ProjectCode, ProjectInput, Stage, type Project } from '../../schemas/project';
import type { ReferenceData } from '../../schemas/reference';
import type { ImportIssue } from '../../schemas/importProjects';
import { issuesOf } from '../../schemas/validation';
import { categoryFitsStage, expectedDivisionCode } from '../../seeds';
import type { Column, ColumnField } from './columns';
import type { SheetRecord } from './table';
import * as convert from './values';

export interface RowResult {
  line: number;
  /** The code as written (for the report), when the row gives one. */
  code?: string;
  /** Set when the row breaks no rule. */
  project?: Project;
  issues: ImportIssue[];
  /** Notes that refuse nothing, per column (e.g. a month-only date taken as its first day). */
  notes: Array<{ column: string; message: string }>;
}

/** Which column a schema path comes from: `contacts.0.phone` → contactPhone. */
function fieldOfPath(path: string): ColumnField | undefined {
  const [head, , leaf] = path.split('.');
  if (head === 'contacts') return leaf === 'name' ? 'contactName' : leaf === 'role' ? 'contactRole' : leaf === 'phone' ? 'contactPhone' : 'contactName';
  return head as ColumnField;
}

export function rowToProject(ref: ReferenceData, columns: readonly Column[], record: SheetRecord): RowResult {
  const issues: ImportIssue[] = [];
  const notes: RowResult['notes'] = [];
  const byField = new Map<ColumnField, Column>();
  for (const c of columns) if (c.field) byField.set(c.field, c);

  const cell = (field: ColumnField): { text: string; column: Column } | undefined => {
    const column = byField.get(field);
    const text = column ? (record.cells[column.index] ?? '') : '';
    return column && text !== '' ? { text, column } : undefined;
  };
  /** Runs a conversion on a non-empty cell; an empty cell is left to the schema ("is required"). */
  const take = <T>(field: ColumnField, conv: (text: string, column: Column) => convert.Converted<T>): T | undefined => {
    const c = cell(field);
    if (!c) return undefined;
    const r = conv(c.text, c.column);
    if (!r.ok) {
      issues.push({ field, column: c.column.header, rule: r.rule });
      return undefined;
    }
    if (r.note) notes.push({ column: c.column.header, message: r.note });
    return r.value;
  };

  const code = cell('code')?.text.normalize('NFKC').replace(/\s+/g, '');
  const raw: Record<string, unknown> = {
    code,
    name: cell('name')?.text,
    owner: cell('owner')?.text,
    county: take('county', (t) => convert.county(ref, t)),
    industry: take('industry', (t) => convert.industry(ref, t)),
    category: take('category', convert.category),
    totalInvestment: take('totalInvestment', (t, c) => convert.amount(t, c.factor)),
    annualPlannedInvestment: take('annualPlannedInvestment', (t, c) => convert.amount(t, c.factor)),
    plannedStart: take('plannedStart', (t) => convert.date(t, 'first')),
    plannedCompletion: take('plannedCompletion', (t) => convert.date(t, 'last')),
    responsibleLeader: cell('responsibleLeader')?.text,
    leadDepartment: take('leadDepartment', (t) => convert.department(ref, t)),
    stage: take('stage', convert.stage),
    contacts: contactsOf(cell('contactName'), cell('contactRole'), cell('contactPhone'), issues),
  };

  const flagged = new Set(issues.map((i) => i.field));
  const parsed = ProjectInput.safeParse(raw);
  if (!parsed.success) {
    for (const issue of issuesOf(parsed.error)) {
      const field = fieldOfPath(issue.field);
      if (field && flagged.has(field)) continue; // already said why, in the column's own words
      const column = field ? byField.get(field)?.header : undefined;
      issues.push({ field: issue.field, ...(column ? { column } : {}), rule: issue.rule });
    }
  }
  issues.push(...crossChecks(ref, raw, byField));
  if (parsed.success && issues.length === 0) return { line: record.line, code: parsed.data.code, project: parsed.data, issues, notes };
  return { line: record.line, ...(code ? { code } : {}), issues, notes };
}

/**
 * The rules the seed data is held to beyond the schema, checked wherever the values involved
 * are good on their own (so a row learns of them together with its other issues).
 */
function crossChecks(ref: ReferenceData, raw: Record<string, unknown>, byField: Map<ColumnField, Column>): ImportIssue[] {
  const out: ImportIssue[] = [];
  const code = ProjectCode.safeParse(raw.code);
  if (code.success && typeof raw.county === 'string') {
    const expected = expectedDivisionCode(ref, raw.county);
    const actual = code.data.split('-')[1];
    if (expected !== undefined && actual !== expected) {
      out.push({
        field: 'code',
        column: byField.get('code')?.header,
        rule: `division code ${actual} in the project code does not match the county ${raw.county} (expected ${expected})`,
      });
    }
  }
  const category = ProjectCategory.safeParse(raw.category);
  const stage = Stage.safeParse(raw.stage ?? 'conceived');
  if (category.success && stage.success && !categoryFitsStage(category.data, stage.data)) {
    out.push({
      field: 'category',
      column: byField.get('category')?.header,
      rule: `category ${category.data} does not fit stage ${stage.data} (preliminary stages go with 前期, a new start with 新开工)`,
    });
  }
  return out;
}

/** Contacts from the name, role and phone columns, pairing several names with as many phones. */
function contactsOf(
  name: { text: string; column: Column } | undefined,
  role: { text: string; column: Column } | undefined,
  phoneCell: { text: string; column: Column } | undefined,
  issues: ImportIssue[],
): Array<{ name?: string; role: string; phone?: string }> {
  if (!name && !phoneCell) return [];
  const names = name ? convert.splitList(name.text) : [];
  const phones = phoneCell ? convert.splitList(phoneCell.text) : [];
  const roles = role ? convert.splitList(role.text) : [];
  if (names.length !== phones.length) {
    const column = (names.length < phones.length ? name : phoneCell)?.column.header ?? (name ?? phoneCell)!.column.header;
    issues.push({
      field: 'contacts',
      column,
      rule: `gives ${names.length} contact name(s) but ${phones.length} phone number(s): give each contact a name and a phone`,
    });
    return [];
  }
  const out: Array<{ name?: string; role: string; phone?: string }> = [];
  names.forEach((n, i) => {
    const p = convert.phone(phones[i]!);
    if (!p.ok) {
      issues.push({ field: `contacts.${i}.phone`, column: phoneCell!.column.header, rule: p.rule });
      return;
    }
    out.push({ name: n, role: roles[i] ?? roles[0] ?? '联系人', phone: p.value });
  });
  return out;
}
