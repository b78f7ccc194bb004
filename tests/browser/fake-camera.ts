// A camera for the browser tests: Chromium's own fake capture device
// (--use-fake-device-for-media-stream) playing a Y4M file (--use-file-for-fake-video-capture)
// that the test writes — a QR code on white, a few identical 640×480 YUV 4:2:0 frames, which
// Chromium plays in a loop. --use-fake-ui-for-media-stream answers the permission prompt with
// "allow". Chromium opens the file each time a page starts the camera, so a test shows another
// code by writing the file again before the next scan (show()).
// The QR codes are the real ones: read from the page's SVG (modulesFromSvg) or encoded from a
// text the real core made, with `qrcode` and error correction M as the client draws them.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { launchChromium } from '../support/browser.js';

/** A QR code's modules: `size` × `size`, row by row, true for dark. */
export interface QrModules {
  readonly size: number;
  readonly dark: readonly boolean[];
}

const WIDTH = 640;
const HEIGHT = 480;
/** Frames in the file (identical; Chromium loops them). */
const FRAMES = 4;
/** Luma of paper and ink (video range, 16–235). */
const WHITE = 235;
const BLACK = 16;
/** The quiet zone around the code, in modules, as the QR standard asks. */
const QUIET = 4;

/** The modules of `text` encoded as the client's QrCode component encodes it. */
export function modulesOf(text: string): QrModules {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return {
    size: modules.size,
    dark: Array.from({ length: modules.size * modules.size }, (_, i) => Boolean(modules.data[i])),
  };
}

/**
 * The modules the page draws in `svg.qr` (qr-code.tsx): its viewBox is the code plus the quiet
 * zone, and its path one `M{x} {y}h1v1h-1z` square per dark module.
 */
export async function modulesFromSvg(page: Page, selector: string): Promise<QrModules> {
  const svg = page.locator(selector);
  await svg.locator('path').waitFor();
  const viewBox = (await svg.getAttribute('viewBox')) ?? '';
  const d = (await svg.locator('path').getAttribute('d')) ?? '';
  const size = Number(viewBox.split(' ')[2]) - 2 * QUIET;
  if (!Number.isInteger(size) || size < 21) throw new Error(`unexpected viewBox ${viewBox}`);
  const dark = new Array<boolean>(size * size).fill(false);
  for (const [, x, y] of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    dark[Number(y) * size + Number(x)] = true;
  }
  return { size, dark };
}

/** A Y4M video (4:2:0) of the code centred on white, as large as fits with its quiet zone. */
export function y4mOf(code: QrModules): Buffer {
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / (code.size + 2 * QUIET + 2));
  const left = Math.floor((WIDTH - code.size * scale) / 2);
  const top = Math.floor((HEIGHT - code.size * scale) / 2);
  const luma = Buffer.alloc(WIDTH * HEIGHT, WHITE);
  for (let my = 0; my < code.size; my += 1) {
    for (let mx = 0; mx < code.size; mx += 1) {
      if (!code.dark[my * code.size + mx]) continue;
      for (let y = top + my * scale; y < top + (my + 1) * scale; y += 1) {
        luma.fill(BLACK, y * WIDTH + left + mx * scale, y * WIDTH + left + (mx + 1) * scale);
      }
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128); // no colour: U and V at 128
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  return Buffer.concat([header, ...Array.from({ length: FRAMES }, () => frame)]);
}

/** White paper, no code: the camera films it and nothing is read. */
export const NO_CODE: QrModules = { size: 21, dark: new Array<boolean>(21 * 21).fill(false) };

/** The fake camera's file, and the Chromium that films it. */
export interface FakeCamera {
  readonly browser: Browser;
  /** From the next time a page starts the camera on, it films `code`. */
  show(code: QrModules): Promise<void>;
  close(): Promise<void>;
}

/**
 * Chromium with a fake camera that films a blank page until show() gives it a code. With
 * `allow: false` nobody answers the permission prompt for the page, so the camera is refused.
 */
export async function launchChromiumWithCamera(
  options: { allow?: boolean } = {},
): Promise<FakeCamera> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-camera-'));
  const file = path.join(dir, 'camera.y4m');
  const show = async (code: QrModules) => {
    // Written aside and renamed: Chromium never opens half a file.
    await writeFile(`${file}.next`, y4mOf(code));
    await rename(`${file}.next`, file);
  };
  await show(NO_CODE);
  const browser = await launchChromium([
    ...(options.allow === false ? [] : ['--use-fake-ui-for-media-stream']),
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${file}`,
  ]);
  return {
    browser,
    show,
    async close() {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Records every camera stream the page starts (getUserMedia wrapped before any script of the
 * page runs), so a test can read each track's readyState: 'ended' once the page stopped it.
 */
export async function watchCameraStreams(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const streams: MediaStream[] = [];
    (window as unknown as { kolokolTestStreams: MediaStream[] }).kolokolTestStreams = streams;
    const media = navigator.mediaDevices;
    const original = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      streams.push(stream);
      return stream;
    };
  });
}

/** The readyState of every video track the page has started so far, oldest first. */
export function cameraTrackStates(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { kolokolTestStreams: MediaStream[] }).kolokolTestStreams.flatMap(
      (stream) => stream.getVideoTracks().map((track) => track.readyState),
    ),
  );
}
