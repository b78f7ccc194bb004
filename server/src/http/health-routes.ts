// Liveness (/healthz: the process answers) and readiness (/readyz: the store answers, and Redis
// when several processes share it: without Redis every socket and event is refused UNAVAILABLE,
// so a load balancer should send nobody to this process).
import { Router } from 'express';
import type { Store } from '../store/ports.js';

export function healthRoutes(store: Store, shared?: { ping(): Promise<void> }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await Promise.all([store.ping(), shared?.ping()]);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
