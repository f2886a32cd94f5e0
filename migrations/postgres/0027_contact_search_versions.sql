-- The version of each workspace's contacts as search sees them (src/store/search/counts.rs):
-- every transaction that writes a contact or a tagging adds one to one slot of its workspace,
-- so a remembered search count is reused only while nothing it counted has changed.
--
-- The triggers are deferred to commit and add one per workspace per transaction (a
-- transaction-local setting remembers it): the slot's row lock is then the last lock a
-- writer takes, so it cannot close a deadlock, and it is held only while the commit lasts.
-- The slot is the backend's pid modulo 8, so concurrent writers of one workspace rarely wait
-- on each other.
CREATE TABLE contact_search_versions (
    workspace_id BIGINT NOT NULL,
    slot         SMALLINT NOT NULL,
    version      BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, slot)
);

CREATE FUNCTION contact_search_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ws BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'contacts' THEN
        ws := CASE TG_OP WHEN 'DELETE' THEN OLD.workspace_id ELSE NEW.workspace_id END;
    ELSE
        -- A tagging's contact may be gone already (a cascade from its delete, which counted).
        SELECT c.workspace_id INTO ws FROM contacts c
            WHERE c.id = CASE TG_OP WHEN 'DELETE' THEN OLD.contact_id ELSE NEW.contact_id END;
    END IF;
    IF ws IS NULL OR current_setting('switchboard.contacts_changed_' || ws, true) = 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('switchboard.contacts_changed_' || ws, 'yes', true);
    INSERT INTO contact_search_versions (workspace_id, slot, version)
        VALUES (ws, pg_backend_pid() % 8, 1)
        ON CONFLICT (workspace_id, slot)
        DO UPDATE SET version = contact_search_versions.version + 1;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER contact_search_versions_contacts
    AFTER INSERT OR UPDATE OR DELETE ON contacts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION contact_search_versions_bump();
CREATE CONSTRAINT TRIGGER contact_search_versions_taggings
    AFTER INSERT OR DELETE ON contact_tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION contact_search_versions_bump();
