// How a pipeline posts evidence, as documentation text: the real route path from the contract,
// the key's Authorization header, an Idempotency-Key, and the body's shape for an EVAL_RESULT.
import { IDEMPOTENCY_KEY_HEADER, ingestEvidenceRoute } from '@tg/contracts'

/** The route path for a family and (when known) a version; `{versionId}` is left for the reader otherwise. */
export function ingestEvidencePath(expertId: string, versionId: string | null): string {
  const path = ingestEvidenceRoute.path.replace('{expertId}', encodeURIComponent(expertId))
  return versionId ? path.replace('{versionId}', encodeURIComponent(versionId)) : path
}

/** The whole call: `curl` with the URL, headers and an EVAL_RESULT body. */
export function ingestEvidenceCurl(options: {
  origin: string
  expertId: string
  versionId: string | null
  key: string | null
}): string {
  const url = `${options.origin}${ingestEvidencePath(options.expertId, options.versionId)}`
  const body = [
    '{',
    '  "type": "EVAL_RESULT",',
    '  "benchmark": "<benchmark>",',
    '  "split": "<split>",',
    '  "n_samples": <samples evaluated>,',
    '  "metrics": { "<metric>": <value> },',
    '  "baseline_version": null,',
    '  "traces": [{ "input": <json>, "output": <json>, "expected": <json or null>, "score": <0 to 1>, "latency_ms": <ms> }]',
    '}',
  ].join('\n')
  return [
    `curl -X POST '${url}' \\`,
    `  -H 'Authorization: Bearer ${options.key ?? '<ingest key>'}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H '${IDEMPOTENCY_KEY_HEADER}: <a key per result, e.g. the CI job id>' \\`,
    `  --data-binary @- <<'JSON'`,
    body,
    'JSON',
  ].join('\n')
}
