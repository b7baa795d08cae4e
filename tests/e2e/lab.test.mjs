// IGo end to end in JupyterLab: drives a running JupyterLab in the
// system's headless Chromium (playwright-core, no downloaded browsers) and
// checks what a user sees. tests/test_e2e.py starts JupyterLab and runs
// this script; run by hand with a JupyterLab already serving the notebook:
//
//   IGO_LAB_URL=http://127.0.0.1:8888 IGO_LAB_TOKEN=... node lab.test.mjs
//
// Environment: IGO_LAB_URL, IGO_LAB_TOKEN, IGO_NOTEBOOK (default e2e.ipynb,
// relative to the server's root), IGO_EXTRA_NOTEBOOKS (comma-separated,
// only run and saved), IGO_ARTIFACTS (screenshots, default ./artifacts),
// IGO_CHROMIUM (default /usr/bin/chromium).
// Prints one line per check; exits non-zero on the first failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const labURL = (env.IGO_LAB_URL || '').replace(/\/$/, '');
const token = env.IGO_LAB_TOKEN || '';
const notebook = env.IGO_NOTEBOOK || 'e2e.ipynb';
const extraNotebooks = (env.IGO_EXTRA_NOTEBOOKS || '').split(',').filter(Boolean);
const artifacts = path.resolve(env.IGO_ARTIFACTS || 'artifacts');
const executablePath = env.IGO_CHROMIUM || '/usr/bin/chromium';

const SECOND = 1000;
const STEP_TIMEOUT = 60 * SECOND; // bound on any one wait
const RUN_ALL_TIMEOUT = 150 * SECOND; // bound on running a whole notebook

if (!labURL) {
  console.error('IGO_LAB_URL is not set');
  process.exit(2);
}
fs.mkdirSync(artifacts, { recursive: true });

