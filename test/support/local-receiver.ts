import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { verifyWebhookSignature } from '../../src/notify/receivers/webhook.js'

/** One request as the local receiver saw it. */
export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** The body parsed as JSON, or undefined. */
  json: unknown
  /** Whether `X-Kubedac-Signature` matched (only when the receiver has a secret). */
  signatureValid?: boolean
  /** The status it was answered with (undefined: no answer, the connection hung or was cut). */
  status?: number
}

/** How to answer the next request, instead of the default success. */
export type Scripted =
  | {
      status: number
      headers?: Record<string, string>
      body?: string
      /** Count the request's effect before failing (a lost answer: the sender will retry what was done). */
      processFirst?: boolean
    }
  /** Never answer (the sender's timeout fires). */
  | { hang: true }
  /** Cut the connection without an answer. */
  | { destroy: true }

/** Options of a local receiver. */
export interface LocalReceiverOptions {
  /** The HMAC secret to verify `X-Kubedac-Signature` with; a bad signature is answered 401. */
  secret?: string
  /** Status of a success (default 200). */
  okStatus?: number
  /** Body of a success (default `ok`). */
  okBody?: string
  /** Delay before each answer (ms). */
  delayMs?: number
}

/**
 * A real HTTP server on 127.0.0.1 that plays a notification receiver: it records every request,
 * checks signatures, can be told to fail, hang or cut the next requests, and applies each
 * `Idempotency-Key` once (a duplicate is answered 200 without a second effect), as a receiver
 * that honours the header does.
 */
export interface LocalReceiver {
  url: string
  requests: RecordedRequest[]
  /** Effects applied, by idempotency key (or by request number when there is none): each should be 1. */
  effects: Map<string, number>
  /** Requests by idempotency key, redeliveries included. */
  deliveries: Map<string, number>
  /** Queues answers for the next requests. */
  script(...answers: Scripted[]): void
  /** Waits until `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/** Starts a {@link LocalReceiver} on a free loopback port. */
export async function startLocalReceiver(opts: LocalReceiverOptions = {}): Promise<LocalReceiver> {
  const requests: RecordedRequest[] = []
  const effects = new Map<string, number>()
  const deliveries = new Map<string, number>()
  const queue: Scripted[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const sockets = new Set<Socket>()
  const answer = (res: ServerResponse, rec: RecordedRequest, status: number, body: string, headers = {}) => {
    rec.status = status
    res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body)
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      const rec: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
      }
      if (opts.secret !== undefined)
        rec.signatureValid = verifyWebhookSignature(
          opts.secret,
          body,
          req.headers['x-kubedac-signature'] as string | undefined,
        )
      requests.push(rec)
      for (const w of waiters.filter((w) => requests.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
      const key = (req.headers['idempotency-key'] as string | undefined) ?? `request-${requests.length}`
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1)
      const apply = () => {
        if (!effects.has(key)) effects.set(key, 1)
      }
      const respond = () => {
        const s = queue.shift()
        if (s && 'hang' in s) return
        if (s && 'destroy' in s) return req.socket.destroy()
        if (rec.signatureValid === false) return answer(res, rec, 401, 'bad signature')
        if (s) {
          if (s.processFirst) apply()
          return answer(res, rec, s.status, s.body ?? `scripted ${s.status}`, s.headers)
        }
        apply()
        answer(res, rec, opts.okStatus ?? 200, opts.okBody ?? 'ok')
      }
      if (opts.delayMs) setTimeout(respond, opts.delayMs)
      else respond()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    effects,
    deliveries,
    script: (...answers) => queue.push(...answers),
    waitFor: (n, timeoutMs = 20_000) =>
      requests.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const t = setTimeout(
              () => reject(new Error(`waited for ${n} requests, got ${requests.length}`)),
              timeoutMs,
            )
            waiters.push({
              n,
              resolve: () => {
                clearTimeout(t)
                resolve()
              },
            })
          }),
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
