/**
 * The /stats picture: per day, buyer conversations (bars) and the median and 90th-percentile time to the first reply
 * in minutes (lines). echarts renders it to an SVG string on the server (no DOM, no browser) and resvg rasterises
 * it to PNG (prebuilt binaries shipped as npm packages, no native build). resvg is given its own font, never the
 * system's: Noto Sans S Chinese from @embedpdf/fonts-sc covers Latin, Cyrillic and Simplified Chinese, so the
 * labels read the same on any server. That font is 8 MB of CFF outlines, which resvg re-reads for every piece of
 * text (about a second for a chart), so each chart gets a subset of it holding only the characters it shows
 * (subset-font, HarfBuzz's hb-subset in wasm; a few KB), kept for the next chart with the same characters. The
 * libraries are loaded on the first chart, not at start.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AnswerStats } from '../bridge/answer-stats.js';

export const CHART_WIDTH = 900;
export const CHART_HEIGHT = 480;
const FONT_FAMILY = 'Noto Sans S Chinese';

export interface ChartLabels {
  title: string;
  conversations: string;
  median: string;
  p90: string;
  /** The time axis' unit. */
  minutes: string;
}

let fontFile: string | undefined;
/** The font file inside the package (its exports name no path, so it is found beside its entry point). */
export function chartFontFile(): string {
  if (fontFile) return fontFile;
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  const path = join(dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
  readFileSync(path, { flag: 'r' }).subarray(0, 4); // fails here, with the path, if the package lost its font
  return (fontFile = path);
}

type Libs = {
  echarts: typeof import('echarts/core');
  Resvg: typeof import('@resvg/resvg-js').Resvg;
  subsetFont: typeof import('subset-font');
};
let libs: Promise<Libs> | undefined;

function loadLibs(): Promise<Libs> {
  return (libs ??= (async () => {
    const echarts = await import('echarts/core');
    const [{ BarChart, LineChart }, { GridComponent, LegendComponent, TitleComponent }, { SVGRenderer }, { Resvg }, subset] =
      await Promise.all([
        import('echarts/charts'),
        import('echarts/components'),
        import('echarts/renderers'),
        import('@resvg/resvg-js'),
        import('subset-font'),
      ]);
    echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);
    return { echarts, Resvg, subsetFont: subset.default };
  })());
}

const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 6_000) / 10);
/** 2026-12-01 -> 01.12: short enough for 30 labels side by side. */
const shortDay = (day: string) => `${day.slice(8, 10)}.${day.slice(5, 7)}`;

/** The chart's SVG (exported for tests that look at what is drawn). */
export async function answerChartSvg(stats: AnswerStats, labels: ChartLabels): Promise<string> {
  const { echarts } = await loadLibs();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT_FAMILY },
      title: { text: labels.title, left: 'center', top: 12, textStyle: { fontFamily: FONT_FAMILY, fontSize: 17 } },
      legend: { bottom: 10, textStyle: { fontFamily: FONT_FAMILY } },
      grid: { left: 56, right: 64, top: 60, bottom: 70 },
      xAxis: { type: 'category', data: stats.days.map((d) => shortDay(d.day)), axisLabel: { fontFamily: FONT_FAMILY } },
      yAxis: [
        { type: 'value', minInterval: 1, name: labels.conversations, axisLabel: { fontFamily: FONT_FAMILY } },
        { type: 'value', name: labels.minutes, splitLine: { show: false }, axisLabel: { fontFamily: FONT_FAMILY } },
      ],
      series: [
        { name: labels.conversations, type: 'bar', data: stats.days.map((d) => d.conversations), itemStyle: { color: '#5b8ff9' } },
        { name: labels.median, type: 'line', yAxisIndex: 1, connectNulls: false, data: stats.days.map((d) => minutes(d.medianMs)), itemStyle: { color: '#2f9e44' } },
        { name: labels.p90, type: 'line', yAxisIndex: 1, connectNulls: false, data: stats.days.map((d) => minutes(d.p90Ms)), itemStyle: { color: '#e8590c' } },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Printable ASCII is always kept, so digits and punctuation never depend on what a chart happens to show. */
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
/** Subsets kept (one per language, roughly), as files: resvg-js takes fonts by path only. */
const MAX_SUBSETS = 6;
const subsets = new Map<string, Promise<string>>();
let subsetDir: string | undefined;

/** A font file holding the characters of `svg`'s text, from the bundled font. */
async function fontFor(svg: string, libs: Libs): Promise<string> {
  const text = [...svg.matchAll(/>([^<]+)</g)].map((m) => m[1]).join('');
  const key = [...new Set(ASCII + text)].sort().join('');
  let file = subsets.get(key);
  if (!file) {
    if (subsets.size >= MAX_SUBSETS) {
      const [oldKey, oldFile] = subsets.entries().next().value!;
      subsets.delete(oldKey);
      void oldFile.then((f) => rmSync(f, { force: true }), () => undefined);
    }
    file = (async () => {
      const bytes = await libs.subsetFont(readFileSync(chartFontFile()), key, { targetFormat: 'sfnt' });
      subsetDir ??= mkdtempSync(join(tmpdir(), 'market-bridge-font-'));
      const path = join(subsetDir, `chart-${subsets.size}-${Date.now()}.otf`);
      writeFileSync(path, bytes, { mode: 0o600 });
      return path;
    })();
    subsets.set(key, file);
    file.catch(() => subsets.delete(key));
  }
  return file;
}

/** The chart as PNG bytes. */
export async function renderAnswerChart(stats: AnswerStats, labels: ChartLabels): Promise<Buffer> {
  const svg = await answerChartSvg(stats, labels);
  const libs = await loadLibs();
  const font = await fontFor(svg, libs);
  const { Resvg } = libs;
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: [font], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY, serifFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}
