/**
 * Errors of the ack links. They mean a deployment or caller bug (a missing or
 * short key, an alert id the link format cannot carry), never a bad link
 * from a phone: verifyAckToken answers those with a reason instead.
 */
export class AckLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AckLinkError';
  }
}

/** The HMAC key is missing or too short to be a secret. */
export class AckLinkKeyError extends AckLinkError {
  constructor(message: string) {
    super(message);
    this.name = 'AckLinkKeyError';
  }
}

/** What was asked to be put into a link does not fit its format (an alert id not made by alerts/ids.ts, a bad expiry). */
export class AckLinkClaimsError extends AckLinkError {
  constructor(message: string) {
    super(message);
    this.name = 'AckLinkClaimsError';
  }
}