function check(ok, what, detail = '') {
  if (!ok) {
    throw new Error(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
  }
  console.log(`ok   ${what}${detail ? ` (${detail})` : ''}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// until polls fn until it returns a truthy value or timeout passes.
async function until(what, fn, timeout = STEP_TIMEOUT, every = 100) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`FAIL timed out after ${timeout / SECOND}s waiting for ${what}`);
    await sleep(every);
  }
}

const cellsOf = (page) => page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell');

// shot saves a screenshot, after scrolling the outputs of cell (by
// default the last one) into view.
async function shot(page, name, cell = -1) {
  const cells = cellsOf(page);
  const n = await cells.count();
  if (n) await cells.nth(cell < 0 ? n - 1 : cell).locator('.jp-Cell-outputWrapper').scrollIntoViewIfNeeded().catch(() => {});
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

// The active notebook's state as the page shows it: per cell its prompt,
// source, output text, error outputs, plots and progress bars.
function notebookState() {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell) => {
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
    return {
      code: cell.classList.contains('jp-CodeCell'),
      prompt: cell.querySelector('.jp-InputArea-prompt')?.textContent.trim() ?? '',
      source: cell.querySelector('.jp-InputArea-editor')?.textContent ?? '',
      text: outputs.map((o) => o.textContent).join('\n'),
      errors: outputs.filter((o) => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr').map((o) => o.textContent),
      plots: cell.querySelectorAll('.jp-OutputArea-output :is(.vega-embed, svg, img)').length,
      progress: [...cell.querySelectorAll('.jp-OutputArea-output progress')].map((p) => [Number(p.value), Number(p.max)]),
    };
  });
  return {
    title: document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel')?.textContent ?? '',
    kernel: panel.querySelector('.jp-Toolbar-kernelName')?.textContent.trim() ?? '',
    status: indicator?.getAttribute('data-status') ?? '',
    cells,
  };
}

// watchRunningCells records, inside the page, what running cells draw: every
// distinct drawing of a plot (canvas pixels or SVG markup) and every
// progress bar value, keyed by the cell's index. Polling from
// here would miss redraws while the page is busy rendering.
function watchRunningCells() {
  const seen = { drawings: {}, progress: {} };
  window.igoSeen = seen;
  const hash = (s) => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    return h;
  };
  const blank = (canvas) => {
    const empty = document.createElement('canvas');
    empty.width = canvas.width;
    empty.height = canvas.height;
    return canvas.toDataURL() === empty.toDataURL();
  };
  const record = () => {
    const cells = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell');
    for (const [key, cell] of cells.entries()) {
      if (!cell.querySelector('.jp-InputArea-prompt')?.textContent.includes('*')) continue;
      for (const out of cell.querySelectorAll('.jp-OutputArea-output')) {
        const canvas = out.querySelector('canvas');
        const svg = out.querySelector('svg');
        let drawing = null;
        if (canvas && !blank(canvas)) drawing = hash(canvas.toDataURL());
        else if (!canvas && svg) drawing = hash(svg.outerHTML);
        if (drawing !== null) (seen.drawings[key] ??= new Set()).add(drawing);
        for (const p of out.querySelectorAll('progress')) (seen.progress[key] ??= new Set()).add(Number(p.value));
      }
    }
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  setInterval(record, 100); // canvases are drawn without DOM mutations
}

const seen = (page) => page.evaluate(() => {
  const count = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v]]));
  return { drawings: count(window.igoSeen.drawings), progress: count(window.igoSeen.progress) };
});

const state = (page) => page.evaluate(notebookState);
// idle: the notebook is connected to an IGo kernel with nothing running
// (the indicator also reads idle before a kernel is connected).
const idle = (s) => s.kernel.includes('IGo') && s.status === 'idle';
const running = (cell) => cell.prompt.includes('*');
const ran = (cell) => /\[\d+\]/.test(cell.prompt);

// openNotebook opens a notebook (loading JupyterLab the first time, from
// the file browser after) and waits until its IGo kernel is idle.
async function openNotebook(page, name) {
  if (!page.url().includes('/lab')) {
    await page.goto(`${labURL}/lab/tree/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`);
  } else {
    await page.locator('.jp-DirListing-item', { hasText: name }).first().dblclick();
  }
  await until(`${name} to open with an idle kernel`, async () => {
    // A fresh JupyterLab may still ask which kernel to start: the
    // notebook's own (IGo) is the one preselected.
    const dialog = page.locator('.jp-Dialog', { hasText: 'Select Kernel' });
    if (await dialog.count()) await dialog.locator('.jp-mod-accept').click();
    const s = await state(page);
    return s && s.title === name && s.cells.length > 0 && idle(s) && !(await page.locator('.jp-Dialog').count());
  }, 90 * SECOND, 250);
  // Focus the notebook (command mode) so that keyboard shortcuts reach it.
  await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt').first().click();
  await page.keyboard.press('Escape');
}

async function menu(page, top, item) {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${top}$`) }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${item}$`) }).click();
}

// runAll clears every output (a notebook may be saved with them), runs all
// cells from the Run menu and waits until each code cell has run, calling
// watch with each state seen meanwhile.
async function runAll(page, watch = () => {}) {
  await menu(page, 'Edit', 'Clear Outputs of All Cells');
  await until('the outputs to be cleared', async () => !(await state(page)).cells.some(ran));
  await menu(page, 'Run', 'Run All Cells');
  try {
    return await until('every cell to run', async () => {
      const s = await state(page);
      await watch(s);
      const code = s.cells.filter((c) => c.code && c.source.trim());
      return code.every(ran) && idle(s) ? s : null;
    }, RUN_ALL_TIMEOUT, 100);
  } catch (err) {
    const s = await state(page);
    const cells = s.cells.filter((c) => c.code).map((c) => `  ${c.prompt} ${c.source.split('\n')[0]}\n    ${c.text.slice(0, 300)}`);
    throw new Error(`${err.message}; kernel ${s.kernel} ${s.status}, cells:\n${cells.join('\n')}`);
  }
}

// lastModified asks the server when a file was last written.
async function lastModified(name) {
  const url = `${labURL}/api/contents/${encodeURIComponent(name)}?content=0&token=${encodeURIComponent(token)}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`FAIL ${url}: ${res.status}`);
  return (await res.json()).last_modified;
}

// save saves the notebook and waits until the server has written it.
async function save(page, name) {
  const before = await lastModified(name);
  await page.keyboard.press('Control+s');
  await until(`${name} to be saved`, async () => (await lastModified(name)) !== before, STEP_TIMEOUT, 250);
}

// addCell appends a code cell holding source, leaving it in edit mode with
// the cursor at its end. insertText types without key events, so the
// editor adds no closing brackets or indentation of its own.
async function addCell(page, source) {
  await cellsOf(page).locator('.jp-InputArea-prompt').last().click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText(source);
}

// setLastCell replaces the source of the last cell.
async function setLastCell(page, source) {
  await cellsOf(page).locator('.cm-content').last().click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(source);
}

