/**
 * Errors of the alert lifecycle. They mean a caller bug or a corrupt stored
 * alert, never a clinical condition: the handler lets them fail the record
 * so it is retried or dead-lettered rather than silently dropped.
 */
export class AlertLifecycleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertLifecycleError';
  }
}

/** A clock or stored timestamp that is not a valid instant. */
export class InvalidTimestampError extends AlertLifecycleError {
  constructor(what: string, value: string) {
    super(`${what} is not a valid timestamp: ${JSON.stringify(value)}`);
    this.name = 'InvalidTimestampError';
  }
}

/** A state change the state machine does not allow (for example resolved → open). */
export class IllegalTransitionError extends AlertLifecycleError {
  constructor(alertId: string, from: string, to: string) {
    super(`alert ${alertId}: ${from} → ${to} is not an allowed transition`);
    this.name = 'IllegalTransitionError';
  }
}

/** An acknowledgement without a person: the audit trail must say who. */
export class MissingAcknowledgerError extends AlertLifecycleError {
  constructor(alertId: string) {
    super(`alert ${alertId}: an acknowledgement must name who acknowledged`);
    this.name = 'MissingAcknowledgerError';
  }
}
