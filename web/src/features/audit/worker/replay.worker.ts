// A pool worker of "verify everything": streams one range of leaves at a time from the server and
// hashes it (see verify/range-stream.ts); the audit worker joins the ranges in order.
import { serveRpc } from '@/shared/workers/rpc'
import type { RpcPort } from '@/shared/workers/rpc'
import { verifyStreamedRange } from '../verify/range-stream'

serveRpc(self as unknown as RpcPort, { verifyRange: verifyStreamedRange })