async function lastCell(page) {
  const s = await state(page);
  return s.cells[s.cells.length - 1];
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'igo-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    await openNotebook(page, notebook);
    check(true, `opened ${notebook} with the IGo kernel idle`);
    await shot(page, '01-opened');

    // Run all, watching the progress bar and the live plot while they run.
    await page.evaluate(watchRunningCells);
    let liveShot = false;
    const final = await runAll(page, async (s) => {
      const at = s.cells.findIndex((c) => c.source.includes('TrainingPlot'));
      if (!liveShot && at >= 0 && running(s.cells[at]) && s.cells[at].plots > 0) {
        liveShot = true;
        await shot(page, '02-training-live', at);
      }
    });
    await shot(page, '03-run-all-done');
    const errors = final.cells.flatMap((c) => c.errors);
    check(errors.length === 0, 'running all cells ends with no error output', errors.join('\n'));
    const { drawings, progress } = await seen(page);
    const progressAt = final.cells.findIndex((c) => c.progress.length > 0);
    const progressCell = final.cells[progressAt];
    const [, total] = progressCell?.progress[0] ?? [];
    const partial = (progress[progressAt] ?? []).filter((v) => v > 0 && v < total);
    check(partial.length >= 2, 'the progress bar advanced while its cell ran', `values seen: ${partial.sort((a, b) => a - b)}`);
    check(progressCell.progress[0][0] === total, 'the progress bar ends full', JSON.stringify(progressCell.progress));
    const trainAt = final.cells.findIndex((c) => c.source.includes('TrainingPlot'));
    const trainCell = final.cells[trainAt];
    const live = drawings[trainAt] ?? [];
    check(live.length >= 2, 'the training plot changed while training ran', `${live.length} distinct drawings`);
    check(trainCell.plots > 0, 'a final training plot remains');
    check(final.cells.some((c) => c.text.includes('all cells ran, answer is 42')), 'the last cell printed its line');
    await save(page, notebook);

    // Completion and inspection.
    await addCell(page, 'strings.');
    await page.keyboard.press('Tab');
    // The list renders its items in batches: scroll it until ToUpper shows.
    const items = await until('ToUpper in the completion list', async () => {
      const list = page.locator('.jp-Completer .jp-Completer-list');
      if (!(await list.count())) return null;
      const texts = await list.locator('.jp-Completer-item').allTextContents();
      if (texts.some((t) => t.includes('ToUpper'))) return texts;
      await list.evaluate((el) => { el.scrollTop = el.scrollHeight; });
      return null;
    }, 20 * SECOND);
    await page.locator('.jp-Completer-item', { hasText: 'ToUpper' }).first().scrollIntoViewIfNeeded();
    await shot(page, '04-completion');
    check(true, 'Tab after strings. lists ToUpper', `${items.length} items`);
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('ToUpper');
    await page.keyboard.press('Shift+Tab');
    const tooltip = await until('the inspection tooltip', async () => {
      const t = page.locator('.jp-Tooltip');
      return (await t.count()) ? t.first().textContent() : null;
    });
    await shot(page, '05-inspect');
    check(/func ToUpper\(s string\) string/.test(tooltip), 'Shift-Tab shows the signature of strings.ToUpper', tooltip.split('\n')[0]);
    await page.keyboard.press('Escape');

    // Interrupt an endless loop; the session keeps its variables.
    await setLastCell(page, 'spins := 0\nfor {\n\tspins++\n}');
    await page.keyboard.press('Control+Enter');
    await until('the endless loop to start', async () => running(await lastCell(page)));
    await sleep(1500);
    check(running(await lastCell(page)), 'the endless loop is still running before the interrupt');
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="notebook:interrupt-kernel"]').click();
    await until('the interrupted cell to stop', async () => ran(await lastCell(page)), 30 * SECOND);
    check(true, 'the interrupt button stopped the endless loop');
    await addCell(page, 'fmt.Println("still here:", answer+1, spins > 0)');
    await page.keyboard.press('Control+Enter');
    const after = await until('the cell after the interrupt', async () => {
      const c = await lastCell(page);
      return ran(c) ? c : null;
    });
    await shot(page, '06-interrupt');
    check(after.text.includes('still here: 42 true'), 'the next cell still sees earlier variables', after.text.trim());

    // Restart from the Kernel menu: a fresh session counts from 1 again.
    await page.keyboard.press('Escape');
    await menu(page, 'Kernel', 'Restart Kernel…');
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    await until('the restarted kernel to be idle', async () => idle(await state(page)));
    await addCell(page, 'fmt.Println("fresh kernel")');
    await page.keyboard.press('Control+Enter');
    const fresh = await until('the first cell after the restart', async () => {
      const c = await lastCell(page);
      return ran(c) ? c : null;
    });
    await shot(page, '07-restarted');
    check(fresh.prompt.includes('[1]') && fresh.text.includes('fresh kernel'), 'restarting from the Kernel menu gives a fresh kernel',
      `${fresh.prompt} ${fresh.text.trim()}`);

    for (const extra of extraNotebooks) {
      await openNotebook(page, extra);
      await runAll(page);
      await save(page, extra);
      await shot(page, `08-${path.basename(extra, '.ipynb')}`);
      check(true, `ran and saved ${extra}`);
    }
  } catch (err) {
    await shot(page, '99-failure').catch(() => {});
    throw err;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  () => console.log('all e2e checks passed'),
  (err) => {
    console.error(err.message);
    process.exit(1);
  },
);
