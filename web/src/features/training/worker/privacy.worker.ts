// The privacy calculator's Web Worker: epsilon and the noise bisection can take a few hundred
// milliseconds for some settings, so they run here, off the main thread.
import { serveRpc } from '@/shared/workers/rpc'
import type { RpcPort } from '@/shared/workers/rpc'
import { privacyMethods } from '../privacy-methods'

serveRpc(self as unknown as RpcPort, privacyMethods)
