-- Two row triggers become statement triggers over the inserted rows (transition tables), so
-- that a multi-row INSERT or a COPY (`switchboard import`) does their work in one set-based
-- statement instead of once per row. What they write is unchanged, for single writes too.
--
-- companies.last_request_at on attach: a batch attaching 5,000 contacts to the same company
-- updated that company's row 5,000 times in one transaction, each update walking the row's
-- ever longer chain of versions; now each company is raised once, to the latest last_seen_at
-- of the contacts the statement attached.
DROP TRIGGER companies_last_request_on_attach ON contact_companies;
CREATE OR REPLACE FUNCTION companies_last_request_on_attach() RETURNS trigger AS $$
BEGIN
    UPDATE companies c SET last_request_at = s.last_seen_at
    FROM (SELECT a.company_id, max(t.last_seen_at) AS last_seen_at
          FROM attached AS a JOIN contacts AS t ON t.id = a.contact_id
          WHERE t.last_seen_at IS NOT NULL
          GROUP BY a.company_id) AS s
    WHERE c.id = s.company_id AND (c.last_request_at IS NULL OR c.last_request_at < s.last_seen_at);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER companies_last_request_on_attach AFTER INSERT ON contact_companies
    REFERENCING NEW TABLE AS attached
    FOR EACH STATEMENT EXECUTE FUNCTION companies_last_request_on_attach();

-- The typed custom-attribute index on insert (migration 0022): one INSERT ... SELECT over the
-- new rows instead of a PL/pgSQL call per row. Updates and deletes stay row triggers.
-- TG_ARGV[0] is the owner's model.
CREATE FUNCTION custom_attribute_values_insert_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT o.workspace_id, TG_ARGV[0]::smallint, o.id, e.key,
           CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::numeric END,
           CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                      WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END,
           CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{}')::boolean END
    FROM inserted AS o, jsonb_each(o.custom_attributes) AS e
    WHERE o.custom_attributes <> '{}'::jsonb AND jsonb_typeof(e.value) <> 'null';
    RETURN NULL;
END $$;

DROP TRIGGER contacts_attribute_values_insert ON contacts;
CREATE TRIGGER contacts_attribute_values_insert AFTER INSERT ON contacts
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION custom_attribute_values_insert_rows('1');
