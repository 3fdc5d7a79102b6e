/**
 * The timeline's charts with uPlot (canvas): one plot per analyte with its
 * threshold lines as series of their own (so they are chart data, not only
 * pixels), alert markers drawn as vertical lines, and the medication bars on
 * the same time axis. Zooming one plot (drag, or the period buttons) zooms
 * them all; the cursor is shared. Every chart is listed in `consoleCharts`
 * (also `window.consoleCharts`) so tests and the bench can read its data.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AlertMarker, MedicationBar, TimelineSeries } from '../../lambdas/workflows/console-views.js';
import { formatDailyDose } from './format.js';

export const consoleCharts: Record<string, uPlot> = {};
(globalThis as { consoleCharts?: Record<string, uPlot> }).consoleCharts = consoleCharts;

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Every plot's y axis is this wide, so their time axes line up. */
const axisWidth = 112;

/** Colours with at least 4.5:1 contrast on white; dash patterns tell the lines apart without colour. */
const colours = {
  series: '#1f4e9c',
  critical: '#b3261e',
  threshold: '#7a4b00',
  target: '#2e6b30',
  opened: '#b3261e',
  acknowledged: '#8a5a00',
  resolved: '#2e6b30',
  superseded: '#555555',
};

function lineStyle(label: string): { stroke: string; dash: number[] } {
  if (/critical|severe/.test(label)) return { stroke: colours.critical, dash: [8, 4] };
  if (/target/.test(label)) return { stroke: colours.target, dash: [2, 3] };
  return { stroke: colours.threshold, dash: [5, 5] };
}

const markerDash: Record<AlertMarker['event'], number[]> = {
  opened: [],
  acknowledged: [6, 3],
  resolved: [2, 3],
  superseded: [2, 6],
};

