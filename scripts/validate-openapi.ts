/**
 * Validates an OpenAPI document against the OpenAPI 3 specification with @apidevtools/swagger-parser:
 * `npx tsx scripts/validate-openapi.ts <file or http(s) URL>` — prints `valid: <title> <version>`
 * or the validator's complaint and exits 1. (A separate process: the validator is an ES module that
 * jest's CommonJS runtime cannot load, while Node itself can.)
 */
import fs from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';

async function main(): Promise<void> {
  const source = process.argv[2];
  if (!source) {
    process.stderr.write('usage: npx tsx scripts/validate-openapi.ts <file or URL>\n');
    process.exit(2);
  }
  const doc = /^https?:\/\//.test(source) ? await (await fetch(source)).json() : JSON.parse(fs.readFileSync(source, 'utf8'));
  const api = await SwaggerParser.validate(doc);
  process.stdout.write(`valid: ${api.info.title} ${api.info.version} (${'openapi' in api ? `OpenAPI ${api.openapi}` : 'Swagger 2'})\n`);
}

main().catch((err) => {
  process.stderr.write(`invalid: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
