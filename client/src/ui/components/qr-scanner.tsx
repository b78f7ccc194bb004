// Reads a QR code with the camera: the back camera (facingMode environment) into a <video>, a
// frame drawn to a canvas every SCAN_INTERVAL_MS and decoded by jsqr, which loads only when a
// person first asks to scan (a dynamic import: the first load does not carry it). The camera is
// stopped as soon as a code is read, on Cancel and when the component goes (another screen, panic):
// it is never left on. The code's text goes to `onRead`, which says whether it is what the screen
// wanted (undefined) or why not (a sentence shown, nothing changed). Without a camera, or when the
// person refuses it, the screen's field for typing stays, and the words say so.
// Under the strict CSP: the stream is the video's srcObject (no URL is fetched), no inline style
// or script, no eval (jsqr is plain code).
import type { Options, QRCode } from 'jsqr';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';

/** How often a frame is decoded (ms): a few reads a second, without keeping a core busy. */
export const SCAN_INTERVAL_MS = 150;

/** The widest frame decoded (px): a phone's camera gives more than a QR code at arm's length needs. */
export const SCAN_MAX_WIDTH = 640;

type ScanState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'asking' }
  | { readonly kind: 'scanning' }
  | { readonly kind: 'read' }
  | { readonly kind: 'wrong'; readonly message: string }
  | { readonly kind: 'refused' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed' };

/** jsqr's decoder: an RGBA frame in, the code it finds (or null) out. */
type Decode = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options?: Options,
) => QRCode | null;

/** What getUserMedia's failure means for the person (DOMException names, per the spec). */
function failureKind(error: unknown): 'refused' | 'missing' | 'failed' {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'refused';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'failed';
}

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

export interface QrScannerProps {
  /** The button's words ("Scan the recovery kit's QR code"). */
  readonly label: string;
  /** The text read; returns undefined when accepted, or why not in words (nothing is changed). */
  readonly onRead: (text: string) => string | undefined;
  /** What to say once a code was read and accepted (default: read, the camera is off). */
  readonly readText?: string;
}

export function QrScanner({ label, onRead, readText }: QrScannerProps) {
  const [state, setState] = useState<ScanState>({ kind: 'idle' });
  const video = useRef<HTMLVideoElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  /** Stops whatever runs now (camera, frame loop); replaced at every start. */
  const stopCurrent = useRef<() => void>(() => undefined);
  const onReadRef = useRef(onRead);
  onReadRef.current = onRead;

  useEffect(() => () => stopCurrent.current(), []);

  const start = () => {
    stopCurrent.current();
    const mediaDevices = navigator.mediaDevices as MediaDevices | undefined;
    if (mediaDevices?.getUserMedia === undefined) {
      // No camera API here: an old browser, or a page the browser does not count as secure.
      setState({ kind: 'missing' });
      return;
    }
    let stream: MediaStream | undefined;
    let frame = 0;
    let stopped = false;
    const stop = () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
      if (video.current !== null) video.current.srcObject = null;
    };
    stopCurrent.current = stop;
    setState({ kind: 'asking' });

    // Both start at once: the decoder loads while the browser asks for the camera.
    const media = mediaDevices.getUserMedia({ audio: false, video: { facingMode: 'environment' } });
    const decoder = loadDecoder();
    decoder.catch(() => undefined); // awaited below; a refused camera must not leave it unhandled

    void (async () => {
      let decode: Decode;
      try {
        stream = await media;
        if (stopped) return stop(); // cancelled or gone while the browser asked
        decode = await decoder;
        const element = video.current;
        if (stopped || element === null) return stop();
        element.srcObject = stream;
        await element.play();
      } catch (error) {
        const cancelled = stopped; // play() is aborted when Cancel takes the stream away
        stop();
        if (!cancelled) setState({ kind: failureKind(error) });
        return;
      }
      if (stopped) return;
      setState({ kind: 'scanning' });
      cancelButton.current?.focus();
      const canvas = document.createElement('canvas');
      const context = canvas.getContext('2d', { willReadFrequently: true });
      let last = 0;
      const tick = (now: number) => {
        if (stopped) return;
        frame = requestAnimationFrame(tick);
        const element = video.current;
        if (context === null || element === null || now - last < SCAN_INTERVAL_MS) return;
        if (element.videoWidth === 0 || element.videoHeight === 0) return;
        last = now;
        const scale = Math.min(1, SCAN_MAX_WIDTH / element.videoWidth);
        canvas.width = Math.round(element.videoWidth * scale);
        canvas.height = Math.round(element.videoHeight * scale);
        context.drawImage(element, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const code = decode(image.data, image.width, image.height, {
          inversionAttempts: 'dontInvert',
        });
        if (code === null || code.data === '') return;
        stop();
        const problem = onReadRef.current(code.data);
        setState(problem === undefined ? { kind: 'read' } : { kind: 'wrong', message: problem });
      };
      frame = requestAnimationFrame(tick);
    })();
  };

  const cancel = () => {
    stopCurrent.current();
    setState({ kind: 'idle' });
  };

  const live = state.kind === 'asking' || state.kind === 'scanning';
  return (
    <div class="qr-scanner" data-scan-state={state.kind}>
      <video
        ref={video}
        class="qr-scanner-video"
        hidden={state.kind !== 'scanning'}
        muted
        playsInline
        aria-hidden="true"
      />
      <ScanStatus state={state} readText={readText ?? t('scan.read')} />
      {live ? (
        <button type="button" ref={cancelButton} onClick={cancel}>
          {t('scan.cancel')}
        </button>
      ) : (
        <button type="button" onClick={start}>
          {state.kind === 'idle' ? label : t('scan.again')}
        </button>
      )}
    </div>
  );
}

function ScanStatus({ state, readText }: { state: ScanState; readText: string }) {
  switch (state.kind) {
    case 'idle':
      return null;
    case 'asking':
      return <p role="status">{t('scan.asking')}</p>;
    case 'scanning':
      return <p role="status">{t('scan.scanning')}</p>;
    case 'read':
      return <p role="status">{readText}</p>;
    case 'wrong':
      return (
        <p role="alert" class="error">
          {state.message}
        </p>
      );
    case 'refused':
      return (
        <p role="alert" class="error">
          {t('scan.refused')}
        </p>
      );
    case 'missing':
      return (
        <p role="alert" class="error">
          {t('scan.missing')}
        </p>
      );
    case 'failed':
      return (
        <p role="alert" class="error">
          {t('scan.failed')}
        </p>
      );
  }
}
