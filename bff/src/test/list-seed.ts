import { sql } from 'drizzle-orm'
import { DEFAULT_ORDERS } from '@tg/contracts/privacy'
import type { Db } from '../db/client'

/**
 * Bulk rows for the large-list bench and the list index tests (`insert ... select
 * generate_series`, not through the API): packages of 20 publishers, 2% with a revoked signer,
 * 10% labelled team=vision; runs in six states, with a current (zero) privacy ledger.
 */
const CHUNK = 50_000

export async function seedPackages(db: Db, count: number) {
  await db.execute(
    sql.raw(`insert into tgsp_publishers (name, classic, pqc, fingerprint)
      select 'bench publisher ' || p, 'c' || p, 'q' || p, md5('bench' || p) from generate_series(1, 20) p`),
  )
  for (let done = 0; done < count; done += CHUNK)
    await db.execute(
      sql.raw(`insert into tgsp_packages (package_id, model_name, model_version, status, publisher_id, base_models,
          size_bytes, content_id, manifest_json, manifest_sha256, recipients_sha256, payload_sha256, recipients_count,
          checks, uploaded_by, uploaded_at, labels, downloads)
        select 'com.bench.model' || (g % 5000), 'Bench model ' || (g % 5000), '1.' || (g / 5000) || '.0',
          case when g % 50 = 0 then 'signer_revoked' else 'verified' end,
          (select id from tgsp_publishers order by name offset (g % 20) limit 1),
          array[(array['llama-3-8b', 'mistral-7b', 'qwen2-7b', 'phi-3'])[1 + g % 4]],
          1000000 + g * 37 % 900000, md5('content' || g) || md5('c' || g), '{"bench":true}', md5('m' || g) || md5('m' || g),
          md5('r' || g) || md5('r' || g), md5('p' || g) || md5('p' || g), 1, '{}'::jsonb, 'user' || (g % 50),
          now() - make_interval(secs => (${count} - g) * 60),
          case when g % 10 = 0 then array['team=vision'] else array['team=nlp'] end, g % 1000
        from generate_series(${done + 1}, ${Math.min(done + CHUNK, count)}) g`),
    )
}

export async function seedRuns(db: Db, count: number) {
  const states = `array['running', 'completed', 'stopped', 'failed', 'budget_exhausted', 'created']`
  await db.execute(
    sql.raw(`insert into training_runs (name, base_model, adapter, planned_rounds, steps_per_round, noise_multiplier,
        clipping_norm, sample_rate, delta, epsilon_budget, state, warnings, rdp, epsilon_spent, rounds_recorded,
        created_by, created_at, tags)
      select 'bench run ' || g, (array['llama-3-8b', 'mistral-7b', 'qwen2-7b'])[1 + g % 3],
        '{"method":"lora","rank":8,"alpha":16,"targetModules":["q_proj"]}'::jsonb, 1000, 1, 1.1, 1, 0.001, 1e-5, 10,
        (${states})[1 + g % 6], '{}', array_fill(0::float8, array[${DEFAULT_ORDERS.length}]), (g % 11)::float8, g % 1000,
        'user' || (g % 50), now() - make_interval(secs => (${count} - g) * 600),
        case when g % 10 = 0 then array['team=vision'] else array['team=nlp'] end
      from generate_series(1, ${count}) g`),
  )
}
