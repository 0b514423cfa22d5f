-- History pulled from a CRM (bin/l2r import-crm, POST /api/admin/crm-imports): one row per import, with where it is.
-- phase names what is being read (HubSpot deals then contacts, Salesforce OpportunityHistory then LeadHistory,
-- Pipedrive deals) and cursor the vendor's position inside it (HubSpot's after, Salesforce's nextRecordsUrl,
-- Pipedrive's deals cursor); both are written in the transaction that records a page's changes, so a restart
-- continues after the last page recorded. The counts are written in that transaction too.
CREATE TABLE crm_import (
    id          bigserial   PRIMARY KEY,
    source      text        NOT NULL,
    state       text        NOT NULL,
    since       timestamptz,
    phase       text        NOT NULL,
    cursor      text,
    pages       bigint      NOT NULL DEFAULT 0,
    records     bigint      NOT NULL DEFAULT 0,
    recorded    bigint      NOT NULL DEFAULT 0,
    unchanged   bigint      NOT NULL DEFAULT 0,
    duplicates  bigint      NOT NULL DEFAULT 0,
    parked      bigint      NOT NULL DEFAULT 0,
    refused     bigint      NOT NULL DEFAULT 0,
    error       text,
    started_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    finished_at timestamptz
);
-- one import per source at a time: a second start meets this index (409)
CREATE UNIQUE INDEX crm_import_running ON crm_import (source) WHERE state = 'RUNNING';
