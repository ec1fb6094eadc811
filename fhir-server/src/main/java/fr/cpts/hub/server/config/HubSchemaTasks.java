package fr.cpts.hub.server.config;

import ca.uhn.fhir.jpa.migrate.taskdef.ColumnTypeEnum;
import ca.uhn.fhir.jpa.migrate.tasks.api.BaseMigrationTasks;
import ca.uhn.fhir.jpa.migrate.tasks.api.Builder;

/**
 * The hub's own tables, beside HAPI's, described with HAPI's migration builder so that the same
 * migrator creates and upgrades them on H2 and PostgreSQL (recorded in {@value #MIGRATION_TABLE}).
 * A task, once released, is never edited: a change is a new task.
 */
public final class HubSchemaTasks extends BaseMigrationTasks<HubSchemaTasks.Release> {

  public static final String MIGRATION_TABLE = "FLY_HUB_MIGRATION";

  /** The longest encoded slot view the read model keeps; a longer one is computed per answer. */
  public static final int SLOT_VIEW_LENGTH = 4000;

  /** The hub's schema releases. */
  public enum Release {
    V0_1
  }

  public HubSchemaTasks() {
    Builder v01 = forVersion(Release.V0_1);
    // The durable outbox of appointments sent to the SAS platform (INT_R03).
    Builder.BuilderAddTableByColumns outbox =
        v01.addTableByColumns("20261201.1", "HUB_SAS_OUTBOX", "MESSAGE_ID");
    outbox.addColumn("MESSAGE_ID").nonNullable().type(ColumnTypeEnum.STRING, 36);
    outbox.addColumn("APPOINTMENT_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    outbox.addColumn("APPOINTMENT_VERSION").nonNullable().type(ColumnTypeEnum.LONG);
    outbox.addColumn("KIND").nonNullable().type(ColumnTypeEnum.STRING, 16);
    outbox.addColumn("STATE").nonNullable().type(ColumnTypeEnum.STRING, 16);
    outbox.addColumn("ATTEMPTS").nonNullable().type(ColumnTypeEnum.INT);
    outbox.addColumn("CREATED_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    outbox.addColumn("NEXT_ATTEMPT_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    outbox.addColumn("SENT_AT").nullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    outbox.addColumn("LEASE_UNTIL").nullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    outbox.addColumn("LEASE_OWNER").nullable().type(ColumnTypeEnum.STRING, 64);
    outbox.addColumn("LAST_ERROR").nullable().type(ColumnTypeEnum.STRING, 500);
    v01.onTable("HUB_SAS_OUTBOX")
        .addIndex("20261201.2", "IDX_HUB_SAS_OUTBOX_DUE")
        .unique(false)
        .withColumns("STATE", "NEXT_ATTEMPT_AT");
    v01.onTable("HUB_SAS_OUTBOX")
        .addIndex("20261201.3", "IDX_HUB_SAS_OUTBOX_APPT")
        .unique(false)
        .withColumns("APPOINTMENT_ID", "CREATED_AT");

    // The slot read model of the SAS search's fast path: who each schedule belongs to (IDNPS of
    // its Practitioner actor), and each slot's schedule, start and status.
    Builder.BuilderAddTableByColumns schedules =
        v01.addTableByColumns("20261201.4", "HUB_SAS_SCHEDULE", "SCHEDULE_ID");
    schedules.addColumn("SCHEDULE_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    schedules.addColumn("PRACTITIONER_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    schedules.addColumn("IDNPS").nonNullable().type(ColumnTypeEnum.STRING, 64);
    v01.onTable("HUB_SAS_SCHEDULE")
        .addIndex("20261201.5", "IDX_HUB_SAS_SCHEDULE_IDNPS")
        .unique(false)
        .withColumns("IDNPS");
    v01.onTable("HUB_SAS_SCHEDULE")
        .addIndex("20261201.6", "IDX_HUB_SAS_SCHEDULE_PRACT")
        .unique(false)
        .withColumns("PRACTITIONER_ID");
    Builder.BuilderAddTableByColumns slots =
        v01.addTableByColumns("20261201.7", "HUB_SAS_SLOT", "SLOT_ID");
    slots.addColumn("SLOT_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    slots.addColumn("SCHEDULE_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    slots.addColumn("START_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    slots.addColumn("STATUS").nonNullable().type(ColumnTypeEnum.STRING, 24);
    v01.onTable("HUB_SAS_SLOT")
        .addIndex("20261201.8", "IDX_HUB_SAS_SLOT_SCHED_START")
        .unique(false)
        .withColumns("SCHEDULE_ID", "START_AT", "STATUS");

    // The SAS view of each free slot, encoded when the slot is stored (individual and CPTS
    // variants), the version of the view code that encoded it, and the CPTS services it names.
    v01.onTable("HUB_SAS_SLOT")
        .addColumn("20261202.1", "VIEW_VERSION")
        .nullable()
        .type(ColumnTypeEnum.INT);
    v01.onTable("HUB_SAS_SLOT")
        .addColumn("20261202.2", "SAS_VIEW")
        .nullable()
        .type(ColumnTypeEnum.STRING, SLOT_VIEW_LENGTH);
    v01.onTable("HUB_SAS_SLOT")
        .addColumn("20261202.3", "CPTS_VIEW")
        .nullable()
        .type(ColumnTypeEnum.STRING, SLOT_VIEW_LENGTH);
    v01.onTable("HUB_SAS_SLOT")
        .addColumn("20261202.4", "SERVICE_IDS")
        .nullable()
        .type(ColumnTypeEnum.STRING, 500);

    // A digest of a free slot's two views: each node keeps the views it has read as bytes,
    // keyed by slot and digest, and reads from the table only those it has not seen.
    v01.onTable("HUB_SAS_SLOT")
        .addColumn("20261203.1", "VIEW_DIGEST")
        .nullable()
        .type(ColumnTypeEnum.LONG);

    // Every HL7 v2 message the MLLP listener received, with its raw bytes and what became of it
    // (processed, failed, duplicate): none is dropped, a failed one can be looked at and sent
    // again.
    Builder.BuilderAddTableByColumns hl7v2 =
        v01.addTableByColumns("20261204.1", "HUB_HL7V2_MESSAGE", "MESSAGE_ID");
    hl7v2.addColumn("MESSAGE_ID").nonNullable().type(ColumnTypeEnum.STRING, 36);
    hl7v2.addColumn("RECEIVED_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    hl7v2.addColumn("SENDING_APP").nonNullable().type(ColumnTypeEnum.STRING, 100);
    hl7v2.addColumn("SENDING_FACILITY").nonNullable().type(ColumnTypeEnum.STRING, 100);
    hl7v2.addColumn("CONTROL_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    hl7v2.addColumn("MESSAGE_TYPE").nonNullable().type(ColumnTypeEnum.STRING, 32);
    hl7v2.addColumn("STATE").nonNullable().type(ColumnTypeEnum.STRING, 16);
    hl7v2.addColumn("ACK_CODE").nonNullable().type(ColumnTypeEnum.STRING, 2);
    hl7v2.addColumn("ERROR_CODE").nullable().type(ColumnTypeEnum.STRING, 16);
    hl7v2.addColumn("ERROR_TEXT").nullable().type(ColumnTypeEnum.STRING, 2000);
    hl7v2.addColumn("RAW_MESSAGE").nonNullable().type(ColumnTypeEnum.BINARY);
    v01.onTable("HUB_HL7V2_MESSAGE")
        .addIndex("20261204.2", "IDX_HUB_HL7V2_SENDER_CTRL")
        .unique(false)
        .withColumns("SENDING_APP", "SENDING_FACILITY", "CONTROL_ID", "STATE");
    v01.onTable("HUB_HL7V2_MESSAGE")
        .addIndex("20261204.3", "IDX_HUB_HL7V2_STATE")
        .unique(false)
        .withColumns("STATE", "RECEIVED_AT");

    // The audit trail's queue: one row per traced request, its AuditEvent as encoded; written as
    // AuditEvents in batches, the row deleted in the transaction that stores its event.
    Builder.BuilderAddTableByColumns audit =
        v01.addTableByColumns("20261210.1", "HUB_AUDIT_QUEUE", "QUEUE_ID");
    audit.addColumn("QUEUE_ID").nonNullable().type(ColumnTypeEnum.STRING, 36);
    audit.addColumn("ENQUEUED_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    audit.addColumn("ATTEMPTS").nonNullable().type(ColumnTypeEnum.INT);
    audit.addColumn("LAST_ERROR").nullable().type(ColumnTypeEnum.STRING, 500);
    audit.addColumn("EVENT").nonNullable().type(ColumnTypeEnum.BINARY);
    v01.onTable("HUB_AUDIT_QUEUE")
        .addIndex("20261210.2", "IDX_HUB_AUDIT_QUEUE_AT")
        .unique(false)
        .withColumns("ENQUEUED_AT");

    // The Subscriptions the hub notifies, as their criteria's resource type and status, kept in
    // step with each Subscription write (its transaction): a write of a resource reads only the
    // active subscriptions on its type.
    Builder.BuilderAddTableByColumns subscriptions =
        v01.addTableByColumns("20261221.1", "HUB_SUBSCRIPTION", "SUBSCRIPTION_ID");
    subscriptions.addColumn("SUBSCRIPTION_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    subscriptions.addColumn("RESOURCE_TYPE").nonNullable().type(ColumnTypeEnum.STRING, 64);
    subscriptions.addColumn("CRITERIA").nonNullable().type(ColumnTypeEnum.STRING, 2000);
    subscriptions.addColumn("STATUS").nonNullable().type(ColumnTypeEnum.STRING, 16);
    v01.onTable("HUB_SUBSCRIPTION")
        .addIndex("20261221.2", "IDX_HUB_SUBSCRIPTION_TYPE")
        .unique(false)
        .withColumns("RESOURCE_TYPE", "STATUS");

    // The durable outbox of subscription notifications: one row per (subscription, resource
    // version) matched, or to be checked against the database after the commit, recorded in the
    // transaction that stores the resource; leases and retries as in HUB_SAS_OUTBOX.
    Builder.BuilderAddTableByColumns notifications =
        v01.addTableByColumns("20261221.3", "HUB_NOTIFICATION", "MESSAGE_ID");
    notifications.addColumn("MESSAGE_ID").nonNullable().type(ColumnTypeEnum.STRING, 36);
    notifications.addColumn("SUBSCRIPTION_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    notifications.addColumn("RESOURCE_TYPE").nonNullable().type(ColumnTypeEnum.STRING, 64);
    notifications.addColumn("RESOURCE_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    notifications.addColumn("RESOURCE_VERSION").nonNullable().type(ColumnTypeEnum.LONG);
    notifications.addColumn("MATCHING").nonNullable().type(ColumnTypeEnum.STRING, 16);
    notifications.addColumn("STATE").nonNullable().type(ColumnTypeEnum.STRING, 16);
    notifications.addColumn("ATTEMPTS").nonNullable().type(ColumnTypeEnum.INT);
    notifications.addColumn("CREATED_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    notifications.addColumn("NEXT_ATTEMPT_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    notifications.addColumn("SENT_AT").nullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    notifications.addColumn("LEASE_UNTIL").nullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    notifications.addColumn("LEASE_OWNER").nullable().type(ColumnTypeEnum.STRING, 64);
    notifications.addColumn("LAST_ERROR").nullable().type(ColumnTypeEnum.STRING, 500);
    v01.onTable("HUB_NOTIFICATION")
        .addIndex("20261221.4", "IDX_HUB_NOTIFICATION_DUE")
        .unique(false)
        .withColumns("STATE", "NEXT_ATTEMPT_AT");
    v01.onTable("HUB_NOTIFICATION")
        .addIndex("20261221.5", "IDX_HUB_NOTIFICATION_SUB")
        .unique(false)
        .withColumns("SUBSCRIPTION_ID", "CREATED_AT");

    // One row per identifier that must name one resource only (a Practitioner's IDNPS or SAS
    // regulator UUID), keyed by a digest of system|value: the writes of that identifier lock its
    // row and run one after the other (IdentifierLocks). Rows are never deleted.
    Builder.BuilderAddTableByColumns identifierLocks =
        v01.addTableByColumns("20261222.1", "HUB_IDENTIFIER_LOCK", "LOCK_KEY");
    identifierLocks.addColumn("LOCK_KEY").nonNullable().type(ColumnTypeEnum.STRING, 64);

    // A Subscription's channel type: rest-hook ones are sent by any node, websocket ones by the
    // node a client is bound to (null: rest-hook, as every Subscription was before).
    v01.onTable("HUB_SUBSCRIPTION")
        .addColumn("20261223.1", "CHANNEL")
        .nullable()
        .type(ColumnTypeEnum.STRING, 16);

    // The imaging orders to send to the radiology groups' RIS as HL7 v2 (ORM^O01 / OMI^O23), one
    // row per order version to send, recorded in the transaction that stores it; leases and
    // retries as in HUB_SAS_OUTBOX.
    Builder.BuilderAddTableByColumns orders =
        v01.addTableByColumns("20261223.2", "HUB_HL7V2_OUTBOX", "MESSAGE_ID");
    orders.addColumn("MESSAGE_ID").nonNullable().type(ColumnTypeEnum.STRING, 36);
    orders.addColumn("SOURCE_CODE").nonNullable().type(ColumnTypeEnum.STRING, 64);
    orders.addColumn("SERVICE_REQUEST_ID").nonNullable().type(ColumnTypeEnum.STRING, 100);
    orders.addColumn("RESOURCE_VERSION").nonNullable().type(ColumnTypeEnum.LONG);
    orders.addColumn("STATE").nonNullable().type(ColumnTypeEnum.STRING, 16);
    orders.addColumn("ATTEMPTS").nonNullable().type(ColumnTypeEnum.INT);
    orders.addColumn("CREATED_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    orders.addColumn("NEXT_ATTEMPT_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    orders.addColumn("SENT_AT").nullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    orders.addColumn("LEASE_UNTIL").nullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    orders.addColumn("LEASE_OWNER").nullable().type(ColumnTypeEnum.STRING, 64);
    orders.addColumn("LAST_ERROR").nullable().type(ColumnTypeEnum.STRING, 500);
    v01.onTable("HUB_HL7V2_OUTBOX")
        .addIndex("20261223.3", "IDX_HUB_HL7V2_OUTBOX_DUE")
        .unique(false)
        .withColumns("STATE", "NEXT_ATTEMPT_AT");

    // The runs of the scheduled jobs that one node only must do (JobRuns): one row per job, the
    // key of its last claimed run, locked while a node claims the next one.
    Builder.BuilderAddTableByColumns jobs =
        v01.addTableByColumns("20261226.1", "HUB_JOB_RUN", "JOB_NAME");
    jobs.addColumn("JOB_NAME").nonNullable().type(ColumnTypeEnum.STRING, 64);
    jobs.addColumn("RUN_KEY").nonNullable().type(ColumnTypeEnum.STRING, 64);
    jobs.addColumn("CLAIMED_AT").nonNullable().type(ColumnTypeEnum.DATE_TIMESTAMP);
    jobs.addColumn("CLAIMED_BY").nonNullable().type(ColumnTypeEnum.STRING, 100);
  }
}
