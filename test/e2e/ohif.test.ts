// Stock OHIF (@ohif/app, fetched by scripts/fetch-viewer.mjs) in headless
// Chromium against a real atrium: the study list, then every study opened in
// the viewer, served by atrium itself; then from another origin against a
// tenant root that demands an API key.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { renderAppConfig } from '../../src/dicomweb/viewer/app-config.js';
import { startServer, type TestServer } from '../dicomweb/helpers/server.js';
import { openBrowser, type Browser } from './helpers/chromium.js';
import { expectCleanViewer, openFromStudyList, recordPage, screenshot, studyListRows, waitForImage, type PageRecord } from './helpers/ohif.js';
import { startStaticOrigin, type StaticOrigin } from './helpers/static-origin.js';
import { CT_SERIES, CYRILLIC, GREEK, JPEG2000, JPEG_LS, MULTIFRAME, RGB, stow, type E2eStudy } from './helpers/studies.js';
import { requireViewerDir } from './helpers/viewer-dir.js';

const VIEWER_TIMEOUT = 90_000;

/**
 * Setup in beforeAll whose failure (no Chromium, no viewer build) fails every
 * test with its message: vitest would otherwise report the tests as skipped.
 */
function failFast(setup: () => Promise<void>): { ready(): void } {
  let failure: unknown;
  beforeAll(async () => {
    try {
      await setup();
    } catch (err) {
      failure = err;
    }
  });
  return {
    ready() {
      if (failure !== undefined) throw failure;
    },
  };
}

/** A new tab recording its traffic to `atriumRoot`; closed by the caller. */
async function tab(browser: Browser, atriumRoot: string): Promise<{ page: Page; record: PageRecord }> {
  const page = await browser.context.newPage();
  return { page, record: recordPage(page, atriumRoot) };
}

/** The study list row of each study carries its patient name, date and modality. */
function expectListed(rows: string[][], studies: readonly E2eStudy[]): void {
  for (const study of studies) {
    const row = rows.find((cells) => cells[0] === study.patientName);
    expect(row, `a row for ${study.patientName}`).toBeDefined();
    if (study.studyDate === '') expect(row?.[1]).toBe('');
    else expect(row?.[1]?.startsWith(study.studyDate), `${row?.[1]} is on ${study.studyDate}`).toBe(true);
    expect(row?.[2]).toBe(study.modality);
  }
}

describe('OHIF served by atrium at /', () => {
  const studies = [CT_SERIES, MULTIFRAME, RGB, JPEG2000, JPEG_LS, CYRILLIC];
  let server: TestServer;
  let browser: Browser;

  const setup = failFast(async () => {
    const viewerDir = requireViewerDir();
    browser = await openBrowser();
    server = await startServer({ viewerDir });
    for (const study of studies) await stow(server.root, study);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists every study with its patient name (non-ASCII too), date and modality', async () => {
    setup.ready();
    const { page, record } = await tab(browser, `${server.root}/`);
    await page.goto(`${server.origin}/`);
    const rows = await studyListRows(page, studies.length);
    await screenshot(page, 'same-origin-study-list');
    expectListed(rows, studies);
    await record.settled();
    expect(record.exchanges.filter((e) => e.status !== 200)).toEqual([]);
    expect(record.consoleErrors).toEqual([]);
    await page.close();
  });

  for (const study of studies) {
    it(`opens ${study.key} (${study.modality}, ${study.frames} frame(s)) from the study list and shows it`, { timeout: VIEWER_TIMEOUT }, async () => {
      setup.ready();
      const { page, record } = await tab(browser, `${server.root}/`);
      const stats = await openFromStudyList(page, `${server.origin}/`, study, studies.length, record);
      await screenshot(page, `same-origin-${study.key}`);
      expectCleanViewer(record, study, stats);
      await page.close();
    });
  }
});

