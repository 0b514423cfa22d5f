-- Which leads' projected rows changed since a revision, so that the service's in-memory history (store/HistoryCache)
-- re-reads only those instead of every row on each request. Kept by triggers, so that every writer (the projector,
-- an erasure's move to a surrogate, a rebuild, a test's TRUNCATE) is seen without having to remember to say so.
-- An erasure (rows moved to a surrogate id) and a TRUNCATE mark a reset instead: the next reader reads everything.
-- A statement that changes rows bumps the revision; updating the single row serialises the writers until they
-- commit, so a reader that sees revision r has seen every change up to r.
CREATE TABLE projection_revision (
    id              int    PRIMARY KEY CHECK (id = 1),
    revision        bigint NOT NULL,
    -- the revision of the last TRUNCATE: a reader that knew an earlier one reloads everything
    reset_revision  bigint NOT NULL
);
INSERT INTO projection_revision VALUES (1, 0, 0);

CREATE TABLE lead_change (
    lead_id   text   PRIMARY KEY,
    revision  bigint NOT NULL
);
CREATE INDEX lead_change_revision ON lead_change (revision);

CREATE FUNCTION note_lead_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
        UPDATE projection_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision INTO r;
        INSERT INTO lead_change SELECT DISTINCT lead_id, r FROM new_rows
            ON CONFLICT (lead_id) DO UPDATE SET revision = EXCLUDED.revision;
    ELSIF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
        UPDATE projection_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision INTO r;
        INSERT INTO lead_change SELECT DISTINCT lead_id, r FROM old_rows
            ON CONFLICT (lead_id) DO UPDATE SET revision = EXCLUDED.revision;
    ELSE
        -- only an erasure updates these tables (its rows move to a surrogate id): the erased ids (the lead's and
        -- those merged into it) may be kept nowhere, not even here, so the change says "read everything again" and
        -- the ids noted so far, which a reader that reads everything does not need, go
        IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
        DELETE FROM lead_change;
        UPDATE projection_revision SET revision = revision + 1, reset_revision = revision + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION note_projection_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE projection_revision SET revision = revision + 1, reset_revision = revision + 1 WHERE id = 1;
    DELETE FROM lead_change;
    RETURN NULL;
END $$;

-- transition tables allow one event per trigger: three per table, and one for TRUNCATE. A function, so that a
-- rebuild's tables swapped in (rebuild/Rebuilder) get the same triggers.
CREATE FUNCTION note_changes_on(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER %1$s_inserted AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows '
        'FOR EACH STATEMENT EXECUTE FUNCTION note_lead_change()', t);
    EXECUTE format('CREATE TRIGGER %1$s_deleted AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows '
        'FOR EACH STATEMENT EXECUTE FUNCTION note_lead_change()', t);
    EXECUTE format('CREATE TRIGGER %1$s_updated AFTER UPDATE ON %1$I REFERENCING OLD TABLE AS old_rows '
        'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_lead_change()', t);
    EXECUTE format('CREATE TRIGGER %1$s_truncated AFTER TRUNCATE ON %1$I '
        'FOR EACH STATEMENT EXECUTE FUNCTION note_projection_reset()', t);
END $$;

SELECT note_changes_on(t) FROM unnest(ARRAY['lead_state', 'stage_spell', 'lead_close', 'lead_arrival']) AS t;
