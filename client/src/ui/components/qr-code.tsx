// A QR code drawn as SVG from `qrcode`'s module matrix (error correction M, as
// tests/e2e/recovery-qr.test.ts checks the payload for). No image URL and no inline style, so the
// strict CSP holds; the encoder loads only when a QR code is first shown.
import { useEffect, useState } from 'preact/hooks';

interface Matrix {
  readonly size: number;
  readonly dark: readonly boolean[];
}

async function encode(text: string): Promise<Matrix> {
  const { create } = await import('qrcode');
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  return {
    size: modules.size,
    dark: Array.from({ length: modules.size * modules.size }, (_, i) => Boolean(modules.data[i])),
  };
}

/** One SVG path of every dark module, each a 1×1 square. */
function darkPath({ size, dark }: Matrix): string {
  const parts: string[] = [];
  dark.forEach((on, i) => {
    if (on) parts.push(`M${i % size} ${Math.floor(i / size)}h1v1h-1z`);
  });
  return parts.join('');
}

/** A quiet zone of four modules around the code, as the standard asks. */
const QUIET = 4;

export function QrCode({ text, label }: { text: string; label: string }) {
  const [matrix, setMatrix] = useState<Matrix | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void encode(text).then((next) => {
      if (current) setMatrix(next);
    });
    return () => {
      current = false;
    };
  }, [text]);
  if (matrix === undefined) return null;
  const extent = matrix.size + 2 * QUIET;
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      viewBox={`${-QUIET} ${-QUIET} ${extent} ${extent}`}
      shape-rendering="crispEdges"
    >
      <rect x={-QUIET} y={-QUIET} width={extent} height={extent} fill="#ffffff" />
      <path d={darkPath(matrix)} fill="#000000" />
    </svg>
  );
}
