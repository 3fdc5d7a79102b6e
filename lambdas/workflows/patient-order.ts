/**
 * A stream batch worked in parallel across patients and in order within a
 * patient: entries are grouped by partition (one patient), groups run
 * concurrently up to a bound, and each group runs its work one step after
 * another. A step that fails stops its patient's group: that patient's later
 * entries are not started, because they must not be applied before it.
 *
 * What the batch reports follows from how Lambda retries a stream batch with
 * ReportBatchItemFailures: it checkpoints before the LOWEST sequence number
 * reported and sends everything from there again. So the answer is the
 * earliest failed entry of the batch (in stream order): every entry before it
 * is done (each patient's group ran up to its own first failure, which is at
 * or after it); entries after it, done or not, come again and are evaluated
 * again, which changes nothing twice (evaluation is idempotent). Reporting a
 * later failure alone would lose the earlier one's patient; reporting nothing
 * for a stopped patient would lose the entries never started.
 */

export interface PatientStep<E> {
  /** The batch entries this step covers, in stream order (the first is where a retry must start). */
  entries: readonly E[];
  run(): Promise<void>;
}

export interface StepFailure<E> {
  entry: E;
  error: unknown;
}

export interface PatientOrderOutcome<E> {
  /** The earliest failed entry in batch order: the batch must be retried from it. */
  retryFrom?: StepFailure<E>;
  /** Every failed step (one per patient at most), by its first entry. */
  failures: StepFailure<E>[];
}

export async function runInPatientOrder<E>(
  entries: readonly E[],
  {
    patientOf,
    stepsOf,
    concurrency,
  }: {
    /** The partition key: entries of one patient share it and keep their order. */
    patientOf: (entry: E) => string;
    /** A patient's steps, covering that patient's entries in order (entries needing no work may be left out). */
    stepsOf: (patientEntries: readonly E[]) => PatientStep<E>[];
    concurrency: number;
  },
): Promise<PatientOrderOutcome<E>> {
  const groups = new Map<string, E[]>();
  for (const entry of entries) {
    const key = patientOf(entry);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [entry]);
    else group.push(entry);
  }

  const failures: StepFailure<E>[] = [];
  await forEachBounded([...groups.values()], concurrency, async (group) => {
    for (const step of stepsOf(group)) {
      try {
        await step.run();
      } catch (error: unknown) {
        const [entry] = step.entries;
        if (entry === undefined) throw error;
        failures.push({ entry, error });
        return;
      }
    }
  });

  const position = new Map(entries.map((entry, index) => [entry, index]));
  failures.sort((left, right) => (position.get(left.entry) ?? 0) - (position.get(right.entry) ?? 0));
  const [retryFrom] = failures;
  return retryFrom === undefined ? { failures } : { retryFrom, failures };
}

/** Runs `work` on every item, at most `limit` at a time. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
