/**
 * Sender address ranges (CIDR), as the hospital config and the listener's
 * allow-list take them: `10.20.0.0/16`, `fd00::/8`, or one address.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface AddressRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** The range, or undefined when the text is not an IPv4 or IPv6 CIDR. */
export function parseCidr(cidr: string): AddressRange | undefined {
  const [address = '', prefixText, ...rest] = cidr.split('/');
  if (rest.length > 0) return undefined;
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (family === undefined) return undefined;
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  return prefix <= maxPrefix ? { address, prefix, family } : undefined;
}
