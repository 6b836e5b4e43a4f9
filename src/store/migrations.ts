import { sql } from 'kysely'
import type { Kysely, Migration, MigrationProvider } from 'kysely'

/** The SQL dialect a store runs on; only DDL and row locking differ between them. */
export type Dialect = 'sqlite' | 'postgres'

/**
 * The store's migrations, in code (no files to ship or find at run time). Column types are chosen
 * to mean the same on both dialects: text, integer and bigint (epoch milliseconds, counters).
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  // Auto-increment keys are the one DDL difference: SQLite's rowid alias versus a PostgreSQL identity.
  const serialId = (db: Kysely<unknown>, table: string) => {
    const t = db.schema.createTable(table)
    return dialect === 'postgres'
      ? t.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  }
  return {
    '0001_store': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('clusters')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('labels', 'text', (c) => c.notNull())
          .addColumn('first_seen', 'bigint', (c) => c.notNull())
          .addColumn('scans', 'integer', (c) => c.notNull())
          .addColumn('last_scan_at', 'bigint')
          .addColumn('last_scan_id', 'bigint')
          .addColumn('last_status', 'text')
          .addColumn('last_error', 'text')
          .execute()

        await db.schema
          .createTable('cluster_labels')
          .addColumn('cluster', 'text', (c) => c.notNull().references('clusters.name').onDelete('cascade'))
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('cluster_labels_pk', ['cluster', 'key'])
          .execute()
        await db.schema
          .createIndex('cluster_labels_kv')
          .on('cluster_labels')
          .columns(['key', 'value'])
          .execute()

        await serialId(db, 'scans')
          .addColumn('cluster', 'text', (c) => c.notNull().references('clusters.name').onDelete('cascade'))
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('finished_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('objects', 'integer', (c) => c.notNull())
          .addColumn('findings', 'integer', (c) => c.notNull())
          .addColumn('new_findings', 'integer', (c) => c.notNull())
          .addColumn('reopened_findings', 'integer', (c) => c.notNull())
          .addColumn('resolved_findings', 'integer', (c) => c.notNull())
          .addColumn('errors', 'text', (c) => c.notNull())
          .addColumn('detectors_ran', 'text', (c) => c.notNull())
          .addColumn('skipped', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('scans_cluster').on('scans').columns(['cluster', 'id']).execute()

        await db.schema
          .createTable('findings')
          .addColumn('fingerprint', 'text', (c) => c.primaryKey())
          .addColumn('detector', 'text', (c) => c.notNull())
          // No foreign key: it would cost a lookup per row on the hottest insert, and findings are
          // only ever written after their cluster, in the same transaction.
          .addColumn('cluster', 'text', (c) => c.notNull())
          .addColumn('namespace', 'text', (c) => c.notNull())
          .addColumn('rank', 'integer', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('cause', 'text', (c) => c.notNull())
          .addColumn('fleet_key', 'text')
          .addColumn('object_labels', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull().defaultTo('open'))
          .addColumn('first_seen', 'bigint', (c) => c.notNull())
          .addColumn('last_seen', 'bigint', (c) => c.notNull())
          .addColumn('resolved_at', 'bigint')
          .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('clean_scans', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('incident_id', 'text')
          .addColumn('ack_by', 'text')
          .addColumn('ack_at', 'bigint')
          .addColumn('ack_comment', 'text')
          .addColumn('snoozed_until', 'bigint')
          .addColumn('silenced_until', 'bigint')
          .addColumn('silenced_by', 'text')
          .addCheckConstraint('findings_state', sql`state in ('open', 'resolved')`)
          .addCheckConstraint('findings_rank', sql`rank in (1, 2, 3)`)
          .execute()
        // The dashboard's queries: by cluster (also the per-scan preload), by state+severity in
        // last-seen order, by detector, by namespace; the fleet roll-up by detector+fleet key.
        // Each index costs every insert, so there is no other.
        await db.schema
          .createIndex('findings_cluster')
          .on('findings')
          .columns(['cluster', 'state', 'rank'])
          .execute()
        await db.schema
          .createIndex('findings_state_rank_seen')
          .on('findings')
          .columns(['state', 'rank', 'last_seen'])
          .execute()
        await db.schema
          .createIndex('findings_detector')
          .on('findings')
          .columns(['detector', 'state', 'last_seen'])
          .execute()
        await db.schema
          .createIndex('findings_namespace')
          .on('findings')
          .columns(['namespace', 'state', 'last_seen'])
          .execute()
        await db.schema
          .createIndex('findings_fleet')
          .on('findings')
          .columns(['fleet_key', 'detector', 'state', 'rank'])
          .where(sql.ref('fleet_key'), 'is not', null)
          .execute()

        // Silenced findings, for counting them apart (few, so the index is small).
        await db.schema
          .createIndex('findings_silenced')
          .on('findings')
          .columns(['silenced_until', 'state', 'detector', 'rank'])
          .where(sql.ref('silenced_until'), 'is not', null)
          .execute()
        await db.schema
          .createTable('open_counts')
          .addColumn('detector', 'text', (c) => c.notNull())
          .addColumn('rank', 'integer', (c) => c.notNull())
          .addColumn('open', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('open_counts_pk', ['detector', 'rank'])
          .execute()

        await db.schema
          .createTable('incidents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('cluster', 'text', (c) => c.notNull())
          .addColumn('group_hash', 'text', (c) => c.notNull())
          .addColumn('detector', 'text', (c) => c.notNull())
          .addColumn('cause', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('rank', 'integer', (c) => c.notNull())
          .addColumn('peak_rank', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('opened_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('resolved_at', 'bigint')
          .addColumn('last_notified_at', 'bigint')
          .addColumn('members', 'integer', (c) => c.notNull())
          .addColumn('clusters', 'integer', (c) => c.notNull())
          .addCheckConstraint('incidents_kind', sql`kind in ('cluster', 'fleet')`)
          .addCheckConstraint('incidents_state', sql`state in ('open', 'resolved')`)
          .execute()
        // At most one open incident per group (a cluster's cause; a detector's fleet key with
        // cluster ''), which is also how a cluster's open incidents are read; resolved ones stay
        // as history. The group is hashed: causes can be long, index entries cannot.
        await db.schema
          .createIndex('incidents_open_group')
          .on('incidents')
          .columns(['cluster', 'group_hash'])
          .unique()
          .where(sql.ref('state'), '=', 'open')
          .execute()
        await db.schema
          .createIndex('incidents_state_rank')
          .on('incidents')
          .columns(['state', 'rank', 'opened_at'])
          .execute()

        await db.schema
          .createTable('fleet_keys')
          .addColumn('detector', 'text', (c) => c.notNull())
          .addColumn('fleet_key', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('clusters', 'integer', (c) => c.notNull())
          .addColumn('members', 'integer', (c) => c.notNull())
          .addColumn('rank', 'integer', (c) => c.notNull())
          .addColumn('peak_rank', 'integer', (c) => c.notNull())
          .addColumn('incident_id', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('fleet_keys_pk', ['detector', 'fleet_key'])
          .execute()

        await db.schema
          .createTable('silences')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('matchers', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('ticket', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint')
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('silences_origin', sql`origin in ('file', 'api')`)
          .execute()

        await serialId(db, 'outbox')
          .addColumn('key', 'text', (c) => c.notNull().unique())
          .addColumn('receiver', 'text', (c) => c.notNull())
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('lease_until', 'bigint')
          .addColumn('sent_at', 'bigint')
          .addColumn('last_error', 'text')
          .addCheckConstraint('outbox_state', sql`state in ('pending', 'sent', 'failed')`)
          .execute()
        await db.schema
          .createTable('store_meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'bigint', (c) => c.notNull())
          .execute()
        await sql`insert into store_meta (key, value) values ('silences', 0)`.execute(db)

        await db.schema.createIndex('outbox_due').on('outbox').columns(['state', 'next_attempt_at']).execute()
      },
    },
    // What was notified of each incident's opening, so that a sweep can tell exactly what a crash
    // between recording a scan and enqueueing its messages left out (src/store/notified.ts).
    '0003_notify_state': {
      async up(db: Kysely<unknown>) {
        const add = (column: string, type: 'integer' | 'text' | 'bigint', notNull: boolean) =>
          db.schema
            .alterTable('incidents')
            .addColumn(column, type, (c) => (notNull ? c.notNull().defaultTo(0) : c))
            .execute()
        await add('notified_open_rank', 'integer', true)
        await add('notified_rank', 'integer', true)
        await add('notified_state', 'text', false)
        await add('notify_due_at', 'bigint', false)
        // Incidents the earlier schema marked notified: told at their peak (it kept no more), and
        // resolved ones told of their resolve when the outbox holds it.
        await sql`update incidents set notified_open_rank = peak_rank, notified_rank = peak_rank,
          notified_state = case when state = 'resolved' and exists (select 1 from outbox
            where outbox.incident_id = incidents.id and outbox.event = 'resolve') then 'resolved' else 'open' end
          where last_notified_at is not null`.execute(db)
        // The sweep reads only incidents whose notified state lags their state, and those due
        // again, in id order (its keyset pages). Keyed by id alone: with `state` first, PostgreSQL
        // estimated the lagging rows at a third of the table and walked the primary key instead.
        await db.schema
          .createIndex('incidents_unnotified_open')
          .on('incidents')
          .column('id')
          .where(sql<boolean>`state = 'open' and notified_rank < peak_rank`)
          .execute()
        await db.schema
          .createIndex('incidents_unnotified_resolve')
          .on('incidents')
          .column('id')
          .where(sql<boolean>`state = 'resolved' and notified_state = 'open'`)
          .execute()
        await db.schema
          .createIndex('incidents_notify_due')
          .on('incidents')
          .columns(['state', 'notify_due_at', 'id'])
          .where(sql<boolean>`notify_due_at is not null`)
          .execute()
      },
    },
  }
}

/** A migration provider over the static list above (Kysely's FileMigrationProvider needs files at run time). */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) }
}