describe('OHIF on another origin, on a tenant root that demands a key', () => {
  const tenant = TenantId.parse('north');
  const studies = [CT_SERIES, MULTIFRAME, GREEK];
  let server: TestServer;
  let viewer: StaticOrigin;
  let browser: Browser;
  let tenantRoot: string;
  let readerKey: string;

  const setup = failFast(async () => {
    const viewerDir = requireViewerDir();
    browser = await openBrowser();
    server = await startServer({ authMode: 'required' });
    server.archive.tenants.add(tenant);
    tenantRoot = `${server.origin}/tenants/${tenant}/dicom-web`;
    const writer = server.archive.keys.add({ tenant, role: 'writer' }).key;
    readerKey = server.archive.keys.add({ tenant, role: 'reader' }).key;
    for (const study of studies) await stow(tenantRoot, study, writer);
    // A study of the default tenant, which the tenant's list must not show.
    await stow(server.root, RGB, server.archive.keys.add({ tenant: TenantId.DEFAULT, role: 'writer' }).key);
    viewer = await startStaticOrigin(viewerDir, renderAppConfig({ atriumBase: server.origin }));
  });
  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
    await server?.close();
  });

  it('answers the CORS preflight of a request carrying Authorization', async () => {
    setup.ready();
    const response = await fetch(`${tenantRoot}/studies`, {
      method: 'OPTIONS',
      headers: { origin: viewer.origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,accept' },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/localhost:[0-9]+)$/);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('lists only the tenant\'s studies, with the key given once as ?token=', async () => {
    setup.ready();
    const { page, record } = await tab(browser, server.origin);
    await page.goto(`${viewer.origin}/?dataSources=${tenant}&token=${readerKey}`);
    const rows = await studyListRows(page, studies.length);
    await screenshot(page, 'cross-origin-study-list');
    expectListed(rows, studies);
    expect(rows.some((cells) => cells[0] === RGB.patientName)).toBe(false);
    expect(page.url()).not.toContain(readerKey);
    await record.settled();
    expect(record.exchanges.length).toBeGreaterThan(0);
    for (const exchange of record.exchanges) {
      expect(exchange.url.startsWith(`${tenantRoot}/`)).toBe(true);
      expect(exchange.authorization).toBe(`Bearer ${readerKey}`);
      expect(exchange.status).toBe(200);
    }
    await page.close();
  });

  for (const study of studies) {
    it(`opens ${study.key} from the tenant's study list and shows it`, { timeout: VIEWER_TIMEOUT }, async () => {
      setup.ready();
      const { page, record } = await tab(browser, server.origin);
      // A new tab: the key comes with the link (it is kept per tab).
      const stats = await openFromStudyList(page, `${viewer.origin}/?dataSources=${tenant}&token=${readerKey}`, study, studies.length, record);
      // The study list links the viewer to the tenant's data source.
      expect(new URL(page.url()).pathname).toBe(`/viewer/${tenant}`);
      await screenshot(page, `cross-origin-${study.key}`);
      expectCleanViewer(record, study, stats);
      expect(record.exchanges.every((e) => e.url.startsWith(`${tenantRoot}/`) && e.authorization === `Bearer ${readerKey}`)).toBe(true);
      await page.close();
    });
  }

  it('keeps tenant and key when a viewer URL is reloaded', { timeout: VIEWER_TIMEOUT }, async () => {
    setup.ready();
    const { page, record } = await tab(browser, server.origin);
    await openFromStudyList(page, `${viewer.origin}/?dataSources=${tenant}&token=${readerKey}`, CT_SERIES, studies.length, record);
    const viewerUrl = page.url();
    const reloaded = recordPage(page, server.origin);
    await page.reload();
    await page.waitForURL(viewerUrl);
    await waitForImage(page);
    await expect.poll(() => reloaded.exchanges.filter((e) => e.url.includes('/metadata')).length, { timeout: 30_000 }).toBeGreaterThan(0);
    await reloaded.settled();
    expect(reloaded.exchanges.every((e) => e.status === 200 && e.authorization === `Bearer ${readerKey}`)).toBe(true);
    await page.close();
  });
});
