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
  }
}
