/**
 * One configuration's backtest: archived raw messages, in the order they arrived, through the same
 * ingest, evaluation and sweep workflows the functions run, over the memory store, on a simulated
 * clock. Each message is ingested at the time it was received and its records evaluated then (as
 * the stream would, without its lag); the sweep runs at every multiple of the hospital's interval
 * (UTC, as `rate()` schedules fall), after the messages received up to that instant. Nothing
 * acknowledges: the archive holds messages, not clinicians, so unacknowledged critical alerts
 * escalate and repeat as they would if nobody answered. Pure: no AWS import.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert, RuleId, Severity } from '../domain/alerts.js';
import { ruleIds } from '../domain/alerts.js';
import { rulesById } from '../rules/registry.js';
import { evaluateUnit, evaluationUnits } from '../workflows/evaluate.js';
import { ingestHl7 } from '../workflows/ingest.js';
import type { PendingNotification, WorkflowSettings } from '../workflows/ports.js';
import { runSweep } from '../workflows/sweep.js';
import { MemoryStore } from './memory-store.js';
import { clockDurations, SweepSchedule } from './sweep-schedule.js';

const minuteMs = 60_000;
const dayMs = 86_400_000;

/** A hospital configuration as the backtest runs it: the rules, and the settings around them. */
export interface BacktestConfig {
  name: string;
  rules: RulesConfig;
  /** The hospital's `sweepEveryMinutes`. */
  sweepEveryMinutes: number;
  /** The hospital's `maxMessageBytes`. */
  maxMessageBytes: number;
}

/** The store's settings, as the functions read them from the environment. */
export interface BacktestStoreSettings {
  historyDays: number;
  duplicateTtlDays: number;
}

export interface OpenedAlert {
  facility: string;
  namespace: string;
  mrn: string;
  ruleId: RuleId;
  alertScope: string;
  severity: Severity;
  /** When it opened on the simulated clock (ISO UTC). */
  at: string;
}

export interface RuleTally {
  opened: number;
  /** Notifications published to the `pages` topic (opened, repeated, worsened, resolved, ...). */
  pages: number;
}

/** A published notification, for whoever watches the replay closely (tests). */
export interface ReplayedNotification {
  topic: PendingNotification['topic'];
  rendered: PendingNotification['rendered'];
}

export interface ArchivedMessage {
  key: string;
  bytes: Uint8Array;
  receivedAtMs: number;
}

export class ConfigReplay {
  readonly opened: OpenedAlert[] = [];
  readonly tallies: Record<RuleId, RuleTally>;
  /** Evaluations or sweeps that failed (a rule or workflow error); the replay went on. */
  failures = 0;
  private readonly store: MemoryStore;
  /** Undefined: every cohort patient at every sweep, as live (to check the schedule against). */
  private readonly schedule: SweepSchedule | undefined;
  private readonly settings: WorkflowSettings;
  private readonly intervalMs: number;
  private nextSweepMs: number;
  private nextForgetMs: number;

  constructor(
    readonly config: BacktestConfig,
    storeSettings: BacktestStoreSettings,
    startMs: number,
    options: { onPublished?: (notification: ReplayedNotification) => void; sweepEveryPatient?: boolean } = {},
  ) {
    const { onPublished } = options;
    this.tallies = Object.fromEntries(ruleIds.map((id) => [id, { opened: 0, pages: 0 }])) as Record<
      RuleId,
      RuleTally
    >;
    this.store = new MemoryStore(storeSettings, {
      opened: (alert) => this.countOpened(alert),
      published: (topic, rendered) => {
        if (topic === 'pages') this.tallyOf(rendered.attributes.ruleId).pages += 1;
        onPublished?.({ topic, rendered });
      },
      changed: (patient) => this.schedule?.changed(patient),
    });
    this.settings = { config: config.rules, historyDays: storeSettings.historyDays };
    this.intervalMs = config.sweepEveryMinutes * minuteMs;
    this.schedule =
      options.sweepEveryPatient === true
        ? undefined
        : new SweepSchedule(
            this.intervalMs,
            clockDurations(config.rules, storeSettings.historyDays),
            (patient) => this.store.timesOf(patient),
          );
    this.nextSweepMs = Math.ceil(startMs / this.intervalMs) * this.intervalMs;
    this.nextForgetMs = startMs + dayMs;
  }

  private tallyOf(ruleId: string): RuleTally {
    const tally = this.tallies[ruleId as RuleId];
    if (tally === undefined) throw new Error(`unknown rule id ${ruleId}`);
    return tally;
  }

  private countOpened(alert: Alert): void {
    this.tallyOf(alert.ruleId).opened += 1;
    this.opened.push({
      facility: alert.patient.facility,
      namespace: alert.patient.namespace,
      mrn: alert.patient.mrn,
      ruleId: alert.ruleId,
      alertScope: alert.alertScope,
      severity: rulesById.get(alert.ruleId)?.severity ?? alert.severity,
      at: alert.openedAt,
    });
  }

  /** One archived body (a message or a batch) at the time it was received, then its evaluation. */
  async receive(message: ArchivedMessage): Promise<void> {
    await this.sweepBefore(message.receivedAtMs);
    if (message.receivedAtMs >= this.nextForgetMs) {
      this.store.forgetExpiredSlots(message.receivedAtMs);
      this.nextForgetMs = message.receivedAtMs + dayMs;
    }
    const receivedAt = new Date(message.receivedAtMs);
    const ingestPorts = {
      archiveRawMessage: async () => message.key,
      acceptMessage: this.store.acceptMessage.bind(this.store),
    };
    await ingestHl7(message.bytes, receivedAt, ingestPorts, {
      config: this.config.rules,
      maxMessageBytes: this.config.maxMessageBytes,
    });
    const publisher = { claimant: 'backtest', clock: () => receivedAt };
    for (const unit of evaluationUnits(this.store.takeTriggered(), this.config.rules)) {
      try {
        await evaluateUnit(unit, this.store, this.settings, publisher);
      } catch {
        this.failures += 1;
      }
    }
  }

  /**
   * Runs every sweep due before `endMs`. A sweep runs the workflow for the cohort patients it can
   * find something new for (sweep-schedule.ts) and for the open critical alerts; with neither,
   * it would change nothing and is skipped.
   */
  async sweepBefore(endMs: number): Promise<void> {
    const lastMs = Math.ceil(endMs / this.intervalMs) * this.intervalMs;
    while (this.nextSweepMs < endMs) {
      const at = this.nextSweepMs;
      const cohort = this.store.cohortPatients();
      const schedule = this.schedule;
      const due =
        schedule === undefined ? cohort : cohort.filter((patient) => schedule.dueFrom(patient, at) === at);
      if (due.length === 0 && !this.store.hasOpenCriticalAlerts()) {
        let next = lastMs;
        for (const patient of cohort) next = Math.min(next, schedule?.dueFrom(patient, at) ?? next);
        this.nextSweepMs = Math.max(next, at + this.intervalMs);
        continue;
      }
      const changedBefore = due.map((patient) => schedule?.takeChanged(patient) ?? true);
      this.store.sweepOnly = new Set(due);
      try {
        const summary = await runSweep(this.store, this.settings, () => new Date(at));
        this.failures += summary.failures.length;
      } finally {
        this.store.sweepOnly = undefined;
      }
      due.forEach((patient, index) => {
        schedule?.swept(patient, at, changedBefore[index] ?? true);
      });
      this.nextSweepMs = at + this.intervalMs;
    }
  }
}