/** Draws the alert markers as vertical lines across the plotting area. */
function markersPlugin(markers: readonly AlertMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.lineWidth = 1.5 * devicePixelRatio;
        for (const marker of markers) {
          const x = Math.round(u.valToPos(seconds(marker.at), 'x', true));
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.strokeStyle = colours[marker.event];
          ctx.setLineDash(markerDash[marker.event].map((length) => length * devicePixelRatio));
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

/** Zooming or panning one chart's time axis moves the others' with it. */
function syncedZoom(group: string): uPlot.Plugin {
  return {
    hooks: {
      setScale: (u, key) => {
        if (key !== 'x') return;
        const min = u.scales.x?.min;
        const max = u.scales.x?.max;
        if (min === undefined || max === undefined) return;
        for (const [name, other] of Object.entries(consoleCharts)) {
          if (other === u || !name.startsWith(group)) continue;
          const current = other.scales.x;
          if (current?.min !== min || current?.max !== max) other.setScale('x', { min, max });
        }
      },
    },
  };
}

/** The value as sent beside the canonical one, where the cursor is. */
function tooltipPlugin(series: TimelineSeries, xs: readonly number[], tooltip: HTMLElement): uPlot.Plugin {
  const byTime = new Map(series.points.map((point) => [seconds(point.at), point]));
  return {
    hooks: {
      init: (u) => {
        u.over.appendChild(tooltip);
      },
      setCursor: (u) => {
        const index = u.cursor.idx;
        const point = index === null || index === undefined ? undefined : byTime.get(xs[index] ?? Number.NaN);
        if (point === undefined) {
          tooltip.hidden = true;
          return;
        }
        tooltip.hidden = false;
        tooltip.textContent = `${point.comparator ?? ''}${point.value} ${series.unit} · sent ${point.sent} · ${new Date(point.at).toLocaleString()}`;
        const left = u.valToPos(seconds(point.at), 'x');
        tooltip.style.left = `${Math.min(left, u.over.clientWidth - 220)}px`;
        tooltip.style.top = `${u.valToPos(point.value, 'y')}px`;
      },
    },
  };
}

export interface ChartSize {
  width: number;
  height: number;
}

const timeAxis = (): uPlot.Axis => ({
  stroke: '#333',
  grid: { stroke: '#e4e4e4' },
  ticks: { stroke: '#ccc' },
});

/** One analyte's plot: the results, its threshold lines and the alert markers, over the whole period. */
export function analyteChart(
  target: HTMLElement,
  group: string,
  series: TimelineSeries,
  markers: readonly AlertMarker[],
  period: { from: string; to: string },
  size: ChartSize,
): uPlot {
  const times = [
    ...new Set([
      seconds(period.from),
      ...series.points.map((point) => seconds(point.at)),
      seconds(period.to),
    ]),
  ].sort((left, right) => left - right);
  const valueAt = new Map(series.points.map((point) => [seconds(point.at), point.value]));
  const values = times.map((time) => valueAt.get(time) ?? null);
  const lines = series.lines.map((line) => times.map(() => line.value));
  const all = [...series.points.map((point) => point.value), ...series.lines.map((line) => line.value)];
  const low = Math.min(...all);
  const high = Math.max(...all);
  const pad = (high - low) * 0.1 || 1;
  const tooltip = document.createElement('div');
  tooltip.className = 'chart-tooltip';
  tooltip.hidden = true;
  const options: uPlot.Options = {
    ...size,
    legend: { show: false },
    cursor: { sync: { key: group }, drag: { x: true, y: false }, points: { size: 8 } },
    scales: { x: { time: true }, y: { range: [Math.max(0, low - pad), high + pad] } },
    axes: [
      timeAxis(),
      {
        label: `${series.label} (${series.unit})`,
        size: axisWidth,
        stroke: '#333',
        grid: { stroke: '#e4e4e4' },
      },
    ],
    series: [
      {},
      {
        label: `${series.label} (${series.unit})`,
        stroke: colours.series,
        width: 2,
        spanGaps: true,
        points: { show: true, size: 6, fill: colours.series },
      },
      ...series.lines.map((line) => ({
        label: line.label,
        width: 1.5,
        points: { show: false },
        ...lineStyle(line.label),
      })),
    ],
    plugins: [markersPlugin(markers), syncedZoom(group), tooltipPlugin(series, times, tooltip)],
  };
  const chart = new uPlot(options, [times, values, ...lines] as uPlot.AlignedData, target);
  consoleCharts[`${group}:${series.analyte}`] = chart;
  return chart;
}

const barColours: Record<MedicationBar['medicationClass'], string> = {
  calcimimetic: '#1f4e9c',
  vitaminKAntagonist: '#b3261e',
  sodiumThiosulfate: '#5b2a86',
  calciumBinder: '#7a4b00',
  activeVitaminD: '#2e6b30',
};

/** The medication bars, one lane per order, each step's daily dose written on it; on the shared time axis. */
export function medicationChart(
  target: HTMLElement,
  group: string,
  bars: readonly MedicationBar[],
  markers: readonly AlertMarker[],
  period: { from: string; to: string },
  width: number,
): uPlot {
  const lanes = Math.max(bars.length, 1);
  const times = [seconds(period.from), seconds(period.to)];
  const end = seconds(period.to);
  const lane = (bar: MedicationBar) =>
    (bar.ingredient ?? bar.drugText)
      .replace(/^sodium /, '')
      .replace(/^calcium /, 'Ca ')
      .slice(0, 14);
  const drawBars: uPlot.Plugin = {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.beginPath();
        ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
        ctx.clip();
        const thickness = Math.min(22, (bbox.height / lanes) * 0.7);
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        ctx.textBaseline = 'middle';
        ctx.textAlign = 'left';
        bars.forEach((bar, index) => {
          const y = u.valToPos(index, 'y', true);
          for (const step of bar.steps) {
            const x0 = u.valToPos(seconds(step.from), 'x', true);
            const x1 = u.valToPos(step.to === undefined ? end : seconds(step.to), 'x', true);
            ctx.fillStyle = barColours[bar.medicationClass];
            ctx.globalAlpha = step.status === 'held' ? 0.35 : 1;
            ctx.fillRect(
              x0,
              y - (thickness * devicePixelRatio) / 2,
              Math.max(x1 - x0, 2),
              thickness * devicePixelRatio,
            );
            ctx.globalAlpha = 1;
            const label = step.status === 'held' ? 'held' : formatDailyDose(step.dailyDoseMg);
            if (label !== '' && ctx.measureText(label).width + 6 < x1 - x0) {
              ctx.fillStyle = step.status === 'held' ? '#000' : '#fff';
              ctx.fillText(label, x0 + 3 * devicePixelRatio, y);
            }
          }
        });
        ctx.restore();
      },
    },
  };
  const options: uPlot.Options = {
    width,
    height: 36 + lanes * 30,
    legend: { show: false },
    cursor: { sync: { key: group }, drag: { x: true, y: false }, y: false },
    scales: { x: { time: true }, y: { range: [-0.6, lanes - 0.4] } },
    axes: [
      timeAxis(),
      {
        // Labelled like the plots above, so the time axes line up.
        label: 'Medication',
        size: axisWidth,
        stroke: '#333',
        grid: { show: false },
        splits: () => bars.map((_bar, index) => index),
        values: (_u, splits) => splits.map((index) => (bars[index] === undefined ? '' : lane(bars[index]))),
      },
    ],
    series: [{}, { show: false }],
    plugins: [drawBars, markersPlugin(markers), syncedZoom(group)],
  };
  const chart = new uPlot(options, [times, [null, null]] as uPlot.AlignedData, target);
  consoleCharts[`${group}:medications`] = chart;
  return chart;
}

