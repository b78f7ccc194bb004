// The web client's files (client/dist, built by scripts/client-build.ts), served precompressed,
// and the strict Content-Security-Policy every answer carries (app.ts gives it to helmet): the build writes a Brotli (.br) and a gzip (.gz)
// copy of every text file, and a browser that accepts one gets it, with no compression work per
// request. docs/deploy.md "The web client" explains the policy line by line.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Handler, type Router } from 'express';

/**
 * The policy for the client's pages. Everything from this origin only: no CDN, font or analytics
 * host can be reached, and no inline script or style runs (no 'unsafe-inline', no 'unsafe-eval').
 * 'wasm-unsafe-eval' lets libsodium compile its WebAssembly (WebAssembly.instantiate is refused
 * without it); it allows no JavaScript eval. connect-src 'self' covers the same-origin websocket.
 */
export const WEB_CLIENT_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    manifestSrc: ["'self'"],
    workerSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
} as const;

/** What a file's name says about its type, for the precompressed copies (send would see .br). */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * Sends a precompressed copy when the browser accepts it and the build wrote one: the request's
 * path gets the copy's suffix, and the headers say what the original is.
 */
function precompressed(dir: string): Handler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const pathname = req.path.endsWith('/') ? `${req.path}index.html` : req.path;
    const type = TYPES[path.extname(pathname)];
    if (type === undefined) return next();
    res.vary('Accept-Encoding');
    const accepted = req.acceptsEncodings(ENCODINGS.map((encoding) => encoding.name));
    const encoding = ENCODINGS.find((candidate) => candidate.name === accepted);
    if (encoding === undefined) return next();
    const file = path.join(dir, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(dir + path.sep) || !existsSync(file + encoding.suffix)) return next();
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Encoding', encoding.name);
    req.url = `${pathname}${encoding.suffix}`;
    next();
  };
}

/** The routes serving the built client from `dir` at `/`. */
export function webClientRoutes(dir: string): Router {
  const router = express.Router();
  const root = path.resolve(dir);
  router.use(precompressed(root));
  router.use(express.static(root, { index: 'index.html', dotfiles: 'ignore' }));
  return router;
}
