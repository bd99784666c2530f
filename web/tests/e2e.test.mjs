// End-to-end tests of the web build in headless Chromium (Debian's `chromium`, driven by
// Playwright). Run by `.ci/run` after `web/build.sh`: `cd web && npm ci && npm test`.
//
// egui draws the app on a canvas, so the tests drive it as a user does, with the keyboard and
// the pointer, and read it back from the page's status regions (what a screen reader reads:
// the week, the selection, the notice, and every indicator's value), from screenshots, from
// the browser's storage, and from the files it downloads.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const site = join(root, "target/web");
const shots = join(root, "target/web-e2e");
const cli = process.env.SANDTABLE_BIN ?? join(root, "target/debug/sandtable");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".ron": "text/plain; charset=utf-8",
};

let server;
let base;
let context;
let profile;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = join(site, path.endsWith("/") ? path + "index.html" : path);
    try {
      if (!file.startsWith(site) || !statSync(file).isFile()) throw new Error("missing");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  profile = mkdtempSync(join(tmpdir(), "sandtable-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    viewport: { width: 1280, height: 800 },
    // The dark theme, whose fan-chart colour the What-if check looks for.
    colorScheme: "dark",
    acceptDownloads: true,
  });
});

after(async () => {
  await context?.close();
  await new Promise((ok) => server?.close(ok));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/// A fresh page on the app, with its console errors collected; waits until it has started.
async function openApp(query = "") {
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + query);
  await page.waitForSelector("#loading", { state: "detached", timeout: 60_000 });
  await waitForStatus(page, /Week \d+ of \d+|End of the scenario/);
  return { page, errors };
}

async function status(page) {
  return (await page.textContent("#status")) ?? "";
}

async function waitForStatus(page, pattern, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await status(page);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) assert.fail(`status never matched ${pattern}: ${text}`);
    await page.waitForTimeout(50);
  }
}

/// The number of distinct colours in a screenshot, and how many pixels have `color`
/// (within `tolerance` on each channel), counted by the browser itself.
async function colours(page, png, color = null, tolerance = 0) {
  return page.evaluate(
    async ([b64, color, tolerance]) => {
      const img = new Image();
      img.src = "data:image/png;base64," + b64;
      await img.decode();
      const canvas = new OffscreenCanvas(img.width, img.height);
      const ctx = canvas.getContext("2d");
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set();
      let matching = 0;
      for (let i = 0; i < data.length; i += 4) {
        seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        if (
          color &&
          Math.abs(data[i] - color[0]) <= tolerance &&
          Math.abs(data[i + 1] - color[1]) <= tolerance &&
          Math.abs(data[i + 2] - color[2]) <= tolerance
        )
          matching++;
      }
      return { distinct: seen.size, matching };
    },
    [png.toString("base64"), color, tolerance],
  );
}

async function shot(page, name, clip) {
  const png = await page.screenshot({ clip });
  writeFileSync(join(shots, name), png);
  return png;
}

/// Gives the canvas the keyboard, by a click where nothing is drawn (the menu bar's right
/// end).
async function focusCanvas(page) {
  await page.mouse.click(1000, 12);
}

/// The decisions of a session file's active branch: one list of choice ids per week.
function sessionDecisions(text) {
  // After the embedded scenario (whose paths have decisions of their own).
  const at = text.indexOf("decisions:", text.lastIndexOf("branches:"));
  assert.ok(at >= 0, "the session has decisions");
  let depth = 0;
  let end = text.indexOf("[", at);
  const start = end;
  for (; end < text.length; end++) {
    if (text[end] === "[") depth++;
    if (text[end] === "]" && --depth === 0) break;
  }
  const inner = text.slice(start + 1, end);
  return [...inner.matchAll(/\[([^\[\]]*)\]/g)].map((m) =>
    [...m[1].matchAll(/"([^"]*)"/g)].map((q) => q[1]),
  );
}

/// A number as the app shows it (`12,400 people`, `−3.5 %`), and its last digit's size.
function shownNumber(text) {
  const m = text.replace(/\u2212/g, "-").match(/-?[\d,]*\.?\d+/);
  assert.ok(m, `a number in ${text}`);
  const digits = m[0].replace(/,/g, "");
  const decimals = digits.includes(".") ? digits.split(".")[1].length : 0;
  return { value: Number(digits), step: 10 ** -decimals };
}

