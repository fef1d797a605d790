import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * SHA-256 of a text's UTF-8 bytes, as lower-case hex. From @noble/hashes (audited, pure
 * JavaScript) because the project workflow computes its chain inside Temporal's workflow sandbox,
 * where node:crypto is not available.
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
