import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { E2eStudy } from './studies.js';

export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/e2e/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

/** One request the page made to atrium, as the server answered it. */
export interface AtriumExchange {
  method: string;
  url: string;
  status: number;
  authorization: string | undefined;
}

/** What a page did against atrium, and what went wrong in it. */
export interface PageRecord {
  exchanges: AtriumExchange[];
  /** Requests to atrium that got no answer (network or CORS failure). */
  failed: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Resolves once every exchange seen so far is recorded (headers are read asynchronously). */
  settled(): Promise<void>;
}

/** Records the page's traffic to atrium (URLs starting with `atriumRoot`) and its errors. */
export function recordPage(page: Page, atriumRoot: string): PageRecord {
  const pending: Promise<void>[] = [];
  const record: PageRecord = {
    exchanges: [],
    failed: [],
    consoleErrors: [],
    pageErrors: [],
    settled: async () => {
      await Promise.all(pending);
    },
  };
  page.on('response', (response) => {
    const request = response.request();
    if (!request.url().startsWith(atriumRoot)) return;
    pending.push(
      request.allHeaders().then(
        (headers) => {
          record.exchanges.push({ method: request.method(), url: request.url(), status: response.status(), authorization: headers.authorization });
        },
        // A response that arrives while the test closes the page can no longer be read: it was not observed.
        (error: unknown) => {
          if (!page.isClosed()) throw error;
        },
      ),
    );
  });
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(atriumRoot)) record.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => record.pageErrors.push(error.message));
  return record;
}

/** The study list's rows as cell texts, once it shows `count` studies (the filter row, with inputs, left out). */
export async function studyListRows(page: Page, count: number): Promise<string[][]> {
  const rows = page.locator('tbody tr:not(:has(input))');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(count);
  return rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())));
}

/** Dismisses OHIF's first-visit banner and guided tour when shown, so screenshots show the image. */
export async function dismissOverlays(page: Page): Promise<void> {
  for (const label of ['Confirm and hide', 'Skip all']) {
    const button = page.getByText(label, { exact: true });
    if (await button.isVisible()) await button.click();
  }
}

/** Luminance spread and colourfulness of the viewport canvas, sampled in the page. */
export interface CanvasStats {
  width: number;
  height: number;
  /** Standard deviation of luminance (0..255): an image, not a flat fill. */
  spread: number;
  /** Share of sampled pixels whose channels differ by more than 40. */
  colourful: number;
}

/** Waits until the active viewport's canvas holds an image (pixels vary) and returns its statistics. */
export async function waitForImage(page: Page): Promise<CanvasStats> {
  const handle = await page.waitForFunction(
    () => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.cornerstone-canvas');
      const context = canvas && canvas.width > 0 && canvas.height > 0 ? canvas.getContext('2d') : null;
      if (!canvas || !context) return null;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      let sum = 0;
      let squares = 0;
      let colourful = 0;
      for (let i = 0; i < data.length; i += 4 * 7) {
        const r = data[i] ?? 0;
        const g = data[i + 1] ?? 0;
        const b = data[i + 2] ?? 0;
        const l = (r + g + b) / 3;
        n += 1;
        sum += l;
        squares += l * l;
        if (Math.max(r, g, b) - Math.min(r, g, b) > 40) colourful += 1;
      }
      const spread = Math.sqrt(Math.max(0, squares / n - (sum / n) ** 2));
      return spread > 10 ? { width: canvas.width, height: canvas.height, spread, colourful: colourful / n } : null;
    },
    undefined,
    { timeout: 45_000, polling: 250 },
  );
  return (await handle.jsonValue()) as CanvasStats;
}

/** The distinct frames (instance URL + frame number) the page fetched from atrium, and their statuses. */
export function frameRequests(record: PageRecord): Map<string, number> {
  const frames = new Map<string, number>();
  for (const exchange of record.exchanges) {
    const path = new URL(exchange.url).pathname;
    if (!/\/frames\/[0-9,]+$/.test(path)) continue;
    for (const frame of path.replace(/^.*\/frames\//, '').split(',')) {
      frames.set(`${path.replace(/\/frames\/[0-9,]+$/, '')}#${frame}`, exchange.status);
    }
  }
  return frames;
}

/**
 * Opens `study` from the study list at `listUrl` (double click, as a user
 * does), then checks the viewer: an image in the viewport, every frame of the
 * study fetched (the caller checks the record). Returns the viewport's statistics.
 */
export async function openFromStudyList(page: Page, listUrl: string, study: E2eStudy, studyCount: number, record: PageRecord): Promise<CanvasStats> {
  await page.goto(listUrl);
  await studyListRows(page, studyCount);
  await dismissOverlays(page);
  await page.locator('tbody tr', { hasText: study.patientName }).dblclick();
  await page.waitForURL(/\/viewer(\/[a-z0-9-]+)?\?StudyInstanceUIDs=/);
  expect(new URL(page.url()).searchParams.get('StudyInstanceUIDs')).toBe(study.studyUid);
  const stats = await waitForImage(page);
  await expect.poll(() => frameRequests(record).size, { timeout: 45_000 }).toBe(study.frames);
  await dismissOverlays(page);
  await record.settled();
  return stats;
}

/** The checks every opened study must pass. */
export function expectCleanViewer(record: PageRecord, study: E2eStudy, stats: CanvasStats): void {
  expect(record.failed, 'requests to atrium that failed').toEqual([]);
  const refused = record.exchanges.filter((e) => e.status >= 400).map((e) => `${e.status} ${e.method} ${e.url}`);
  expect(refused, 'DICOMweb requests answered 4xx/5xx').toEqual([]);
  expect([...frameRequests(record).values()].every((status) => status === 200)).toBe(true);
  expect(record.pageErrors, 'uncaught page errors').toEqual([]);
  expect(record.consoleErrors, 'console errors').toEqual([]);
  if (study.colour) expect(stats.colourful, 'an RGB image shows colour').toBeGreaterThan(0.05);
  else expect(stats.colourful, 'a grey-level image shows no colour').toBeLessThan(0.001);
}
