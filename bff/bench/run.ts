/**
 * `pnpm bench`: prints figures, asserts nothing. Each part measures against a baseline run in
 * the same process where one applies (see the files for what and how).
 */
import { runAuditBench } from './audit'
import { runFedmoeBench } from './fedmoe'
import { runHttpBench } from './http'
import { runIntegrityBench } from './integrity'
import { runListsBench } from './lists'
import { runMemoryBench } from './memory'
import { benchPrivacy } from './privacy'
import { runTgspBench } from './tgsp'
import { runTrainingBench } from './training'
import { runTrainingAccountantBench } from './training-accountant'
import { runTrainingLargeBench } from './training-large'
import { runRateLimitBench } from './rate-limit'
import { runVerifyBench } from './verify'
import { runCheckpointBench } from './browser/checkpoint'
import { runBrowserVerifyAllBench } from './browser/verify-all'
import { runWebSizeBench } from './web-size'
import { runWebhooksBench } from './webhooks'

runWebSizeBench()
await runMemoryBench()
await runHttpBench()
await runRateLimitBench()
await runAuditBench()
await runIntegrityBench()
await runVerifyBench()
await runCheckpointBench()
await runBrowserVerifyAllBench()
await benchPrivacy()
await runTrainingBench()
await runTrainingAccountantBench()
await runTrainingLargeBench()
await runListsBench()
await runTgspBench()
await runFedmoeBench()
await runWebhooksBench()
