/**
 * The DynamoDB store: the only place that knows the single-table layout.
 * Configured from the environment (TABLE_NAME, DUPLICATE_TTL_DAYS); every
 * failure is a StoreError subclass saying whether a retry can help.
 *
 * - messages: acceptMessage (records + duplicate detection + profile)
 * - patients: triagePatient, loadPatient, getPatientProfile, setCohortMembership, listCohortPatients
 * - alerts: applyAlertChanges, getAlert, listActiveAlerts, listCriticalAlerts (timeliness report)
 * - notifications: the outbox (in applyAlertChanges, loadPatient's
 *   pendingNotifications, claimNotification, completeNotification,
 *   releaseNotification), wasNotificationSent, markNotificationSent
 */
export {
  type AlertChange,
  type AlertChanges,
  type AlertPage,
  applyAlertChanges,
  claimNotification,
  completeNotification,
  getAlert,
  listActiveAlerts,
  listCriticalAlerts,
  markNotificationSent,
  type NotificationClaim,
  releaseNotification,
  wasNotificationSent,
} from './alert-store.js';
export { type AcceptMessageInput, type AcceptMessageResult, acceptMessage } from './message-store.js';
export {
  type CohortMembershipChange,
  getPatientProfile,
  type HistoryWindow,
  listCohortPatients,
  loadPatient,
  type PatientHistory,
  setCohortMembership,
  triagePatient,
} from './patient-store.js';
export {
  ConcurrentAlertChangeError,
  InvalidCursorError,
  InvalidStoreRequestError,
  StoreError,
  StoreRequestRejectedError,
  StoreUnavailableError,
} from './store-errors.js';
export type { OutboxNotification, PatientProfile, StoredEnrolment } from './store-items.js';
export {
  type StreamImage,
  type TriggeringItem,
  triggeringItemFromImage,
  UnreadableStreamImageError,
} from './stream-image.js';
export type { PatientKey } from './table-layout.js';
