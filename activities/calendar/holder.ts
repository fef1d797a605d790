/**
 * The worker's live working-day calendar: the notices on disk (built in, seeds/holidays or
 * KEYFLOW_HOLIDAYS_DIR) plus the notices loaded through the calendar registry
 * (`keyflow-calendar`), with provisional years to the horizon. A holder, not a fixed object:
 * `askCalendar` answers from its latest version; it refreshes from the registry's query when asked
 * for a newer version than it has (a review recounting after a load) and every few seconds, so new
 * workflows pick a loaded notice up without a restart.
 */
import type { WorkingDayCalendar } from '../../domain/calendar';
import type { CalendarRegistryView } from '../../schemas/calendar';
import { loadCalendar } from '../../seeds/holidays';

export interface CalendarHolderOptions {
  /** Folder of `<year>.json` notices (KEYFLOW_HOLIDAYS_DIR); default seeds/holidays. */
  dir?: string;
  /** Reads the registry; null when there is none yet. */
  fetch: () => Promise<CalendarRegistryView | null>;
  /** Where a failed periodic refresh is reported; default console.warn. */
  warn?: (message: string) => void;
}

export class CalendarHolder {
  private version = 0;
  private calendar: WorkingDayCalendar;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: CalendarHolderOptions) {
    this.calendar = loadCalendar(opts.dir);
  }

  /** The calendar and its version; refreshed first when `minVersion` is newer than what it holds. */
  async current(minVersion?: number): Promise<{ calendar: WorkingDayCalendar; version: number }> {
    if (minVersion !== undefined && minVersion > this.version) {
      await this.refresh();
      if (minVersion > this.version) throw new Error(`calendar version ${minVersion} not yet visible (holding ${this.version})`);
    }
    return { calendar: this.calendar, version: this.version };
  }

  /** Reads the registry and rebuilds the calendar when its version is newer. One read at a time. */
  refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        const view = await this.opts.fetch();
        if (!view || view.version <= this.version) return;
        // Latest load per year wins (an amended notice replaces the first).
        const latest = new Map(view.notices.map((n) => [n.arrangement.year, n.arrangement]));
        this.calendar = loadCalendar(this.opts.dir, [...latest.values()].map((a) => ({ ...a, amendments: a.amendments ?? [] })));
        this.version = view.version;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** Refreshes every `intervalMs` until {@link stop}; failures are reported and retried next time. */
  start(intervalMs = 5_000): this {
    const warn = this.opts.warn ?? ((m: string) => console.warn(m));
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => warn(`calendar refresh failed: ${String(err)}`));
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
