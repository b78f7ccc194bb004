// Reads a QR code with the camera (camera-scan.ts does the camera and the decoding): a button to
// start, the live picture while scanning, every state in words, and Cancel. The camera stops as
// soon as a code is read, on Cancel, when the page is hidden, after a while without a code, and
// when the component goes (another screen, panic). The code's text goes to `onRead`, which says
// whether it is what the screen wanted (undefined) or why not (a sentence shown; the screen
// changed nothing). Without a camera, or when the person refuses it, the screen's field for
// typing stays, and the words say so.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { startCameraScan, type CameraFailure } from './camera-scan.js';

type ScanState =
  | { readonly kind: 'idle' | 'asking' | 'scanning' | 'read' | 'timeout' }
  | { readonly kind: 'wrong'; readonly message: string }
  | { readonly kind: CameraFailure };

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
  /** Stops the scan running now, if any. */
  const stopCurrent = useRef<() => void>(() => undefined);
  const onReadRef = useRef(onRead);
  onReadRef.current = onRead;

  useEffect(() => () => stopCurrent.current(), []);

  const start = () => {
    stopCurrent.current();
    if (video.current === null) return;
    setState({ kind: 'asking' });
    stopCurrent.current = startCameraScan(video.current, {
      scanning() {
        setState({ kind: 'scanning' });
        cancelButton.current?.focus();
      },
      read(text) {
        const problem = onReadRef.current(text);
        setState(problem === undefined ? { kind: 'read' } : { kind: 'wrong', message: problem });
      },
      failed(failure) {
        setState({ kind: failure });
      },
      ended(reason) {
        setState({ kind: reason === 'timeout' ? 'timeout' : 'idle' });
      },
    });
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
    case 'timeout':
      return <p role="status">{t('scan.timeout')}</p>;
    case 'wrong':
      return <Problem text={state.message} />;
    case 'refused':
      return <Problem text={t('scan.refused')} />;
    case 'missing':
      return <Problem text={t('scan.missing')} />;
    case 'failed':
      return <Problem text={t('scan.failed')} />;
  }
}

function Problem({ text }: { text: string }) {
  return (
    <p role="alert" class="error">
      {text}
    </p>
  );
}
