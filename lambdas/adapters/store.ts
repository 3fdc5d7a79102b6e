/**
 * The DynamoDB store: the only place that knows the single-table layout.
 * Configured from the environment (TABLE_NAME, DUPLICATE_TTL_DAYS); every
 * failure is a StoreError subclass saying whether a retry can help.
 *
 * - messages: acceptMessage (records + duplicate detection + profile)
 * - patients: triagePatient, loadPatient, getPatientProfile, setCohortMembership, listCohortPatients,
 *   recordLatestResults (the console's cohort list)
 * - the console: alertTrail, evidenceRecords, listCohortView (console-store)
 * - alerts: applyAlertChanges, getAlert (alert-store); listActiveAlerts, listCriticalAlerts
 *   (alert-lists: the sweep, admin and the timeliness report)
 * - notifications: the outbox (written in applyAlertChanges, read as loadPatient's
 *   pendingNotifications; outbox-store: claimNotification, completeNotification,
 *   releaseNotification)
 */

export type { PatientProfile, StoredEnrolment } from '../table/items.js';
export type { PatientKey } from '../table/layout.js';
export { type AlertPage, listActiveAlerts, listCriticalAlerts, listShadowAlerts } from './alert-lists.js';
export { type AlertChange, type AlertChanges, applyAlertChanges, getAlert } from './alert-store.js';
export { alertTrail, evidenceRecords, listCohortView } from './console-store.js';
export { type AcceptMessageInput, type AcceptMessageResult, acceptMessage } from './message-store.js';
export {
  claimNotification,
  completeNotification,
  releaseNotification,
} from './outbox-store.js';
export {
  type CohortMembershipChange,
  getPatientProfile,
  type HistoryWindow,
  listCohortPatients,
  loadPatient,
  type PatientHistory,
  recordLatestResults,
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
export {
  type StreamImage,
  type TriggeringItem,
  triggeringItemFromImage,
  UnreadableStreamImageError,
} from './stream-image.js';
