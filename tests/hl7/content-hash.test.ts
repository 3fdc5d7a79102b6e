import { describe, expect, it } from 'vitest';
import { type Hl7Message, messageContentHash, readHl7 } from '../../lambdas/hl7/index.js';
import { mshLine, oruMessage } from './messages.js';

function read(text: string): Hl7Message {
  const [result] = readHl7(text).messages;
  if (result === undefined || !result.ok) throw new Error('the test message must be readable');
  return result.message;
}

describe('messageContentHash (what decides that a resent control id is the same message)', () => {
  const original = oruMessage();

  it('is the same for a resend whose MSH-7 was stamped again, or whose terminators changed', () => {
    const restamped = original.replace('20260726211114-0500', '20260727080000-0500');
    expect(restamped).not.toBe(original);
    expect(messageContentHash(read(restamped))).toBe(messageContentHash(read(original)));
    expect(messageContentHash(read(oruMessage({ terminator: '\r\n' })))).toBe(
      messageContentHash(read(original)),
    );
  });

  it('differs when anything else differs: a value, another field of MSH, another delimiter set', () => {
    const hash = messageContentHash(read(original));
    expect(messageContentHash(read(original.replace('||7.2|', '||6.1|')))).not.toBe(hash);
    expect(messageContentHash(read(original.replace('|P|2.5.1', '|T|2.5.1')))).not.toBe(hash);
    expect(messageContentHash(read(oruMessage({ body: [] })))).not.toBe(hash);
    expect(messageContentHash(read(`${mshLine()}\r`))).toMatch(/^[0-9a-f]{64}$/);
  });
});
