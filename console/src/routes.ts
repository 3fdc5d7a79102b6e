/** The console's hash routes, as links build them. */
export const patientHref = (namespace: string, mrn: string) =>
  `#/patients/${encodeURIComponent(namespace)}/${encodeURIComponent(mrn)}`;

export const alertHref = (alertId: string) => `#/alerts/${encodeURIComponent(alertId)}`;