test("the page loads without console errors and draws the briefing", async () => {
  const { page, errors } = await openApp();
  await page.waitForTimeout(500);
  const png = await shot(page, "briefing.png");
  const { distinct } = await colours(page, png);
  assert.ok(distinct > 50, `the briefing has ${distinct} colours`);
  assert.match(await status(page), /Mali.*Week 1 of \d+/);
  assert.match(await page.textContent("#values"), /: \S/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a week is played by keyboard and pointer, the fan chart appears, and the saved session replays on the desktop", async () => {
  const { page, errors } = await openApp();
  await focusCanvas(page);
  await page.keyboard.press("Enter"); // Begin
  await page.waitForTimeout(300);
  await shot(page, "play.png");
  // The first choice that can be taken, in the right-hand panel: a click down its column of
  // checkboxes until the page says one is selected (a greyed one does nothing).
  const selected = await selectFirstChoice(page);
  await shot(page, "selected.png");
  await focusCanvas(page);
  await page.keyboard.press("Enter"); // Commit the week
  const week2 = await waitForStatus(page, /Week 2 of \d+/);
  assert.match(week2, /Selected: none/);
  const values = await page.textContent("#values");

  // The What-if tab: the fan chart of the first charted indicator, once its futures are in.
  const before = await colours(page, await shot(page, "before-whatif.png"), FAN, 12);
  await page.keyboard.press("Control+4");
  let fan = { matching: 0 };
  const started = Date.now();
  while (fan.matching < 2000 && Date.now() - started < 60_000) {
    await page.waitForTimeout(250);
    fan = await colours(page, await page.screenshot(), FAN, 12);
  }
  const whatif = await shot(page, "whatif.png");
  assert.ok(fan.matching >= 2000, `fan pixels: ${fan.matching} (before: ${before.matching})`);
  console.log(`What-if fan drawn ${((Date.now() - started) / 1000).toFixed(1)} s after Ctrl+4`);
  assert.ok((await colours(page, whatif)).distinct > 100);

  // Save: a download, which the desktop CLI replays to the numbers the page shows.
  const download = page.waitForEvent("download");
  await page.keyboard.press("Control+s");
  const file = await download;
  assert.match(file.suggestedFilename(), /\.session\.ron$/);
  const saved = join(shots, file.suggestedFilename());
  await file.saveAs(saved);
  const text = readFileSync(saved, "utf8");
  const seed = text.match(/seed: (\d+)/)[1];
  const decisions = sessionDecisions(text);
  assert.equal(decisions.length, 1, "one week played");
  assert.ok(decisions[0].length >= 1, "with the choice taken");
  const map = "{" + decisions.map((ids, t) => `${t}: [${ids.map((i) => `"${i}"`).join(", ")}]`).join(", ") + "}";
  const decisionsFile = join(shots, "decisions.ron");
  writeFileSync(decisionsFile, map);
  const csvFile = join(shots, "replay.csv");
  execFileSync(cli, ["run", "--seed", seed, "--decisions", decisionsFile, "--csv", csvFile]);
  const [header, ...rows] = readFileSync(csvFile, "utf8").trim().split("\n");
  const week1 = rows[1].split(",").map(Number);
  const shown = values.split("; ");
  // The indicators come first, named by their ids (no dot); the actors' and issues' columns
  // (`actor.resource`, `issue.policy`, ...) after them.
  const indicators = header.split(",").slice(2).findIndex((h) => h.includes("."));
  assert.equal(shown.length, indicators);
  shown.forEach((item, i) => {
    const { value, step } = shownNumber(item.slice(item.lastIndexOf(": ") + 2));
    const replayed = week1[2 + i];
    assert.ok(
      Math.abs(replayed - value) <= step / 2 + 1e-9 * Math.abs(replayed),
      `${item}: the desktop replays ${replayed}`,
    );
  });
  assert.ok(selected.length > 0);

  // The autosave is in the browser's storage, locked by this page.
  const keys = await page.evaluate(() => Object.keys(localStorage));
  const autosaves = keys.filter((k) => /^sandtable:autosaves\/.*\.session\.ron$/.test(k));
  assert.equal(autosaves.length, 1, keys.join(" "));
  assert.ok(keys.includes(autosaves[0] + ".lock"), keys.join(" "));

  // A second tab open beside it is not offered this page's work: the page still runs.
  const second = await openApp();
  await second.page.waitForTimeout(1000);
  assert.doesNotMatch(await status(second.page), /can be restored/);
  await second.page.close();

  // Closed without saving (a tab closed, a crash): the next page offers the work back.
  assert.deepEqual(errors, []);
  await page.close();
  await new Promise((ok) => setTimeout(ok, 11_000));
  const next = await openApp();
  const offered = await waitForStatus(next.page, /can be restored: .*Week 2/);
  assert.match(offered, /Mali/);
  await shot(next.page, "restore-offer.png");
  await next.page.close();
});

test("a shared computer forgets the work kept in the browser from the File menu", async () => {
  const { page, errors } = await openApp();
  await focusCanvas(page);
  await page.keyboard.press("Enter"); // Begin
  await page.waitForTimeout(300);
  await page.keyboard.press("Enter"); // Commit an empty week: the autosave is written
  await waitForStatus(page, /Week 2 of \d+/);
  const kept = () =>
    page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("sandtable:")));
  assert.ok((await kept()).some((k) => k.startsWith("sandtable:autosaves/")));
  // File, then its last item, where the desktop has Quit.
  let text = "";
  for (const y of [319, 311, 327, 303, 335]) {
    await page.mouse.click(20, 12);
    await page.waitForTimeout(300);
    await page.mouse.click(90, y);
    await page.waitForTimeout(300);
    text = await status(page);
    if (/keeps no Sandtable work/.test(text)) break;
    await page.keyboard.press("Escape");
  }
  assert.match(text, /keeps no Sandtable work any more/);
  await page.waitForTimeout(2500); // longer than a heartbeat: nothing is written again
  assert.deepEqual(await kept(), []);
  await shot(page, "forgotten.png");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the futures take the desktop's numbers to the last digit in the browser", async () => {
  const { page, errors } = await openApp();
  const result = await page.evaluate(async () => {
    const m = await import("./sandtable.js");
    return m.run_futures_check(1000, 2013, "history");
  });
  const desktop = execFileSync(cli, [
    "ensemble", "--runs", "1000", "--seed", "2013", "--path", "history", "--json",
  ]).toString();
  assert.equal(result.json.trim(), desktop.trim());
  assert.ok(result.slices > 1);
  console.log(
    `1,000 futures in headless Chromium: ${result.seconds.toFixed(2)} s in ${result.slices} slices`,
  );
  writeFileSync(join(shots, "futures-time.txt"), `${result.seconds}\n`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("File > Open picks files with the browser's chooser", async () => {
  const { page, errors } = await openApp();
  // The briefing's "Open another scenario or session…", bottom right. The browser opens its
  // chooser only for a page in front, soon after a user's click: asked again if it did not.
  await page.bringToFront();
  let picker = null;
  for (let attempt = 0; attempt < 3 && !picker; attempt++) {
    const chooser = page.waitForEvent("filechooser", { timeout: 8_000 }).catch(() => null);
    await page.mouse.click(1150, 771);
    picker = await chooser;
  }
  assert.ok(picker, "the browser's file chooser opened");
  assert.ok(picker.isMultiple(), "several files can be picked at once");
  await picker.setFiles(join(root, "tests/data/sessions/ana.session.ron"));
  // The session opens where it was left (its scenario, embedded, is the 18-week version).
  const text = await waitForStatus(page, /of 18|End of the scenario/);
  assert.doesNotMatch(text, /Could not open/);
  await shot(page, "picked.png");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a broken scenario dropped on the page shows where it is broken", async () => {
  const { page } = await openApp();
  const broken = 'Scenario(\n  format: 1,\n  id: "broken",\n  title: 12,\n)\n';
  await dropFiles(page, [{ name: "broken.ron", text: broken }]);
  const text = await waitForStatus(page, /Could not open broken\.ron/);
  assert.match(text, /broken\.ron:4:\d+/);
  await shot(page, "broken.png");
  // The game on screen is unchanged.
  assert.match(text, /Week 1 of \d+/);
  await page.close();
});

test("a link opens an exercise hosted beside the app, with the scenario it names", async () => {
  const { page, errors } = await openApp("?open=exercises/mali-class.exercise.ron");
  const text = await waitForStatus(page, /Exercise: Mali 2013/);
  assert.match(text, /Week 1 of \d+/);
  await shot(page, "exercise.png");
  assert.deepEqual(errors, []);
  await page.close();
});

test("several session files dropped at once open the class debrief", async () => {
  const { page } = await openApp();
  const one = readFileSync(join(root, "tests/data/sessions/ana.session.ron"), "utf8");
  const two = readFileSync(join(root, "tests/data/sessions/ben.session.ron"), "utf8");
  await dropFiles(page, [
    { name: "ana.session.ron", text: one },
    { name: "ben.session.ron", text: two },
    { name: "torn.session.ron", text: one.slice(0, 200) },
  ]);
  const text = await waitForStatus(page, /Class debrief open: 2 sessions read, 1 that could not/);
  await shot(page, "class.png");
  assert.ok(text.length > 0);
  await page.close();
});

test("a link opens a scenario hosted beside the app, and a missing one says so", async () => {
  const { page, errors } = await openApp("?open=scenarios/flood-relief.ron");
  await waitForStatus(page, /^(?!Mali).*Week 1 of/);
  assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
  await page.close();
  const missing = await openApp("?open=scenarios/nothing-here.ron");
  await waitForStatus(missing.page, /Could not open scenarios\/nothing-here\.ron.*404/);
  await missing.page.close();
});

/// The pixel colour of the fan chart's bands, as drawn in the dark theme.
const FAN = [41, 63, 82];

/// Clicks down the choices panel's column of checkboxes (a greyed one ignores the click)
/// until the page says a choice is selected; returns the status then.
async function selectFirstChoice(page) {
  for (const x of [992, 985, 999]) {
    for (let y = 90; y < 580; y += 6) {
      await page.mouse.click(x, y);
      // The frame after the click has drawn (so that the next click does not toggle the
      // same box back) once the page's status is up to date.
      for (let wait = 0; wait < 6; wait++) {
        await page.waitForTimeout(50);
        const text = await status(page);
        if (/Selected: (?!none)/.test(text)) return text;
      }
    }
  }
  assert.fail(`no choice could be selected: ${await status(page)}`);
}

/// Drops files on the canvas as a user dragging them from the desktop does.
async function dropFiles(page, files) {
  const transfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([f.text], f.name, { type: "text/plain" }));
    return dt;
  }, files);
  for (const type of ["dragenter", "dragover", "drop"]) {
    await page.dispatchEvent("canvas#sandtable", type, { dataTransfer: transfer });
  }
}
