/**
 * CSV as spreadsheets read it (RFC 4180: comma separated, CRLF line ends,
 * quotes doubled). Text that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, CR at the start) is prefixed with `'`; numbers are written as
 * numbers, so a negative duration stays a number.
 */

export type CsvCell = string | number | null;

export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',');
}

export function csvTable(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `${[csvLine(header), ...rows.map(csvLine)].join('\r\n')}\r\n`;
}

function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
