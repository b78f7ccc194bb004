// One camera scan for the QR reader (qr-scanner.tsx): the back camera (facingMode environment)
// into the given <video> as its srcObject (a MediaStream: no URL is fetched, so the strict CSP
// holds), a frame drawn to a canvas every SCAN_INTERVAL_MS and decoded by jsqr, which loads only
// when a scan first starts (a dynamic import: the first load does not carry it). The camera's
// tracks are stopped on the first code read, by stop(), when the page is hidden (another app, a
// locked phone) and after SCAN_TIMEOUT_MS: it is never left on.
import type { Options, QRCode } from 'jsqr';

/** How often a frame is decoded (ms): a few reads a second, without keeping a core busy. */
export const SCAN_INTERVAL_MS = 150;

/** The widest frame decoded (px): a phone's camera gives more than a QR code at arm's length needs. */
export const SCAN_MAX_WIDTH = 640;

/** How long the camera stays on without reading a code (ms): a forgotten scan turns it off. */
export const SCAN_TIMEOUT_MS = 120_000;

/** Why the camera could not be used: the person refused it, there is none, or it did not start. */
export type CameraFailure = 'refused' | 'missing' | 'failed';

export interface CameraScanEvents {
  /** The camera shows in the video and frames are being decoded. */
  scanning(): void;
  /** A code was read; the camera is already off. */
  read(text: string): void;
  failed(failure: CameraFailure): void;
  /** Stopped without a code: SCAN_TIMEOUT_MS passed, or the page was hidden. */
  ended(reason: 'timeout' | 'hidden'): void;
}

/** jsqr's decoder: an RGBA frame in, the code it finds (or null) out. */
type Decode = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options?: Options,
) => QRCode | null;

/**
 * Loads jsqr (a chunk of its own). The bundler hands its default export over as `default`; Node's
 * loader would give the CommonJS exports object there, whose `default` is the decoder.
 */
async function loadDecoder(): Promise<Decode> {
  const loaded: unknown = (await import('jsqr')).default;
  return typeof loaded === 'function'
    ? (loaded as Decode)
    : (loaded as { default: Decode }).default;
}

/** What getUserMedia's failure means for the person (DOMException names, per the spec). */
function failureOf(error: unknown): CameraFailure {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'refused';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'failed';
}

/** Starts the camera and decodes until a code is read; returns stop(), safe to call any time. */
export function startCameraScan(video: HTMLVideoElement, events: CameraScanEvents): () => void {
  const mediaDevices = navigator.mediaDevices as MediaDevices | undefined;
  if (mediaDevices?.getUserMedia === undefined) {
    // No camera API: an old browser, or a page the browser does not count as secure (http).
    events.failed('missing');
    return () => undefined;
  }
  let stream: MediaStream | undefined;
  let frame = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
    stream?.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  };
  const end = (reason: 'timeout' | 'hidden') => {
    if (stopped) return;
    stop();
    events.ended(reason);
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') end('hidden');
  };
  document.addEventListener('visibilitychange', onVisibility);
  const timer = setTimeout(() => end('timeout'), SCAN_TIMEOUT_MS);

  // Both start at once: the decoder loads while the browser asks for the camera.
  const media = mediaDevices.getUserMedia({ audio: false, video: { facingMode: 'environment' } });
  const decoder = loadDecoder();
  decoder.catch(() => undefined); // awaited below; a refused camera must not leave it unhandled

  void (async () => {
    let decode: Decode;
    try {
      stream = await media;
      if (stopped) return stop(); // stopped while the browser asked: this stream stops too
      decode = await decoder;
      if (stopped) return stop();
      video.srcObject = stream;
      await video.play();
    } catch (error) {
      const cancelled = stopped; // play() is aborted when stop() takes the stream away
      stop();
      if (!cancelled) events.failed(failureOf(error));
      return;
    }
    if (stopped) return;
    events.scanning();
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    let last = 0;
    const tick = (now: number) => {
      if (stopped) return;
      frame = requestAnimationFrame(tick);
      if (context === null || now - last < SCAN_INTERVAL_MS) return;
      if (video.videoWidth === 0 || video.videoHeight === 0) return;
      last = now;
      const scale = Math.min(1, SCAN_MAX_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = decode(image.data, image.width, image.height, {
        inversionAttempts: 'dontInvert',
      });
      if (code === null || code.data === '') return;
      stop();
      events.read(code.data);
    };
    frame = requestAnimationFrame(tick);
  })();
  return stop;
}
