import type { z } from 'zod';
import { FourCompareConfig } from '../schemas/fourCompare';
import { InspectionConfig } from '../schemas/inspection';
import fourCompareSeed from './four-compare.json';
import inspectionSeed from './inspection.json';

/**
 * Typed loaders for the ranking configuration. The JSON seeds hold the defaults (to confirm);
 * a caller may pass a replacement read elsewhere (the loaders do no I/O themselves, so workflow
 * code may call them). Invalid configuration throws InvalidRankingConfig listing every problem.
 */

export class InvalidRankingConfig extends Error {
  override readonly name = 'InvalidRankingConfig';
  constructor(readonly source: string, readonly issues: string[]) {
    super(`${source} is invalid: ${issues.join('; ')}`);
  }
}

function parse<S extends z.ZodTypeAny>(schema: S, raw: unknown, source: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new InvalidRankingConfig(
      source,
      r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
  return r.data;
}

/** The 四比四看 configuration: `raw` when given, else seeds/four-compare.json. */
export function loadFourCompareConfig(raw: unknown = fourCompareSeed, source = 'four-compare config'): FourCompareConfig {
  return parse(FourCompareConfig, raw, source);
}

/** The 观摩 score sheet configuration: `raw` when given, else seeds/inspection.json. */
export function loadInspectionConfig(raw: unknown = inspectionSeed, source = 'inspection config'): InspectionConfig {
  return parse(InspectionConfig, raw, source);
}