/** Zooms every chart of the group to [from, to] (seconds). */
export function zoomGroup(group: string, from: number, to: number): void {
  for (const [name, chart] of Object.entries(consoleCharts)) {
    if (name.startsWith(`${group}:`)) chart.setScale('x', { min: from, max: to });
  }
}

export function destroyGroup(group: string): void {
  for (const [name, chart] of Object.entries(consoleCharts)) {
    if (name.startsWith(`${group}:`)) {
      chart.destroy();
      delete consoleCharts[name];
    }
  }
}

/** A histogram of minutes with the target as a line: the timeliness charts. */
export function histogramChart(
  target: HTMLElement,
  name: string,
  label: string,
  minutes: readonly number[],
  targetMinutes: number,
  size: ChartSize,
): uPlot {
  const top = Math.max(targetMinutes * 2, ...minutes, 1);
  const binWidth = Math.max(1, Math.ceil(top / 20));
  const bins = Math.ceil(top / binWidth) + 1;
  const xs = Array.from({ length: bins }, (_unused, index) => index * binWidth);
  const counts = xs.map(() => 0);
  for (const value of minutes) {
    const index = Math.min(bins - 1, Math.floor(value / binWidth));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const targetPlugin: uPlot.Plugin = {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        const x = u.valToPos(targetMinutes, 'x', true);
        ctx.save();
        ctx.strokeStyle = colours.critical;
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash([8 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(x, bbox.top);
        ctx.lineTo(x, bbox.top + bbox.height);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
  const bars = uPlot.paths.bars?.({ size: [0.9, 40], align: 1 });
  const chart = new uPlot(
    {
      ...size,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: [0, bins * binWidth] },
        y: { range: [0, Math.max(...counts, 1) + 1] },
      },
      axes: [
        {
          label: `${label} (minutes; dashed line: target ${targetMinutes} min)`,
          stroke: '#333',
          grid: { stroke: '#e4e4e4' },
        },
        { label: 'alerts', stroke: '#333', grid: { stroke: '#e4e4e4' }, size: 50 },
      ],
      series: [
        {},
        {
          label,
          fill: '#1f4e9c',
          stroke: '#1f4e9c',
          ...(bars === undefined ? {} : { paths: bars }),
          points: { show: false },
        },
      ],
      plugins: [targetPlugin],
    },
    [xs, counts],
    target,
  );
  consoleCharts[name] = chart;
  return chart;
}
