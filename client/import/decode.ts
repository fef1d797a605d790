/**
 * Turns a spreadsheet export's bytes into text. Excel writes what the office's Windows speaks:
 * "CSV UTF-8" with a byte-order mark, plain "CSV" in the system code page (GBK on Chinese Windows,
 * which GB18030 contains), "Unicode text" in UTF-16LE with a BOM. Files without a BOM that are
 * valid UTF-8 are UTF-8 (WPS, LibreOffice, scripts); anything else is taken as GB18030, the only
 * other encoding Chinese offices use.
 */
export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le';

export function decodeSpreadsheetText(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}
