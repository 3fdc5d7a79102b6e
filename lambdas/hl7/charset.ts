/**
 * Character sets: HL7 table 0211 names (MSH-18) mapped to the WHATWG labels
 * that TextDecoder knows. Senders also write plain labels (`UTF-8`,
 * `ISO-8859-1`), so anything TextDecoder accepts is taken as well.
 */

const table0211: Record<string, string> = {
  ASCII: 'windows-1252', // a superset of ASCII: stray 8-bit bytes still decode to something readable
  '8859/1': 'iso-8859-1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
  'ISO IR14': 'shift_jis', // JIS X 0201: the single-byte half of Shift_JIS
  'ISO IR87': 'iso-2022-jp',
  'ISO IR159': 'iso-2022-jp',
  'GB 18030-2000': 'gb18030',
  'KS X 1001': 'euc-kr',
  'BIG-5': 'big5',
  UNICODE: 'utf-8',
  'UNICODE UTF-8': 'utf-8',
  'UNICODE UTF-16': 'utf-16le',
};

// The global TextDecoder has no type of its own without the DOM lib.
type Decoder = InstanceType<typeof TextDecoder>;

const decoders = new Map<string, Decoder | null>();

/** A decoder for an MSH-18 value ('' means UTF-8), or undefined when Node cannot decode that set. */
export function decoderFor(characterSet: string): Decoder | undefined {
  const name = characterSet.trim().toUpperCase();
  const cached = decoders.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const label = name === '' ? 'utf-8' : (table0211[name] ?? name.toLowerCase());
  let decoder: Decoder | null;
  try {
    decoder = new TextDecoder(label);
  } catch (error: unknown) {
    if (!(error instanceof RangeError)) throw error;
    decoder = null; // an unknown label: the caller answers 103 on MSH-18
  }
  decoders.set(name, decoder);
  return decoder ?? undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/**
 * Decodes message bytes. Undeclared text that is not valid UTF-8 is read as
 * Windows-1252 (what such senders nearly always mean) rather than rejected or
 * filled with U+FFFD: the bytes stay recoverable and the result still arrives.
 */
export function decodeText(bytes: Uint8Array, characterSet: string): string {
  if (characterSet.trim() === '') {
    try {
      return strictUtf8.decode(bytes);
    } catch (error: unknown) {
      if (!(error instanceof TypeError)) throw error;
      return windows1252.decode(bytes);
    }
  }
  return (decoderFor(characterSet) ?? windows1252).decode(bytes);
}
