-- The version of each workspace's contacts as search sees them (src/store/search/counts.rs):
-- every write of a contact or a tagging raises it (by one per row here), in the same
-- transaction, so a remembered search count is reused only while nothing it counted has
-- changed. PostgreSQL spreads concurrent writers over slots; SQLite has one writer and one slot.
CREATE TABLE contact_search_versions (
    workspace_id BIGINT NOT NULL,
    slot         SMALLINT NOT NULL,
    version      BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, slot)
) WITHOUT ROWID;

CREATE TRIGGER contact_search_versions_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_search_versions (workspace_id, slot, version) VALUES (new.workspace_id, 0, 1)
        ON CONFLICT (workspace_id, slot) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contact_search_versions_update AFTER UPDATE ON contacts BEGIN
    INSERT INTO contact_search_versions (workspace_id, slot, version) VALUES (new.workspace_id, 0, 1)
        ON CONFLICT (workspace_id, slot) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contact_search_versions_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contact_search_versions (workspace_id, slot, version) VALUES (old.workspace_id, 0, 1)
        ON CONFLICT (workspace_id, slot) DO UPDATE SET version = version + 1;
END;
-- A tagging's contact may be gone already (a cascade from its delete, which counted).
CREATE TRIGGER contact_search_versions_tag AFTER INSERT ON contact_tags BEGIN
    INSERT INTO contact_search_versions (workspace_id, slot, version)
        SELECT workspace_id, 0, 1 FROM contacts WHERE id = new.contact_id
        ON CONFLICT (workspace_id, slot) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contact_search_versions_untag AFTER DELETE ON contact_tags BEGIN
    INSERT INTO contact_search_versions (workspace_id, slot, version)
        SELECT workspace_id, 0, 1 FROM contacts WHERE id = old.contact_id
        ON CONFLICT (workspace_id, slot) DO UPDATE SET version = version + 1;
END;
